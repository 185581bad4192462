import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { prospectKey, xUserId } from '../../graphql/inputs.js';
import { ProspectObject } from '../refs.js';

builder.queryFields((t) => ({
  prospect: t.field({
    type: ProspectObject,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description: 'A prospect by global id, or by raw Inbox id (`GET /prospects/{externalId}`).',
    args: {
      id: t.arg
        .id({ required: true, description: 'Global `id` or the raw Inbox id (`inboxId`).' })
        .validate(prospectKey),
    },
    resolve: (_root, { id }, context) =>
      'externalId' in id
        ? context.inbox.prospects.byInboxId(id.externalId)
        : context.inbox.prospects.byPlatformId(id.platformId),
  }),
  prospectByPlatformId: t.field({
    type: ProspectObject,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description:
      'A prospect by X user id; `null` when the team has never interacted with them (`GET /prospects/lookup`).',
    args: {
      platformId: t.arg
        .string({ required: true, description: 'X user id (decimal string).' })
        .validate(xUserId),
    },
    resolve: (_root, { platformId }, context) => context.inbox.prospects.byPlatformId(platformId),
  }),
}));
