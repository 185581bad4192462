import { z } from 'zod';
import { builder } from '../../graphql/builder.js';
import { batch, jsonObject, rawInboxId, text, validateWhole, xUserId } from '../../graphql/inputs.js';
import { atMostOnce, clientMutationIdInput } from '../../writes/client-mutation-id.js';
import {
  AddListLeadsPayload,
  ImportJobPayload,
  RemoveListLeadsPayload,
  UpdateListLeadPayload,
} from './types.js';

const listId = rawInboxId('list');

const ListLeadsInput = builder.inputType('ListLeadsInput', {
  description: 'X users to add to or remove from a lead list.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of the list.' }).validate(listId),
    platformIds: t
      .stringList({ required: true, description: 'X user ids, 1–2000.' })
      .validate(batch(xUserId)),
    clientMutationId: clientMutationIdInput(t),
  }),
});

const UpdateListLeadInput = builder.inputType('UpdateListLeadInput', {
  description: 'Column values of one lead of a list.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of the list.' }).validate(listId),
    platformId: t.string({ required: true, description: 'X user id of the lead.' }).validate(xUserId),
    data: t
      .field({
        type: 'JSON',
        required: true,
        description: 'Column values keyed by column id, e.g. `{"custom_…": "CTO"}` (a JSON object).',
      })
      .validate(jsonObject),
  }),
});

const CsvColumnMappingInput = builder.inputType('CsvColumnMappingInput', {
  description: 'Which list column a CSV column fills.',
  fields: (t) => ({
    csvHeader: t.string({ required: true, description: 'Header of the CSV column.' }).validate(text(255)),
    targetColumnId: t.string({ required: true, description: 'Id of the list column.' }).validate(text(128)),
  }),
});

const CsvImportInput = builder.inputType('CsvImportInput', {
  description: 'The CSV importer’s settings.',
  fields: (t) => ({
    content: t
      .string({ required: true, description: 'The CSV text, header row first.' })
      .validate(z.string().refine((value) => value.trim() !== '', { error: 'must not be empty' })),
    fileName: t.string({ description: 'File name, shown in the Inbox app.' }).validate(text(255).nullish()),
    columnMapping: t.field({ type: [CsvColumnMappingInput], description: 'CSV columns → list columns.' }),
    mergeStrategy: t
      .string({ description: 'How to treat leads already in the list, e.g. `overwrite`.' })
      .validate(text(64).nullish()),
  }),
});

const CreateListImportJobInput = validateWhole(
  builder.inputType('CreateListImportJobInput', {
    description:
      'Starts an import into a lead list (`POST /lists/{id}/import-jobs`). Only the CSV importer is ' +
      'documented upstream; other importers take their settings in `options`.',
    fields: (t) => ({
      listId: t.id({ required: true, description: 'Inbox id of the list.' }).validate(listId),
      type: t
        .string({ required: true, description: 'The importer: `csv`, `followers`, `likes`, …' })
        .validate(text(64)),
      csv: t.field({ type: CsvImportInput, description: 'Required for (and only for) `type: "csv"`.' }),
      options: t
        .field({
          type: 'JSON',
          description: 'Further settings of the importer, sent as they are (a JSON object).',
        })
        .validate(jsonObject.nullish()),
      clientMutationId: clientMutationIdInput(t),
    }),
  }),
  (shape) =>
    shape.superRefine((input, context) => {
      if ((input.type === 'csv') !== Boolean(input.csv)) {
        context.issues.push({
          code: 'custom',
          path: ['csv'],
          message: input.csv ? 'is only for `type: "csv"`' : 'is required for `type: "csv"`',
          input: input.csv,
        });
      }
    }),
);

builder.mutationFields((t) => ({
  addListLeads: t.field({
    type: AddListLeadsPayload,
    nullable: true,
    description: 'Adds X users to a lead list (`POST /lists/{id}/leads`). Partly documented upstream.',
    args: { input: t.arg({ type: ListLeadsInput, required: true, description: 'The list and the users.' }) },
    resolve: async (_root, { input }, context) => ({
      ...(await atMostOnce(context, 'addListLeads', input, () =>
        context.inbox.lists.addLeads(input.listId, input.platformIds),
      )),
      clientMutationId: input.clientMutationId,
    }),
  }),
  removeListLeads: t.field({
    type: RemoveListLeadsPayload,
    nullable: true,
    description: 'Removes X users from a lead list (`DELETE /lists/{id}/leads`). Partly documented upstream.',
    args: { input: t.arg({ type: ListLeadsInput, required: true, description: 'The list and the users.' }) },
    resolve: async (_root, { input }, context) => ({
      ...(await atMostOnce(context, 'removeListLeads', input, () =>
        context.inbox.lists.removeLeads(input.listId, input.platformIds),
      )),
      clientMutationId: input.clientMutationId,
    }),
  }),
  updateListLead: t.field({
    type: UpdateListLeadPayload,
    nullable: true,
    description:
      'Sets column values of one lead of a list (`PATCH /lists/{id}/leads/{platformId}`). ' +
      'Partly documented upstream.',
    args: { input: t.arg({ type: UpdateListLeadInput, required: true, description: 'The values.' }) },
    resolve: async (_root, { input: { listId, platformId, data } }, context) => ({
      platformId,
      lead: await context.inbox.lists.updateLead(listId, platformId, data),
    }),
  }),
  createListImportJob: t.field({
    type: ImportJobPayload,
    nullable: true,
    description:
      'Starts an asynchronous import into a lead list (`POST /lists/{id}/import-jobs`). ' +
      'Partly documented upstream (only the CSV importer).',
    args: {
      input: t.arg({ type: CreateListImportJobInput, required: true, description: 'The import.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { listId, clientMutationId, ...settings } = input;
      const importJob = await atMostOnce(context, 'createListImportJob', input, () =>
        context.inbox.lists.createImportJob(listId, settings),
      );
      return { importJob, clientMutationId };
    },
  }),
}));
