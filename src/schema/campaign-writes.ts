import { z } from 'zod';
import type { Context } from '../context.js';
import { badUserInput } from '../errors.js';
import type { components } from '../inbox/openapi.js';
import { builder } from './builder.js';
import { CampaignRef } from './campaign.js';
import { write } from './payloads.js';
import {
  batch,
  inboxId,
  jsonObject,
  MAX_BATCH,
  NOT_NULL,
  prospectKey,
  rawInboxId,
  text,
  validate,
  validName,
  xUserId,
  xUsername,
} from './validation.js';

/**
 * The campaign writes: the `/campaigns/v2/...` sub-API of CONTRACT §8.9, with its own shapes (settings, rules,
 * sequence, columns, leads) beside the mutations that return them. The Campaign type itself is in campaign.ts.
 */
// The campaign endpoints (`/campaigns/v2/...`, CONTRACT §8.9) are only partly documented upstream: shapes the
// docs leave open are passed through as JSON, and every description says what is known.

type CampaignV2 = components['schemas']['CampaignV2'];
type CampaignSequence = components['schemas']['CampaignSequence'];
type CampaignColumn = components['schemas']['CampaignColumn'];
type CampaignRules = NonNullable<CampaignV2['rules']>;

/** The campaign a write changed, re-read (`GET /campaigns/{id}`) only when a client selects it. */
const changedCampaign = (description: string) =>
  ({
    type: CampaignRef,
    nullable: true,
    description: `${description} Re-read after the write (\`GET /campaigns/{id}\`) only when selected.`,
    resolve: (payload: { campaignId: string }, _args: object, context: Context) =>
      context.loaders.campaign.load(payload.campaignId),
  }) as const;

const CampaignSyncedListRef =
  builder.objectRef<NonNullable<CampaignRules['syncedLists']>[number]>('CampaignSyncedList');
