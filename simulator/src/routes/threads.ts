import { z } from 'zod';
import type { Thread } from '../contract.js';
import { badRequest, forbidden } from '../errors.js';
import { compareKeys, keysetPage } from '../paging.js';
import type { Route } from '../router.js';
import { threadKey } from '../team/thread-index.js';
import {
  arrayParam,
  booleanParam,
  cuid,
  cursorOf,
  cursorParams,
  intParam,
  parseBody,
  parseQuery,
} from '../validation.js';
import { accountLinkOf, resolvePerson } from './common.js';

const ids = arrayParam(z.string()).optional();
const flag = booleanParam.optional();

const listQuery = z.object({
  accountLinkIds: ids,
  inbox: z.enum(['default', 'no-reply', 'requests', 'archived']).optional(),
  filters: z
    .object({
      tags: z.object({ selectedIds: ids, noTags: flag }).optional(),
      statuses: z.object({ selectedIds: ids, noStatus: flag }).optional(),
      assignees: z.object({ selectedIds: ids, noAssignee: flag }).optional(),
      campaigns: z.object({ selectedIds: ids, noCampaign: flag }).optional(),
      sortOrder: z.enum(['asc', 'desc']).optional(),
    })
    .optional(),
  limit: intParam(1, 100).optional(),
  ...cursorParams,
});

const lookupQuery = z.object({
  accountLinkId: z.string().min(1),
  externalPlatformId: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
});

const usernameQuery = z.object({
  username: z.string().min(1),
  accountLinkIds: ids,
});

const createBody = z.object({
  accountLinkId: cuid,
  externalPlatformId: z.string().min(1).optional(),
  externalId: cuid.optional(),
});

const updateBody = z.object({ done: z.boolean().optional(), assigneeId: cuid.nullable().optional() });

const settingsBody = z.object({ typingIndicatorsEnabled: z.boolean().nullable().optional() });

type Predicate = (thread: Thread) => boolean;

/**
 * Inbox views (the contract leaves their exact rules open): default = not done and active, no-reply = the
 * team wrote the last message, requests = message requests, archived = done. Omitting `inbox` means
 * `default`, as the contract infers.
 */
const inboxViews: Record<string, Predicate> = {
  default: (thread) => !thread.done && thread.status === 'active',
  'no-reply': (thread) => thread.lastMessage?.authorId === thread.accountLinkId,
  requests: (thread) => thread.isRequest,
  archived: (thread) => thread.done,
};

/** One filter group: any selected id OR (when the flag is set) "has none". */
function group(
  ids: string[] | undefined,
  none: boolean | undefined,
  hasAny: (thread: Thread, ids: ReadonlySet<string>) => boolean,
  isEmpty: Predicate,
): Predicate | undefined {
  const selected = new Set(ids);
  if (selected.size === 0 && !none) return undefined;
  return (thread) => (selected.size > 0 && hasAny(thread, selected)) || (none === true && isEmpty(thread));
}

