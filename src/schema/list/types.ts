import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { encodeGlobalID } from '../../graphql/ids.js';
import type { components } from '../../upstream/openapi.js';
import type { AnswerOf } from '../../upstream/rest-client.js';
import type { ImportJob } from '../../upstream/types.js';
import { clientMutationIdEcho } from '../../writes/client-mutation-id.js';
import { ProspectObject } from '../refs.js';

/**
 * Lead lists. v1 documents only their writes, partly: there is no list read, so lists are named by their raw
 * Inbox id, and answers the docs leave open are passed through as JSON.
 */

type ListLeadAnswer = AnswerOf<'/lists/{listId}/leads/{platformId}', 'patch'>;

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

const ImportJobObject = builder.objectRef<ImportJob>('ImportJob');
ImportJobObject.implement({
  description:
    'An asynchronous import of leads into a list. v1 documents no read of a job, so this is its state ' +
    'when it was created (usually queued).',
  fields: (t) => ({
    id: t.id({
      description: 'A stable id for client caches (v1 has no read of a job, so it is no `node` id).',
      resolve: (job) => encodeGlobalID('ImportJob', job.id),
    }),
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

export const AddListLeadsPayload = builder.objectRef<
  components['schemas']['AddListLeadsResult'] & { clientMutationId?: string | null }
>('AddListLeadsPayload');
AddListLeadsPayload.implement({
  description: 'What became of each X user id given to `addListLeads`.',
  fields: (t) => ({
    added: t.exposeStringList('added', { description: 'Newly added.' }),
    skipped: t.exposeStringList('skipped', { description: 'Already in the list.' }),
    failed: t.exposeStringList('failed', {
      description: 'Could not be resolved on X (suspended or deleted accounts).',
    }),
    clientMutationId: t.string(clientMutationIdEcho),
  }),
});

export const RemoveListLeadsPayload = builder.objectRef<
  components['schemas']['RemoveListLeadsResult'] & { clientMutationId?: string | null }
>('RemoveListLeadsPayload');
RemoveListLeadsPayload.implement({
  description: 'The answer to `removeListLeads`.',
  fields: (t) => ({
    removed: t.exposeInt('removed', { description: 'Leads removed (ids not in the list are ignored).' }),
    clientMutationId: t.string(clientMutationIdEcho),
  }),
});

export const UpdateListLeadPayload = builder.objectRef<{ platformId: string; lead: ListLeadAnswer }>(
  'UpdateListLeadPayload',
);
UpdateListLeadPayload.implement({
  description: 'The answer to `updateListLead`.',
  fields: (t) => ({
    platformId: t.exposeString('platformId', { description: 'X user id of the lead.' }),
    prospect: t.field({
      type: ProspectObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description:
        'The lead as a prospect of the team (`GET /prospects/lookup` when selected); `null` for people ' +
        'the team has never talked to.',
      resolve: (payload, _args, context) => context.inbox.prospects.byPlatformId(payload.platformId),
    }),
    lead: t.expose('lead', {
      type: 'JSON',
      description: 'The Inbox API’s answer as sent: `{prospect, …}` (its other keys are undocumented).',
    }),
  }),
});

export const ImportJobPayload = builder.objectRef<{ importJob: ImportJob; clientMutationId?: string | null }>(
  'ImportJobPayload',
);
ImportJobPayload.implement({
  description: 'The answer to `createListImportJob`.',
  fields: (t) => ({
    importJob: t.expose('importJob', {
      type: ImportJobObject,
      nullable: true,
      description: 'The new job (the write’s own answer).',
    }),
    clientMutationId: t.string(clientMutationIdEcho),
  }),
});