CampaignSyncedListRef.implement({
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

const CampaignExcludedListRef =
  builder.objectRef<NonNullable<CampaignRules['excludedLists']>[number]>('CampaignExcludedList');
CampaignExcludedListRef.implement({
  description: 'A lead list whose members the campaign skips.',
  fields: (t) => ({
    listId: t.exposeID('listId', { nullable: true, description: 'Inbox id of the list.' }),
    listName: t.exposeString('listName', { nullable: true, description: 'Name of the list.' }),
  }),
});

const CampaignRulesRef = builder.objectRef<CampaignRules>('CampaignRules');
CampaignRulesRef.implement({
  description: 'Which leads the campaign takes in (lead rules of `/campaigns/v2`; partly documented).',
  fields: (t) => ({
    syncedLists: t.field({
      type: [CampaignSyncedListRef],
      description: 'Lists feeding the campaign.',
      resolve: (rules) => rules.syncedLists ?? [],
    }),
    excludedLists: t.field({
      type: [CampaignExcludedListRef],
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

const CampaignSequenceStepRef = builder.objectRef<CampaignSequence['steps'][number]>('CampaignSequenceStep');
CampaignSequenceStepRef.implement({
  description: 'One step of a campaign sequence.',
  fields: (t) => ({
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

const CampaignSequenceRef = builder.objectRef<CampaignSequence>('CampaignSequence');
CampaignSequenceRef.implement({
  description: 'The steps a campaign runs through for each lead.',
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'Grows by one on every replacement.' }),
    steps: t.expose('steps', { type: [CampaignSequenceStepRef], description: 'In order.' }),
  }),
});

const CampaignSettingsRef = builder.objectRef<CampaignV2>('CampaignSettings');
CampaignSettingsRef.implement({
  description:
    'A campaign as the `/campaigns/v2` endpoints return it (`CampaignV2`): `enabled` instead of a status, ' +
    'plus lead rules and the sequence. Partly documented upstream.',
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'Raw Inbox id of the campaign.' }),
    enabled: t.exposeBoolean('enabled', { description: 'Sending (an enabled draft becomes active).' }),
    isSyncing: t.exposeBoolean('isSyncing', { nullable: true, description: 'Leads are still being synced.' }),
    scopeAssessedCount: t.exposeInt('scopeAssessedCount', {
      nullable: true,
      description: 'Leads assessed against the rules so far.',
    }),
    rules: t.field({
      type: CampaignRulesRef,
      nullable: true,
      description: 'Lead rules.',
      resolve: (campaign) => campaign.rules ?? null,
    }),
    sequence: t.field({
      type: CampaignSequenceRef,
      nullable: true,
      description: 'The steps.',
      resolve: (campaign) => campaign.sequence ?? null,
    }),
  }),
});

const CampaignColumnRef = builder.objectRef<CampaignColumn>('CampaignColumn');
CampaignColumnRef.implement({
  description: 'A data column of a campaign’s leads (e.g. `custom_…`), usable as a message variable.',
  fields: (t) => ({
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

const EnableCampaignPayloadRef = builder.objectRef<{ campaignId: string; settings: CampaignV2 }>(
  'EnableCampaignPayload',
);
EnableCampaignPayloadRef.implement({
  description: 'The answer to `enableCampaign`.',
  fields: (t) => ({
    campaign: t.field(changedCampaign('The campaign, now `active`, with its global `id`.')),
    settings: t.expose('settings', {
      type: CampaignSettingsRef,
      description: 'The write’s own answer (`CampaignV2`), at no extra cost.',
    }),
  }),
});

const AddCampaignLeadsPayloadRef = builder.objectRef<{
  campaignId: string;
  added: number;
  skipped: number;
  failed: number;
}>('AddCampaignLeadsPayload');
AddCampaignLeadsPayloadRef.implement({
  description: 'What became of the leads given to `addCampaignLeads`.',
  fields: (t) => ({
    added: t.exposeInt('added', { description: 'Leads added.' }),
    skipped: t.exposeInt('skipped', { description: 'Leads already in the campaign.' }),
    failed: t.exposeInt('failed', { description: 'Identifiers that could not be resolved on X.' }),
    campaign: t.field(changedCampaign('The campaign, with its new target counts.')),
  }),
});

const CampaignPayloadRef = builder.objectRef<{ campaignId: string; success: boolean }>('CampaignPayload');
CampaignPayloadRef.implement({
  description: 'The answer to a campaign write whose REST answer is only `{success}`.',
  fields: (t) => ({
    success: t.exposeBoolean('success', { description: 'The Inbox API reported success.' }),
    campaign: t.field(changedCampaign('The campaign, with its global `id`.')),
  }),
});

const CampaignSequencePayloadRef = builder.objectRef<{ campaignId: string; sequence: CampaignSequence }>(
  'CampaignSequencePayload',
);
CampaignSequencePayloadRef.implement({
  description: 'The answer to `replaceCampaignSequence`.',
  fields: (t) => ({
    sequence: t.expose('sequence', {
      type: CampaignSequenceRef,
      description: 'The new sequence, with the ids and ranks the Inbox API gave its steps.',
    }),
    campaign: t.field(changedCampaign('The campaign, whose `steps` changed.')),
  }),
});

const CampaignColumnPayloadRef = builder.objectRef<{ column: CampaignColumn }>('CampaignColumnPayload');
CampaignColumnPayloadRef.implement({
  description: 'The answer to `updateCampaignColumn`.',
  fields: (t) => ({
    column: t.expose('column', {
      type: CampaignColumnRef,
      nullable: true,
      description: 'The column as it is now (the write’s own answer).',
    }),
  }),
});

const LeadIdentifierEnum = builder.enumType('LeadIdentifier', {
  description: 'How a campaign lead is named.',
  values: {
    PLATFORM_ID: { value: 'platformId', description: 'By X user id.' },
    USERNAME: { value: 'username', description: 'By X username.' },
    EXTERNAL_ID: {
      value: 'externalId',
      description: 'By the Inbox id of the prospect (`Prospect.inboxId`).',
    },
  } as const,
});

const CampaignRefInputRef = builder.inputType('CampaignRefInput', {
  description: 'Names a campaign.',
  fields: (t) => ({
    campaignId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' }),
  }),
});

const CampaignLeadInputRef = builder.inputType('CampaignLeadInput', {
  description: 'One lead with its column values. Exactly one of `platformId`, `username` and `externalId`.',
  fields: (t) => ({
    platformId: t.string({ description: 'X user id.' }),
    username: t.string({ description: 'X username (with or without @); unknown ones are fetched from X.' }),
    externalId: t.id({ description: 'The prospect’s Inbox id (`inboxId`) or global `id`.' }),
    data: t.field({ type: 'JSON', description: 'Column values, keyed by column id (a JSON object).' }),
  }),
});

const AddCampaignLeadsInputRef = builder.inputType('AddCampaignLeadsInput', {
  description:
    'Leads to add to a campaign: at least one of the lists, each with 1–2000 entries. ' +
    'Partly documented upstream (`POST /campaigns/v2/{id}/leads`).',
  fields: (t) => ({
    campaignId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' }),
    platformIds: t.stringList({ description: 'X user ids.' }),
    usernames: t.stringList({ description: 'X usernames; unknown ones are fetched from X.' }),
    externalIds: t.idList({ description: 'Prospects: their Inbox ids (`inboxId`) or global `id`s.' }),
    leads: t.field({ type: [CampaignLeadInputRef], description: 'Leads with column values.' }),
  }),
});

const CancelCampaignLeadInputRef = builder.inputType('CancelCampaignLeadInput', {
  description: 'Moves one lead of a campaign to the canceled stage: it gets no further messages.',
  fields: (t) => ({
    campaignId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' }),
    identifier: t.string({ required: true, description: 'The lead, as `by` says.' }),
    by: t.field({
      type: LeadIdentifierEnum,
      defaultValue: 'platformId',
      description: 'What `identifier` is (default: an X user id).',
    }),
  }),
});

const ColumnMappingInputRef = builder.inputType('ColumnMappingInput', {
  description: 'Copies one list column into one campaign column.',
  fields: (t) => ({
    sourceColumnId: t.string({ required: true, description: 'Column id in the list.' }),
    campaignColumnId: t.string({ required: true, description: 'Column id in the campaign.' }),
  }),
});

const ListColumnMappingInputRef = builder.inputType('ListColumnMappingInput', {
  description: 'The column mapping of one synced list.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of a synced list.' }),
    columns: t.field({ type: [ColumnMappingInputRef], required: true, description: 'Its columns.' }),
  }),
});

const UpdateCampaignRulesInputRef = builder.inputType('UpdateCampaignRulesInput', {
  description:
    'Changes the lead rules of a campaign (`PATCH /campaigns/v2/{id}/rules`, partly documented). Fields ' +
    'left out stay as they are; an empty list clears.',
  fields: (t) => ({
    campaignId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' }),
    syncedListIds: t.idList({ description: 'Inbox ids of the lists feeding the campaign.' }),
    excludedListIds: t.idList({
      description: 'Inbox ids of user lists to skip (system lists go through the two flags).',
    }),
    excludeContacted: t.boolean({ description: 'Skip people the team has already messaged.' }),
    excludeMutuals: t.boolean({ description: 'Skip mutual followers of the account link.' }),
    columnMappings: t.field({
      type: [ListColumnMappingInputRef],
      description: 'Column mappings of synced lists.',
    }),
    detachBehavior: t.string({
      description:
        'What happens to leads of a list that stops syncing, e.g. `unlink` (other values undocumented).',
    }),
  }),
});

const CampaignVariableInputRef = builder.inputType('CampaignVariableInput', {
  description: 'A value filled in per lead.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Built-in (e.g. `first-name`) or custom column id.' }),
    fallback: t.string({ description: 'Used when the lead has no value.' }),
  }),
});

