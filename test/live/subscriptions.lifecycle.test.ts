import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ExecutionResult } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import type { InboxEvent } from '../../src/upstream/types.js';
import { type Harness, useHarness } from '../support/harness.js';
import {
  eventReads,
  lastEvent,
  postWebhook,
  sleep,
  sseSubscribe,
  teamOf,
  until,
  webhookSecrets,
} from '../support/live.js';

/**
 * What happens to the team's upstream budget, to memory and to the other subscribers when subscribers come,
 * go, stall or fail: seen from the outside, over real HTTP (SSE), against the real simulator.
 */

const EVENTS = 'subscription ($afterSeq: Int) { inboxEvents(afterSeq: $afterSeq) { inboxId seq type } }';
const eventsOf = (payloads: ExecutionResult[]) =>
  payloads.map(
    (payload) =>
      (payload.data as { inboxEvents: { inboxId: string; seq: number; type: string } }).inboxEvents,
  );

/** A garbage collection on demand, without starting the test process with --expose-gc. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Subscriptions a test opened are left after it, even when it failed, and the next test starts once the server
 * is quiet: every upstream call answered, and no subscription of the team left (including streams whose
 * client left while their team lookup was under way, which Yoga starts and ends a moment later).
 */
function leaveAfterEach(harness: Harness, listening: () => number) {
  const opened: Array<{ leave(): void }> = [];
  afterEach(async () => {
    for (const subscription of opened.splice(0)) subscription.leave();
    await until(
      () => harness.simulator.calls.every((call) => call.status !== 0),
      'every upstream call answered',
    );
    await sleep(200);
    await until(() => listening() === 0, 'no subscription left');
  });
  return <T extends { leave(): void }>(subscription: T): T => {
    opened.push(subscription);
    return subscription;
  };
}

describe('in webhook mode', () => {
  const harness = useHarness({ config: { INBOX_WEBHOOK_SECRETS: webhookSecrets() } });
  const teamId = () => teamOf(harness).team.id;
  const listening = () => harness.facade.events.bus.listening(teamId());
  const opened = leaveAfterEach(harness, listening);

  it('5 000 subscribers that come and go leave nothing behind: no listener, no slot, a flat heap', async () => {
    const gc = collectGarbage();
    const cycle = async (batch: number) => {
      const subscriptions = Array.from({ length: batch }, () => sseSubscribe(harness, EVENTS));
      await until(() => listening() === batch, `${batch} subscribers listen`);
      for (const subscription of subscriptions) subscription.leave();
      await until(() => listening() === 0, 'every subscription ended on the server');
      await Promise.all(subscriptions.map((subscription) => subscription.done));
    };
    const churn = async (count: number) => {
      for (let done = 0; done < count; done += 25) await cycle(25);
    };
    // The harness keeps every log line the facade writes: dropped before each measure, they are not the facade's.
    const settle = () => {
      harness.logLines.length = 0;
      harness.simulator.resetCalls();
      gc();
    };
    // 25 subscribers of one team at once are no leak: Node must not warn that they are.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    await churn(500).finally(() => process.off('warning', onWarning));
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    settle();
    const before = process.memoryUsage().heapUsed;
    await churn(5_000);
    settle();
    const grown = process.memoryUsage().heapUsed - before;
    // Each subscription used to keep ~55 KB after it ended: 5 000 of them, some 270 MB.
    expect(grown).toBeLessThan(10 * 1024 * 1024);
    expect(harness.facade.events.openFor(harness.facade.identity.keyOf(DEMO_TOKEN))).toBe(0);
  }, 120_000);

  it('a client that leaves before its subscription started leaves no slot or listener behind', async () => {
    const tokenKey = harness.facade.identity.keyOf(DEMO_TOKEN);
    for (let round = 0; round < 20; round++) {
      if (round % 2 === 0) {
        // The team lookup (which authenticates) takes a while upstream: leave while it is under way.
        harness.facade.collectionCache.clear();
        harness.facade.identity.proofs.clear();
        harness.simulator.injectFault({ kind: 'slow', delayMs: 50, path: '/team' });
      }
      const hasty = Array.from({ length: 10 }, () => sseSubscribe(harness, EVENTS));
      await sleep(round % 5);
      for (const subscription of hasty) subscription.leave();
      await Promise.all(hasty.map((subscription) => subscription.done));
    }
    await until(
      () => harness.simulator.calls.every((call) => call.status !== 0),
      'the slow lookups answered',
    );
    await sleep(200); // Yoga starts and ends the streams whose lookup answered after their client left
    await until(
      () => listening() === 0 && harness.facade.events.openFor(tokenKey) === 0,
      'every subscription ended on the server',
    );
  });

  it('delivers a webhook whose seq is lower than one already delivered, and each event id once', async () => {
    const subscription = opened(sseSubscribe(harness, EVENTS));
    await until(() => listening() === 1, 'the subscriber listens');
    const base = lastEvent(harness);
    const later = { ...base, id: 'evtoutoforder2', seq: base.seq + 2 };
    const earlier = { ...base, id: 'evtoutoforder1', seq: base.seq + 1 };
    for (const event of [later, earlier, later, earlier])
      expect((await postWebhook(harness, event)).status).toBe(200);
    await until(() => subscription.payloads.length >= 2, 'two events arrived');
    await sleep(100);
    subscription.leave();
    expect(eventsOf(subscription.payloads).map((event) => event.seq)).toEqual([later.seq, earlier.seq]);
  });

  it('a subscriber that stops reading does not hold back the others', async () => {
    const stalled = new AbortController();
    // Opens the stream and never reads it: the server's writes stop, and events wait in its queue.
    const response = fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
      body: JSON.stringify({ query: EVENTS }),
      signal: stalled.signal,
    });
    const reader = opened(sseSubscribe(harness, EVENTS));
    await until(() => listening() === 2, 'both subscribers listen');
    const base = lastEvent(harness);
    const padding = 'x'.repeat(2_000);
    const count = 1_500;
    for (let index = 1; index <= count; index++) {
      const event: InboxEvent = {
        ...base,
        id: `evtflood${index}`,
        seq: base.seq + 100 + index,
        data: { padding },
      };
      void harness.facade.events.publish(event);
      if (index % 100 === 0) await sleep(1);
    }
    await until(() => reader.payloads.length === count, 'the reading subscriber got every event');
    expect(eventsOf(reader.payloads).at(-1)?.inboxId).toBe(`evtflood${count}`);
    reader.leave();
    stalled.abort();
    await response.catch(() => undefined);
    await until(() => listening() === 0, 'both subscriptions ended');
  });
});

