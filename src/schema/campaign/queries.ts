import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { inboxId } from '../../graphql/inputs.js';
import { CampaignObject } from '../refs.js';

builder.queryField('campaign', (t) =>
  t.field({
    type: CampaignObject,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description: 'A campaign by global or raw Inbox id (`GET /campaigns/{id}`).',
    args: {
      id: t.arg
        .id({ required: true, description: 'Global `id` or raw `inboxId`.' })
        .validate(inboxId('Campaign')),
    },
    resolve: (_root, { id }, context) => context.inbox.campaigns.byId(id),
  }),
);
