import type { InputFieldBuilder } from '@pothos/core';
import { z } from 'zod';
import { builder, type Types } from '../../../graphql/builder.js';
import {
  batch,
  exactlyOne,
  inboxId,
  jsonObject,
  MAX_BATCH,
  prospectKey,
  rawInboxId,
  refuseNulls,
  text,
  validateWhole,
  validName,
  xUserId,
  xUsername,
} from '../../../graphql/inputs.js';
import type {
  CampaignLead,
  CampaignLeads,
  LeadIdentifierKind,
  SequenceSegment,
  SequenceStep,
} from '../../../upstream/operations/campaigns.js';
import { clientMutationIdInput } from '../../../writes/client-mutation-id.js';

/**
 * The inputs of the campaign writes, each with its validation: what a client sends, checked and turned into
 * the shapes of the campaign operations (src/upstream/operations/campaigns.ts), which build the REST bodies of
 * the partly documented `/campaigns/v2` sub-API.
 */

const campaignIdField = (t: InputFieldBuilder<Types, 'InputObject'>) =>
  t
    .id({ required: true, description: 'Global `id` or raw `inboxId` of the campaign.' })
    .validate(inboxId('Campaign'));

const listId = rawInboxId('list');
/** Column ids look like `custom_<cuid>`; built-in ones are undocumented. */
const columnId = z.string().regex(/^[\w-]{1,128}$/, { error: 'must be a column id such as custom_<cuid>' });

/** A prospect named by Inbox id stays so; a Prospect global id names the X user. */
const leadByProspect = prospectKey.transform((key): { externalId: string } | { platformId: string } =>
  'externalId' in key ? { externalId: key.externalId } : { platformId: key.platformId },
);