const CampaignSegmentInputRef = builder.inputType('CampaignSegmentInput', {
  description: 'A piece of a message: exactly one of `text`, `variation` and `variable`.',
  fields: (t) => ({
    text: t.string({ description: 'Fixed text.' }),
    variation: t.stringList({ description: 'Alternatives, one picked per lead.' }),
    variable: t.field({ type: CampaignVariableInputRef, description: 'A per-lead value.' }),
  }),
});

const CampaignMessageStepInputRef = builder.inputType('CampaignMessageStepInput', {
  description: 'A DM, built from segments.',
  fields: (t) => ({
    segments: t.field({
      type: [CampaignSegmentInputRef],
      required: true,
      description: 'In order, at least one.',
    }),
  }),
});

const CampaignDelayStepInputRef = builder.inputType('CampaignDelayStepInput', {
  description: 'A wait before the next step.',
  fields: (t) => ({
    delaySeconds: t.int({ required: true, description: 'How long, in seconds (at least 1).' }),
    unit: t.string({ description: 'The unit the Inbox app shows it in, e.g. `days`.' }),
  }),
});

const CampaignStepInputRef = builder.inputType('CampaignStepInput', {
  description: 'One step: exactly one of `message`, `delay` and `likeTweet`.',
  fields: (t) => ({
    message: t.field({ type: CampaignMessageStepInputRef, description: 'Send a DM.' }),
    delay: t.field({ type: CampaignDelayStepInputRef, description: 'Wait.' }),
    likeTweet: t.field({
      type: 'JSON',
      description: 'Like a post of the lead; its settings as a JSON object (undocumented upstream).',
    }),
  }),
});

