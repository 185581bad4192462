import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { type Client, createClient, TOKEN_HEADER_KEY } from 'graphql-sse';
import { createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import {
  type SingleConnectionLimits,
  SingleConnectionStreams,
} from '../../src/edge/sse-single-connection.js';
import { createLogger } from '../../src/observability/logger.js';
import { schema } from '../../src/schema/index.js';
import { useHarness } from '../support/harness.js';
import { eventReads, lastEvent, sleep, teamOf, until } from '../support/live.js';

/**
 * graphql-sse's own client, at its defaults but for `singleConnection`, against the real facade (polling
 * every second, no webhook secret), in both of its modes.
 */

const harness = useHarness({ config: { EVENTS_POLL_INTERVAL_MS: '1000', MAX_DEPTH: '5' } });
const EVENTS = 'subscription { inboxEvents { inboxId type } }';
const TOO_DEEP = '{ threads(first: 1) { edges { node { prospect { tags { id } } } } } }';
type Events = { inboxEvents: { inboxId: string; type: string } };

const clients: Array<Client<boolean>> = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

function sseClient(singleConnection: boolean, token: string | null = DEMO_TOKEN): Client<boolean> {
  const client = createClient({
    url: `${harness.server.url}/graphql`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    singleConnection,
  });
  clients.push(client);
  return client;
}

/** The first result of an operation (a query's only one). */
async function firstResult<T>(client: Client, query: string): Promise<ExecutionResult<T>> {
  const results = client.iterate<T>({ query });
  const { value } = await results.next();
  await results.return?.();
  return value as ExecutionResult<T>;
}

/** The subscription receives the `tag.created` event of a mutation made once the team's poller runs. */
async function receivesAnEvent(client: Client): Promise<void> {
  const events = client.iterate<Events>({ query: EVENTS });
  const first = events.next();
  const tokenKey = harness.facade.identity.keyOf(DEMO_TOKEN);
  await until(() => harness.facade.events.openFor(tokenKey) === 1, 'the subscription is open');
  const poller = () => harness.facade.events.pollers?.polling(teamOf(harness).team.id) ?? false;
  await until(() => poller() && eventReads(harness) > 0, 'the team poller found the end of the log');
  await sleep(50);
  // Tag names are unique: each test creates its own.
  const created = await harness.graphql(
    `mutation { createTag(input: { name: "Over SSE ${randomUUID().slice(0, 8)}" }) { tag { id } } }`,
  );
  expect(created.body.errors).toBeUndefined();
  const { value } = await first;
  expect((value as ExecutionResult).data).toEqual({
    inboxEvents: { inboxId: lastEvent(harness).id, type: 'tag.created' },
  });
  await events.return?.();
}

describe.each([
  ['distinct connections (the default)', false],
  ['single connection', true],
])('graphql-sse’s client in %s mode', (_, singleConnection) => {
  it('a subscription receives the event of a mutation', async () => {
    await receivesAnEvent(sseClient(singleConnection));
  });

  it('a query is answered', async () => {
    const result = await firstResult<{ team: { name: string } }>(
      sseClient(singleConnection),
      '{ team { name } }',
    );
    expect(result).toEqual({
      data: { team: { name: teamOf(harness).team.name } },
      extensions: { cost: expect.objectContaining({ actualQueryCost: expect.any(Number) }) },
    });
  });

  it('a subscription without a token is refused with UNAUTHENTICATED, and no upstream call', async () => {
    harness.simulator.resetCalls();
    const result = await firstResult(sseClient(singleConnection, null), EVENTS);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('variables over the input limits are refused with BAD_USER_INPUT, before any upstream call', async () => {
    harness.simulator.resetCalls();
    const results = sseClient(singleConnection).iterate({
      query: 'query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      variables: { ids: Array.from({ length: 2001 }, (_, index) => `id${index}`) },
    });
    const { value } = await results.next();
    await results.return?.();
    expect((value as ExecutionResult).errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', field: 'variables.ids' },
    ]);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a document over MAX_DEPTH is refused with its limit, before any upstream call', async () => {
    harness.simulator.resetCalls();
    const result = await firstResult(sseClient(singleConnection), TOO_DEEP);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_DEPTH' },
    ]);
    expect(harness.simulator.calls).toEqual([]);
  });
});

