import { z } from 'zod';
import type { CampaignV2, Prospect } from '../contract.js';
import { ApiError, unprocessable, validationError } from '../errors.js';
import { isXUserId, isXUsername, makeProfile, strangerById, strangerByUsername } from '../profiles.js';
import type { Route } from '../router.js';
import type { CampaignLead, CampaignState } from '../team/campaigns.js';
import type { TeamState } from '../team-state.js';
import { cuid, parseBody, parseQuery } from '../validation.js';

const batch = z.array(z.string().min(1)).min(1).max(2000);
const record = z.record(z.string(), z.unknown());

const listLeadsBody = z.object({ platformIds: batch });
const leadDataBody = z.object({ data: record });
const importJobBody = z.object({
  data: z.looseObject({
    type: z.string().min(1),
    content: z.string().optional(),
    fileName: z.string().optional(),
    columnMapping: z.array(z.object({ csvHeader: z.string(), targetColumnId: z.string() })).optional(),
    mergeStrategy: z.string().optional(),
  }),
});

const leadInput = z.object({
  platformId: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  platform: z.literal('twitter').optional(),
  data: record.optional(),
});
const campaignLeadsBody = z.object({
  platform: z.literal('twitter').optional(),
  platformIds: batch.optional(),
  usernames: batch.optional(),
  externalIds: batch.optional(),
  leads: z.array(leadInput).min(1).max(2000).optional(),
});
const identifierKind = z.enum(['platformId', 'username', 'externalId']);
const cancelBody = z.object({ by: identifierKind.optional(), platform: z.literal('twitter').optional() });
const cancelQuery = z.object({ by: identifierKind.optional() });
const rulesBody = z.object({
  syncedListIds: z.array(cuid).optional(),
  excludedListIds: z.array(cuid).optional(),
  excludeContacted: z.boolean().optional(),
  excludeMutuals: z.boolean().optional(),
  columnMappings: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  detachBehavior: z.string().min(1).optional(),
});
const segment = z.discriminatedUnion('type', [
  z.object({ type: z.literal('static'), text: z.string() }),
  z.object({ type: z.literal('variation'), options: z.array(z.string()).min(1) }),
  z.object({ type: z.literal('variable'), name: z.string().min(1), fallback: z.string().optional() }),
]);
const step = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), data: z.looseObject({ segments: z.array(segment).min(1) }) }),
  z.object({
    type: z.literal('delay'),
    data: z.looseObject({ delaySeconds: z.number().int().positive(), unit: z.string().optional() }),
  }),
  z.object({ type: z.literal('like-tweet'), data: record }),
]);
const sequenceBody = z.object({ steps: z.array(step).min(1) });
const columnBody = z.object({
  name: z.string().min(1).max(255).optional(),
  description: z.string().max(1000).nullable().optional(),
});

/** The X profile behind a lead: the team's prospect when known, else what X would return (not imported). */
function leadProfile(team: TeamState, platformId: string): Prospect {
  const prospect = team.prospectByPlatform(platformId);
  if (prospect) {
    const { context: _context, ...profile } = prospect;
    return { ...profile, accountStatus: 'active' };
  }
  return { ...makeProfile(strangerById(platformId), Date.parse(team.nowIso())), accountStatus: 'active' };
}

/** The rules/sequence shape of the /campaigns/v2 endpoints, derived from the same state as GET /campaigns. */
function campaignV2({ campaign, rules, sequence }: CampaignState): CampaignV2 {
  return {
    id: campaign.id,
    name: campaign.name,
    description: campaign.description,
    enabled: campaign.status === 'active',
    dryRun: campaign.dryRun,
    targetsCount: campaign.targetsCount,
    contactedCount: campaign.contactedCount,
    repliesCount: campaign.repliesCount,
    completionRate: campaign.completionRate,
    replyRate: campaign.replyRate,
    hourlyMessageRate: campaign.hourlyMessageRate ?? 10,
    scheduleTimezone: campaign.scheduleTimezone ?? 'UTC',
    scheduleHours: campaign.scheduleHours ?? {},
    isBuildingPlan: campaign.isBuildingPlan ?? false,
    isSyncing: false,
    scopeAssessedCount: campaign.targetsCount,
    accountLinkIds: campaign.accountLinkIds ?? [],
    rules: {
      syncedLists: rules.syncedLists,
      excludedLists: rules.excludedLists,
      excludeContacted: rules.excludeContacted,
      excludeMutuals: rules.excludeMutuals,
    },
    sequence,
    automations: campaign.automations ?? [],
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
    pausedAt: campaign.pausedAt,
    completedAt: campaign.completedAt,
    lastStartedAt: campaign.lastStartedAt,
  };
}