const ReplaceCampaignSequenceInputRef = builder.inputType('ReplaceCampaignSequenceInput', {
  description: 'The new steps of a campaign (they replace all the old ones).',
  fields: (t) => ({
    campaignId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' }),
    steps: t.field({ type: [CampaignStepInputRef], required: true, description: 'In order, at least one.' }),
  }),
});

const UpdateCampaignColumnInputRef = builder.inputType('UpdateCampaignColumnInput', {
  description: 'Renames or re-describes a campaign column. Fields left out stay as they are.',
  fields: (t) => ({
    campaignId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' }),
    columnId: t.id({ required: true, description: 'Id of the column, e.g. `custom_<cuid>`.' }),
    name: t.string({ description: 'New name, 1–255 characters.' }),
    description: t.string({ description: 'New description, at most 1000 characters; `null` clears it.' }),
  }),
});

// ---- validation

const campaignRef = z.object({ campaignId: inboxId('Campaign') });
const listId = rawInboxId('list');
/** Column ids look like `custom_<cuid>`; built-in ones are undocumented. */
const columnId = z.string().regex(/^[\w-]{1,128}$/, { error: 'must be a column id such as custom_<cuid>' });

/** A prospect named by Inbox id stays so; a Prospect global id names the X user. */
const leadByProspect = prospectKey.transform((key): { externalId: string } | { platformId: string } =>
  'externalId' in key ? { externalId: key.externalId } : { platformId: key.platformId },
);

const leadInput = z
  .object({
    platformId: xUserId.optional(),
    username: xUsername.optional(),
    externalId: leadByProspect.optional(),
    data: jsonObject.optional(),
  })
  .refine(
    (lead) =>
      [lead.platformId, lead.username, lead.externalId].filter((value) => value !== undefined).length === 1,
    { error: 'needs exactly one of `platformId`, `username` and `externalId`' },
  )
  .transform(({ platformId, username, externalId, data }) => ({
    ...(platformId !== undefined && { platformId }),
    ...(username !== undefined && { username }),
    ...externalId,
    ...(data !== undefined && { data }),
  }));

const addLeadsInput = z
  .object({
    campaignId: inboxId('Campaign'),
    platformIds: batch(xUserId).optional(),
    usernames: batch(xUsername).optional(),
    externalIds: batch(leadByProspect).optional(),
    leads: batch(leadInput).optional(),
  })
  .refine((input) => input.platformIds || input.usernames || input.externalIds || input.leads, {
    error: 'needs at least one of `platformIds`, `usernames`, `externalIds` and `leads`',
  });

const cancelLeadInput = z.object({
  campaignId: inboxId('Campaign'),
  identifier: z.string(),
  by: z.enum(['platformId', 'username', 'externalId']),
});

const listIds = z.array(listId, NOT_NULL);
const rulesInput = z.object({
  campaignId: inboxId('Campaign'),
  syncedListIds: listIds.optional(),
  excludedListIds: listIds.optional(),
  excludeContacted: z.boolean(NOT_NULL).optional(),
  excludeMutuals: z.boolean(NOT_NULL).optional(),
  columnMappings: z
    .array(
      z.object({
        listId,
        columns: z.array(z.object({ sourceColumnId: columnId, campaignColumnId: columnId })),
      }),
      NOT_NULL,
    )
    .optional(),
  detachBehavior: text(64, NOT_NULL).optional(),
});

