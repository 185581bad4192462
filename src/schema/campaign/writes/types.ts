import { UPSTREAM_COST } from '../../../budget/cost-declarations.js';
import { builder } from '../../../graphql/builder.js';
import type { Context } from '../../../graphql/context-type.js';
import { encodeGlobalID } from '../../../graphql/ids.js';
import type { CampaignColumn, CampaignSequence, CampaignV2 } from '../../../upstream/types.js';
import { clientMutationIdEcho } from '../../../writes/client-mutation-id.js';
import { CampaignObject } from '../../refs.js';

/**
 * What the campaign writes answer: the `/campaigns/v2/...` sub-API has its own shapes (settings, rules,
 * sequence, columns), only partly documented upstream. Shapes the docs leave open are passed through as JSON,
 * and every description says what is known.
 */

type Rules = NonNullable<CampaignV2['rules']>;

/** The campaign a write changed, re-read (`GET /campaigns/{id}`) only when a client selects it. */
const changedCampaign = (description: string) =>
  ({
    type: CampaignObject,
    nullable: true,
    complexity: UPSTREAM_COST.oneCall,
    description: `${description} Re-read after the write (\`GET /campaigns/{id}\`) only when selected.`,
    resolve: (payload: { campaignId: string }, _args: object, context: Context) =>
      context.inbox.campaigns.byId(payload.campaignId),
  }) as const;

const CampaignSyncedListObject =
  builder.objectRef<NonNullable<Rules['syncedLists']>[number]>('CampaignSyncedList');
CampaignSyncedListObject.implement({
  description: 'A lead list whose members flow into the campaign.',
  fields: (t) => ({
    listId: t.exposeID('listId', { nullable: true, description: 'Inbox id of the list.' }),
    listName: t.exposeString('listName', { nullable: true, description: 'Name of the list.' }),
    columnMapping: t.field({
      type: 'JSON',
      nullable: true,
      description: 'List column id → campaign column id.',
      resolve: (list) => list.columnMapping ?? null,
    }),
  }),
});

const CampaignExcludedListObject =
  builder.objectRef<NonNullable<Rules['excludedLists']>[number]>('CampaignExcludedList');
CampaignExcludedListObject.implement({
  description: 'A lead list whose members the campaign skips.',
  fields: (t) => ({
    listId: t.exposeID('listId', { nullable: true, description: 'Inbox id of the list.' }),
    listName: t.exposeString('listName', { nullable: true, description: 'Name of the list.' }),
  }),
});

const CampaignRulesObject = builder.objectRef<Rules>('CampaignRules');
CampaignRulesObject.implement({
  description: 'Which leads the campaign takes in (lead rules of `/campaigns/v2`; partly documented).',
  fields: (t) => ({
    syncedLists: t.field({
      type: [CampaignSyncedListObject],
      description: 'Lists feeding the campaign.',
      resolve: (rules) => rules.syncedLists ?? [],
    }),
    excludedLists: t.field({
      type: [CampaignExcludedListObject],
      description: 'Lists whose members are skipped.',
      resolve: (rules) => rules.excludedLists ?? [],
    }),
    excludeContacted: t.exposeBoolean('excludeContacted', {
      nullable: true,
      description: 'Skips people the team has already messaged.',
    }),
    excludeMutuals: t.exposeBoolean('excludeMutuals', {
      nullable: true,
      description: 'Skips people who follow the account link and are followed back.',
    }),
  }),
});

const CampaignSequenceStepObject =
  builder.objectRef<CampaignSequence['steps'][number]>('CampaignSequenceStep');
CampaignSequenceStepObject.implement({
  description: 'One step of a campaign sequence.',
  fields: (t) => ({
    id: t.id({
      description: 'A stable id for client caches (a new one on every replacement of the sequence).',
      resolve: (step) => encodeGlobalID('CampaignSequenceStep', step.id),
    }),
    inboxId: t.exposeID('id', { description: 'Inbox id of the step (a new one on every replacement).' }),
    rank: t.exposeInt('rank', { description: 'Position, from 1.' }),
    data: t.field({
      type: 'JSON',
      description:
        'The step as the Inbox API stores it: `{segments}` for messages, `{delaySeconds, unit}` for delays.',
      resolve: (step) => step.data,
    }),
  }),
});

const CampaignSequenceObject = builder.objectRef<CampaignSequence>('CampaignSequence');
CampaignSequenceObject.implement({
  description: 'The steps a campaign runs through for each lead.',
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'Grows by one on every replacement.' }),
    steps: t.expose('steps', { type: [CampaignSequenceStepObject], description: 'In order.' }),
  }),
});

