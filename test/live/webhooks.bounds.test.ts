import type { FormattedExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, type Simulator, startSimulator } from '../../simulator/src/index.js';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from '../../src/graphql/json-input.js';
import type { InboxEvent } from '../../src/upstream/types.js';
import { useHarness } from '../support/harness.js';
import {
  eventReads,
  postWebhook,
  postWebhookBody,
  type Served,
  sseSubscribe,
  teamOf,
  until,
  webhookSecrets,
  wsClient,
} from '../support/live.js';
import { type Replica, startFacadeProcess } from '../support/replicas.js';

/**
 * Live events are bounded wherever they come from (a webhook, the log a poller reads, another replica): an
 * envelope whose `data` nests deeper than MAX_JSON_DEPTH or holds more than MAX_JSON_VALUES values never
 * reaches a subscriber, whose serialiser it would overflow. The webhook refuses it with 413.
 */

const EVENTS = 'subscription { inboxEvents { inboxId seq type data } }';

/** `levels` nested arrays around a number, as JSON text (built as text: no serialiser could). */
const nestedText = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;
const nested = (levels: number): unknown => JSON.parse(nestedText(levels));

/** The envelope of `event` with `dataText` (JSON) as its `data`, as a raw body. */
function withData(event: InboxEvent, dataText: string): string {
  const { data: _replaced, ...envelope } = event;
  return `${JSON.stringify(envelope).slice(0, -1)},"data":${dataText}}`;
}

/** A new event of the simulated team (in its log), not yet posted anywhere. */
const newEvent = (simulator: Simulator, token = DEMO_TOKEN) =>
  teamOf({ simulator }, token).emit('thread.typing', { threadId: 'abc', senderPlatformId: '1' });

describe('a signed webhook beyond the event bounds, to a facade process with subscribers', () => {
  let simulator: Simulator;
  let facade: Replica;
  const served = () => ({ server: { url: facade.url } }) satisfies Served;
  beforeAll(async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 100_000 });
    facade = await startFacadeProcess('bounds', simulator, {
      INBOX_WEBHOOK_SECRETS: webhookSecrets(),
      EVENTS_POLL_INTERVAL_MS: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    await facade?.stop('SIGKILL');
    await simulator?.close();
  });

  it('8 000 levels deep: 413; the process lives on, and every subscriber (SSE, WebSocket) gets later events', async () => {
    const sse = sseSubscribe(served(), EVENTS);
    const ws = wsClient(served(), { authorization: `Bearer ${DEMO_TOKEN}` });
    const overWs: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
    const unsubscribe = ws.subscribe(
      { query: EVENTS },
      { next: (value) => overWs.push(value), error() {}, complete() {} },
    );
    try {
      // Both subscribed once both receive a webhook (a fresh event each time, until they do).
      const deadline = Date.now() + 15_000;
      while (sse.payloads.length === 0 || overWs.length === 0) {
        if (Date.now() > deadline) throw new Error('the subscribers never received a webhook');
        expect((await postWebhook(served(), newEvent(simulator))).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const before = { sse: sse.payloads.length, ws: overWs.length };

      const deep = withData(newEvent(simulator), nestedText(8_000));
      expect(deep.length).toBeLessThan(17_000);
      const refused = await postWebhookBody(served(), deep);
      expect(refused.status).toBe(413);
      expect(await refused.json()).toEqual({ error: expect.stringMatching(/deeper than 10 levels/) });

      const later = newEvent(simulator);
      expect((await postWebhook(served(), later)).status).toBe(200);
      await until(
        () => sse.payloads.slice(before.sse).length > 0 && overWs.slice(before.ws).length > 0,
        'both subscribers received the later event',
      );
      for (const received of [sse.payloads.slice(before.sse), overWs.slice(before.ws)]) {
        expect(received.map((payload) => payload.data?.inboxEvents)).toEqual([
          expect.objectContaining({ inboxId: later.id, seq: later.seq }),
        ]);
      }
      expect(facade.process.exitCode).toBeNull();
      expect((await fetch(`${facade.url}/health`)).status).toBe(200);
    } finally {
      sse.leave();
      unsubscribe();
      await ws.dispose();
    }
  });

  it('a poller drops a logged event beyond the bounds; its subscribers get the next one', async () => {
    const teamId = teamOf({ simulator }, SECOND_TEAM_TOKEN).team.id;
    const polls = () => eventReads({ simulator }, teamId);
    const sse = sseSubscribe(served(), EVENTS, { token: SECOND_TEAM_TOKEN });
    try {
      // No webhook of this team ever came: it is polled. Its first poll finds the end of the log.
      await until(() => polls() >= 2, 'a poll after the first');
      const second = teamOf({ simulator }, SECOND_TEAM_TOKEN);
      const deep = second.emit('thread.typing', nested(MAX_JSON_DEPTH + 1));
      const wide = second.emit(
        'thread.typing',
        Array.from({ length: MAX_JSON_VALUES }, (_, index) => index),
      );
      const fine = second.emit('thread.typing', { threadId: 'abc', senderPlatformId: '1' });
      await until(() => sse.payloads.length >= 1, 'the next event');
      const after = polls();
      await until(() => polls() >= after + 2, 'two more polls');
      expect(sse.payloads.map((payload) => payload.data?.inboxEvents)).toEqual([
        expect.objectContaining({ inboxId: fine.id }),
      ]);
      // Nor does the log's own reader serve them.
      const log = await fetch(`${facade.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECOND_TEAM_TOKEN}` },
        body: JSON.stringify({
          query: `{ events(after: "${deep.seq - 1}") { edges { node { inboxId } } lastSeq } }`,
        }),
      });
      expect(((await log.json()) as { data: unknown }).data).toEqual({
        events: { edges: [{ node: { inboxId: fine.id } }], lastSeq: fine.seq },
      });
      expect(wide.seq).toBe(deep.seq + 1);
      expect(
        facade.logLines.filter((line) => line.includes('dropped an event of GET /events')).length,
      ).toBeGreaterThanOrEqual(2);
    } finally {
      sse.leave();
    }
  });
});