/** Exactly one of the given keys is set (and not null). */
const exactlyOne = (keys: readonly string[]) => (value: Record<string, unknown>) =>
  keys.filter((key) => value[key] !== undefined && value[key] !== null).length === 1;

const segmentInput = z
  .object({
    text: z.string().nullish(),
    variation: z.array(z.string()).min(1, { error: 'must hold at least one option' }).nullish(),
    variable: z.object({ name: text(255), fallback: z.string().nullish() }).nullish(),
  })
  .refine(exactlyOne(['text', 'variation', 'variable']), {
    error: 'needs exactly one of `text`, `variation` and `variable`',
  })
  .transform((segment) => {
    if (segment.variation) return { type: 'variation', options: segment.variation };
    if (segment.variable) {
      const { name, fallback } = segment.variable;
      return { type: 'variable', name, ...(typeof fallback === 'string' && { fallback }) };
    }
    return { type: 'static', text: segment.text ?? '' };
  });

const stepInput = z
  .object({
    message: z
      .object({ segments: z.array(segmentInput).min(1, { error: 'must hold at least one segment' }) })
      .nullish(),
    delay: z
      .object({
        delaySeconds: z.number().int().min(1, { error: 'must be at least 1 second' }),
        unit: text(32).nullish(),
      })
      .nullish(),
    likeTweet: jsonObject.nullish(),
  })
  .refine(exactlyOne(['message', 'delay', 'likeTweet']), {
    error: 'needs exactly one of `message`, `delay` and `likeTweet`',
  })
  .transform((step) => {
    if (step.message) return { type: 'message', data: { segments: step.message.segments } };
    if (step.delay) {
      const { delaySeconds, unit } = step.delay;
      return { type: 'delay', data: { delaySeconds, ...(unit && { unit }) } };
    }
    return { type: 'like-tweet', data: step.likeTweet ?? {} };
  });

const sequenceInput = z.object({
  campaignId: inboxId('Campaign'),
  steps: z.array(stepInput).min(1, { error: 'must hold at least one step' }),
});

const columnInput = z.object({
  campaignId: inboxId('Campaign'),
  columnId,
  name: validName(NOT_NULL).optional(),
  description: z.string().max(1000, { error: 'must be at most 1000 characters' }).nullable().optional(),
});

/** The lead identifier of `cancelCampaignLead`, checked for its kind; a Prospect global id names the X user. */
function leadIdentifier(identifier: string, by: 'platformId' | 'username' | 'externalId') {
  const field = 'input.identifier';
  switch (by) {
    case 'platformId':
      return { by, identifier: validate(xUserId, identifier, field) };
    case 'username':
      return { by, identifier: validate(xUsername, identifier, field) };
    case 'externalId': {
      const key = validate(leadByProspect, identifier, field);
      return 'externalId' in key
        ? { by, identifier: key.externalId }
        : { by: 'platformId' as const, identifier: key.platformId };
    }
  }
}

