import type { Status } from '../inbox/types.js';
import { builder } from './builder.js';
import { parseInboxId } from './ids.js';

export const StatusRef = builder.objectRef<Status>('Status');

builder.node(StatusRef, {
  description: 'A pipeline stage of a prospect (at most one per prospect).',
  id: { resolve: (status) => status.id },
  loadOne: (id, context) => context.loaders.statuses.byId.load(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the status.' }),
    name: t.exposeString('name', { description: 'Name, unique in the team (1–255 characters).' }),
    color: t.exposeString('color', { nullable: true, description: 'Palette name or hex value, if set.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was created.',
      resolve: (s) => s.createdAt,
    }),
  }),
});

builder.queryFields((t) => ({
  statuses: t.field({
    type: [StatusRef],
    description: 'Every status of the team. One `GET /statuses`, shared by every status of the request.',
    resolve: (_root, _args, context) => context.loaders.statuses.all(),
  }),
  status: t.field({
    type: StatusRef,
    nullable: true,
    description: 'A status by global or raw Inbox id; `null` if the team has no such status.',
    args: { id: t.arg.id({ required: true, description: 'Global `id` or raw `inboxId`.' }) },
    resolve: (_root, { id }, context) => context.loaders.statuses.byId.load(parseInboxId(id, 'Status', 'id')),
  }),
}));
