import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { type Harness, useHarness } from '../support/harness.js';
import {
  DEMO_TEAM_ID,
  eventReads,
  lastEvent,
  postWebhookBody,
  SECOND_TEAM_ID,
  sseSubscribe,
  teamOf,
  until,
  webhookSecrets,
} from '../support/live.js';

/**
 * A webhook speaks for the team its envelope names only when signed with a secret of that team; and a team
 * is polled until its own webhooks arrive, and again once they stop.
 */

const EVENTS = 'subscription { inboxEvents { inboxId seq } }';
const SECRET_A = 'ibt_wh_team_a_secret';
const SECRET_B = 'ibt_wh_team_b_secret';
const SHARED = 'ibt_wh_shared_secret';

/** A new event in the log of the token's team (not posted anywhere yet). */
const newEvent = (harness: Harness, token = DEMO_TOKEN) =>
  teamOf(harness, token).emit('thread.typing', { threadId: 'abc', senderPlatformId: '1' });

let forgeries = 0;
/** An envelope naming the token's team that its log does not hold: only a webhook could deliver it. */
const forgedEvent = (harness: Harness, token = DEMO_TOKEN) => ({
  ...lastEvent(harness, token),
  id: `forged${++forgeries}`,
  seq: 10_000_000 + forgeries,
});

const post = (harness: Harness, event: unknown, secret: string) =>
  postWebhookBody(harness, JSON.stringify(event), undefined, secret);

/** Subscribes with the token's team, and waits until the facade listens for it. */
async function subscribe(harness: Harness, token: string) {
  const teamId = teamOf(harness, token).team.id;
  const subscription = sseSubscribe(harness, EVENTS, { token });
  await until(() => harness.facade.events.bus.listening(teamId) === 1, 'subscribed');
  return subscription;
}

const received = (subscription: ReturnType<typeof sseSubscribe>) =>
  subscription.payloads.map(
    (payload) => (payload.data?.inboxEvents as { inboxId: string } | undefined)?.inboxId,
  );

describe('a secret per team (INBOX_WEBHOOK_SECRETS)', () => {
  const harness = useHarness({
    transport: 'http',
    config: { INBOX_WEBHOOK_SECRETS: webhookSecrets(SECRET_A, SECRET_B) },
  });

  it('verifies only the envelopes naming its own team: team A’s secret cannot speak for team B', async () => {
    const subscriber = await subscribe(harness, SECOND_TEAM_TOKEN);
    try {
      expect((await post(harness, forgedEvent(harness, SECOND_TEAM_TOKEN), SECRET_A)).status).toBe(401);
      expect((await post(harness, forgedEvent(harness), SECRET_B)).status).toBe(401);
      const genuine = newEvent(harness, SECOND_TEAM_TOKEN);
      expect((await post(harness, genuine, SECRET_B)).status).toBe(200);
      await until(() => subscriber.payloads.length >= 1, 'the genuine event');
      // A later genuine event shows nothing else was queued before it.
      const later = newEvent(harness, SECOND_TEAM_TOKEN);
      expect((await post(harness, later, SECRET_B)).status).toBe(200);
      await until(() => subscriber.payloads.length >= 2, 'the later event');
      expect(received(subscriber)).toEqual([genuine.id, later.id]);
      expect(harness.logLines.some((line) => line.includes(SECRET_A) || line.includes(SECRET_B))).toBe(false);
    } finally {
      subscriber.leave();
    }
  });
});

