import type { Tag } from '../inbox/types.js';
import { builder } from './builder.js';
import { parseInboxId } from './ids.js';

export const TagRef = builder.objectRef<Tag>('Tag');

builder.node(TagRef, {
  description: 'A label put on prospects (threads are filtered by their prospect’s tags).',
  id: { resolve: (tag) => tag.id },
  loadOne: (id, context) => context.loaders.tags.byId.load(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the tag.' }),
    name: t.exposeString('name', { description: 'Name, unique in the team (1–255 characters).' }),
    color: t.exposeString('color', {
      description: 'Palette name (e.g. `red`) or hex value (e.g. `#ef4444`).',
    }),
  }),
});

builder.queryFields((t) => ({
  tags: t.field({
    type: [TagRef],
    description: 'Every tag of the team. One `GET /tags`, shared by every tag of the request.',
    resolve: (_root, _args, context) => context.loaders.tags.all(),
  }),
  tag: t.field({
    type: TagRef,
    nullable: true,
    description: 'A tag by global or raw Inbox id; `null` if the team has no such tag.',
    args: { id: t.arg.id({ required: true, description: 'Global `id` or raw `inboxId`.' }) },
    resolve: (_root, { id }, context) => context.loaders.tags.byId.load(parseInboxId(id, 'Tag', 'id')),
  }),
}));