describe('in polling mode', () => {
  const INTERVAL_MS = 1_000;
  const harness = useHarness({
    config: { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS), MAX_SUBSCRIPTIONS_PER_TOKEN: '12' },
  });
  const teamId = (token = DEMO_TOKEN) => teamOf(harness, token).team.id;
  const listening = () => harness.facade.events.bus.listening(teamId());
  const polling = (token = DEMO_TOKEN) => harness.facade.events.pollers?.polling(teamId(token)) ?? false;
  const opened = leaveAfterEach(harness, listening);
  const newTag = (name: string, token = DEMO_TOKEN) =>
    harness.graphql(`mutation { createTag(input: { name: "${name}" }) { tag { id } } }`, { token });

  it('after the client leaves, no further upstream call within two poll intervals', async () => {
    const subscription = opened(sseSubscribe(harness, EVENTS));
    await until(() => polling() && listening() === 1, 'the subscription is live');
    const reads = eventReads(harness);
    await until(() => eventReads(harness) > reads, 'the poller polled', 3 * INTERVAL_MS);
    subscription.leave();
    await until(() => !polling() && listening() === 0, 'the subscription ended on the server');
    const atLeave = eventReads(harness);
    await sleep(2 * INTERVAL_MS + 200);
    expect(eventReads(harness)).toBe(atLeave);
  });

  it('ten subscribers of a team share one poller: one call per interval, and every one of them gets the event', async () => {
    await sleep(INTERVAL_MS + 100); // the poller of the previous test may resume: start from a cold one
    const subscriptions = Array.from({ length: 10 }, () => opened(sseSubscribe(harness, EVENTS)));
    await until(
      () => listening() === 10 && eventReads(harness) > 0,
      'ten subscribers, and the poller started',
    );
    const atStart = eventReads(harness);
    const started = Date.now();
    await sleep(50);
    await newTag('Shared poller');
    await until(
      () => subscriptions.every((subscription) => subscription.payloads.length === 1),
      'all got it',
    );
    await sleep(2 * INTERVAL_MS);
    const intervals = (Date.now() - started) / INTERVAL_MS;
    expect(eventReads(harness) - atStart).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    for (const subscription of subscriptions) {
      expect(eventsOf(subscription.payloads)).toEqual([
        { inboxId: lastEvent(harness).id, seq: lastEvent(harness).seq, type: 'tag.created' },
      ]);
      subscription.leave();
    }
    await until(() => !polling(), 'the poller stopped');
  });

  it('when the subscriber whose token polls leaves, the others keep getting events', async () => {
    const first = opened(sseSubscribe(harness, EVENTS));
    await until(() => polling() && listening() === 1, 'the first subscriber polls');
    const second = opened(sseSubscribe(harness, EVENTS, { token: DEMO_TOKEN }));
    await until(() => listening() === 2, 'the second subscriber listens');
    first.leave();
    await until(() => listening() === 1, 'the first one left');
    expect(polling()).toBe(true);
    await newTag('After the first left');
    await until(() => second.payloads.length === 1, 'the second subscriber got the event', 4 * INTERVAL_MS);
    expect(eventsOf(second.payloads)[0]?.type).toBe('tag.created');
    second.leave();
    await until(() => !polling(), 'the poller stopped');
  });

  it('a failed poll loses nothing: subscribers stay, and the next poll delivers what happened', async () => {
    const subscription = opened(sseSubscribe(harness, EVENTS));
    await until(() => polling() && eventReads(harness) > 0, 'the poller started');
    await sleep(INTERVAL_MS + 100);
    harness.simulator.injectFault({ kind: 'status', status: 500, path: '/events', times: 6 });
    await newTag('During an outage');
    const reads = eventReads(harness);
    await until(() => eventReads(harness) > reads + 3, 'a poll failed (with its retries)', 4 * INTERVAL_MS);
    expect(subscription.ended()).toBe(false);
    await until(
      () => subscription.payloads.length === 1,
      'the event came with the next poll',
      4 * INTERVAL_MS,
    );
    expect(eventsOf(subscription.payloads)[0]?.inboxId).toBe(lastEvent(harness).id);
    subscription.leave();
    await until(() => !polling(), 'the poller stopped');
  });

  it('a token the Inbox API refuses ends its own subscription with UNAUTHENTICATED; the others carry on', async () => {
    await sleep(INTERVAL_MS + 100);
    const refused = opened(sseSubscribe(harness, EVENTS));
    await until(() => polling() && listening() === 1, 'the first subscriber polls');
    // Another token of the team: the refused one is refused on all its subscriptions (REJECTED_TOKEN_TTL_MS).
    const other = opened(sseSubscribe(harness, EVENTS, { token: DEMO_ALT_TOKEN }));
    await until(() => listening() === 2, 'the second subscriber listens');
    harness.simulator.injectFault({ kind: 'status', status: 401, path: '/events', times: 1 });
    await until(() => refused.ended(), 'the refused subscription ended', 4 * INTERVAL_MS);
    expect(refused.payloads[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await newTag('After a refusal', DEMO_ALT_TOKEN);
    await until(() => other.payloads.length === 1, 'the other subscriber got the event', 4 * INTERVAL_MS);
    other.leave();
    await until(() => !polling(), 'the poller stopped');
  });

  it('a client that reconnects in a loop costs at most one call per interval', async () => {
    await sleep(INTERVAL_MS + 100);
    const first = opened(sseSubscribe(harness, EVENTS));
    await until(() => polling() && eventReads(harness) > 0, 'the poller found the end of the log');
    const reads = eventReads(harness);
    const started = Date.now();
    first.leave();
    for (let round = 0; round < 20; round++) {
      const again = sseSubscribe(harness, EVENTS);
      await until(() => listening() === 1, 'subscribed');
      again.leave();
      await until(() => listening() === 0, 'left');
    }
    await sleep(100);
    expect(eventReads(harness) - reads).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / INTERVAL_MS));
  });

  it('caps the subscriptions of a token with a coded error, before any upstream call', async () => {
    const open = Array.from({ length: 12 }, () => opened(sseSubscribe(harness, EVENTS)));
    await until(() => listening() === 12, 'twelve subscribers');
    harness.simulator.resetCalls();
    const refused = sseSubscribe(harness, EVENTS);
    await refused.done;
    expect(refused.payloads[0]?.errors?.[0]?.extensions).toEqual({
      code: 'TOO_MANY_SUBSCRIPTIONS',
      maxSubscriptions: 12,
    });
    expect(harness.simulator.calls.filter((call) => call.path !== '/events')).toEqual([]);
    // Another token is not affected, and a slot freed is a slot usable again.
    const otherTeam = opened(sseSubscribe(harness, EVENTS, { token: SECOND_TEAM_TOKEN }));
    await until(
      () => harness.facade.events.bus.listening(teamId(SECOND_TEAM_TOKEN)) === 1,
      'another token subscribes',
    );
    open[0]?.leave();
    await until(() => listening() === 11, 'one left');
    const again = opened(sseSubscribe(harness, EVENTS));
    await until(() => listening() === 12, 'a new one took its slot');
    for (const subscription of [...open, again, otherTeam]) subscription.leave();
    await until(() => listening() === 0, 'all left');
  });

  it('replays the log after afterSeq, then follows live events, without gaps or repeats', async () => {
    const log = teamOf(harness).events;
    const afterSeq = log.at(-3)?.seq as number;
    const subscription = opened(sseSubscribe(harness, EVENTS, { variables: { afterSeq } }));
    await until(() => subscription.payloads.length === 2, 'the replay');
    await newTag('After the replay');
    await until(() => subscription.payloads.length === 3, 'the live event', 4 * INTERVAL_MS);
    expect(eventsOf(subscription.payloads).map((event) => event.seq)).toEqual(
      teamOf(harness)
        .events.filter((event) => event.seq > afterSeq)
        .map((event) => event.seq),
    );
    subscription.leave();
  });
});
