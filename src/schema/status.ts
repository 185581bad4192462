import { z } from 'zod';
import type { Status } from '../inbox/types.js';
import { builder } from './builder.js';
import { encodeGlobalID, parseInboxId } from './ids.js';
import { DeleteInputRef, DeletePayloadRef, write } from './payloads.js';
import { assertColor, color, inboxId, NOT_NULL, validate, validName } from './validation.js';

export const StatusRef = builder.objectRef<Status>('Status');

builder.node(StatusRef, {
  description: 'A pipeline stage of a prospect (at most one per prospect).',
  id: { resolve: (status) => status.id },
  loadOne: (id, context) => context.loaders.statuses.byId.load(id),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the status.' }),
    name: t.exposeString('name', { description: 'Name, unique in the team (1–255 characters).' }),
    color: t.exposeString('color', { nullable: true, description: 'Palette name or hex value, if set.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
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

// ---------------------------------------------------------------- mutations

const StatusPayloadRef = builder.objectRef<{ status: Status }>('StatusPayload');
StatusPayloadRef.implement({
  description: 'The answer to a status write: the status as it is now.',
  fields: (t) => ({
    status: t.expose('status', {
      type: StatusRef,
      nullable: true,
      description: 'The status, with its global `id`, as the Inbox API answered the write (no extra call).',
    }),
  }),
});

const CreateStatusInputRef = builder.inputType('CreateStatusInput', {
  description: 'A new status.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Name, 1–255 characters, unique in the team.' }),
    color: t.string({
      description:
        'A hex color (`#ef4444`, `#f44`) or a palette name from `colors`; left out or `null`: none.',
    }),
  }),
});

const UpdateStatusInputRef = builder.inputType('UpdateStatusInput', {
  description: 'Renames or recolors a status. Fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the status.' }),
    name: t.string({ description: 'New name, 1–255 characters, unique in the team.' }),
    color: t.string({ description: 'New color: hex or palette name; `null` removes it.' }),
  }),
});

const createStatusInput = z.object({ name: validName(), color: color.nullable().optional() });
const updateStatusInput = z.object({
  id: inboxId('Status'),
  name: validName(NOT_NULL).optional(),
  color: color.nullable().optional(),
});
const deleteStatusInput = z.object({ id: inboxId('Status') });

builder.mutationFields((t) => ({
  createStatus: t.field({
    type: StatusPayloadRef,
    description: 'Creates a status (`POST /statuses`). A name the team already uses gives CONFLICT.',
    args: { input: t.arg({ type: CreateStatusInputRef, required: true, description: 'The status.' }) },
    resolve: async (_root, { input }, context) => {
      const body = validate(createStatusInput, input);
      await assertColor(context, body.color, 'input.color');
      const status = await write(context, () => context.inbox.post('/statuses', { body }), ['statuses']);
      return { status };
    },
  }),
  updateStatus: t.field({
    type: StatusPayloadRef,
    description:
      'Renames or recolors a status (`PATCH /statuses/{id}`). A name the team already uses gives CONFLICT.',
    args: { input: t.arg({ type: UpdateStatusInputRef, required: true, description: 'What to change.' }) },
    resolve: async (_root, { input }, context) => {
      const { id, ...body } = validate(updateStatusInput, input);
      await assertColor(context, body.color, 'input.color');
      const status = await write(
        context,
        () => context.inbox.patch('/statuses/{statusId}', { path: { statusId: id }, body }),
        ['statuses'],
      );
      return { status };
    },
  }),
  deleteStatus: t.field({
    type: DeletePayloadRef,
    description: 'Deletes a status (`DELETE /statuses/{id}`): prospects that had it have none afterwards.',
    args: { input: t.arg({ type: DeleteInputRef, required: true, description: 'The status.' }) },
    resolve: async (_root, { input }, context) => {
      const { id } = validate(deleteStatusInput, input);
      await write(context, () => context.inbox.delete('/statuses/{statusId}', { path: { statusId: id } }), [
        'statuses',
      ]);
      return { deletedId: encodeGlobalID('Status', id) };
    },
  }),
}));
