import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { useHarness } from '../support/harness.js';
import { lastEvent, postWebhook, sleep, sseSubscribe, until, webhookSecrets } from '../support/live.js';

/**
 * The metrics a platform team asks for, read from /metrics as Prometheus scrapes it: what the collection
 * cache spared, how the team budget held calls back, live events and their delay, subscriptions open. Every
 * label from a fixed set.
 */
const INBOX_PAGE = `query InboxPage {
  team { name }
  threads(first: 5) { edges { node { id accountLink { username } assignee { name }
    prospect { status { name } tags { name } } } } }
}`;
const EVENTS = 'subscription { inboxEvents { seq type } }';

/** The value of one sample (`name{labels} value`), 0 when absent. */
function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('the collection cache, the team budget, live events and subscriptions', () => {
  const harness = useHarness({
    config: { INBOX_WEBHOOK_SECRETS: webhookSecrets(), RESPONSE_CACHE_TTL_MS: '0' },
    transport: 'http',
  });
  const metrics = async () => (await harness.fetch('/metrics')).text();

  it('counts each collection read as a hit (no call made for it) or a miss (one call)', async () => {
    const before = await metrics();
    await harness.graphql(INBOX_PAGE);
    await harness.graphql(INBOX_PAGE);
    const after = await metrics();
    const delta = (collection: string, result: string) => {
      const series = `inbox_collection_cache_reads_total{collection="${collection}",result="${result}"}`;
      return sample(after, series) - sample(before, series);
    };
    // The first page loads each collection it shows (one call each), the second is served them all.
    for (const collection of ['members', 'account-links', 'statuses', 'tags']) {
      expect(delta(collection, 'miss')).toBe(1);
      expect(delta(collection, 'hit')).toBe(1);
    }
    const upstream = harness.simulator.calls.filter((call) => call.path === '/members').length;
    expect(upstream).toBe(1);
    // Each call that left went through its team's budget gate: the histogram counts them.
    const gated = (text: string) => sample(text, 'inbox_team_budget_wait_seconds_count');
    expect(gated(after) - gated(before)).toBe(harness.simulator.calls.length);
  });

  it('counts live events by family with their delay from the event’s own time, and subscriptions open', async () => {
    const open = (text: string) => sample(text, 'graphql_subscriptions_open');
    const subscription = sseSubscribe(harness, EVENTS);
    await until(
      () => harness.facade.events.bus.listening(lastEvent(harness).teamId) === 1,
      'the subscriber listens',
    );
    expect(open(await metrics())).toBe(1);

    const before = await metrics();
    const twoSecondsAgo = new Date(Date.now() - 2_000).toISOString();
    const base = lastEvent(harness);
    const tagCreated = {
      ...base,
      id: 'evt_metrics_tag',
      seq: base.seq + 1,
      type: 'tag.created',
      timestamp: twoSecondsAgo,
    };
    // Whatever a signed sender writes as a type (within the envelope's 64 characters), the label is one of
    // the contract's families or `other`.
    const forged = { ...base, id: 'evt_metrics_forged', seq: base.seq + 2, type: `x${'y'.repeat(60)}.z` };
    for (const event of [tagCreated, forged]) expect((await postWebhook(harness, event)).status).toBe(200);
    await until(() => subscription.payloads.length >= 2, 'both events arrived');
    const after = await metrics();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('inbox_events_delivered_total{family="tag"}')).toBe(1);
    expect(delta('inbox_events_delivered_total{family="other"}')).toBe(1);
    expect(after).not.toContain('yyyy');
    expect(delta('inbox_event_delivery_delay_seconds_count')).toBe(2);
    // The tag event was two seconds old when it arrived.
    expect(delta('inbox_event_delivery_delay_seconds_sum')).toBeGreaterThanOrEqual(2);

    subscription.leave();
    await until(() => harness.facade.events.bus.listening(base.teamId) === 0, 'the subscriber left');
    expect(open(await metrics())).toBe(0);
    expect(after).not.toContain(DEMO_TOKEN);
  });
});

describe('the team budget', () => {
  const harness = useHarness({ config: { TEAM_CALLS_PER_MINUTE: '3', RESPONSE_CACHE_TTL_MS: '0' } });

  it('counts the calls it held back before they were sent, and the operations it refused whole', async () => {
    const metrics = async () => (await harness.fetch('/metrics')).text();
    const refused = (text: string, scope: string) =>
      sample(text, `inbox_team_budget_refusals_total{scope="${scope}"}`);
    const before = await metrics();
    // Three calls a minute: the page's first three calls leave, the others are held back, unsent.
    const first = await harness.graphql(INBOX_PAGE);
    expect(first.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // The collections' reads started ahead of the resolvers may still be on their way.
    await until(() => harness.simulator.calls.length === 3, 'the three calls the budget let through');
    const afterFirst = await metrics();
    expect(refused(afterFirst, 'call') - refused(before, 'call')).toBeGreaterThan(0);
    // The window is full: the next page is refused before any call.
    const second = await harness.graphql(INBOX_PAGE);
    expect(second.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    await sleep(200);
    expect(harness.simulator.calls).toHaveLength(3);
    expect(refused(await metrics(), 'operation') - refused(afterFirst, 'operation')).toBe(1);
  });
});
