import { z } from 'zod';
import type { Context } from '../context.js';
import { badUserInput, nullIfNotFound } from '../errors.js';
import type { components } from '../inbox/openapi.js';
import type { Thread } from '../inbox/types.js';
import type { ThreadQuery } from '../loaders/index.js';
import { AccountLinkRef } from './account-link.js';
import { builder } from './builder.js';
import { UPSTREAM_COST } from './cost.js';
import { encodeGlobalID, parseInboxId, parseInboxIds } from './ids.js';
import { MemberRef } from './member.js';
import { MESSAGE_PAGE, MessageConnectionRef, MessagePreviewRef, messageConnection } from './message.js';
import { decodeCursor, keysetConnection, pageSize } from './pagination.js';
import { DeletePayloadRef, write } from './payloads.js';
import { PlatformEnum } from './platform.js';
import { ProspectRef, ProspectRefInput, prospectRefQuery } from './prospect.js';
import { inboxId, NOT_NULL, validate } from './validation.js';

export const ThreadRef = builder.objectRef<Thread>('Thread');

/** GET /threads pages hold 20 threads by default and 100 at most (CONTRACT §4). */
export const THREAD_PAGE = { default: 20, max: 100 };

const ThreadStatusEnum = builder.enumType('ThreadStatus', {
  description: 'Whether the conversation shows in the inbox.',
  values: {
    ACTIVE: { value: 'active', description: 'A normal conversation.' },
    IDLE: { value: 'idle', description: 'Hidden from the inbox (e.g. a quick-peek preview).' },
  } as const,
});

const ThreadVariantEnum = builder.enumType('ThreadVariant', {
  description: 'The kind of X conversation; edits, deletes and typing indicators need X Chat.',
  values: {
    UNENCRYPTED: { value: 'unencrypted', description: 'A classic DM conversation.' },
    X_CHAT: { value: 'xChat', description: 'An encrypted X Chat conversation (both sides have written).' },
  } as const,
});

export const InboxViewEnum = builder.enumType('InboxView', {
  description: 'The inbox views of the Inbox app.',
  values: {
    DEFAULT: { value: 'default', description: 'Active conversations.' },
    NO_REPLY: { value: 'no-reply', description: 'The team wrote last and awaits an answer.' },
    REQUESTS: { value: 'requests', description: 'Message requests.' },
    ARCHIVED: { value: 'archived', description: 'Threads marked done.' },
  } as const,
});

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

const ThreadFilterInput = builder.inputType('ThreadFilter', {
  description: 'Thread filters. Different groups combine with AND, ids inside one group with OR.',
  fields: (t) => ({
    tags: t.field({ type: IdSetFilterInput, description: 'By the tags of the prospect.' }),
    statuses: t.field({ type: IdSetFilterInput, description: 'By the status of the prospect.' }),
    assignees: t.field({ type: IdSetFilterInput, description: 'By assigned member.' }),
    campaigns: t.field({ type: IdSetFilterInput, description: 'By campaign that messaged the prospect.' }),
  }),
});

export const ThreadConnectionRef = builder.connectionObject(
  { type: ThreadRef, name: 'ThreadConnection', description: 'A page of threads.' },
  { name: 'ThreadEdge', description: 'A thread and its cursor.' },
);

interface ThreadPageArgs {
  first?: number | null;
  after?: string | null;
}

/** One upstream page of GET /threads as a Relay connection; every thread primes the loaders. */
export async function threadConnection(context: Context, args: ThreadPageArgs, query: ThreadQuery) {
  const limit = pageSize(args.first, THREAD_PAGE.default, THREAD_PAGE.max);
  const cursor = decodeCursor(args.after);
  const page = await context.loaders.threadPage({
    ...query,
    limit,
    ...(cursor && { cursorId: cursor.id, cursorTimestamp: cursor.timestamp }),
  });
  return keysetConnection(page.threads, page.nextCursor, (thread) => ({
    id: thread.id,
    timestamp: thread.computedSortTimestamp ?? thread.createdAt,
  }));
}

type IdSet = { ids?: readonly string[] | null; none?: boolean | null } | null | undefined;

function idSetFilter<NoKey extends string>(
  set: IdSet,
  noKey: NoKey,
  typename: 'Tag' | 'Status' | 'Member' | 'Campaign',
  field: string,
) {
  if (!set) return undefined;
  return {
    ...(set.ids && { selectedIds: parseInboxIds(set.ids, typename, `${field}.ids`) }),
    ...(set.none && { [noKey]: true }),
  } as { selectedIds?: string[] } & { [K in NoKey]?: boolean };
}

