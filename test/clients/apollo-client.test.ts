import { createHash } from 'node:crypto';
import {
  ApolloClient,
  ApolloLink,
  type ErrorPolicy,
  gql,
  HttpLink,
  InMemoryCache,
  type InMemoryCacheConfig,
} from '@apollo/client';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import {
  AuthorNameFragmentDoc,
  NodeByIdDocument,
  NodeIdFragmentDoc,
  TeamAndThreadDocument,
  TeamNameDocument,
  ThreadByIdDocument,
  ThreadListDocument,
  ThreadWithDeferredMessagesDocument,
  ThreadWithMessagesDocument,
  UpdateThreadDocument,
} from '../generated/graphql.js';
import generatedPossibleTypes from '../generated/possible-types.js';
import { useHarness } from '../support/harness.js';

/**
 * Apollo Client 4 end to end, the way a frontend uses the facade: typed documents from codegen,
 * a normalised cache with generated possibleTypes, persisted queries, @defer, and error policies.
 */

// Apollo Client talks HTTP (JSON, multipart @defer, persisted-query GETs): real HTTP.
const harness = useHarness({ transport: 'http' });

const store = () => {
  const team = harness.simulator.store.teamByToken(DEMO_TOKEN);
  if (!team) throw new Error('the demo team is seeded');
  return team;
};
const upstreamGets = () => harness.simulator.calls.filter((call) => call.method === 'GET');

/** What Apollo put on the wire, read back from the request and the response. */
interface Exchange {
  method: string;
  url: URL;
  body: Record<string, unknown> | undefined;
  status: number;
  contentType: string | null;
}

/** The cache setup of docs/frontends.md: possibleTypes from codegen, and `thread(id)` read from the cache. */
const cacheConfig = (possibleTypes = generatedPossibleTypes.possibleTypes): InMemoryCacheConfig => ({
  possibleTypes,
  typePolicies: {
    Query: {
      fields: {
        // A thread already in the cache (e.g. from a list) answers `thread(id:)` without a request.
        thread: {
          read: (existing, { args, toReference }) =>
            existing !== undefined ? existing : toReference({ __typename: 'Thread', id: args?.id }),
        },
      },
    },
  },
});

function createClient(options: { persisted?: 'POST' | 'GET'; accept?: string } = {}) {
  const exchanges: Exchange[] = [];
  const recordingFetch: typeof fetch = async (input, init = {}) => {
    const response = await fetch(input, init);
    exchanges.push({
      method: init.method ?? 'GET',
      url: new URL(String(input)),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      status: response.status,
      contentType: response.headers.get('content-type'),
    });
    return response;
  };
  const http = new HttpLink({
    uri: `${harness.server.url}/graphql`,
    fetch: recordingFetch,
    headers: { authorization: `Bearer ${DEMO_TOKEN}`, ...(options.accept ? { accept: options.accept } : {}) },
  });
  const persisted = new PersistedQueryLink({
    sha256: (query: string) => createHash('sha256').update(query).digest('hex'),
    useGETForHashedQueries: options.persisted === 'GET',
  });
  const client = new ApolloClient({
    link: options.persisted ? ApolloLink.from([persisted, http]) : http,
    cache: new InMemoryCache(cacheConfig()),
    incrementalHandler: new Defer20220824Handler(),
  });
  return { client, exchanges };
}

async function firstThreads(count: number) {
  const { client, exchanges } = createClient();
  const { data } = await client.query({ query: ThreadListDocument, variables: { first: count } });
  const threads = data?.threads?.edges.map((edge) => edge.node) ?? [];
  expect(threads).toHaveLength(count);
  return { client, exchanges, threads };
}