builder.mutationFields((t) => ({
  enableCampaign: t.field({
    type: EnableCampaignPayloadRef,
    description:
      'Starts (or resumes) a campaign (`POST /campaigns/v2/{id}/enable`). A campaign without steps or ' +
      'account links, or a completed one, is refused by the Inbox API (BAD_USER_INPUT). Partly documented upstream.',
    args: { input: t.arg({ type: CampaignRefInputRef, required: true, description: 'The campaign.' }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId } = validate(campaignRef, input);
      const settings = await write(context, () =>
        context.inbox.post('/campaigns/v2/{campaignId}/enable', { path: { campaignId }, body: {} }),
      );
      return { campaignId, settings };
    },
  }),
  addCampaignLeads: t.field({
    type: AddCampaignLeadsPayloadRef,
    description:
      'Adds leads to a campaign (`POST /campaigns/v2/{id}/leads`); people already in it are skipped. ' +
      'Partly documented upstream.',
    args: { input: t.arg({ type: AddCampaignLeadsInputRef, required: true, description: 'The leads.' }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId, platformIds, usernames, externalIds, leads } = validate(addLeadsInput, input);
      // Prospect global ids among `externalIds` name X users: they join `platformIds`.
      const byPlatform = (externalIds ?? []).flatMap((key) => ('platformId' in key ? [key.platformId] : []));
      const allPlatformIds = [...(platformIds ?? []), ...byPlatform];
      if (allPlatformIds.length > MAX_BATCH) {
        throw badUserInput(
          `\`input.platformIds\` with the Prospect global ids of \`input.externalIds\` exceeds ${MAX_BATCH} entries.`,
          'input.platformIds',
        );
      }
      const rawExternalIds = (externalIds ?? []).flatMap((key) =>
        'externalId' in key ? [key.externalId] : [],
      );
      const result = await write(context, () =>
        context.inbox.post('/campaigns/v2/{campaignId}/leads', {
          path: { campaignId },
          body: {
            platformIds: allPlatformIds.length ? allPlatformIds : undefined,
            usernames,
            externalIds: rawExternalIds.length ? rawExternalIds : undefined,
            leads,
          },
        }),
      );
      return { campaignId, ...result };
    },
  }),
  cancelCampaignLead: t.field({
    type: CampaignPayloadRef,
    description:
      'Cancels one lead of a campaign (`POST /campaigns/v2/{id}/leads/{identifier}/cancel`): it moves to ' +
      'the canceled stage. Partly documented upstream.',
    args: { input: t.arg({ type: CancelCampaignLeadInputRef, required: true, description: 'The lead.' }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId, ...lead } = validate(cancelLeadInput, { ...input, by: input.by ?? 'platformId' });
      const { by, identifier } = leadIdentifier(lead.identifier, lead.by);
      const result = await write(context, () =>
        context.inbox.post('/campaigns/v2/{campaignId}/leads/{identifier}/cancel', {
          path: { campaignId, identifier },
          // The docs disagree whether `by` is a query or body parameter; the schema says body.
          body: { by, ...(by !== 'externalId' && { platform: 'twitter' as const }) },
        }),
      );
      return { campaignId, success: result.success !== false };
    },
  }),
  updateCampaignRules: t.field({
    type: CampaignPayloadRef,
    description:
      'Changes which leads a campaign takes in (`PATCH /campaigns/v2/{id}/rules`). Partly documented upstream.',
    args: { input: t.arg({ type: UpdateCampaignRulesInputRef, required: true, description: 'The rules.' }) },
    resolve: async (_root, { input }, context) => {
      const { campaignId, columnMappings, ...rules } = validate(rulesInput, input);
      const body = {
        ...rules,
        ...(columnMappings && {
          columnMappings: Object.fromEntries(
            columnMappings.map(({ listId, columns }) => [
              listId,
              Object.fromEntries(columns.map((column) => [column.sourceColumnId, column.campaignColumnId])),
            ]),
          ),
        }),
      };
      const result = await write(context, () =>
        context.inbox.patch('/campaigns/v2/{campaignId}/rules', { path: { campaignId }, body }),
      );
      return { campaignId, success: result.success !== false };
    },
  }),
  replaceCampaignSequence: t.field({
    type: CampaignSequencePayloadRef,
    description:
      'Replaces every step of a campaign (`PUT /campaigns/v2/{id}/sequence`); the steps get new ids. ' +
      'Partly documented upstream.',
    args: {
      input: t.arg({ type: ReplaceCampaignSequenceInputRef, required: true, description: 'The steps.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { campaignId, steps } = validate(sequenceInput, input);
      const sequence = await write(context, () =>
        context.inbox.put('/campaigns/v2/{campaignId}/sequence', { path: { campaignId }, body: { steps } }),
      );
      return { campaignId, sequence };
    },
  }),
  updateCampaignColumn: t.field({
    type: CampaignColumnPayloadRef,
    description:
      'Renames or re-describes a lead column of a campaign (`PATCH /campaigns/v2/{id}/columns/{columnId}`). ' +
      'Partly documented upstream.',
    args: {
      input: t.arg({ type: UpdateCampaignColumnInputRef, required: true, description: 'The change.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { campaignId, columnId, ...body } = validate(columnInput, input);
      const column = await write(context, () =>
        context.inbox.patch('/campaigns/v2/{campaignId}/columns/{columnId}', {
          path: { campaignId, columnId },
          body,
        }),
      );
      return { column };
    },
  }),
}));