builder.node(ThreadRef, {
  description: 'A DM conversation between one of the team’s account links and one prospect.',
  id: { resolve: (thread) => thread.id },
  loadOne: (id, context) => nullIfNotFound(context.loaders.thread.load(id)),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the thread.' }),
    platform: t.expose('platform', { type: PlatformEnum, description: 'Platform of the conversation.' }),
    platformId: t.exposeString('platformId', {
      description: 'X conversation id, `<smaller user id>:<larger user id>`.',
    }),
    url: t.string({
      description: 'The conversation on X.',
      resolve: (thread) => `https://x.com/i/chat/${thread.platformId}`,
    }),
    done: t.exposeBoolean('done', { description: 'Marked done (archived).' }),
    status: t.expose('status', { type: ThreadStatusEnum, description: 'Whether it shows in the inbox.' }),
    variant: t.expose('variant', { type: ThreadVariantEnum, description: 'Classic DM or X Chat.' }),
    isRequest: t.exposeBoolean('isRequest', { description: 'A message request not yet accepted.' }),
    isSyncing: t.exposeBoolean('isSyncing', {
      description: 'History is still being imported from X: more messages may appear.',
    }),
    typingIndicatorsEnabled: t.exposeBoolean('typingIndicatorsEnabled', {
      nullable: true,
      description: 'Typing-indicator override for this thread; `null` follows the team default.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the thread was created.' }),
    lastMessageAt: t.expose('lastMessageTimestamp', {
      type: 'DateTime',
      nullable: true,
      description: 'When the last message was sent, if any.',
    }),
    sortTimestamp: t.expose('computedSortTimestamp', {
      type: 'DateTime',
      nullable: true,
      description: 'The recency the inbox sorts by: the last message, else the creation.',
    }),
    accountLink: t.field({
      type: AccountLinkRef,
      nullable: true,
      description:
        'The team’s X account in this conversation (from the account-link collection, no extra call).',
      resolve: (thread, _args, context) => context.loaders.accountLinks.byId.load(thread.accountLinkId),
    }),
    assignee: t.field({
      type: MemberRef,
      nullable: true,
      description: 'The member assigned to the thread, if any (from the member collection).',
      resolve: (thread, _args, context) =>
        thread.assigneeId ? context.loaders.members.byId.load(thread.assigneeId) : null,
    }),
    prospect: t.expose('prospect', {
      type: ProspectRef,
      description: 'The other person, with the team’s CRM data. Embedded in the thread: no extra call.',
    }),
    lastMessage: t.field({
      type: MessagePreviewRef,
      nullable: true,
      description: 'A preview of the newest message, enough for inbox lists (no message call).',
      resolve: (thread) => (thread.lastMessage ? { preview: thread.lastMessage, thread } : null),
    }),
    messages: t.field({
      type: MessageConnectionRef,
      complexity: UPSTREAM_COST.page(MESSAGE_PAGE.default, MESSAGE_PAGE.max),
      description: 'Messages, newest first. One `GET /threads/{id}/messages` per page.',
      args: {
        first: t.arg.int({ defaultValue: 50, description: 'Page size, 1–100 (default 50).' }),
        after: t.arg.string({ description: '`endCursor` of the previous page.' }),
      },
      resolve: (thread, args, context) => messageConnection(context, thread, args),
    }),
  }),
});

