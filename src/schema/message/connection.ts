import type { ArgBuilder } from '@pothos/core';
import { builder, type Types } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context-type.js';
import { type KeysetCursor, keysetConnection, keysetQuery, pageArguments } from '../../graphql/pagination.js';
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
export const messagePageQuery = (args: MessagePageArgs): MessageQuery =>
  keysetQuery(args, MESSAGE_PAGE.default);

/** One upstream page of a thread's messages; the thread is already known, so `direction` costs nothing. */
export async function messageConnection(context: Context, thread: Thread, args: MessagePageArgs) {
  const page = await context.inbox.messages.page(thread.id, messagePageQuery(args));
  const connection = keysetConnection(page.messages, page.nextCursor, (message) => ({
    id: message.id,
    timestamp: message.createdAt,
  }));
  return { ...connection, isSyncing: page.isSyncing };
}
