import { z } from 'zod';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import type { NodeTypeName } from '../../graphql/ids.js';
import { inboxId, xUsername } from '../../graphql/inputs.js';
import { pageArguments } from '../../graphql/pagination.js';
import { ProspectRefInput } from '../prospect/prospect-ref-input.js';
import { InboxViewEnum, ThreadObject } from '../refs.js';
import { THREAD_PAGE, ThreadConnection, threadConnection } from './connection.js';

const SortOrderEnum = builder.enumType('SortOrder', {
  description: 'Order of threads by recency (last message, else creation).',
  values: {
    ASC: { value: 'asc', description: 'Oldest first.' },
    DESC: { value: 'desc', description: 'Newest first.' },
  } as const,
});

const IdSetFilterInput = builder.inputType('IdSetFilter', {
  description:
    'Matches threads whose value is any of `ids` (OR), or, with `none: true`, threads without one.',
  fields: (t) => ({
    ids: t.idList({ description: 'Global or raw ids; a thread matches if it has any of them.' }),
    none: t.boolean({ description: 'Only threads with none at all (ignored when false).' }),
  }),
});

/** One filter group; its ids are of the group's type (one input type serves the four groups). */
const idSet = (typename: NodeTypeName) =>
  z.object({ ids: z.array(inboxId(typename)).nullish(), none: z.boolean().nullish() }).nullish();

const ThreadFilterInput = builder.inputType('ThreadFilter', {
  description: 'Thread filters. Different groups combine with AND, ids inside one group with OR.',
  fields: (t) => ({
    tags: t
      .field({ type: IdSetFilterInput, description: 'By the tags of the prospect.' })
      .validate(idSet('Tag')),
    statuses: t
      .field({ type: IdSetFilterInput, description: 'By the status of the prospect.' })
      .validate(idSet('Status')),
    assignees: t
      .field({ type: IdSetFilterInput, description: 'By assigned member.' })
      .validate(idSet('Member')),
    campaigns: t
      .field({ type: IdSetFilterInput, description: 'By campaign that messaged the prospect.' })
      .validate(idSet('Campaign')),
  }),
});

type IdSet = z.output<ReturnType<typeof idSet>>;

/** A filter group as the REST filter wants it: `selectedIds`, and the group's own "none" flag. */
function restIdSet<NoKey extends string>(set: IdSet, noKey: NoKey) {
  if (!set) return undefined;
  return {
    ...(set.ids && { selectedIds: set.ids }),
    ...(set.none && { [noKey]: true }),
  } as { selectedIds?: string[] } & { [K in NoKey]?: boolean };
}

const accountLinkIds = z.array(inboxId('AccountLink')).nullish();

builder.queryFields((t) => ({
  threads: t.field({
    type: ThreadConnection,
    nullable: true,
    complexity: UPSTREAM_COST.page(THREAD_PAGE),
    description: 'Conversations of the team, newest first by default. One `GET /threads` per page.',
    args: {
      ...pageArguments(
        t.arg,
        THREAD_PAGE,
        {
          first: `Page size, 1–${THREAD_PAGE.max}.`,
          after: '`endCursor` of the previous page; keep the other arguments the same.',
        },
        { firstHasDefault: true },
      ),
      inbox: t.arg({ type: InboxViewEnum, description: 'Inbox view (default: the active inbox).' }),
      accountLinkIds: t.arg
        .idList({ description: 'Only these account links (any of them).' })
        .validate(accountLinkIds),
      filter: t.arg({ type: ThreadFilterInput, description: 'Tag, status, assignee and campaign filters.' }),
      sortOrder: t.arg({ type: SortOrderEnum, defaultValue: 'desc', description: 'By recency.' }),
    },
    resolve: (_root, args, context) =>
      threadConnection(context, args, {
        accountLinkIds: args.accountLinkIds ?? undefined,
        inbox: args.inbox ?? undefined,
        filters: {
          tags: restIdSet(args.filter?.tags, 'noTags'),
          statuses: restIdSet(args.filter?.statuses, 'noStatus'),
          assignees: restIdSet(args.filter?.assignees, 'noAssignee'),
          campaigns: restIdSet(args.filter?.campaigns, 'noCampaign'),
          sortOrder: args.sortOrder ?? undefined,
        },
      }),
  }),
  thread: t.field({
    type: ThreadObject,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description:
      'A thread by global or raw Inbox id (`GET /threads/{id}`, unless this request already saw it).',
    args: {
      id: t.arg
        .id({ required: true, description: 'Global `id` or raw `inboxId`.' })
        .validate(inboxId('Thread')),
    },
    resolve: (_root, { id }, context) => context.inbox.threads.byId(id),
  }),
  threadLookup: t.field({
    type: ThreadObject,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description:
      'The thread between an account link and a prospect; `null` when there is none (`GET /threads/lookup`).',
    args: {
      accountLinkId: t.arg
        .id({ required: true, description: 'Global or raw account link id.' })
        .validate(inboxId('AccountLink')),
      prospect: t.arg({
        type: ProspectRefInput,
        required: true,
        description: 'The prospect: exactly one key.',
      }),
    },
    resolve: (_root, args, context) => context.inbox.threads.lookup(args.accountLinkId, args.prospect),
  }),
  threadsByUsername: t.field({
    type: [ThreadObject],
    nullable: true,
    complexity: UPSTREAM_COST.threadsByUsername,
    description:
      'Every thread with an X @username, across account links (`GET /threads/lookup-by-username`).',
    args: {
      username: t.arg
        .string({ required: true, description: 'Exact X username, without the @.' })
        .validate(xUsername),
      accountLinkIds: t.arg.idList({ description: 'Only these account links.' }).validate(accountLinkIds),
    },
    resolve: (_root, args, context) =>
      context.inbox.threads.byUsername({
        username: args.username,
        accountLinkIds: args.accountLinkIds ?? undefined,
      }),
  }),
}));
