import { z } from 'zod';
import type { components, paths } from '../inbox/openapi.js';
import { builder } from './builder.js';
import { write } from './payloads.js';
import { ProspectRef } from './prospect.js';
import { batch, jsonObject, rawInboxId, text, validate, xUserId } from './validation.js';

/**
 * Lead lists (CONTRACT §8.8). v1 documents only these writes, partly: there is no list read, so lists are
 * named by their raw Inbox id, and answers the docs leave open are passed through as JSON.
 */

type ImportJob = components['schemas']['ImportJob'];
type ListLeadAnswer =
  paths['/lists/{listId}/leads/{platformId}']['patch']['responses'][200]['content']['application/json'];

const ImportJobStatusEnum = builder.enumType('ImportJobStatus', {
  description: 'Progress of an import job.',
  values: {
    QUEUED: { value: 'queued', description: 'Waiting to start.' },
    STARTING: { value: 'starting', description: 'Starting.' },
    RUNNING: { value: 'running', description: 'Importing.' },
    PAUSED: { value: 'paused', description: 'Paused.' },
    COMPLETED: { value: 'completed', description: 'Done.' },
    FAILED: { value: 'failed', description: 'Stopped by an error (see `error`).' },
    CANCELED: { value: 'canceled', description: 'Canceled.' },
  } as const,
});

const ImportJobRef = builder.objectRef<ImportJob>('ImportJob');
ImportJobRef.implement({
  description:
    'An asynchronous import of leads into a list. v1 documents no read of a job, so this is its state ' +
    'when it was created (usually queued).',
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'Raw Inbox id of the job.' }),
    type: t.exposeString('type', { description: 'The importer, e.g. `csv`, `followers`, `likes`.' }),
    status: t.expose('status', { type: ImportJobStatusEnum, description: 'Progress.' }),
    totalCount: t.exposeInt('totalCount', { nullable: true, description: 'Rows to import, when known.' }),
    processedCount: t.exposeInt('processedCount', { description: 'Rows handled so far.' }),
    addedCount: t.exposeInt('addedCount', { description: 'Leads added.' }),
    skippedCount: t.exposeInt('skippedCount', { description: 'Rows skipped (already in the list).' }),
    failedCount: t.exposeInt('failedCount', { description: 'Rows that could not be imported.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why the job failed, if it did.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'Last progress.' }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it finished.',
    }),
  }),
});

const AddListLeadsPayloadRef =
  builder.objectRef<components['schemas']['AddListLeadsResult']>('AddListLeadsPayload');
AddListLeadsPayloadRef.implement({
  description: 'What became of each X user id given to `addListLeads`.',
  fields: (t) => ({
    added: t.exposeStringList('added', { description: 'Newly added.' }),
    skipped: t.exposeStringList('skipped', { description: 'Already in the list.' }),
    failed: t.exposeStringList('failed', {
      description: 'Could not be resolved on X (suspended or deleted accounts).',
    }),
  }),
});

const RemoveListLeadsPayloadRef =
  builder.objectRef<components['schemas']['RemoveListLeadsResult']>('RemoveListLeadsPayload');
RemoveListLeadsPayloadRef.implement({
  description: 'The answer to `removeListLeads`.',
  fields: (t) => ({
    removed: t.exposeInt('removed', { description: 'Leads removed (ids not in the list are ignored).' }),
  }),
});

const UpdateListLeadPayloadRef = builder.objectRef<{ platformId: string; lead: ListLeadAnswer }>(
  'UpdateListLeadPayload',
);
UpdateListLeadPayloadRef.implement({
  description: 'The answer to `updateListLead`.',
  fields: (t) => ({
    platformId: t.exposeString('platformId', { description: 'X user id of the lead.' }),
    prospect: t.field({
      type: ProspectRef,
      nullable: true,
      description:
        'The lead as a prospect of the team (`GET /prospects/lookup` when selected); `null` for people ' +
        'the team has never talked to.',
      resolve: (payload, _args, context) => context.loaders.prospectByPlatformId.load(payload.platformId),
    }),
    lead: t.expose('lead', {
      type: 'JSON',
      description: 'The Inbox API’s answer as sent: `{prospect, …}` (its other keys are undocumented).',
    }),
  }),
});

const ImportJobPayloadRef = builder.objectRef<{ importJob: ImportJob }>('ImportJobPayload');
ImportJobPayloadRef.implement({
  description: 'The answer to `createListImportJob`.',
  fields: (t) => ({
    importJob: t.expose('importJob', {
      type: ImportJobRef,
      nullable: true,
      description: 'The new job (the write’s own answer).',
    }),
  }),
});

const ListLeadsInputRef = builder.inputType('ListLeadsInput', {
  description: 'X users to add to or remove from a lead list.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of the list.' }),
    platformIds: t.stringList({ required: true, description: 'X user ids, 1–2000.' }),
  }),
});

const UpdateListLeadInputRef = builder.inputType('UpdateListLeadInput', {
  description: 'Column values of one lead of a list.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of the list.' }),
    platformId: t.string({ required: true, description: 'X user id of the lead.' }),
    data: t.field({
      type: 'JSON',
      required: true,
      description: 'Column values keyed by column id, e.g. `{"custom_…": "CTO"}` (a JSON object).',
    }),
  }),
});

