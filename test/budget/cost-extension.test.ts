import { describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN } from '../../simulator/src/index.js';
import type { AnswerCost } from '../../src/budget/cost-extension.js';
import { WINDOW_MS } from '../../src/budget/team-budget.js';
import { type Harness, useHarness } from '../support/harness.js';
import { postWebhook, sseSubscribe, teamOf, until, webhookSecrets } from '../support/live.js';

/**
 * `extensions.cost` on every answer, and the team's budget in the HTTP headers of the answers that spent or
 * were refused calls: what the answer was estimated to cost, what it cost (as the simulator saw the calls
 * arrive), what the caches served, and what the team has left.
 */

const PAGE = '{ team { id } tags { id name } threads(first: 3) { edges { node { id } } } }';
const ONE_THREAD = '{ threads(first: 1) { edges { node { id } } } }';

const costOf = (body: { extensions?: Record<string, unknown> }) => body.extensions?.cost as AnswerCost;

/** POSTs over the harness's transport, keeping the response's headers. */
async function post(harness: Harness, query: string, token: string | null = DEMO_TOKEN) {
  const response = await harness.fetch('/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as {
      data?: Record<string, unknown> | null;
      errors?: Array<{ extensions?: Record<string, unknown> }>;
      extensions?: Record<string, unknown>;
    },
  };
}

describe('extensions.cost, one process without Redis', () => {
  const harness = useHarness({
    config: { TEAM_CALLS_PER_MINUTE: '50', RESPONSE_CACHE_TTL_MS: '0' },
    transport: 'http',
  });

  it('reports the estimate, the calls the simulator received, the cached reads and the team’s budget; the headers agree', async () => {
    const cold = await post(harness, PAGE);
    expect(cold.body.errors).toBeUndefined();
    const coldCalls = harness.simulator.calls.length;
    expect(coldCalls).toBe(3); // the team, its tags, a page of threads
    const before = Date.now();
    harness.simulator.resetCalls();
    const warm = await post(harness, PAGE);
    expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/threads']);
    expect(costOf(cold.body)).toMatchObject({
      actualQueryCost: 3,
      servedFromCache: { answer: false, collections: 0 },
      teamBudget: { limit: 50, remaining: 47, shared: false },
    });
    const cost = costOf(warm.body);
    expect(cost).toEqual({
      requestedQueryCost: expect.any(Number),
      actualQueryCost: 1,
      // The team and its tags, read by the first answer, kept across requests.
      servedFromCache: { answer: false, collections: 2 },
      teamBudget: { limit: 50, remaining: 46, resetAt: expect.any(String), shared: false },
    });
    expect(cost.requestedQueryCost).toBeGreaterThanOrEqual(1);
    // The oldest call of the window (the first answer's) leaves it a minute and a second after it was made.
    const resetAt = Date.parse(cost.teamBudget?.resetAt ?? '');
    expect(resetAt).toBeGreaterThan(before + WINDOW_MS - 10_000);
    expect(resetAt).toBeLessThanOrEqual(Date.now() + WINDOW_MS);
    expect(warm.headers.get('x-ratelimit-limit')).toBe('50');
    expect(warm.headers.get('x-ratelimit-remaining')).toBe('46');
    expect(warm.headers.get('x-ratelimit-reset')).toBe(String(Math.ceil(resetAt / 1000)));
    expect(warm.headers.get('retry-after')).toBeNull();
  });

  it('an answer refused by the team budget carries it too, with Retry-After and X-RateLimit-Remaining: 0', async () => {
    for (let query = 0; query < 50; query++) {
      expect((await post(harness, ONE_THREAD)).body.errors).toBeUndefined();
    }
    const refused = await post(harness, ONE_THREAD);
    const retryAfter = refused.body.errors?.[0]?.extensions?.retryAfter as number;
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(costOf(refused.body)).toMatchObject({
      actualQueryCost: 0,
      teamBudget: { limit: 50, remaining: 0 },
    });
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(retryAfter).toBeGreaterThanOrEqual(50);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('x-ratelimit-limit')).toBe('50');
    expect(harness.simulator.calls).toHaveLength(50);
  });

  it('an operation over MAX_UPSTREAM_CALLS states its estimate and that it made no call', async () => {
    // The token's own team read, 1 page call, then per thread its message page and that message's history.
    const refused = await post(
      harness,
      '{ threads(first: 60) { edges { node { messages(first: 1) { edges { node { history { versions { content } } } } } } } } }',
    );
    expect(refused.body.data ?? null).toBeNull();
    const estimate = refused.body.errors?.[0]?.extensions?.estimate;
    expect(estimate).toBe(1 + 1 + 2 * 60);
    expect(costOf(refused.body)).toMatchObject({
      requestedQueryCost: estimate,
      actualQueryCost: 0,
      teamBudget: { limit: 50, remaining: 50 },
    });
    // Neither spent nor refused a call of the team's: no rate-limit headers.
    expect(refused.headers.get('x-ratelimit-remaining')).toBeNull();
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a document that does not validate cost nothing, and says so', async () => {
    const refused = await post(harness, '{ nothingHere }');
    expect(refused.status).toBe(400);
    expect(costOf(refused.body)).toEqual({
      requestedQueryCost: null,
      actualQueryCost: 0,
      servedFromCache: { answer: false, collections: 0 },
      teamBudget: null,
    });
  });

  it('a token with no team known to the facade gets its cost without a team budget until its team is learnt', async () => {
    const anonymous = await post(harness, '{ __typename }', null);
    expect(costOf(anonymous.body)).toMatchObject({ actualQueryCost: 0, teamBudget: null });
  });
});

