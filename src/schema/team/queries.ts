import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { inboxId } from '../../graphql/inputs.js';
import { lookAhead } from '../../graphql/look-ahead-hints.js';
import { AccountLinkObject, MemberObject, TeamObject } from '../refs.js';

builder.queryFields((t) => ({
  team: t.field({
    type: TeamObject,
    nullable: true,
    complexity: UPSTREAM_COST.fromCollection('team'),
    extensions: lookAhead({ readsTeam: true }),
    description: 'The team of the API token sent in `Authorization`. One call to `GET /team`.',
    resolve: (_root, _args, context) => context.inbox.team.get(),
  }),
  members: t.field({
    type: [MemberObject],
    nullable: true,
    complexity: UPSTREAM_COST.collection('members'),
    description:
      'Every member of the team. One `GET /members`, shared by every member lookup of the request.',
    resolve: (_root, _args, context) => context.inbox.members.all(),
  }),
  member: t.field({
    type: MemberObject,
    nullable: true,
    complexity: UPSTREAM_COST.fromCollection('members'),
    description: 'A member by global or raw Inbox id; `null` if the team has no such member.',
    args: {
      id: t.arg
        .id({ required: true, description: 'Global `id` or raw `inboxId`.' })
        .validate(inboxId('Member')),
    },
    resolve: (_root, { id }, context) => context.inbox.members.byId(id),
  }),
  accountLinks: t.field({
    type: [AccountLinkObject],
    nullable: true,
    complexity: UPSTREAM_COST.collection('accountLinks'),
    description: 'Every account link of the team. One `GET /account-links`, shared by the whole request.',
    resolve: (_root, _args, context) => context.inbox.accountLinks.all(),
  }),
  accountLink: t.field({
    type: AccountLinkObject,
    nullable: true,
    complexity: UPSTREAM_COST.fromCollection('account-links'),
    description: 'An account link by global or raw Inbox id; `null` if the team has none such.',
    args: {
      id: t.arg
        .id({ required: true, description: 'Global `id` or raw `inboxId`.' })
        .validate(inboxId('AccountLink')),
    },
    resolve: (_root, { id }, context) => context.inbox.accountLinks.byId(id),
  }),
}));