const CampaignSettingsObject = builder.objectRef<CampaignV2>('CampaignSettings');
CampaignSettingsObject.implement({
  description:
    'A campaign as the `/campaigns/v2` endpoints return it (`CampaignV2`): `enabled` instead of a status, ' +
    'plus lead rules and the sequence. Partly documented upstream.',
  fields: (t) => ({
    id: t.id({
      description: 'A stable id for client caches (the `Campaign` of the same campaign has its own).',
      resolve: (settings) => encodeGlobalID('CampaignSettings', settings.id),
    }),
    inboxId: t.exposeID('id', { description: 'Raw Inbox id of the campaign.' }),
    enabled: t.exposeBoolean('enabled', { description: 'Sending (an enabled draft becomes active).' }),
    isSyncing: t.exposeBoolean('isSyncing', { nullable: true, description: 'Leads are still being synced.' }),
    scopeAssessedCount: t.exposeInt('scopeAssessedCount', {
      nullable: true,
      description: 'Leads assessed against the rules so far.',
    }),
    rules: t.field({
      type: CampaignRulesObject,
      nullable: true,
      description: 'Lead rules.',
      resolve: (campaign) => campaign.rules ?? null,
    }),
    sequence: t.field({
      type: CampaignSequenceObject,
      nullable: true,
      description: 'The steps.',
      resolve: (campaign) => campaign.sequence ?? null,
    }),
  }),
});

const CampaignColumnObject = builder.objectRef<CampaignColumn>('CampaignColumn');
CampaignColumnObject.implement({
  description: 'A data column of a campaign’s leads (e.g. `custom_…`), usable as a message variable.',
  fields: (t) => ({
    id: t.id({
      description: 'A stable id for client caches.',
      resolve: (column) => encodeGlobalID('CampaignColumn', column.id),
    }),
    inboxId: t.exposeID('id', { description: 'Id of the column, e.g. `custom_<cuid>`.' }),
    name: t.exposeString('name', { description: 'Name, 1–255 characters.' }),
    description: t.exposeString('description', { nullable: true, description: 'Description, if any.' }),
    type: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Data type as the API sends it (e.g. `text`; the value set is undocumented).',
      resolve: (column) => column.type ?? null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'Last change.' }),
  }),
});

export const EnableCampaignPayload = builder.objectRef<{ campaignId: string; settings: CampaignV2 }>(
  'EnableCampaignPayload',
);
EnableCampaignPayload.implement({
  description: 'The answer to `enableCampaign`.',
  fields: (t) => ({
    campaign: t.field(changedCampaign('The campaign, now `active`, with its global `id`.')),
    settings: t.expose('settings', {
      type: CampaignSettingsObject,
      description: 'The write’s own answer (`CampaignV2`), at no extra cost.',
    }),
  }),
});

export const AddCampaignLeadsPayload = builder.objectRef<{
  campaignId: string;
  added: number;
  skipped: number;
  failed: number;
  clientMutationId?: string | null;
}>('AddCampaignLeadsPayload');
AddCampaignLeadsPayload.implement({
  description: 'What became of the leads given to `addCampaignLeads`.',
  fields: (t) => ({
    added: t.exposeInt('added', { description: 'Leads added.' }),
    skipped: t.exposeInt('skipped', { description: 'Leads already in the campaign.' }),
    failed: t.exposeInt('failed', { description: 'Identifiers that could not be resolved on X.' }),
    campaign: t.field(changedCampaign('The campaign, with its new target counts.')),
    clientMutationId: t.string(clientMutationIdEcho),
  }),
});

export const CampaignPayload = builder.objectRef<{ campaignId: string; success: boolean }>('CampaignPayload');
CampaignPayload.implement({
  description: 'The answer to a campaign write whose REST answer is only `{success}`.',
  fields: (t) => ({
    success: t.exposeBoolean('success', { description: 'The Inbox API reported success.' }),
    campaign: t.field(changedCampaign('The campaign, with its global `id`.')),
  }),
});

export const CampaignSequencePayload = builder.objectRef<{ campaignId: string; sequence: CampaignSequence }>(
  'CampaignSequencePayload',
);
CampaignSequencePayload.implement({
  description: 'The answer to `replaceCampaignSequence`.',
  fields: (t) => ({
    sequence: t.expose('sequence', {
      type: CampaignSequenceObject,
      description: 'The new sequence, with the ids and ranks the Inbox API gave its steps.',
    }),
    campaign: t.field(changedCampaign('The campaign, whose `steps` changed.')),
  }),
});

export const CampaignColumnPayload = builder.objectRef<{ column: CampaignColumn }>('CampaignColumnPayload');
CampaignColumnPayload.implement({
  description: 'The answer to `updateCampaignColumn`.',
  fields: (t) => ({
    column: t.expose('column', {
      type: CampaignColumnObject,
      nullable: true,
      description: 'The column as it is now (the write’s own answer).',
    }),
  }),
});