describe('one secret for the teams it names (INBOX_WEBHOOK_SECRET with INBOX_WEBHOOK_TEAMS)', () => {
  const harness = useHarness({
    transport: 'http',
    config: {
      INBOX_WEBHOOK_SECRET: SHARED,
      INBOX_WEBHOOK_TEAMS: DEMO_TEAM_ID,
      EVENTS_POLL_INTERVAL_MS: '1000',
    },
  });

  it('refuses with 403 an envelope naming a team it does not list, and delivers nothing to that team', async () => {
    const subscriber = await subscribe(harness, SECOND_TEAM_TOKEN);
    const listed = await subscribe(harness, DEMO_TOKEN);
    try {
      const refused = await post(harness, forgedEvent(harness, SECOND_TEAM_TOKEN), SHARED);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: expect.stringMatching(/INBOX_WEBHOOK_TEAMS/) });
      const genuine = newEvent(harness);
      expect((await post(harness, genuine, SHARED)).status).toBe(200);
      await until(() => listed.payloads.length >= 1, 'the listed team’s event');
      expect(received(listed)).toEqual([genuine.id]);
      // Team B is polled (no webhook of its own may come): its next event arrives, and nothing before it.
      await until(() => eventReads(harness, SECOND_TEAM_ID) >= 2, 'a poll of team B after the first');
      const polled = newEvent(harness, SECOND_TEAM_TOKEN);
      await until(() => subscriber.payloads.length >= 1, 'team B’s polled event');
      expect(received(subscriber)).toEqual([polled.id]);
    } finally {
      subscriber.leave();
      listed.leave();
    }
  });
});

describe('polling, team by team', () => {
  const INTERVAL_MS = 1_000;
  const QUIET_MS = 8_000;
  const harness = useHarness({
    transport: 'http',
    config: {
      // Every team has a secret, which once meant that none was polled.
      INBOX_WEBHOOK_SECRET: SHARED,
      INBOX_WEBHOOK_TEAMS: `${DEMO_TEAM_ID},${SECOND_TEAM_ID}`,
      EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS),
      INBOX_WEBHOOK_QUIET_MS: String(QUIET_MS),
    },
  });

  it('a team whose webhooks never arrive is polled, though it has a secret', async () => {
    const subscriber = await subscribe(harness, SECOND_TEAM_TOKEN);
    try {
      await until(() => eventReads(harness, SECOND_TEAM_ID) >= 2, 'a poll after the first');
      const event = newEvent(harness, SECOND_TEAM_TOKEN);
      await until(() => subscriber.payloads.length >= 1, 'the polled event');
      expect(received(subscriber)).toEqual([event.id]);
    } finally {
      subscriber.leave();
    }
  });

  it('a team is polled until its webhook arrives, not while they arrive, and again from the last one once they stop', async () => {
    const reads = () => eventReads(harness, DEMO_TEAM_ID);
    const subscriber = await subscribe(harness, DEMO_TOKEN);
    try {
      await until(() => reads() >= 2, 'a poll after the first');
      const byWebhook = newEvent(harness);
      expect((await post(harness, byWebhook, SHARED)).status).toBe(200);
      const heardAt = Date.now();
      await until(() => subscriber.payloads.length >= 1, 'the webhook’s event');
      // Paused: at most the poll already under way when the webhook came, over four intervals.
      const paused = reads();
      await new Promise((resolve) => setTimeout(resolve, 4 * INTERVAL_MS));
      expect(reads()).toBeLessThanOrEqual(paused + 1);
      const pausedCalls = harness.simulator.calls.length;

      // Its webhooks stop: what happens meanwhile comes by polling once they have been quiet for QUIET_MS,
      // read from the last webhook's `seq` (nothing older again, nothing missed).
      const missed = newEvent(harness);
      await until(() => subscriber.payloads.length >= 2, 'the event no webhook brought');
      expect(Date.now() - heardAt).toBeGreaterThanOrEqual(QUIET_MS);
      expect(received(subscriber)).toEqual([byWebhook.id, missed.id]);
      const resumed = harness.simulator.calls
        .slice(pausedCalls)
        .find((call) => call.path === '/events' && call.teamId === DEMO_TEAM_ID);
      expect(Number(resumed?.query.afterSeq)).toBe(byWebhook.seq);
    } finally {
      subscriber.leave();
    }
  });
});