describe('single connection mode: reservations', () => {
  const url = () => `${harness.server.url}/graphql`;
  const authorization = `Bearer ${DEMO_TOKEN}`;
  const reserve = (headers: Record<string, string> = { authorization }) =>
    fetch(url(), { method: 'PUT', headers });

  it('one stream carries several operations, and is freed when the client leaves', async () => {
    const client = sseClient(true);
    const tokenKey = harness.facade.identity.keyOf(DEMO_TOKEN);
    const events = client.iterate<Events>({ query: EVENTS });
    // Disposing the client fails the subscription's own DELETE: its result is that error.
    const pending = events.next().catch((error: unknown) => error);
    await until(() => harness.facade.events.openFor(tokenKey) === 1, 'the subscription is open');
    const answer = await firstResult<{ team: { name: string } }>(client, '{ team { name } }');
    expect(answer.data?.team.name).toBe(teamOf(harness).team.name);
    expect(harness.facade.singleConnectionStreams.size).toBe(1);

    client.dispose();
    await until(() => harness.facade.singleConnectionStreams.size === 0, 'the stream is freed');
    await until(() => harness.facade.events.openFor(tokenKey) === 0, 'the subscription is freed');
    await pending;
  });

  it('a reservation answers only requests with the Authorization header that made it', async () => {
    const reservation = await reserve();
    expect(reservation.status).toBe(201);
    const token = await reservation.text();
    const other = await fetch(url(), {
      headers: { accept: 'text/event-stream', [TOKEN_HEADER_KEY]: token, authorization: 'Bearer other' },
    });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }],
    });
    const stream = await fetch(url(), {
      headers: { accept: 'text/event-stream', [TOKEN_HEADER_KEY]: token, authorization },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await stream.body?.cancel();
    await until(() => harness.facade.singleConnectionStreams.size === 0, 'the stream is freed');
  });

  it('a token holds at most 10 streams: the next reservation is refused with TOO_MANY_STREAMS', async () => {
    const tokens: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const reservation = await reserve();
      expect(reservation.status).toBe(201);
      tokens.push(await reservation.text());
    }
    const refused = await reserve();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'TOO_MANY_STREAMS' } }],
    });
    // Another token is not held back by this one's streams.
    expect((await reserve({ authorization: 'Bearer another-token' })).status).toBe(201);
    // A stream that ends gives its place back.
    const stream = await fetch(url(), {
      headers: { accept: 'text/event-stream', [TOKEN_HEADER_KEY]: tokens[0] as string, authorization },
    });
    await stream.body?.cancel();
    await until(() => harness.facade.singleConnectionStreams.size === 10, 'the stream is freed');
    expect((await reserve()).status).toBe(201);
  });
});