const CsvColumnMappingInputRef = builder.inputType('CsvColumnMappingInput', {
  description: 'Which list column a CSV column fills.',
  fields: (t) => ({
    csvHeader: t.string({ required: true, description: 'Header of the CSV column.' }),
    targetColumnId: t.string({ required: true, description: 'Id of the list column.' }),
  }),
});

const CsvImportInputRef = builder.inputType('CsvImportInput', {
  description: 'The CSV importer’s settings.',
  fields: (t) => ({
    content: t.string({ required: true, description: 'The CSV text, header row first.' }),
    fileName: t.string({ description: 'File name, shown in the Inbox app.' }),
    columnMapping: t.field({ type: [CsvColumnMappingInputRef], description: 'CSV columns → list columns.' }),
    mergeStrategy: t.string({ description: 'How to treat leads already in the list, e.g. `overwrite`.' }),
  }),
});

const CreateListImportJobInputRef = builder.inputType('CreateListImportJobInput', {
  description:
    'Starts an import into a lead list (`POST /lists/{id}/import-jobs`). Only the CSV importer is ' +
    'documented upstream; other importers take their settings in `options`.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of the list.' }),
    type: t.string({ required: true, description: 'The importer: `csv`, `followers`, `likes`, …' }),
    csv: t.field({ type: CsvImportInputRef, description: 'Required for (and only for) `type: "csv"`.' }),
    options: t.field({
      type: 'JSON',
      description: 'Further settings of the importer, sent as they are (a JSON object).',
    }),
  }),
});

const listId = rawInboxId('list');
const leadsInput = z.object({ listId, platformIds: batch(xUserId) });
const leadInput = z.object({ listId, platformId: xUserId, data: jsonObject });
const importInput = z
  .object({
    listId,
    type: text(64),
    csv: z
      .object({
        content: z.string().refine((value) => value.trim() !== '', { error: 'must not be empty' }),
        fileName: text(255).nullish(),
        columnMapping: z.array(z.object({ csvHeader: text(255), targetColumnId: text(128) })).nullish(),
        mergeStrategy: text(64).nullish(),
      })
      .nullish(),
    options: jsonObject.nullish(),
  })
  .superRefine((input, context) => {
    if ((input.type === 'csv') !== Boolean(input.csv)) {
      context.issues.push({
        code: 'custom',
        path: ['csv'],
        message: input.csv ? 'is only for `type: "csv"`' : 'is required for `type: "csv"`',
        input: input.csv,
      });
    }
  });

builder.mutationFields((t) => ({
  addListLeads: t.field({
    type: AddListLeadsPayloadRef,
    description: 'Adds X users to a lead list (`POST /lists/{id}/leads`). Partly documented upstream.',
    args: {
      input: t.arg({ type: ListLeadsInputRef, required: true, description: 'The list and the users.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { listId, platformIds } = validate(leadsInput, input);
      return write(context, () =>
        context.inbox.post('/lists/{listId}/leads', { path: { listId }, body: { platformIds } }),
      );
    },
  }),
  removeListLeads: t.field({
    type: RemoveListLeadsPayloadRef,
    description: 'Removes X users from a lead list (`DELETE /lists/{id}/leads`). Partly documented upstream.',
    args: {
      input: t.arg({ type: ListLeadsInputRef, required: true, description: 'The list and the users.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { listId, platformIds } = validate(leadsInput, input);
      return write(context, () =>
        context.inbox.delete('/lists/{listId}/leads', { path: { listId }, body: { platformIds } }),
      );
    },
  }),
  updateListLead: t.field({
    type: UpdateListLeadPayloadRef,
    description:
      'Sets column values of one lead of a list (`PATCH /lists/{id}/leads/{platformId}`). ' +
      'Partly documented upstream.',
    args: { input: t.arg({ type: UpdateListLeadInputRef, required: true, description: 'The values.' }) },
    resolve: async (_root, { input }, context) => {
      const { listId, platformId, data } = validate(leadInput, input);
      const lead = await write(context, () =>
        context.inbox.patch('/lists/{listId}/leads/{platformId}', {
          path: { listId, platformId },
          body: { data },
        }),
      );
      return { platformId, lead };
    },
  }),
  createListImportJob: t.field({
    type: ImportJobPayloadRef,
    description:
      'Starts an asynchronous import into a lead list (`POST /lists/{id}/import-jobs`). ' +
      'Partly documented upstream (only the CSV importer).',
    args: {
      input: t.arg({ type: CreateListImportJobInputRef, required: true, description: 'The import.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { listId, type, csv, options } = validate(importInput, input);
      const csvSettings = csv && {
        content: csv.content,
        ...(csv.fileName && { fileName: csv.fileName }),
        ...(csv.columnMapping && { columnMapping: csv.columnMapping }),
        ...(csv.mergeStrategy && { mergeStrategy: csv.mergeStrategy }),
      };
      const importJob = await write(context, () =>
        context.inbox.post('/lists/{listId}/import-jobs', {
          path: { listId },
          body: { data: { ...options, ...csvSettings, type } },
        }),
      );
      return { importJob };
    },
  }),
}));
