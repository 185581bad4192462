import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../support/harness.js';
import { sseSubscribe, teamOf, until } from '../support/live.js';

/**
 * The graceful shutdown of one process without Redis (the zero-setup default), seen from its clients; with
 * several replicas, test/replicas/events.test.ts covers the hand-over to another one.
 */

const EVENTS = 'subscription { inboxEvents { seq type } }';

describe('graceful shutdown of a single process', () => {
  const harness: Harness = useHarness({ transport: 'http', config: { EVENTS_POLL_INTERVAL_MS: '1000' } });

  it('ends subscriptions with SHUTTING_DOWN, refuses new ones, answers readiness 503, and drains', async () => {
    const teamId = teamOf(harness).team.id;
    const subscription = sseSubscribe(harness, EVENTS);
    await until(() => harness.facade.events.bus.listening(teamId) === 1, 'the subscription is live');
    await until(() => harness.facade.events.pollers?.reading(teamId) ?? false, 'its poller reads the log');

    expect((await harness.facade.yoga.fetch('http://localhost/readiness')).status).toBe(200);
    const outcome = harness.server.shutdown(5_000);
    await until(() => subscription.ended(), 'the subscription ended');
    expect(subscription.payloads.at(-1)?.errors?.[0]?.extensions).toEqual({ code: 'SHUTTING_DOWN' });
    expect(harness.facade.events.pollers?.polling(teamId)).toBe(false);
    expect(await outcome).toBe('drained');

    // What a connection still open would get (the listening socket is closed): through Yoga itself.
    const readiness = await harness.facade.yoga.fetch('http://localhost/readiness');
    expect({ status: readiness.status, body: await readiness.json() }).toEqual({
      status: 503,
      body: { upstream: 'ok', redis: 'off', shuttingDown: true },
    });
    const refused = await harness.facade.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-token' },
      body: JSON.stringify({ query: EVENTS }),
    });
    expect((await refused.json()).errors?.[0]?.extensions).toEqual({ code: 'SHUTTING_DOWN' });
  });
});
