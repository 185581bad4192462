import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Client, fetchExchange, gql } from '@urql/core';
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { getIntrospectedSchema, minifyIntrospectionQuery } from '@urql/introspection';
import { buildSchema, isObjectType } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { useHarness } from '../support/harness.js';

/**
 * urql with Graphcache, set up as docs/frontends.md says, against the facade at its default settings: pages of
 * the inbox and of a conversation merge through relayPagination, every object is keyed by its `id` or
 * declared a value object, and Graphcache logs no warning. Both are at their own defaults too: urql sends
 * queries that fit in a URL as GETs without `Content-Type`, with only the `Authorization` header its user set.
 */
const harness = useHarness();
const sdl = await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');

/** The `keys` of docs/frontends.md: types without an `id` are values, embedded in the object holding them. */
const valueObjects = [
  'Color',
  'MessageHistory',
  'MessageVersion',
  'MessageDeletion',
  'CampaignRules',
  'CampaignSequence',
  'CampaignSyncedList',
  'CampaignExcludedList',
];
/** Mutation payloads: Graphcache writes a mutation's result without keying it (the objects inside are keyed). */
const payloads = (name: string) => name.endsWith('Payload');
const keys: KeyingConfig = Object.fromEntries(valueObjects.map((name) => [name, () => null]));

const warnings: string[] = [];
/** The method of every request the facade received over HTTP, as `GET /graphql`. */
const received: string[] = [];
const record = (request: IncomingMessage) => received.push(`${request.method} ${request.url?.split('?')[0]}`);
beforeEach(() => {
  received.length = 0;
  harness.server.server.on('request', record);
});
afterEach(() => {
  harness.server.server.off('request', record);
  warnings.length = 0;
});