describe('single connection mode: what a client that does not read or open its stream can hold', () => {
  const authorization = `Bearer ${DEMO_TOKEN}`;
  /** graphql-sse's handler over the facade's envelop, with tighter bounds, called in process. */
  function streamsWith(limits: Partial<SingleConnectionLimits>) {
    const streams = new SingleConnectionStreams({
      graphqlEndpoint: '/graphql',
      maxBodyBytes: 262_144,
      getEnveloped: (initial) => harness.facade.yoga.getEnveloped(initial),
      limits,
      logger: createLogger('silent'),
    });
    const router = createYoga({ schema, plugins: [streams.plugin], logging: false });
    const send = (method: string, headers: Record<string, string> = {}, body?: string) =>
      router.fetch('http://localhost/graphql', {
        method,
        headers: {
          authorization,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
        body,
      });
    const reserve = async () => (await send('PUT')).text();
    const operation = (token: string, id: string, query: string) =>
      send('POST', { [TOKEN_HEADER_KEY]: token }, JSON.stringify({ query, extensions: { operationId: id } }));
    return { streams, send, reserve, operation };
  }

  it('a reservation never opened is dropped after its TTL, with the subscription sent to it', async () => {
    const { streams, send, reserve, operation } = streamsWith({ unopenedTtlMs: 300 });
    const tokenKey = harness.facade.identity.keyOf(DEMO_TOKEN);
    const token = await reserve();
    expect((await operation(token, 'events', EVENTS)).status).toBe(202);
    await until(() => harness.facade.events.openFor(tokenKey) === 1, 'the subscription runs');
    expect(streams.size).toBe(1);
    await until(() => streams.size === 0, 'the reservation is dropped');
    await until(() => harness.facade.events.openFor(tokenKey) === 0, 'its subscription ends');
    const late = await send('GET', { accept: 'text/event-stream', [TOKEN_HEADER_KEY]: token });
    expect(late.status).toBe(404);
  });

  it('a stream nobody reads holds a bounded number of results and operations', async () => {
    const { send, reserve, operation } = streamsWith({ operationsPerStream: 3, undeliveredPerStream: 2 });
    const token = await reserve();
    const stream = await send('GET', { accept: 'text/event-stream', [TOKEN_HEADER_KEY]: token });
    expect(stream.status).toBe(200);
    // Two results wait in the stream; the next three operations wait to add theirs; no more are taken.
    const ids = ['1', '2', '3', '4', '5'];
    for (const id of ids) expect((await operation(token, id, '{ __typename }')).status).toBe(202);
    const refused = await operation(token, '6', '{ __typename }');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'TOO_MANY_OPERATIONS' } }],
    });

    // Once the client reads, every result arrives, and operations are taken again.
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/event: complete/g) ?? []).length < ids.length) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended early');
      text += decoder.decode(value);
    }
    for (const id of ids) {
      expect(text).toContain(`"id":"${id}","payload":{"data":{"__typename":"Query"}`);
    }
    expect((await operation(token, '7', '{ __typename }')).status).toBe(202);
    await reader.cancel();
  });

  it('an operation’s body over MAX_BODY_BYTES is refused before it is read', async () => {
    const { reserve, operation } = streamsWith({});
    const token = await reserve();
    const refused = await operation(token, 'big', `{ __typename ${' '.repeat(300_000)}}`);
    expect(refused.status).toBe(413);
    expect((await refused.json()).errors[0].extensions).toEqual({ code: 'REQUEST_ENTITY_TOO_LARGE' });
  });
});

describe('single connection mode: graceful shutdown', () => {
  const draining = useHarness({ config: { EVENTS_POLL_INTERVAL_MS: '1000' } });

  it('a subscription ends with SHUTTING_DOWN, then the stream ends and its reservation is freed', async () => {
    const client = createClient({
      url: `${draining.server.url}/graphql`,
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
      singleConnection: true,
    });
    clients.push(client);
    const tokenKey = draining.facade.identity.keyOf(DEMO_TOKEN);
    const results = client.iterate({ query: EVENTS });
    const first = results.next();
    await until(() => draining.facade.events.openFor(tokenKey) === 1, 'the subscription is open');
    await draining.facade.shutdown();
    const { value } = await first;
    expect((value as ExecutionResult).errors?.map((error) => error.extensions?.code)).toEqual([
      'SHUTTING_DOWN',
    ]);
    expect((await results.next()).done).toBe(true);
    expect(draining.facade.singleConnectionStreams.size).toBe(0);
    // No new reservation while draining: the client is to reserve on another replica.
    const refused = await fetch(`${draining.server.url}/graphql`, { method: 'PUT' });
    expect(refused.status).toBe(503);
  });
});
