import type { ExecutionResult } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { useHarness } from '../support/harness.js';
import { postWebhook, sseSubscribe, teamOf, until, webhookSecrets, wsClient } from '../support/live.js';

/**
 * MAX_UPSTREAM_CALLS holds each event of a subscription: its selection is estimated when it subscribes, and
 * one that could make more calls per event is refused then, before any upstream call (not even the team
 * read that subscribing makes), on every transport. Webhooks feed the events: nothing polls.
 */
const harness = useHarness({ config: { INBOX_WEBHOOK_SECRETS: webhookSecrets() } });
const team = () => teamOf(harness);
afterEach(() => until(() => harness.facade.events.bus.listening(team().team.id) === 0, 'a quiet server'));

/** Per `thread.*` event: its thread's page of 100 messages, and the history of each: 101 calls. */
const OVER = `subscription {
  inboxChanges { ... on ThreadChanged { thread { messages(first: 100) { edges { node { history { versions { content } } } } } } } }
}`;
/** Per `thread.*` event: one page of 5 messages. */
const WITHIN = `subscription {
  inboxChanges { type ... on ThreadChanged { thread { id messages(first: 5) { edges { node { id } } } } } }
}`;

const REFUSAL = { code: 'UPSTREAM_BUDGET_EXCEEDED', estimate: 101, limit: 100 };

function expectRefused(result: ExecutionResult | undefined) {
  expect(result?.data ?? null).toBeNull();
  expect(result?.errors).toHaveLength(1);
  expect(result?.errors?.[0]?.extensions).toEqual(REFUSAL);
  expect(result?.errors?.[0]?.message).toMatch(/^Each event of this subscription could make up to 101 /);
  expect(harness.simulator.calls).toEqual([]);
  expect(harness.facade.events.bus.listening(team().team.id)).toBe(0);
}

/** A `thread.archived` event of the simulator's, as its webhook would post it. */
function archiveAThread() {
  const thread = team().threads.find((candidate) => !candidate.done) ?? team().threads[0];
  if (!thread) throw new Error('the seed has threads');
  team().updateThread(thread, { done: true });
  const event = team().events.at(-1);
  if (event?.type !== 'thread.archived') throw new Error('the simulator emits thread.archived');
  return event;
}

describe('a subscription over MAX_UPSTREAM_CALLS per event is refused before any upstream call', () => {
  it('over SSE (graphql-sse’s client)', async () => {
    const client = createSseClient({
      url: `${harness.server.url}/graphql`,
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
      retryAttempts: 0,
    });
    try {
      const { value } = await client.iterate({ query: OVER }).next();
      expectRefused(value as ExecutionResult);
    } finally {
      client.dispose();
    }
  });

  it('over WebSocket (graphql-ws’s client)', async () => {
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      const { value } = await client.iterate({ query: OVER }).next();
      expectRefused(value as ExecutionResult);
    } finally {
      await client.dispose();
    }
  });

  it('HTTP multipart does not serve subscriptions (406), and makes no call for one either', async () => {
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed',
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
      body: JSON.stringify({ query: OVER }),
    });
    expect(response.status).toBe(406);
    await response.body?.cancel();
    expect(harness.simulator.calls).toEqual([]);
  });

  it('with the size of a team collection: learnt first, the same verdict cold and warm', async () => {
    // Per `prospect.*` event: the prospect's threads (one lookup, and at most one thread per account
    // link), each with a page of 50 messages: 1 + 2 × (1 + 1 + 50)... over the limit with 2 links.
    const perLink = `subscription {
      inboxChanges { ... on ProspectChanged { prospect { threads { messages(first: 50) { edges { node { history { versions { content } } } } } } } } }
    }`;
    const links = team().accountLinks.length;
    for (const state of ['cold', 'warm']) {
      if (state === 'warm') await harness.graphql('{ accountLinks { id } }');
      harness.simulator.resetCalls();
      const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
      try {
        const { value } = await client.iterate({ query: perLink }).next();
        const result = value as ExecutionResult;
        expect(result.errors?.[0]?.extensions, state).toEqual({
          code: 'UPSTREAM_BUDGET_EXCEEDED',
          estimate: 1 + 1 + links * (1 + 1 + 50 * 1),
          limit: 100,
        });
        // Cold, the account links were read to learn how many there are: that read, no other.
        const paths = harness.simulator.calls.map((call) => call.path);
        expect(paths, state).toEqual(state === 'cold' ? ['/account-links'] : []);
      } finally {
        await client.dispose();
      }
    }
  });
});

describe('a subscription within MAX_UPSTREAM_CALLS per event runs', () => {
  it('over SSE and WebSocket: each event costs at most its estimate', async () => {
    const sse = sseSubscribe(harness, WITHIN);
    const ws = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    const overWs = ws.iterate({ query: WITHIN });
    const next = overWs.next();
    try {
      await until(() => harness.facade.events.bus.listening(team().team.id) === 2, 'both subscribed');
      await harness.graphql('{ team { id } }'); // the collections the event may read, as any screen warms them
      harness.simulator.resetCalls();
      const event = archiveAThread();
      expect((await postWebhook(harness, event)).status).toBe(200);
      await until(() => sse.payloads.length === 1, 'the event over SSE');
      const overWsEvent = (await next).value as ExecutionResult;
      for (const payload of [sse.payloads[0], overWsEvent]) {
        expect(payload?.errors).toBeUndefined();
        expect(payload?.data).toMatchObject({ inboxChanges: { type: 'thread.archived' } });
      }
      // One message page per subscriber and event: each event within its estimate of 1.
      expect(harness.simulator.calls.map((call) => call.path)).toEqual([
        `/threads/${(event.data as { thread: { id: string } }).thread.id}/messages`,
        `/threads/${(event.data as { thread: { id: string } }).thread.id}/messages`,
      ]);
    } finally {
      sse.leave();
      await overWs.return?.();
      await ws.dispose();
    }
  });
});
