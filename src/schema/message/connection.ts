import type { ArgBuilder } from '@pothos/core';
import { builder, type Types } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context-type.js';
import { inboxIdOf } from '../../graphql/ids.js';
import type { LookAheadHint } from '../../graphql/look-ahead-hints.js';
import {
  cursorArgument,
  type KeysetCursor,
  keysetConnection,
  keysetQuery,
  pageArguments,
  pageSizeArgument,
} from '../../graphql/pagination.js';
import type { InboxApi } from '../../upstream/api.js';
import type { MessageQuery } from '../../upstream/loaders.js';
import type { Thread } from '../../upstream/types.js';
import { MessageObject } from '../refs.js';

/** GET /threads/{id}/messages pages hold 50 messages by default and 100 at most. */
export const MESSAGE_PAGE = { default: 50, max: 100 };

export const MessageConnection = builder.connectionObject(
  {
    type: MessageObject,
    name: 'MessageConnection',
    description: 'A page of messages, newest first.',
    fields: (t) => ({
      isSyncing: t.boolean({
        description: 'Older history is still being imported from X: more messages may appear later.',
        resolve: (connection) => (connection as unknown as { isSyncing: boolean }).isSyncing,
      }),
    }),
  },
  { name: 'MessageEdge', description: 'A message and its cursor.' },
);

export const messagePageArguments = (arg: ArgBuilder<Types>) =>
  pageArguments(
    arg,
    MESSAGE_PAGE,
    { first: 'Page size, 1–100 (default 50).', after: '`endCursor` of the previous page.' },
    { firstHasDefault: true },
  );

type MessagePageArgs = { first?: number | null; after?: KeysetCursor | null };

/** The upstream query of a message page. */
export const messagePageQuery = (args: MessagePageArgs): MessageQuery => keysetQuery(args, MESSAGE_PAGE);

/**
 * Look-ahead of `thread(id:) { messages(...) }`: the page's thread id and arguments are known before the
 * thread is, so the page is read beside it (the resolver makes this very call, memoised). Arguments are
 * checked as their validation does: a refused one is left to the resolver, which reports it.
 */
function startMessagePage(
  inbox: InboxApi,
  threadArgs: Record<string, unknown>,
  args: Record<string, unknown>,
) {
  const threadId = inboxIdOf(threadArgs.id as string, 'Thread');
  const size = pageSizeArgument(MESSAGE_PAGE.max).nullish().safeParse(args.first);
  const cursor = cursorArgument.nullish().safeParse(args.after);
  if (!('value' in threadId) || !size.success || !cursor.success) return;
  const page = inbox.messages.page(
    threadId.value,
    messagePageQuery({ first: size.data, after: cursor.data }),
  );
  page.catch(() => undefined); // the resolver awaits the same (memoised) call and reports its failure
}

/** `Thread.messages` under `Query.thread`: started with the thread (src/upstream/look-ahead.ts). */
export const messagePageLookAhead: LookAheadHint = {
  underRoot: { root: 'Query.thread', start: startMessagePage },
};

/** One upstream page of a thread's messages; the thread is already known, so `direction` costs nothing. */
export async function messageConnection(context: Context, thread: Thread, args: MessagePageArgs) {
  const page = await context.inbox.messages.page(thread.id, messagePageQuery(args));
  const connection = keysetConnection(page.messages, page.nextCursor, (message) => ({
    id: message.id,
    timestamp: message.createdAt,
  }));
  return { ...connection, isSyncing: page.isSyncing };
}