function createClient(): Client {
  return new Client({
    url: `${harness.server.url}/graphql`,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${DEMO_TOKEN}` } }),
    exchanges: [
      cacheExchange({
        schema: minifyIntrospectionQuery(getIntrospectedSchema(sdl)),
        keys,
        resolvers: {
          Query: { threads: relayPagination() },
          Thread: { messages: relayPagination() },
        },
        logger: (severity, message) => {
          if (severity !== 'debug') warnings.push(`${severity}: ${message}`);
        },
      }),
      fetchExchange,
    ],
  });
}

const INBOX_PAGE = gql`
  query InboxPage($first: Int!, $after: String) {
    team { id name }
    threads(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id
          done
          lastMessageAt
          accountLink { id username status }
          assignee { id name }
          lastMessage {
            id
            content
            direction
            sentBy { id name }
            author { __typename ... on AccountLink { id username } ... on Prospect { id handle } }
          }
          prospect { id displayName tags { id name color } status { id name color } }
        }
      }
    }
  }
`;

const CONVERSATION = gql`
  query Conversation($id: ID!, $after: String) {
    thread(id: $id) {
      id
      messages(first: 3, after: $after) {
        isSyncing
        pageInfo { hasNextPage endCursor }
        edges { node { id content history { versions { content createdAt } deletion { deletedAt } } } }
      }
    }
    colors { name hex }
  }
`;

interface InboxPageData {
  team: { id: string; name: string };
  threads: {
    pageInfo: { hasNextPage: boolean; endCursor: string };
    edges: Array<{ node: { id: string; done: boolean; lastMessage: { id: string } | null } }>;
  };
}
interface ConversationData {
  thread: {
    id: string;
    messages: {
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: Array<{ node: { id: string; history: { versions: unknown[] } } }>;
    };
  };
  colors: Array<{ name: string; hex: string }>;
}

describe('urql + Graphcache at the default settings', () => {
  it('every object type without an id is a documented value object (or a mutation payload)', () => {
    const schema = buildSchema(sdl);
    const roots = new Set(['Query', 'Mutation', 'Subscription', '_Service']);
    const withoutId = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__') && !roots.has(type.name))
      .filter((type) => isObjectType(type) && !('id' in type.getFields()))
      .map((type) => type.name)
      // Graphcache itself never asks for keys of connections, edges and PageInfo.
      .filter((name) => !/PageInfo|(Connection|Edge)$/.test(name) && !payloads(name));
    expect(withoutId.sort()).toEqual([...valueObjects].sort());
  });

  it('a query goes as a GET without Content-Type, with the token: answered, not refused as CSRF', async () => {
    const client = new Client({
      url: `${harness.server.url}/graphql`,
      fetchOptions: () => ({ headers: { authorization: `Bearer ${DEMO_TOKEN}` } }),
      exchanges: [fetchExchange],
    });
    const result = await client.query(gql`query TeamName { team { id name } }`, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.team.name).toBe(harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name);
    expect(received).toEqual(['GET /graphql']);
  });

  it('the inbox page: two pages merged by relayPagination, with no warning', async () => {
    const client = createClient();
    const first = await client.query<InboxPageData>(INBOX_PAGE, { first: 3 }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data?.threads.edges).toHaveLength(3);
    // Graphcache's query fits in a URL: urql sends it as a GET.
    expect(received[0]).toBe('GET /graphql');
    const second = await client
      .query<InboxPageData>(INBOX_PAGE, { first: 3, after: first.data?.threads.pageInfo.endCursor })
      .toPromise();
    expect(second.error).toBeUndefined();

    // relayPagination answers the page query with every page fetched so far, in order.
    const direct = await harness.graphql<InboxPageData>('{ threads(first: 6) { edges { node { id } } } }');
    const ids = (data?: InboxPageData) => data?.threads.edges.map((edge) => edge.node.id);
    expect(ids(second.data)).toEqual(ids(direct.body.data ?? undefined));
    expect(warnings).toEqual([]);

    // The threads are normalised: a cache-only read of the first page is served without a request.
    const cached = await client
      .query<InboxPageData>(INBOX_PAGE, { first: 3 }, { requestPolicy: 'cache-only' })
      .toPromise();
    expect(ids(cached.data)).toEqual(ids(second.data));
  });

  it('extensions.cost reaches the result, not Graphcache: a repeated query is answered from the cache', async () => {
    const client = createClient();
    const first = await client.query<InboxPageData>(INBOX_PAGE, { first: 3 }).toPromise();
    expect(first.extensions?.cost).toMatchObject({ actualQueryCost: expect.any(Number) });
    harness.simulator.resetCalls();
    // cache-first, the default: no request; the cached result has the data and none of the extension.
    const again = await client.query<InboxPageData>(INBOX_PAGE, { first: 3 }).toPromise();
    expect(again.operation.context.meta?.cacheOutcome).toBe('hit');
    expect(again.data).toEqual(first.data);
    expect(again.extensions).toBeUndefined();
    expect(harness.simulator.calls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a conversation: messages page on, histories and colors stay embedded values, with no warning', async () => {
    const client = createClient();
    const { body } = await harness.graphql<InboxPageData>(
      '{ threads(first: 10) { edges { node { id messages(first: 7) { edges { cursor } } } } } }',
    );
    const thread = body.data?.threads.edges.find(
      (edge) => (edge.node as unknown as { messages: { edges: unknown[] } }).messages.edges.length >= 7,
    );
    if (!thread) throw new Error('the seed has a thread with 7 messages');

    const first = await client.query<ConversationData>(CONVERSATION, { id: thread.node.id }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data?.thread.messages.edges).toHaveLength(3);
    expect(first.data?.colors.length).toBeGreaterThan(0);
    const next = await client
      .query<ConversationData>(CONVERSATION, {
        id: thread.node.id,
        after: first.data?.thread.messages.pageInfo.endCursor,
      })
      .toPromise();
    expect(next.error).toBeUndefined();
    const messageIds = next.data?.thread.messages.edges.map((edge) => edge.node.id) ?? [];
    expect(messageIds).toHaveLength(6);
    expect(new Set(messageIds).size).toBe(6);
    expect(next.data?.thread.messages.edges.every((edge) => edge.node.history.versions.length > 0)).toBe(
      true,
    );
    expect(warnings).toEqual([]);
  });

  it('a mutation payload updates the cached page without a refetch', async () => {
    const client = createClient();
    const page = await client.query<InboxPageData>(INBOX_PAGE, { first: 3 }).toPromise();
    const target = page.data?.threads.edges[0]?.node;
    if (!target) throw new Error('the seed has threads');
    const result = await client
      .mutation(
        gql`mutation MarkDone($input: UpdateThreadInput!) { updateThread(input: $input) { thread { id done } } }`,
        { input: { id: target.id, done: !target.done } },
      )
      .toPromise();
    expect(result.error).toBeUndefined();
    expect(received).toEqual(['GET /graphql', 'POST /graphql']);

    harness.simulator.resetCalls();
    const cached = await client
      .query<InboxPageData>(INBOX_PAGE, { first: 3 }, { requestPolicy: 'cache-only' })
      .toPromise();
    expect(cached.data?.threads.edges[0]?.node).toMatchObject({ id: target.id, done: !target.done });
    expect(harness.simulator.calls).toHaveLength(0);
    expect(warnings).toEqual([]);
  });
});
