import type { ThreadQuery } from '../loaders.js';
import type { JsonBody, QueryOf } from '../rest-client.js';
import type { Session } from '../session.js';
import type { ProspectWithContext, Thread } from '../types.js';

/** A prospect named by exactly one key: its X user id, or its Inbox id. */
export type ProspectKeyQuery = { externalPlatformId: string } | { externalId: string };

export function threadOperations(session: Session) {
  const { loaders } = session;
  /** A write that answered with the thread: later reads of this request reuse it instead of re-reading. */
  const primed = (thread: Thread) => {
    loaders.primeThreads([thread]);
    return thread;
  };
  return {
    /** One page of `GET /threads`; every thread (and its embedded prospect) primes the loaders. */
    page: (query: ThreadQuery) => loaders.threadPage(query),
    /** A thread known from elsewhere (an event's payload): this request's reads of it reuse it. */
    remember: (thread: Thread) => primed(thread),
    /** `GET /threads/{id}`, unless this request already saw the thread. */
    byId: (threadId: string) => loaders.thread.load(threadId),
    /** `GET /threads/lookup`: the thread between an account link and a prospect, or `null`. */
    async lookup(accountLinkId: string, prospect: ProspectKeyQuery): Promise<Thread | null> {
      const found = await session.rest.get('/threads/lookup', { query: { accountLinkId, ...prospect } });
      return found ? primed(found) : null;
    },
    /** `GET /threads/lookup-by-username`: every thread with an X username, across account links. */
    async byUsername(query: QueryOf<'/threads/lookup-by-username', 'get'>): Promise<Thread[]> {
      return loaders.primeThreads(await session.rest.get('/threads/lookup-by-username', { query }));
    },
    /** Every thread with a prospect, in one lookup by username (see Loaders.threadsOfProspect). */
    ofProspect: (prospect: ProspectWithContext) => loaders.threadsOfProspect(prospect),

    create: async (accountLinkId: string, prospect: ProspectKeyQuery) =>
      primed(await session.write((rest) => rest.post('/threads', { body: { accountLinkId, ...prospect } }))),
    update: async (threadId: string, patch: JsonBody<'/threads/{threadId}', 'patch'>) =>
      primed(
        await session.write((rest) => rest.patch('/threads/{threadId}', { path: { threadId }, body: patch })),
      ),
    delete: async (threadId: string) => {
      await session.write((rest) => rest.delete('/threads/{threadId}', { path: { threadId } }));
    },
    sendTypingIndicator: (threadId: string) =>
      session.write((rest) => rest.post('/threads/{threadId}/typing', { path: { threadId }, body: {} })),
    /** The answer holds only the settings, not the thread. */
    updateSettings: (threadId: string, patch: JsonBody<'/threads/{threadId}/settings', 'patch'>) =>
      session.write((rest) =>
        rest.patch('/threads/{threadId}/settings', { path: { threadId }, body: patch }),
      ),
  };
}