export const LeadIdentifierEnum = builder.enumType('LeadIdentifier', {
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

export const CampaignRefInput = builder.inputType('CampaignRefInput', {
  description: 'Names a campaign.',
  fields: (t) => ({ campaignId: campaignIdField(t) }),
});

const CampaignLeadInput = validateWhole(
  builder.inputType('CampaignLeadInput', {
    description: 'One lead with its column values. Exactly one of `platformId`, `username` and `externalId`.',
    fields: (t) => ({
      platformId: t.string({ description: 'X user id.' }).validate(xUserId.nullish()),
      username: t
        .string({ description: 'X username (with or without @); unknown ones are fetched from X.' })
        .validate(xUsername.nullish()),
      externalId: t
        .id({ description: 'The prospect’s Inbox id (`inboxId`) or global `id`.' })
        .validate(leadByProspect.nullish()),
      data: t
        .field({ type: 'JSON', description: 'Column values, keyed by column id (a JSON object).' })
        .validate(jsonObject.nullish()),
    }),
  }),
  (shape) =>
    shape
      .refine(exactlyOne(['platformId', 'username', 'externalId']), {
        error: 'needs exactly one of `platformId`, `username` and `externalId`',
      })
      .transform(({ platformId, username, externalId, data }): CampaignLead => {
        const key = platformId
          ? { platformId }
          : username
            ? { username }
            : (externalId ?? { platformId: '' });
        return { ...key, ...(data && { data }) };
      }),
);

export const AddCampaignLeadsInput = validateWhole(
  builder.inputType('AddCampaignLeadsInput', {
    description:
      'Leads to add to a campaign: at least one of the lists, each with 1–2000 entries. ' +
      'Partly documented upstream (`POST /campaigns/v2/{id}/leads`).',
    fields: (t) => ({
      campaignId: campaignIdField(t),
      platformIds: t.stringList({ description: 'X user ids.' }).validate(batch(xUserId).nullish()),
      usernames: t
        .stringList({ description: 'X usernames; unknown ones are fetched from X.' })
        .validate(batch(xUsername).nullish()),
      externalIds: t
        .idList({ description: 'Prospects: their Inbox ids (`inboxId`) or global `id`s.' })
        .validate(batch(leadByProspect).nullish()),
      leads: t
        .field({ type: [CampaignLeadInput], description: 'Leads with column values.' })
        .validate(batch(z.custom<CampaignLead>()).nullish()),
      clientMutationId: clientMutationIdInput(t),
    }),
  }),
  (shape) =>
    shape
      .refine((input) => input.platformIds || input.usernames || input.externalIds || input.leads, {
        error: 'needs at least one of `platformIds`, `usernames`, `externalIds` and `leads`',
      })
      .transform(({ campaignId, platformIds, usernames, externalIds, leads, clientMutationId }, context) => {
        // Prospect global ids among `externalIds` name X users: they join `platformIds`.
        const keys = externalIds ?? [];
        const allPlatformIds = [
          ...(platformIds ?? []),
          ...keys.flatMap((key) => ('platformId' in key ? [key.platformId] : [])),
        ];
        if (allPlatformIds.length > MAX_BATCH) {
          context.issues.push({
            code: 'custom',
            path: ['platformIds'],
            message: `with the Prospect global ids of \`input.externalIds\` exceeds ${MAX_BATCH} entries`,
            input: platformIds,
          });
          return z.NEVER;
        }
        const leadsOf: CampaignLeads = {
          platformIds: allPlatformIds,
          usernames: usernames ?? undefined,
          externalIds: keys.flatMap((key) => ('externalId' in key ? [key.externalId] : [])),
          leads: leads ?? undefined,
        };
        return { campaignId, leads: leadsOf, clientMutationId };
      }),
);

/** The identifier of one lead checked for its kind; a Prospect global id names the X user. */
function leadIdentifier(
  identifier: string,
  by: LeadIdentifierKind,
): { by: LeadIdentifierKind; identifier: string } | { refusal: string } {
  const refused = (result: z.ZodSafeParseError<unknown>) => ({
    refusal: result.error.issues[0]?.message ?? 'is not a lead identifier',
  });
  switch (by) {
    case 'platformId': {
      const result = xUserId.safeParse(identifier);
      return result.success ? { by, identifier: result.data } : refused(result);
    }
    case 'username': {
      const result = xUsername.safeParse(identifier);
      return result.success ? { by, identifier: result.data } : refused(result);
    }
    case 'externalId': {
      const result = leadByProspect.safeParse(identifier);
      if (!result.success) return refused(result);
      return 'externalId' in result.data
        ? { by, identifier: result.data.externalId }
        : { by: 'platformId', identifier: result.data.platformId };
    }
  }
}

export const CancelCampaignLeadInput = validateWhole(
  builder.inputType('CancelCampaignLeadInput', {
    description: 'Moves one lead of a campaign to the canceled stage: it gets no further messages.',
    fields: (t) => ({
      campaignId: campaignIdField(t),
      identifier: t.string({ required: true, description: 'The lead, as `by` says.' }),
      by: t.field({
        type: LeadIdentifierEnum,
        defaultValue: 'platformId',
        description: 'What `identifier` is (default: an X user id).',
      }),
    }),
  }),
  (shape) =>
    shape.transform(({ campaignId, identifier, by }, context) => {
      const lead = leadIdentifier(identifier, by ?? 'platformId');
      if ('refusal' in lead) {
        context.issues.push({
          code: 'custom',
          path: ['identifier'],
          message: lead.refusal,
          input: identifier,
        });
        return z.NEVER;
      }
      return { campaignId, ...lead };
    }),
);

const ColumnMappingInput = builder.inputType('ColumnMappingInput', {
  description: 'Copies one list column into one campaign column.',
  fields: (t) => ({
    sourceColumnId: t.string({ required: true, description: 'Column id in the list.' }).validate(columnId),
    campaignColumnId: t
      .string({ required: true, description: 'Column id in the campaign.' })
      .validate(columnId),
  }),
});

const ListColumnMappingInput = builder.inputType('ListColumnMappingInput', {
  description: 'The column mapping of one synced list.',
  fields: (t) => ({
    listId: t.id({ required: true, description: 'Inbox id of a synced list.' }).validate(listId),
    columns: t.field({ type: [ColumnMappingInput], required: true, description: 'Its columns.' }),
  }),
});

export const UpdateCampaignRulesInput = refuseNulls(
  builder.inputType('UpdateCampaignRulesInput', {
    description:
      'Changes the lead rules of a campaign (`PATCH /campaigns/v2/{id}/rules`, partly documented). Fields ' +
      'left out stay as they are; an empty list clears.',
    fields: (t) => ({
      campaignId: campaignIdField(t),
      syncedListIds: t
        .idList({ description: 'Inbox ids of the lists feeding the campaign.' })
        .validate(z.array(listId).nullish()),
      excludedListIds: t
        .idList({ description: 'Inbox ids of user lists to skip (system lists go through the two flags).' })
        .validate(z.array(listId).nullish()),
      excludeContacted: t.boolean({ description: 'Skip people the team has already messaged.' }),
      excludeMutuals: t.boolean({ description: 'Skip mutual followers of the account link.' }),
      columnMappings: t.field({
        type: [ListColumnMappingInput],
        description: 'Column mappings of synced lists.',
      }),
      detachBehavior: t
        .string({
          description:
            'What happens to leads of a list that stops syncing, e.g. `unlink` (other values undocumented).',
        })
        .validate(text(64).nullish()),
    }),
  }),
  'syncedListIds',
  'excludedListIds',
  'excludeContacted',
  'excludeMutuals',
  'columnMappings',
  'detachBehavior',
);

const CampaignVariableInput = builder.inputType('CampaignVariableInput', {
  description: 'A value filled in per lead.',
  fields: (t) => ({
    name: t
      .string({ required: true, description: 'Built-in (e.g. `first-name`) or custom column id.' })
      .validate(text(255)),
    fallback: t.string({ description: 'Used when the lead has no value.' }),
  }),
});

const CampaignSegmentInput = validateWhole(
  builder.inputType('CampaignSegmentInput', {
    description: 'A piece of a message: exactly one of `text`, `variation` and `variable`.',
    fields: (t) => ({
      text: t.string({ description: 'Fixed text.' }),
      variation: t
        .stringList({ description: 'Alternatives, one picked per lead.' })
        .validate(z.array(z.string()).min(1, { error: 'must hold at least one option' }).nullish()),
      variable: t.field({ type: CampaignVariableInput, description: 'A per-lead value.' }),
    }),
  }),
  (shape) =>
    shape
      .refine(exactlyOne(['text', 'variation', 'variable']), {
        error: 'needs exactly one of `text`, `variation` and `variable`',
      })
      .transform(({ text, variation, variable }): SequenceSegment => {
        if (variation) return { variation };
        if (variable) return { variable };
        return { text: text ?? '' };
      }),
);

const CampaignMessageStepInput = builder.inputType('CampaignMessageStepInput', {
  description: 'A DM, built from segments.',
  fields: (t) => ({
    segments: t
      .field({ type: [CampaignSegmentInput], required: true, description: 'In order, at least one.' })
      .validate(z.array(z.custom<SequenceSegment>()).min(1, { error: 'must hold at least one segment' })),
  }),
});

const CampaignDelayStepInput = builder.inputType('CampaignDelayStepInput', {
  description: 'A wait before the next step.',
  fields: (t) => ({
    delaySeconds: t
      .int({ required: true, description: 'How long, in seconds (at least 1).' })
      .validate(z.number().int().min(1, { error: 'must be at least 1 second' })),
    unit: t
      .string({ description: 'The unit the Inbox app shows it in, e.g. `days`.' })
      .validate(text(32).nullish()),
  }),
});

const CampaignStepInput = validateWhole(
  builder.inputType('CampaignStepInput', {
    description: 'One step: exactly one of `message`, `delay` and `likeTweet`.',
    fields: (t) => ({
      message: t.field({ type: CampaignMessageStepInput, description: 'Send a DM.' }),
      delay: t.field({ type: CampaignDelayStepInput, description: 'Wait.' }),
      likeTweet: t
        .field({
          type: 'JSON',
          description: 'Like a post of the lead; its settings as a JSON object (undocumented upstream).',
        })
        .validate(jsonObject.nullish()),
    }),
  }),
  (shape) =>
    shape
      .refine(exactlyOne(['message', 'delay', 'likeTweet']), {
        error: 'needs exactly one of `message`, `delay` and `likeTweet`',
      })
      .transform(({ message, delay, likeTweet }): SequenceStep => {
        if (message) return { message };
        if (delay) return { delay };
        return { likeTweet: likeTweet ?? {} };
      }),
);

export const ReplaceCampaignSequenceInput = builder.inputType('ReplaceCampaignSequenceInput', {
  description: 'The new steps of a campaign (they replace all the old ones).',
  fields: (t) => ({
    campaignId: campaignIdField(t),
    steps: t
      .field({ type: [CampaignStepInput], required: true, description: 'In order, at least one.' })
      .validate(z.array(z.custom<SequenceStep>()).min(1, { error: 'must hold at least one step' })),
  }),
});

export const UpdateCampaignColumnInput = refuseNulls(
  builder.inputType('UpdateCampaignColumnInput', {
    description: 'Renames or re-describes a campaign column. Fields left out stay as they are.',
    fields: (t) => ({
      campaignId: campaignIdField(t),
      columnId: t
        .id({ required: true, description: 'Id of the column, e.g. `custom_<cuid>`.' })
        .validate(columnId),
      name: t.string({ description: 'New name, 1–255 characters.' }).validate(validName.nullish()),
      description: t
        .string({ description: 'New description, at most 1000 characters; `null` clears it.' })
        .validate(z.string().max(1000, { error: 'must be at most 1000 characters' }).nullish()),
    }),
  }),
  'name',
);