export const threadRoutes: Route[] = [
  {
    method: 'GET',
    path: '/threads',
    handler: ({ team, query }) => {
      const params = parseQuery(listQuery, query);
      const filters = params.filters ?? {};
      const accountLinkIds = params.accountLinkIds && new Set(params.accountLinkIds);
      const predicates = [
        inboxViews[params.inbox ?? 'default'],
        accountLinkIds && ((thread: Thread) => accountLinkIds.has(thread.accountLinkId)),
        group(
          filters.tags?.selectedIds,
          filters.tags?.noTags,
          (thread, ids) => thread.prospect.context.tags.some((id) => ids.has(id)),
          (thread) => thread.prospect.context.tags.length === 0,
        ),
        group(
          filters.statuses?.selectedIds,
          filters.statuses?.noStatus,
          (thread, ids) => ids.has(thread.prospect.context.statusId ?? ''),
          (thread) => thread.prospect.context.statusId === null,
        ),
        group(
          filters.assignees?.selectedIds,
          filters.assignees?.noAssignee,
          (thread, ids) => ids.has(thread.assigneeId ?? ''),
          (thread) => thread.assigneeId === null,
        ),
        group(
          filters.campaigns?.selectedIds,
          filters.campaigns?.noCampaign,
          (thread, ids) => [...team.campaignIdsOf(thread.id)].some((id) => ids.has(id)),
          (thread) => team.campaignIdsOf(thread.id).size === 0,
        ),
      ].filter((predicate): predicate is Predicate => predicate !== undefined);
      const page = keysetPage(team.threadsAscending, threadKey, {
        order: filters.sortOrder ?? 'desc',
        after: cursorOf(params),
        limit: params.limit ?? 20,
        matches: (thread) => predicates.every((predicate) => predicate(thread)),
      });
      return { threads: page.items, nextCursor: page.nextCursor };
    },
  },
  {
    method: 'POST',
    path: '/threads',
    handler: ({ store, team, body }) => {
      const input = parseBody(createBody, body);
      const accountLink = accountLinkOf(store, team, input.accountLinkId);
      return team.openThread(accountLink, resolvePerson(store, team, input));
    },
  },
  {
    method: 'GET',
    path: '/threads/lookup',
    handler: ({ store, team, query }) => {
      const params = parseQuery(lookupQuery, query);
      if (params.externalId === undefined && params.externalPlatformId === undefined) {
        throw badRequest('Invalid query parameter: give externalPlatformId or externalId');
      }
      if (!team.accountLink(params.accountLinkId)) {
        // Another team's account link is a 403; an unknown one simply matches nothing.
        if (store.teams.some((other) => other.accountLink(params.accountLinkId))) throw forbidden();
        return null;
      }
      const prospect =
        params.externalId !== undefined
          ? team.prospect(params.externalId)
          : team.prospectByPlatform(params.externalPlatformId ?? '');
      return (prospect && team.threadFor(params.accountLinkId, prospect.externalId ?? '')) ?? null;
    },
  },
  {
    method: 'GET',
    path: '/threads/lookup-by-username',
    handler: ({ team, query }) => {
      const params = parseQuery(usernameQuery, query);
      const prospect = team.prospectByUsername(params.username);
      if (!prospect) return [];
      const accountLinkIds = params.accountLinkIds && new Set(params.accountLinkIds);
      return team
        .threadsOf(prospect.externalId ?? '')
        .filter((thread) => !accountLinkIds || accountLinkIds.has(thread.accountLinkId))
        .sort((a, b) => compareKeys(threadKey(b), threadKey(a)));
    },
  },
  {
    method: 'GET',
    path: '/threads/{threadId}',
    handler: ({ store, team, params }) => store.owned(team, 'thread', params.threadId ?? ''),
  },
  {
    method: 'PATCH',
    path: '/threads/{threadId}',
    handler: ({ store, team, params, body }) => {
      const thread = store.owned(team, 'thread', params.threadId ?? '');
      team.updateThread(thread, parseBody(updateBody, body));
      return thread;
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{threadId}',
    handler: ({ store, team, params }) => {
      team.deleteThread(store.owned(team, 'thread', params.threadId ?? ''));
      // The docs declare this body "unknown"; the examples show null.
      return null;
    },
  },
  {
    method: 'POST',
    path: '/threads/{threadId}/typing',
    handler: ({ store, team, params }) => team.sendTyping(store.owned(team, 'thread', params.threadId ?? '')),
  },
  {
    method: 'PATCH',
    path: '/threads/{threadId}/settings',
    handler: ({ store, team, params, body }) => {
      const thread = store.owned(team, 'thread', params.threadId ?? '');
      const input = parseBody(settingsBody, body);
      if (input.typingIndicatorsEnabled !== undefined) {
        team.setTypingIndicators(thread, input.typingIndicatorsEnabled);
      }
      return { threadId: thread.id, typingIndicatorsEnabled: thread.typingIndicatorsEnabled };
    },
  },
];