describe('the webhook’s bounds, at their limits', () => {
  const harness = useHarness({ transport: 'http', config: { INBOX_WEBHOOK_SECRETS: webhookSecrets() } });
  const event = () => newEvent(harness.simulator);

  it.each([
    { label: '`data` 10 levels deep', dataText: JSON.stringify(nested(MAX_JSON_DEPTH)), status: 200 },
    { label: '`data` 11 levels deep', dataText: JSON.stringify(nested(MAX_JSON_DEPTH + 1)), status: 413 },
    {
      label: '`data` of 10 000 values',
      dataText: JSON.stringify(Array(MAX_JSON_VALUES - 1).fill(0)),
      status: 200,
    },
    {
      label: '`data` of 10 001 values',
      dataText: JSON.stringify(Array(MAX_JSON_VALUES).fill(0)),
      status: 413,
    },
  ])('$label: $status', async ({ dataText, status }) => {
    expect((await postWebhookBody(harness, withData(event(), dataText))).status).toBe(status);
  });

  it.each([
    ['an event id that is not a key', { id: 'a b/c' }],
    ['a timestamp that is not a date', { timestamp: 'yesterday' }],
    ['another version', { version: '2.0' }],
    ['a seq that is not a position', { seq: -1 }],
  ])('%s: 400', async (_label, override) => {
    const response = await postWebhook(harness, { ...event(), ...override });
    expect(response.status).toBe(400);
  });

  it('unsigned, 8 000 levels deep: 401, the signature is checked before the body is parsed', async () => {
    const body = withData(event(), nestedText(8_000));
    expect((await postWebhookBody(harness, body, undefined, 'not-the-secret')).status).toBe(401);
  });

  it('a team id that is not an Inbox id: 401, no secret may speak for it', async () => {
    expect((await postWebhook(harness, { ...event(), teamId: '../x' })).status).toBe(401);
  });
});