builder.queryFields((t) => ({
  threads: t.field({
    type: ThreadConnectionRef,
    complexity: UPSTREAM_COST.page(THREAD_PAGE.default, THREAD_PAGE.max),
    description: 'Conversations of the team, newest first by default. One `GET /threads` per page.',
    args: {
      first: t.arg.int({ defaultValue: THREAD_PAGE.default, description: 'Page size, 1–100.' }),
      after: t.arg.string({
        description: '`endCursor` of the previous page; keep the other arguments the same.',
      }),
      inbox: t.arg({ type: InboxViewEnum, description: 'Inbox view (default: the active inbox).' }),
      accountLinkIds: t.arg.idList({ description: 'Only these account links (any of them).' }),
      filter: t.arg({ type: ThreadFilterInput, description: 'Tag, status, assignee and campaign filters.' }),
      sortOrder: t.arg({ type: SortOrderEnum, defaultValue: 'desc', description: 'By recency.' }),
    },
    resolve: (_root, args, context) =>
      threadConnection(context, args, {
        accountLinkIds: parseInboxIds(args.accountLinkIds, 'AccountLink', 'accountLinkIds'),
        inbox: args.inbox ?? undefined,
        filters: {
          tags: idSetFilter(args.filter?.tags, 'noTags', 'Tag', 'filter.tags'),
          statuses: idSetFilter(args.filter?.statuses, 'noStatus', 'Status', 'filter.statuses'),
          assignees: idSetFilter(args.filter?.assignees, 'noAssignee', 'Member', 'filter.assignees'),
          campaigns: idSetFilter(args.filter?.campaigns, 'noCampaign', 'Campaign', 'filter.campaigns'),
          sortOrder: args.sortOrder ?? undefined,
        },
      }),
  }),
  thread: t.field({
    type: ThreadRef,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description:
      'A thread by global or raw Inbox id (`GET /threads/{id}`, unless this request already saw it).',
    args: { id: t.arg.id({ required: true, description: 'Global `id` or raw `inboxId`.' }) },
    resolve: (_root, { id }, context) => context.loaders.thread.load(parseInboxId(id, 'Thread', 'id')),
  }),
  threadLookup: t.field({
    type: ThreadRef,
    complexity: UPSTREAM_COST.oneCall,
    nullable: true,
    description:
      'The thread between an account link and a prospect; `null` when there is none (`GET /threads/lookup`).',
    args: {
      accountLinkId: t.arg.id({ required: true, description: 'Global or raw account link id.' }),
      prospect: t.arg({
        type: ProspectRefInput,
        required: true,
        description: 'The prospect: exactly one key.',
      }),
    },
    resolve: async (_root, args, context) => {
      const found = await context.inbox.get('/threads/lookup', {
        query: {
          accountLinkId: parseInboxId(args.accountLinkId, 'AccountLink', 'accountLinkId'),
          ...prospectRefQuery(args.prospect, 'prospect'),
        },
      });
      return found ? (context.loaders.primeThreads([found])[0] ?? null) : null;
    },
  }),
  threadsByUsername: t.field({
    type: [ThreadRef],
    complexity: UPSTREAM_COST.fewItems,
    description:
      'Every thread with an X @username, across account links (`GET /threads/lookup-by-username`).',
    args: {
      username: t.arg.string({ required: true, description: 'Exact X username, without the @.' }),
      accountLinkIds: t.arg.idList({ description: 'Only these account links.' }),
    },
    resolve: async (_root, args, context) => {
      const username = args.username.replace(/^@/, '');
      if (!/^\w{1,50}$/.test(username)) {
        throw badUserInput('`username` must be an X username (letters, digits and _).', 'username');
      }
      const threads = await context.inbox.get('/threads/lookup-by-username', {
        query: {
          username,
          accountLinkIds: parseInboxIds(args.accountLinkIds, 'AccountLink', 'accountLinkIds'),
        },
      });
      return context.loaders.primeThreads(threads);
    },
  }),
}));

// ---------------------------------------------------------------- mutations

type TypingResult = components['schemas']['TypingResult'];

/** `thread` is the REST answer when the write returned the thread; otherwise it is re-read when selected. */
const ThreadPayloadRef = builder.objectRef<{ threadId: string; thread?: Thread }>('ThreadPayload');
ThreadPayloadRef.implement({
  description: 'The answer to a thread write: the thread as it is now.',
  fields: (t) => ({
    thread: t.field({
      type: ThreadRef,
      nullable: true,
      description:
        'The changed thread, with its global `id`, so client caches update. It is the write’s own answer ' +
        'where the Inbox API returns the thread, else one `GET /threads/{id}`, made only when selected.',
      resolve: (payload, _args, context) => payload.thread ?? context.loaders.thread.load(payload.threadId),
    }),
  }),
});

const TypingPayloadRef = builder.objectRef<TypingResult>('TypingPayload');
TypingPayloadRef.implement({
  description: 'Whether X showed the typing indicator.',
  fields: (t) => ({
    sent: t.boolean({
      description: 'The indicator was sent to X.',
      resolve: (result) => result.status === 'sent',
    }),
    skippedReason: t.string({
      nullable: true,
      description:
        'Why it was not sent, as the Inbox API says: `unsupported` (not an X Chat thread), `typingDisabled` ' +
        '(turned off for the thread or team), `rateLimited` (sent moments ago) or `outboundDisabled`; ' +
        '`null` when sent.',
      resolve: (result) => (result.status === 'sent' ? null : (result.reason ?? null)),
    }),
  }),
});

const ThreadRefInputRef = builder.inputType('ThreadRefInput', {
  description: 'Names a thread.',
  fields: (t) => ({
    threadId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the thread.' }),
  }),
});

const CreateThreadInputRef = builder.inputType('CreateThreadInput', {
  description: 'Opens the conversation between one of the team’s account links and a prospect.',
  fields: (t) => ({
    accountLinkId: t.id({ required: true, description: 'Global or raw id of the account link that writes.' }),
    prospect: t.field({
      type: ProspectRefInput,
      required: true,
      description:
        'The prospect: an X user id, or the Inbox id of a known prospect. An X user Inbox has not seen ' +
        'yet is imported.',
    }),
  }),
});

const UpdateThreadInputRef = builder.inputType('UpdateThreadInput', {
  description: 'Changes a thread. Fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the thread.' }),
    done: t.boolean({ description: 'Mark done (archive) or reopen. Cannot be null.' }),
    assigneeId: t.id({ description: 'Global or raw id of the member to assign; `null` unassigns.' }),
  }),
});

