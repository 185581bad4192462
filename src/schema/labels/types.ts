import { builder } from '../../graphql/builder.js';
import { byIdOrInboxId, type IdOrInboxId, referencedInboxId } from '../entities.js';
import { StatusObject, TagObject } from '../refs.js';
import { defineLabelFields } from './define-label.js';

builder.node(TagObject, {
  description: 'A label put on prospects (threads are filtered by their prospect’s tags).',
  id: { resolve: (tag) => tag.id },
  loadOne: (id, context) => context.inbox.tags.byId(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the tag.' }),
    name: t.exposeString('name', { description: 'Name, unique in the team (1–255 characters).' }),
    color: t.exposeString('color', {
      description: 'Palette name (e.g. `red`) or hex value (e.g. `#ef4444`).',
    }),
  }),
});

builder.asEntity(TagObject, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context) =>
    context.inbox.tags.byId(referencedInboxId(reference, 'Tag')),
});

defineLabelFields({
  object: TagObject,
  typename: 'Tag',
  kind: 'tags',
  singular: 'tag',
  colorOnCreate:
    'A hex color (`#ef4444`, `#f44`) or a palette name from `colors` (e.g. `red`). Left out or `null`: ' +
    'the Inbox API picks one.',
  colorOnUpdate: 'New color: hex or palette name; `null` resets it to the default.',
  onDelete: 'it disappears from every prospect. This cannot be undone.',
  operations: (inbox) => inbox.tags,
});

builder.node(StatusObject, {
  description: 'A pipeline stage of a prospect (at most one per prospect).',
  id: { resolve: (status) => status.id },
  loadOne: (id, context) => context.inbox.statuses.byId(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the status.' }),
    name: t.exposeString('name', { description: 'Name, unique in the team (1–255 characters).' }),
    color: t.exposeString('color', { nullable: true, description: 'Palette name or hex value, if set.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
  }),
});

builder.asEntity(StatusObject, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context) =>
    context.inbox.statuses.byId(referencedInboxId(reference, 'Status')),
});

defineLabelFields({
  object: StatusObject,
  typename: 'Status',
  kind: 'statuses',
  singular: 'status',
  colorOnCreate: 'A hex color (`#ef4444`, `#f44`) or a palette name from `colors`; left out or `null`: none.',
  colorOnUpdate: 'New color: hex or palette name; `null` removes it.',
  onDelete: 'prospects that had it have none afterwards.',
  operations: (inbox) => inbox.statuses,
});
