import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { useHarness } from '../support/harness.js';
import { eventReads, sleep, teamOf, until, wsClient } from '../support/live.js';

/**
 * GraphQL over WebSocket with graphql-ws's own client, at its default settings, against the real facade
 * and simulator. Polling mode (no webhook secret): the facade finds events itself, every second here.
 */

const INTERVAL_MS = 1_000;
const harness = useHarness({ config: { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS) } });

const EVENTS = 'subscription { inboxEvents { inboxId seq type } }';
type EventsResult = ExecutionResult<{ inboxEvents: { inboxId: string; seq: number; type: string } }>;

const teamId = (token = DEMO_TOKEN) => teamOf(harness, token).team.id;
const polling = (token = DEMO_TOKEN) => harness.facade.events.pollers?.polling(teamId(token)) ?? false;
const listening = (token = DEMO_TOKEN) => harness.facade.events.bus.listening(teamId(token));

describe('GraphQL over WebSocket (graphql-ws)', () => {
  it('a subscription receives the event of a mutation sent over the same socket', async () => {
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      const events = client.iterate<EventsResult['data']>({ query: EVENTS });
      const first = events.next();
      await until(() => polling() && eventReads(harness) > 0, 'the team poller found the end of the log');
      await sleep(50);

      const created = await client
        .iterate({ query: 'mutation { createTag(input: { name: "Over WS" }) { tag { id name } } }' })
        .next();
      expect(created.value).toMatchObject({ data: { createTag: { tag: { name: 'Over WS' } } } });

      const { value } = await first;
      expect(value?.errors).toBeUndefined();
      expect(value?.data?.inboxEvents).toMatchObject({
        type: 'tag.created',
        seq: teamOf(harness).events.at(-1)?.seq,
      });
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('the token may come from the upgrade request’s Authorization header', async () => {
    const client = wsClient(harness, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
    try {
      const { value } = await client.iterate({ query: '{ team { name } }' }).next();
      expect(value).toEqual({
        data: { team: { name: 'Acme Corp' } },
        extensions: { cost: expect.objectContaining({ actualQueryCost: expect.any(Number) }) },
      });
    } finally {
      await client.dispose();
    }
  });

  it.each([
    ['a wrong token', { authorization: 'Bearer not-a-real-token' }],
    ['a malformed token', { authorization: 'not-a-bearer' }],
    ['a token that is not a string', { authorization: { token: DEMO_TOKEN } }],
    ['a token with a line break', { authorization: `Bearer ${DEMO_TOKEN}\nX-Injected: 1` }],
    ['no token', {}],
  ])('refuses %s with UNAUTHENTICATED, without starting a poller', async (_label, options) => {
    const before = eventReads(harness);
    const client = wsClient(harness, options);
    try {
      // A token the upstream refuses fails in execution (a result with errors); no token or a malformed one
      // is refused before the document is read (graphql-ws's Error message, which the client throws).
      const outcome = await client
        .iterate({ query: EVENTS })
        .next()
        .then(
          ({ value }) => (value as ExecutionResult).errors,
          (errors: unknown) => errors as ExecutionResult['errors'],
        );
      expect(outcome?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(polling()).toBe(false);
      expect(eventReads(harness)).toBe(before);
    } finally {
      await client.dispose();
    }
  });

  it('closing the socket stops the upstream work: no further GET /events within two intervals', async () => {
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    const events = client.iterate({ query: EVENTS });
    void events.next().catch(() => undefined);
    await until(() => polling() && listening() === 1, 'the subscription is live');
    const reads = eventReads(harness);
    await until(() => eventReads(harness) > reads, 'the poller polled', 3 * INTERVAL_MS);

    await client.dispose(); // closes the socket, without completing the subscription first
    await until(() => listening() === 0 && !polling(), 'the subscription ended on the server');
    const atClose = eventReads(harness);
    await sleep(2 * INTERVAL_MS + 200);
    expect(eventReads(harness)).toBe(atClose);
  });

  it('keeps teams apart: a subscriber sees only its own team’s events', async () => {
    const ours = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    const theirs = wsClient(harness, { authorization: `Bearer ${SECOND_TEAM_TOKEN}` });
    try {
      const ourEvents = ours.iterate<EventsResult['data']>({ query: EVENTS });
      const theirEvents = theirs.iterate<EventsResult['data']>({ query: EVENTS });
      const ourFirst = ourEvents.next();
      const theirFirst = theirEvents.next();
      await until(() => polling(DEMO_TOKEN) && polling(SECOND_TEAM_TOKEN), 'both teams are polled');
      await sleep(INTERVAL_MS + 100);

      await harness.graphql('mutation { createStatus(input: { name: "Ours only" }) { status { id } } }');
      expect((await ourFirst).value?.data?.inboxEvents.type).toBe('status.created');
      await harness.graphql('mutation { createTag(input: { name: "Theirs" }) { tag { id } } }', {
        token: SECOND_TEAM_TOKEN,
      });
      const theirs1 = (await theirFirst).value?.data?.inboxEvents;
      expect(theirs1).toMatchObject({
        type: 'tag.created',
        inboxId: teamOf(harness, SECOND_TEAM_TOKEN).events.at(-1)?.id,
      });
    } finally {
      await Promise.all([ours.dispose(), theirs.dispose()]);
    }
  });

  it('applies the same limits and masking as HTTP', async () => {
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      const deep = `{ threads(first: 1) { edges { node { ${'prospect { threads { '.repeat(8)} id ${'} } '.repeat(8)} } } } }`;
      const overWs = await client
        .iterate({ query: deep })
        .next()
        .catch((errors: unknown) => errors);
      const overHttp = await harness.graphql(deep);
      expect(overHttp.body.errors?.[0]?.message).toBeDefined();
      expect(JSON.stringify(overWs)).toContain(overHttp.body.errors?.[0]?.message);

      // 101 ids: 101 calls (and the token's team), over MAX_UPSTREAM_CALLS (100), refused before any call.
      const ids = Array.from({ length: 101 }, (_, index) => encodeGlobalID('Thread', `thread${index}`));
      harness.simulator.resetCalls();
      const refused = await client
        .iterate({ query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } })
        .next();
      expect((refused.value as ExecutionResult).errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_BUDGET_EXCEEDED',
        estimate: 102,
        limit: 100,
      });
      expect(harness.simulator.calls).toHaveLength(0);

      // An upstream failure: the same coded error as over HTTP, no stack or URL.
      const missing = '{ thread(id: "nosuchthread0") { id } }';
      const overWsMissing = (await client.iterate({ query: missing }).next()).value;
      // The same answer, but for its cost (the team's budget has moved on between the two).
      const overHttpMissing = (await harness.graphql(missing)).body;
      expect({ ...overWsMissing, extensions: undefined }).toEqual({
        ...overHttpMissing,
        extensions: undefined,
      });
      expect((overWsMissing as ExecutionResult).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    } finally {
      await client.dispose();
    }
  });

  it('answers on the GraphQL endpoint only', async () => {
    expect(await upgrade(`${harness.server.url.replace(/^http/, 'ws')}/elsewhere`)).toBe(404);
  });
});

describe('GraphQL over WebSocket with CORS_ORIGINS set', () => {
  const limited = useHarness({ config: { CORS_ORIGINS: 'https://app.example.com' } });
  const url = () => `${limited.server.url.replace(/^http/, 'ws')}/graphql`;

  it('refuses a browser on an origin that is not listed, and accepts a listed one or a non-browser client', async () => {
    expect(await upgrade(url(), 'https://evil.example.com')).toBe(403);
    expect(await upgrade(url(), 'https://app.example.com')).toBe('open');
    expect(await upgrade(url())).toBe('open');
  });
});

/** Opens a raw socket: 'open', or the HTTP status of the refused upgrade. */
function upgrade(url: string, origin?: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('error', () => undefined);
  });
}
