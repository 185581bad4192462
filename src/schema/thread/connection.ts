import type { ArgBuilder } from '@pothos/core';
import { builder, type Types } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context-type.js';
import { type KeysetCursor, keysetConnection, keysetQuery, pageArguments } from '../../graphql/pagination.js';
import type { ThreadQuery } from '../../upstream/loaders.js';
import { ThreadObject } from '../refs.js';

/** GET /threads pages hold 20 threads by default and 100 at most. */
export const THREAD_PAGE = { default: 20, max: 100 };

export const ThreadConnection = builder.connectionObject(
  { type: ThreadObject, name: 'ThreadConnection', description: 'A page of threads.' },
  { name: 'ThreadEdge', description: 'A thread and its cursor.' },
);

/** `first`/`after` of a nested thread page (`AccountLink.threads`, `Member.assignedThreads`). */
export const nestedThreadPageArguments = (arg: ArgBuilder<Types>) =>
  pageArguments(
    arg,
    THREAD_PAGE,
    {
      first: `Page size, 1–${THREAD_PAGE.max} (default ${THREAD_PAGE.default}).`,
      after: '`endCursor` of the previous page.',
    },
    { firstHasDefault: false },
  );

/** One upstream page of GET /threads as a Relay connection; every thread primes the loaders. */
export async function threadConnection(
  context: Context,
  args: { first?: number | null; after?: KeysetCursor | null },
  query: ThreadQuery,
) {
  const page = await context.inbox.threads.page({ ...query, ...keysetQuery(args, THREAD_PAGE) });
  return keysetConnection(page.threads, page.nextCursor, (thread) => ({
    id: thread.id,
    timestamp: thread.computedSortTimestamp ?? thread.createdAt,
  }));
}