describe('InMemoryCache normalises by id, with possibleTypes from codegen', () => {
  it('stores each thread, member and author once under its typename and id', async () => {
    const { client, threads } = await firstThreads(10);
    const cached = client.cache.extract() as Record<string, Record<string, unknown>>;
    for (const thread of threads) {
      expect(cached[`Thread:${thread.id}`]).toMatchObject({
        __typename: 'Thread',
        id: thread.id,
        done: thread.done,
      });
      const author = thread.lastMessage?.author;
      if (author) expect(cached[`${author.__typename}:${author.id}`]).toMatchObject({ id: author.id });
    }
    // The list holds references, not copies.
    const list = cached.ROOT_QUERY?.['threads({"first":10})'] as
      | { edges: Array<{ node: unknown }> }
      | undefined;
    expect(list?.edges.map((edge) => edge.node)).toEqual(
      threads.map((thread) => ({ __ref: `Thread:${thread.id}` })),
    );
    // The simulator's threads, and their state.
    const simulated = new Map(store().threads.map((thread) => [thread.id, thread]));
    for (const thread of threads) expect(thread.done).toBe(simulated.get(thread.inboxId)?.done);
  });

  it('answers thread(id) from a thread the list brought, with no request', async () => {
    const { client, exchanges, threads } = await firstThreads(5);
    const requestsBefore = exchanges.length;
    harness.simulator.resetCalls();
    const target = threads[3];
    const { data } = await client.query({ query: ThreadByIdDocument, variables: { id: target?.id ?? '' } });
    expect(data?.thread).toEqual(target);
    expect(exchanges).toHaveLength(requestsBefore);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('matches fragments on the MessageAuthor union and the Node interface only with possibleTypes', async () => {
    const { client, threads } = await firstThreads(10);
    const author = threads.find((thread) => thread.lastMessage?.author)?.lastMessage?.author;
    const thread = threads[0];
    if (!author || !thread) throw new Error('the seed has threads with a last message');

    const { data: node } = await client.query({ query: NodeByIdDocument, variables: { id: thread.id } });
    expect(node?.node).toEqual({ __typename: 'Thread', id: thread.id, done: thread.done });

    const read = (cache: InMemoryCache) => ({
      author: cache.readFragment({ id: cache.identify(author), fragment: AuthorNameFragmentDoc }),
      node: cache.readFragment({ id: cache.identify(thread), fragment: NodeIdFragmentDoc }),
    });
    expect(read(client.cache as InMemoryCache)).toEqual({
      author,
      node: { __typename: 'Thread', id: thread.id },
    });

    // The same data in a cache without possibleTypes: fragments on abstract types match nothing
    // (Apollo warns "Cannot match fragment"), only __typename is left.
    const bare = new InMemoryCache(cacheConfig({}));
    bare.restore(client.cache.extract() as Parameters<InMemoryCache['restore']>[0]);
    expect(read(bare)).toEqual({ author: { __typename: author.__typename }, node: { __typename: 'Thread' } });
  });
});

describe('a mutation updates the normalised cache', () => {
  it('updateThread(done: true): cached queries show it with no refetch', async () => {
    const { client, threads } = await firstThreads(5);
    const target = threads.find((thread) => !thread.done);
    if (!target) throw new Error('the default inbox lists open threads');
    harness.simulator.resetCalls();

    const { data } = await client.mutate({
      mutation: UpdateThreadDocument,
      variables: { input: { id: target.id, done: true } },
    });
    expect(data?.updateThread?.thread).toEqual({ __typename: 'Thread', id: target.id, done: true });

    // The list and the single-thread query, read from the cache, both show the new value.
    const list = client.readQuery({ query: ThreadListDocument, variables: { first: 5 } });
    expect(list?.threads?.edges.find((edge) => edge.node.id === target.id)?.node.done).toBe(true);
    const { data: single } = await client.query({ query: ThreadByIdDocument, variables: { id: target.id } });
    expect(single?.thread?.done).toBe(true);

    // One PATCH upstream, and no GET after it; the simulator holds the new value.
    expect(harness.simulator.calls.map(({ method, path }) => `${method} ${path}`)).toEqual([
      `PATCH /threads/${target.inboxId}`,
    ]);
    expect(upstreamGets()).toEqual([]);
    expect(store().threads.find((thread) => thread.id === target.inboxId)?.done).toBe(true);

    // Reopen it, so the seed is as it was for anything after this test.
    await client.mutate({
      mutation: UpdateThreadDocument,
      variables: { input: { id: target.id, done: false } },
    });
  });
});

describe('automatic persisted queries through PersistedQueryLink', () => {
  it('misses, registers, then sends the hash only (POST)', async () => {
    const expected = { team: { __typename: 'Team', id: expect.any(String), name: store().team.name } };
    const first = createClient({ persisted: 'POST' });
    const { data } = await first.client.query({ query: TeamNameDocument });
    expect(data).toEqual(expected);

    const [miss, register] = first.exchanges;
    const extensions = miss?.body?.extensions as { persistedQuery?: { sha256Hash: string } } | undefined;
    const hash = extensions?.persistedQuery?.sha256Hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(miss).toMatchObject({ method: 'POST', status: 404 });
    expect(miss?.body).not.toHaveProperty('query');
    expect(register).toMatchObject({ method: 'POST', status: 200 });
    expect(register?.body).toMatchObject({
      query: expect.stringContaining('query TeamName'),
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    expect(createHash('sha256').update(String(register?.body?.query)).digest('hex')).toBe(hash);

    // A second client (another browser tab) hits by hash alone.
    const second = createClient({ persisted: 'POST' });
    const hit = await second.client.query({ query: TeamNameDocument });
    expect(hit.data).toEqual(expected);
    expect(second.exchanges).toHaveLength(1);
    expect(second.exchanges[0]).toMatchObject({ method: 'POST', status: 200 });
    expect(second.exchanges[0]?.body).toMatchObject({
      operationName: 'TeamName',
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    });
    expect(second.exchanges[0]?.body).not.toHaveProperty('query');
  });

  it('hashed queries over GET pass CSRF prevention and hit by hash', async () => {
    // Registers the query (the POST test above may run alone).
    await createClient({ persisted: 'POST' }).client.query({ query: TeamNameDocument });

    const { client, exchanges } = createClient({ persisted: 'GET' });
    const { data } = await client.query({ query: TeamNameDocument });
    expect(data?.team?.name).toBe(store().team.name);
    expect(exchanges).toHaveLength(1);
    expect(exchanges[0]).toMatchObject({ method: 'GET', status: 200 });
    expect(exchanges[0]?.url.searchParams.has('query')).toBe(false);
    expect(JSON.parse(exchanges[0]?.url.searchParams.get('extensions') ?? '{}')).toMatchObject({
      persistedQuery: { version: 1 },
    });
  });
});

describe('@defer through Apollo Client', () => {
  it('delivers the deferred messages in a later part; the final result is complete', async () => {
    const { threads } = await firstThreads(1);
    const thread = threads[0];
    if (!thread) throw new Error('the seed has threads');

    const { client, exchanges } = createClient();
    const emissions: Array<{ dataState: string; hasMessages: boolean }> = [];
    const final = await new Promise<unknown>((resolve, reject) => {
      const subscription = client
        .watchQuery({ query: ThreadWithDeferredMessagesDocument, variables: { id: thread.id } })
        .subscribe({
          next: (result) => {
            if (result.loading && result.data === undefined) return;
            emissions.push({
              dataState: result.dataState,
              hasMessages: result.data?.thread != null && 'messages' in result.data.thread,
            });
            if (result.dataState === 'complete') {
              subscription.unsubscribe();
              resolve(result.data);
            }
          },
          error: reject,
        });
    });

    expect(exchanges[0]?.contentType).toMatch(/^multipart\/mixed/);
    // First the thread without its messages, then everything.
    expect(emissions[0]).toEqual({ dataState: 'streaming', hasMessages: false });
    expect(emissions.at(-1)).toEqual({ dataState: 'complete', hasMessages: true });

    // The same query without @defer gives the same data.
    const undeferred = await harness.graphql(ThreadWithMessagesDocument, { variables: { id: thread.id } });
    expect(undeferred.body.errors).toBeUndefined();
    expect(final).toEqual(undeferred.body.data);
  });
});

describe('errors reach Apollo Client as GraphQL errors, not network errors', () => {
  const INVALID = gql`
    query Invalid {
      team {
        name
        noSuchField
      }
    }
  `;

  it.each([
    { accept: undefined, status: 400, contentType: 'application/graphql-response+json' }, // Apollo 4's default
    { accept: 'application/json', status: 200, contentType: 'application/json' }, // older clients
  ])(
    'an invalid query (Accept: $accept) → HTTP $status $contentType → CombinedGraphQLErrors',
    async ({ accept, status, contentType }) => {
      const { client, exchanges } = createClient({ accept });
      const { data, error } = await client.query({ query: INVALID, errorPolicy: 'all' });
      expect(data).toBeUndefined();
      expect(CombinedGraphQLErrors.is(error)).toBe(true);
      expect(ServerError.is(error)).toBe(false);
      if (!CombinedGraphQLErrors.is(error)) return;
      expect(error.errors.map((graphQLError) => graphQLError.extensions?.code)).toEqual([
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expect(exchanges[0]?.status).toBe(status);
      expect(exchanges[0]?.contentType).toContain(contentType);
      expect(harness.simulator.calls).toEqual([]);
    },
  );

  const failThread = (rawId: string) =>
    harness.simulator.injectFault({
      kind: 'status',
      status: 403,
      path: `/threads/${rawId}`,
      body: { error: { code: 'FORBIDDEN', message: 'simulated 403', status: 403 } },
    });

  it('an upstream failure keeps the data that survived with errorPolicy "all"', async () => {
    const rawId = store().threads[0]?.id ?? '';
    failThread(rawId);
    const { client } = createClient();
    const { data, error } = await client.query({
      query: TeamAndThreadDocument,
      variables: { id: rawId },
      errorPolicy: 'all',
    });
    expect(data?.team?.name).toBe(store().team.name);
    expect(data?.thread).toBeNull();
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    if (!CombinedGraphQLErrors.is(error)) return;
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({
      path: ['thread'],
      extensions: { code: 'FORBIDDEN', upstream: { status: 403, method: 'GET' } },
    });
  });

  it.each<ErrorPolicy>(['none', 'ignore'])(
    'errorPolicy "%s" loses the error or the partial data (hence "all")',
    async (errorPolicy) => {
      const rawId = store().threads[0]?.id ?? '';
      failThread(rawId);
      const { client } = createClient();
      const run = client.query({ query: TeamAndThreadDocument, variables: { id: rawId }, errorPolicy });
      if (errorPolicy === 'none') {
        await expect(run).rejects.toSatisfy((error) => CombinedGraphQLErrors.is(error));
      } else {
        const { data, error } = await run;
        expect(data?.team?.name).toBe(store().team.name);
        expect(error).toBeUndefined();
      }
    },
  );
});

describe('extensions.cost next to the data', () => {
  it('is on the wire, stays out of the normalised cache, and a repeated query is still served from the cache', async () => {
    const answers: Array<{ extensions?: Record<string, unknown> }> = [];
    const client = new ApolloClient({
      link: new HttpLink({
        uri: `${harness.server.url}/graphql`,
        headers: { authorization: `Bearer ${DEMO_TOKEN}` },
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          answers.push(await response.clone().json());
          return response;
        },
      }),
      cache: new InMemoryCache(cacheConfig()),
    });
    const first = await client.query({ query: ThreadListDocument, variables: { first: 3 } });
    expect(answers).toHaveLength(1);
    expect(answers[0]?.extensions?.cost).toMatchObject({ actualQueryCost: expect.any(Number) });
    // cache-first, the default: the same query again is answered from the cache, with no request.
    const again = await client.query({ query: ThreadListDocument, variables: { first: 3 } });
    expect(answers).toHaveLength(1);
    expect(again.data).toEqual(first.data);
    expect(JSON.stringify(client.cache.extract())).not.toMatch(/"(cost|extensions)"/);
  });
});