const DeleteThreadInputRef = builder.inputType('DeleteThreadInput', {
  description: 'Names the thread to delete.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the thread.' }),
  }),
});

const UpdateThreadSettingsInputRef = builder.inputType('UpdateThreadSettingsInput', {
  description: 'Per-thread settings. Fields left out stay as they are.',
  fields: (t) => ({
    threadId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the thread.' }),
    typingIndicatorsEnabled: t.boolean({
      description: 'Send typing indicators in this thread; `null` follows the team default.',
    }),
  }),
});

const threadRef = z.object({ threadId: inboxId('Thread') });
const threadId = z.object({ id: inboxId('Thread') });
const createThreadInput = z.object({ accountLinkId: inboxId('AccountLink') });
const updateThreadInput = z.object({
  id: inboxId('Thread'),
  done: z.boolean(NOT_NULL).optional(),
  assigneeId: inboxId('Member').nullable().optional(),
});
const updateSettingsInput = z.object({
  threadId: inboxId('Thread'),
  typingIndicatorsEnabled: z.boolean().nullable().optional(),
});

/** A write that answered with the thread: later reads of this request reuse it instead of re-reading. */
function threadPayload(context: Context, thread: Thread) {
  context.loaders.primeThreads([thread]);
  return { threadId: thread.id, thread };
}

builder.mutationFields((t) => ({
  createThread: t.field({
    type: ThreadPayloadRef,
    description:
      'Opens (or finds: one thread per account link and prospect) a conversation (`POST /threads`). ' +
      'Writing in it needs the Outbound add-on when the prospect never wrote to the team.',
    args: { input: t.arg({ type: CreateThreadInputRef, required: true, description: 'Who talks to whom.' }) },
    resolve: async (_root, { input }, context) => {
      const { accountLinkId } = validate(createThreadInput, input);
      const prospect = prospectRefQuery(input.prospect, 'input.prospect');
      const thread = await write(context, () =>
        context.inbox.post('/threads', { body: { accountLinkId, ...prospect } }),
      );
      return threadPayload(context, thread);
    },
  }),
  updateThread: t.field({
    type: ThreadPayloadRef,
    description:
      'Marks a thread done or not, and assigns or unassigns it (`PATCH /threads/{id}`). To change every ' +
      'thread of a prospect at once, use `updateProspectContext`.',
    args: { input: t.arg({ type: UpdateThreadInputRef, required: true, description: 'What to change.' }) },
    resolve: async (_root, { input }, context) => {
      const { id, ...body } = validate(updateThreadInput, input);
      const thread = await write(context, () =>
        context.inbox.patch('/threads/{threadId}', { path: { threadId: id }, body }),
      );
      return threadPayload(context, thread);
    },
  }),
  deleteThread: t.field({
    type: DeletePayloadRef,
    description: 'Deletes a thread (`DELETE /threads/{id}`, a soft delete upstream).',
    args: { input: t.arg({ type: DeleteThreadInputRef, required: true, description: 'The thread.' }) },
    resolve: async (_root, { input }, context) => {
      const { id } = validate(threadId, input);
      await write(context, () => context.inbox.delete('/threads/{threadId}', { path: { threadId: id } }));
      return { deletedId: encodeGlobalID('Thread', id) };
    },
  }),
  sendTypingIndicator: t.field({
    type: TypingPayloadRef,
    description:
      'Shows “typing…” to the prospect (`POST /threads/{id}/typing`). Only X Chat threads support it; ' +
      'the Inbox API skips (rather than refuses) the others, and says why in `skippedReason`.',
    args: { input: t.arg({ type: ThreadRefInputRef, required: true, description: 'The thread.' }) },
    resolve: async (_root, { input }, context) => {
      const { threadId } = validate(threadRef, input);
      return write(context, () =>
        context.inbox.post('/threads/{threadId}/typing', { path: { threadId }, body: {} }),
      );
    },
  }),
  updateThreadSettings: t.field({
    type: ThreadPayloadRef,
    description:
      'Changes the typing-indicator override of a thread (`PATCH /threads/{id}/settings`). The answer ' +
      'holds only the settings: `thread` costs one `GET /threads/{id}` when selected.',
    args: {
      input: t.arg({ type: UpdateThreadSettingsInputRef, required: true, description: 'The settings.' }),
    },
    resolve: async (_root, { input }, context) => {
      const { threadId, ...body } = validate(updateSettingsInput, input);
      const settings = await write(context, () =>
        context.inbox.patch('/threads/{threadId}/settings', { path: { threadId }, body }),
      );
      return { threadId: settings.threadId };
    },
  }),
}));
