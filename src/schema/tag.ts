import { z } from 'zod';
import type { Tag } from '../inbox/types.js';
import { builder } from './builder.js';
import { encodeGlobalID, parseInboxId } from './ids.js';
import { DeleteInputRef, DeletePayloadRef, write } from './payloads.js';
import { assertColor, color, inboxId, NOT_NULL, validate, validName } from './validation.js';

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

// ---------------------------------------------------------------- mutations

const TagPayloadRef = builder.objectRef<{ tag: Tag }>('TagPayload');
TagPayloadRef.implement({
  description: 'The answer to a tag write: the tag as it is now.',
  fields: (t) => ({
    tag: t.expose('tag', {
      type: TagRef,
      nullable: true,
      description: 'The tag, with its global `id`, as the Inbox API answered the write (no extra call).',
    }),
  }),
});

const CreateTagInputRef = builder.inputType('CreateTagInput', {
  description: 'A new tag.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name, 1–255 characters, unique in the team.' }),
    color: t.string({
      description:
        'A hex color (`#ef4444`, `#f44`) or a palette name from `colors` (e.g. `red`). Left out or `null`: ' +
        'the Inbox API picks one.',
    }),
  }),
});

const UpdateTagInputRef = builder.inputType('UpdateTagInput', {
  description: 'Renames or recolors a tag. Fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the tag.' }),
    name: t.string({ description: 'New name, 1–255 characters, unique in the team.' }),
    color: t.string({ description: 'New color: hex or palette name; `null` resets it to the default.' }),
  }),
});

const createTagInput = z.object({ name: validName(), color: color.nullable().optional() });
const updateTagInput = z.object({
  id: inboxId('Tag'),
  name: validName(NOT_NULL).optional(),
  color: color.nullable().optional(),
});
const deleteTagInput = z.object({ id: inboxId('Tag') });

builder.mutationFields((t) => ({
  createTag: t.field({
    type: TagPayloadRef,
    description: 'Creates a tag (`POST /tags`). A name the team already uses gives CONFLICT.',
    args: { input: t.arg({ type: CreateTagInputRef, required: true, description: 'The tag.' }) },
    resolve: async (_root, { input }, context) => {
      const body = validate(createTagInput, input);
      await assertColor(context, body.color, 'input.color');
      const tag = await write(context, () => context.inbox.post('/tags', { body }), ['tags']);
      return { tag };
    },
  }),
  updateTag: t.field({
    type: TagPayloadRef,
    description:
      'Renames or recolors a tag (`PATCH /tags/{id}`). A name the team already uses gives CONFLICT.',
    args: { input: t.arg({ type: UpdateTagInputRef, required: true, description: 'What to change.' }) },
    resolve: async (_root, { input }, context) => {
      const { id, ...body } = validate(updateTagInput, input);
      await assertColor(context, body.color, 'input.color');
      const tag = await write(
        context,
        () => context.inbox.patch('/tags/{tagId}', { path: { tagId: id }, body }),
        ['tags'],
      );
      return { tag };
    },
  }),
  deleteTag: t.field({
    type: DeletePayloadRef,
    description:
      'Deletes a tag (`DELETE /tags/{id}`): it disappears from every prospect. This cannot be undone.',
    args: { input: t.arg({ type: DeleteInputRef, required: true, description: 'The tag.' }) },
    resolve: async (_root, { input }, context) => {
      const { id } = validate(deleteTagInput, input);
      await write(context, () => context.inbox.delete('/tags/{tagId}', { path: { tagId: id } }), ['tags']);
      return { deletedId: encodeGlobalID('Tag', id) };
    },
  }),
}));