describe('extensions.cost of an answer from the response cache', () => {
  const harness = useHarness({
    config: {
      RESPONSE_CACHE_TTL_MS: '60000',
      COLLECTION_CACHE_TTL_MS: '60000',
      TEAM_CALLS_PER_MINUTE: '300',
    },
    transport: 'http',
  });

  it('reports 0 calls and the cached answer; the cached bytes hold no other request’s cost', async () => {
    // The first asks mark the query, the second stores its (bare) answer, the third is served it.
    const first = await post(harness, PAGE);
    await post(harness, PAGE);
    const spent = harness.simulator.calls.length;
    harness.simulator.resetCalls();
    const hit = await post(harness, PAGE, DEMO_TOKEN);
    expect(harness.simulator.calls).toEqual([]);
    expect(hit.body.data).toEqual(first.body.data);
    expect(costOf(hit.body)).toEqual({
      requestedQueryCost: costOf(first.body).requestedQueryCost,
      actualQueryCost: 0,
      servedFromCache: { answer: true, collections: 0 },
      teamBudget: { limit: 300, remaining: 300 - spent, resetAt: expect.any(String), shared: false },
    });
    expect(hit.text.match(/"extensions"/g)).toHaveLength(1);
    expect(hit.text.startsWith(JSON.stringify({ data: first.body.data }).slice(0, -1))).toBe(true);
    // Nothing spent, nothing refused: no rate-limit headers.
    expect(hit.headers.get('x-ratelimit-remaining')).toBeNull();
    // Another token of the team, new to the answer: its own proof, then the team's answer.
    const other = await post(harness, PAGE, DEMO_ALT_TOKEN);
    expect(costOf(other.body)).toMatchObject({ servedFromCache: { answer: true } });
  });
});

describe('COST_EXTENSION=false', () => {
  const harness = useHarness({
    config: { COST_EXTENSION: 'false', RESPONSE_CACHE_TTL_MS: '60000', TEAM_CALLS_PER_MINUTE: '50' },
    transport: 'http',
  });

  it('answers, executed or from the response cache, go without extensions; the rate-limit headers stay', async () => {
    const executed = await post(harness, PAGE);
    expect(executed.body.errors).toBeUndefined();
    expect(executed.body.extensions).toBeUndefined();
    expect(executed.headers.get('x-ratelimit-limit')).toBe('50');
    await post(harness, PAGE);
    harness.simulator.resetCalls();
    const hit = await post(harness, PAGE);
    expect(harness.simulator.calls).toEqual([]);
    expect(hit.text).toBe(JSON.stringify({ data: executed.body.data }));
    const refused = await post(harness, '{ nope }');
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.extensions).toBeUndefined();
  });
});

describe('extensions.cost on each event of a subscription', () => {
  const harness = useHarness({ config: { INBOX_WEBHOOK_SECRETS: webhookSecrets() } });

  it('each event states the calls it made, over SSE', async () => {
    const team = teamOf(harness);
    const thread = team.threads.find((candidate) => candidate.platform === 'twitter');
    if (!thread) throw new Error('the seed has a twitter thread');
    const message = team.messagesByThread
      .get(thread.id)
      ?.findLast((candidate) => candidate.deletedAt === null);
    if (!message) throw new Error('the thread has a message');
    const subscription = sseSubscribe(
      harness,
      'subscription { inboxChanges { id ... on MessageChanged { message { id reactions direction } thread { id done } } } }',
    );
    await until(() => harness.facade.events.bus.listening(team.team.id) === 1, 'subscribed');
    const before = team.events.length;
    team.addReaction(thread, message, '👍');
    team.addReaction(thread, message, '🎉');
    const emitted = team.events.slice(before);
    harness.simulator.resetCalls();
    for (const event of emitted) expect((await postWebhook(harness, event)).status).toBe(200);
    await until(() => subscription.payloads.length >= 2, 'two events arrived');
    subscription.leave();
    // Each event reads the message's page and its thread: two calls, its own, not the running total.
    const costs = subscription.payloads.map((payload) => payload.extensions?.cost as AnswerCost);
    expect(costs).toEqual([
      expect.objectContaining({
        actualQueryCost: 2,
        teamBudget: expect.objectContaining({ limit: 100_000 }),
      }),
      expect.objectContaining({ actualQueryCost: 2 }),
    ]);
    // (The team's poller may read the log once more until its first webhook is heard: not the events'.)
    expect(harness.simulator.calls.filter((call) => call.path !== '/events')).toHaveLength(4);
  });
});