type LeadRef = { platformId?: string; username?: string; externalId?: string };

/** Resolves one identifier like the real API: known prospects first, then "X" for ids and handles. */
function resolveLead(team: TeamState, ref: LeadRef): CampaignLead | undefined {
  const known =
    ref.externalId !== undefined
      ? team.prospect(ref.externalId)
      : ref.platformId !== undefined
        ? team.prospectByPlatform(ref.platformId)
        : ref.username !== undefined
          ? team.prospectByUsername(ref.username)
          : undefined;
  if (known) {
    return {
      platformId: known.platformId,
      username: known.username,
      externalId: known.externalId,
      stage: 'pending',
      data: {},
    };
  }
  if (ref.platformId !== undefined && isXUserId(ref.platformId)) {
    return { platformId: ref.platformId, username: null, externalId: null, stage: 'pending', data: {} };
  }
  if (ref.externalId === undefined && ref.username !== undefined && isXUsername(ref.username)) {
    const person = strangerByUsername(ref.username);
    return {
      platformId: person.platformId,
      username: person.username,
      externalId: null,
      stage: 'pending',
      data: {},
    };
  }
  return undefined;
}

function refreshCampaignCounts({ campaign, leads }: CampaignState, now: string): void {
  const active = [...leads.values()].filter((lead) => lead.stage !== 'canceled');
  const contacted = active.filter((lead) => lead.stage !== 'pending').length;
  campaign.targetsCount = active.length;
  campaign.estimatedTargets = active.length;
  campaign.contactedCount = contacted;
  campaign.completionRate = active.length ? Math.round((contacted / active.length) * 100) / 100 : 0;
  campaign.updatedAt = now;
}

export const listRoutes: Route[] = [
  {
    method: 'POST',
    path: '/lists/{listId}/leads',
    handler: ({ store, team, params, body }) => {
      const list = store.owned(team, 'list', params.listId ?? '');
      const result = { added: [] as string[], skipped: [] as string[], failed: [] as string[] };
      const addedAt = team.nowIso();
      for (const platformId of parseBody(listLeadsBody, body).platformIds) {
        if (!isXUserId(platformId)) result.failed.push(platformId);
        else if (list.leads.has(platformId)) result.skipped.push(platformId);
        else {
          list.leads.set(platformId, { platformId, data: {}, addedAt });
          result.added.push(platformId);
        }
      }
      return result;
    },
  },
  {
    method: 'DELETE',
    path: '/lists/{listId}/leads',
    handler: ({ store, team, params, body }) => {
      const list = store.owned(team, 'list', params.listId ?? '');
      const removed = parseBody(listLeadsBody, body).platformIds.filter((id) => list.leads.delete(id)).length;
      return { removed };
    },
  },
  {
    method: 'PATCH',
    path: '/lists/{listId}/leads/{platformId}',
    handler: ({ store, team, params, body }) => {
      const list = store.owned(team, 'list', params.listId ?? '');
      const platformId = params.platformId ?? '';
      const lead = list.leads.get(platformId);
      if (!lead) {
        throw new ApiError(404, 'LEAD_NOT_FOUND', `Lead '${platformId}' is not in list '${list.id}'`);
      }
      Object.assign(lead.data, parseBody(leadDataBody, body).data);
      // The page only showed `prospect`; the other keys of the answer were not retrievable.
      return { prospect: leadProfile(team, platformId) };
    },
  },
  {
    method: 'POST',
    path: '/lists/{listId}/import-jobs',
    handler: ({ store, team, params, body }) => {
      const list = store.owned(team, 'list', params.listId ?? '');
      const { data } = parseBody(importJobBody, body);
      if (data.type === 'csv' && !data.content) {
        throw validationError('Invalid field data[content]: CSV text is required');
      }
      const rows = data.content?.split(/\r?\n/).filter((line) => line.trim() !== '').length ?? 0;
      const job = {
        id: team.newId(),
        type: data.type,
        status: 'queued' as const,
        // Only a CSV's size is known up front; other importers learn it once they run.
        totalCount: data.type === 'csv' ? Math.max(0, rows - 1) : null,
        processedCount: 0,
        addedCount: 0,
        skippedCount: 0,
        failedCount: 0,
        error: null,
        createdAt: team.nowIso(),
        updatedAt: null,
        completedAt: null,
      };
      list.importJobs.push(job);
      return job;
    },
  },
];

export const campaignRoutes: Route[] = [
  {
    method: 'GET',
    path: '/campaigns/{campaignId}',
    handler: ({ store, team, params }) => store.owned(team, 'campaign', params.campaignId ?? '').campaign,
  },
  {
    method: 'POST',
    path: '/campaigns/v2/{campaignId}/enable',
    handler: ({ store, team, params }) => {
      const state = store.owned(team, 'campaign', params.campaignId ?? '');
      const { campaign } = state;
      if (campaign.status === 'completed') {
        throw unprocessable('CAMPAIGN_COMPLETED', 'A completed campaign cannot be enabled');
      }
      if (state.sequence.steps.length === 0) {
        throw unprocessable('CAMPAIGN_NOT_READY', 'The campaign has no sequence steps');
      }
      if (!campaign.accountLinkIds?.length) {
        throw unprocessable('CAMPAIGN_NOT_READY', 'The campaign has no account links');
      }
      if (campaign.status !== 'active') {
        const resumed = campaign.status === 'paused';
        const now = team.nowIso();
        Object.assign(campaign, { status: 'active', pausedAt: null, lastStartedAt: now, updatedAt: now });
        team.emit(resumed ? 'campaign.resumed' : 'campaign.started', { campaign });
      }
      return campaignV2(state);
    },
  },
  {
    method: 'POST',
    path: '/campaigns/v2/{campaignId}/leads',
    handler: ({ store, team, params, body }) => {
      const state = store.owned(team, 'campaign', params.campaignId ?? '');
      const input = parseBody(campaignLeadsBody, body);
      const refs: (LeadRef & { data?: Record<string, unknown> })[] = [
        ...(input.platformIds ?? []).map((platformId) => ({ platformId })),
        ...(input.usernames ?? []).map((username) => ({ username })),
        ...(input.externalIds ?? []).map((externalId) => ({ externalId })),
        ...(input.leads ?? []),
      ];
      if (refs.length === 0) {
        throw validationError('Invalid field body: give platformIds, usernames, externalIds or leads');
      }
      const result = { added: 0, skipped: 0, failed: 0 };
      for (const ref of refs) {
        const lead = resolveLead(team, ref);
        const existing = lead && state.leads.get(lead.platformId);
        if (!lead) result.failed++;
        else if (existing && existing.stage !== 'canceled') result.skipped++;
        else {
          state.leads.set(lead.platformId, { ...lead, data: ref.data ?? {} });
          result.added++;
        }
      }
      refreshCampaignCounts(state, team.nowIso());
      return result;
    },
  },
  {
    method: 'POST',
    path: '/campaigns/v2/{campaignId}/leads/{identifier}/cancel',
    handler: ({ store, team, params, query, body }) => {
      const state = store.owned(team, 'campaign', params.campaignId ?? '');
      const identifier = params.identifier ?? '';
      // The page says `by` is a query parameter, its schema says body: accept both, body first.
      const by = parseBody(cancelBody, body).by ?? parseQuery(cancelQuery, query).by ?? 'platformId';
      const wanted = by === 'username' ? identifier.toLowerCase() : identifier;
      const lead = [...state.leads.values()].find((candidate) =>
        by === 'username' ? candidate.username?.toLowerCase() === wanted : candidate[by] === wanted,
      );
      if (!lead) {
        throw new ApiError(404, 'LEAD_NOT_FOUND', `No lead with ${by} '${identifier}' in this campaign`);
      }
      lead.stage = 'canceled';
      refreshCampaignCounts(state, team.nowIso());
      return { success: true };
    },
  },
  {
    method: 'PATCH',
    path: '/campaigns/v2/{campaignId}/rules',
    handler: ({ store, team, params, body }) => {
      const state = store.owned(team, 'campaign', params.campaignId ?? '');
      const input = parseBody(rulesBody, body);
      const listOf = (id: string, field: string) => {
        const list = team.list(id);
        if (!list) throw validationError(`Invalid field ${field}: list '${id}' does not exist in this team`);
        return list;
      };
      const synced = input.syncedListIds?.map((id) => listOf(id, 'syncedListIds'));
      const excluded = input.excludedListIds?.map((id) => listOf(id, 'excludedListIds'));
      const { rules } = state;
      if (synced) {
        rules.syncedLists = synced.map((list) => ({
          listId: list.id,
          listName: list.name,
          columnMapping: rules.syncedLists.find((entry) => entry.listId === list.id)?.columnMapping ?? {},
        }));
      }
      if (excluded) rules.excludedLists = excluded.map((list) => ({ listId: list.id, listName: list.name }));
      for (const [listId, mapping] of Object.entries(input.columnMappings ?? {})) {
        const entry = rules.syncedLists.find((candidate) => candidate.listId === listId);
        if (!entry) {
          throw validationError(`Invalid field columnMappings: list '${listId}' is not a synced list`);
        }
        entry.columnMapping = mapping;
      }
      if (input.excludeContacted !== undefined) rules.excludeContacted = input.excludeContacted;
      if (input.excludeMutuals !== undefined) rules.excludeMutuals = input.excludeMutuals;
      if (input.detachBehavior !== undefined) rules.detachBehavior = input.detachBehavior;
      state.campaign.lists = [
        ...rules.syncedLists.map(({ listId }) => ({ listId, exclude: false })),
        ...rules.excludedLists.map(({ listId }) => ({ listId, exclude: true })),
      ];
      state.campaign.updatedAt = team.nowIso();
      return { success: true };
    },
  },
  {
    method: 'PUT',
    path: '/campaigns/v2/{campaignId}/sequence',
    handler: ({ store, team, params, body }) => {
      const state = store.owned(team, 'campaign', params.campaignId ?? '');
      const steps = parseBody(sequenceBody, body).steps.map((input, index) => ({
        id: team.newId(),
        rank: index + 1,
        type: input.type,
        data: input.data,
      }));
      const version = state.sequence.version + 1;
      state.sequence = { version, steps: steps.map(({ id, rank, data }) => ({ id, rank, data })) };
      state.campaign.steps = steps.map((entry) => ({ ...entry, campaignVersion: version }));
      state.campaign.updatedAt = team.nowIso();
      return state.sequence;
    },
  },
  {
    method: 'PATCH',
    path: '/campaigns/v2/{campaignId}/columns/{columnId}',
    handler: ({ store, team, params, body }) => {
      const state = store.owned(team, 'campaign', params.campaignId ?? '');
      const columnId = params.columnId ?? '';
      const column = state.columns.find((candidate) => candidate.id === columnId);
      if (!column) throw new ApiError(404, 'COLUMN_NOT_FOUND', `Column with ID '${columnId}' not found`);
      const input = parseBody(columnBody, body);
      if (input.name !== undefined) column.name = input.name;
      if (input.description !== undefined) column.description = input.description;
      column.updatedAt = team.nowIso();
      return column;
    },
  },
];
