import { describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { TeamBudget, WINDOW_MS } from '../../src/budget/team-budget.js';
import { createLogger } from '../../src/observability/logger.js';
import {
  FiveThreadsWithMessagesDocument,
  OneThreadAndTagsDocument,
  OneThreadDocument,
} from '../generated/graphql.js';
import { type GraphQLResponse, type Harness, useHarness } from '../support/harness.js';

/**
 * TEAM_CALLS_PER_MINUTE in one process (no Redis): the window itself, then through the facade against the
 * simulator. The multi-replica window is in test/replicas/budget.test.ts.
 */

describe('the window: at most N calls of a team in any minute', () => {
  const logger = createLogger('silent');
  function budget(callsPerMinute: number) {
    let now = 1_700_000_000_000;
    const window = new TeamBudget({ callsPerMinute, logger, now: () => now });
    return { window, advance: (ms: number) => (now += ms) };
  }

  it('takes calls up to the limit; the next waits until the oldest leaves the minute', async () => {
    const { window, advance } = budget(3);
    for (let call = 0; call < 3; call++) {
      expect(await window.take('team-a')).toMatchObject({ allowed: true, waitMs: 0 });
      advance(10_000);
    }
    // The first call was 30 s ago: it leaves the window in 30 s.
    expect(await window.take('team-a')).toMatchObject({ allowed: false, waitMs: WINDOW_MS - 30_000 });
    advance(WINDOW_MS - 30_000);
    expect((await window.take('team-a')).allowed).toBe(true);
    // Sliding, not fixed: the two calls of the last 40 s and this one fill it again.
    expect((await window.take('team-a')).allowed).toBe(false);
  });

  it('check() asks room for several calls and takes none; each team has its own window', async () => {
    const { window, advance } = budget(5);
    for (let call = 0; call < 3; call++) {
      await window.take('team-a');
      advance(1_000);
    }
    expect(await window.check('team-a', 2)).toMatchObject({ allowed: true, waitMs: 0 });
    // Three more need the oldest call gone: it was made 3 s ago.
    expect(await window.check('team-a', 3)).toMatchObject({ allowed: false, waitMs: WINDOW_MS - 3_000 });
    expect(await window.check('team-a', 2)).toMatchObject({ allowed: true, waitMs: 0 });
    expect(await window.check('team-b', 5)).toMatchObject({ allowed: true, waitMs: 0 });
  });

  it('record() counts a call that was already sent, even past the limit', async () => {
    const { window } = budget(1);
    await window.take('team-a');
    await window.record('team-a');
    expect((await window.check('team-a', 1)).allowed).toBe(false);
  });

  it('follows the upstream: calls sent after an answer may not exceed its Remaining before its Reset', async () => {
    const { window, advance } = budget(300);
    const sentAt = window.now();
    await window.take('team-a');
    // The upstream counts calls the facade did not make (another integration of the team): 2 remain.
    await window.observe('team-a', { remaining: 2, resetAt: Date.now() + 20_000, sentAt });
    advance(1);
    expect((await window.take('team-a')).allowed).toBe(true);
    expect((await window.take('team-a')).allowed).toBe(true);
    const refused = await window.take('team-a');
    expect(refused.allowed).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(18_000);
    expect(refused.waitMs).toBeLessThanOrEqual(20_000);
    advance(20_000);
    expect((await window.take('team-a')).allowed).toBe(true);
  });
});

/** A refusal by the facade: RATE_LIMITED with its own retryAfter (seconds), nothing from upstream. */
function expectTeamBudgetRefusal(error: { extensions?: Record<string, unknown> } | undefined) {
  expect(error?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  const retryAfter = error?.extensions?.retryAfter as number;
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  // A minute at most (61 s when it follows the upstream's Reset, given in whole seconds).
  expect(retryAfter).toBeLessThanOrEqual(61);
  return retryAfter;
}

/** The operation was refused as a whole: no data, its one error. */
function expectRefusedWhole(body: GraphQLResponse<unknown>) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return expectTeamBudgetRefusal(body.errors?.[0]);
}

async function spend(harness: Harness, queries: number, token = DEMO_TOKEN) {
  for (let query = 0; query < queries; query++) {
    const { body } = await harness.graphql(OneThreadDocument, { token });
    expect(body.errors).toBeUndefined();
  }
}

describe('TEAM_CALLS_PER_MINUTE, one process without Redis', () => {
  // Every query below makes its own call: no answer is reused.
  const harness = useHarness({ config: { TEAM_CALLS_PER_MINUTE: '5', RESPONSE_CACHE_TTL_MS: '0' } });

  it('past the budget an operation is refused before any call, with a retryAfter of the facade’s own', async () => {
    await spend(harness, 5);
    expect(harness.simulator.calls).toHaveLength(5);
    const { status, body } = await harness.graphql(OneThreadDocument);
    // An answer without data: 429 with application/graphql-response+json.
    expect(status).toBe(429);
    // The five calls were made within the last moments: the first leaves the minute in about 60 s.
    expect(expectRefusedWhole(body)).toBeGreaterThanOrEqual(55);
    expect(harness.simulator.calls).toHaveLength(5);
    // The upstream never had to say no.
    expect(harness.simulator.calls.map((call) => call.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('is the team’s: its other tokens share it, another team has its own', async () => {
    await spend(harness, 5);
    expectRefusedWhole((await harness.graphql(OneThreadDocument, { token: DEMO_ALT_TOKEN })).body);
    await spend(harness, 5, SECOND_TEAM_TOKEN);
    expect(harness.simulator.calls).toHaveLength(10);
  });

  it('a call that no longer fits fails its own field alone, with the same code', async () => {
    await spend(harness, 4);
    // Admitted on one call (the team window does not hold room for collection reads, which the caches
    // usually serve), it needs two cold: threads and tags.
    const { body } = await harness.graphql(OneThreadAndTagsDocument);
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors ?? [];
    expectTeamBudgetRefusal(error);
    const failed = error?.path?.[0] as 'threads' | 'tags';
    expect(['threads', 'tags']).toContain(failed);
    expect(body.data?.[failed]).toBeNull();
    expect(body.data?.[failed === 'tags' ? 'threads' : 'tags']).not.toBeNull();
    expect(harness.simulator.calls).toHaveLength(5);
  });
});

describe('the per-operation estimate and the team window', () => {
  const harness = useHarness({ config: { TEAM_CALLS_PER_MINUTE: '10', RESPONSE_CACHE_TTL_MS: '0' } });

  it('an operation runs only if the window holds its whole estimate; a smaller one still runs', async () => {
    await spend(harness, 5);
    // 5 threads with a message page each: estimated at 6 calls, 5 remain.
    harness.simulator.resetCalls();
    expectRefusedWhole((await harness.graphql(FiveThreadsWithMessagesDocument)).body);
    expect(harness.simulator.calls).toEqual([]);
    await spend(harness, 1);
    expect(harness.simulator.calls).toHaveLength(1);
  });
});

describe('a token new to the facade', () => {
  const harness = useHarness({
    config: { TEAM_CALLS_PER_MINUTE: '5', RESPONSE_CACHE_TTL_MS: '0' },
    tokensKnown: false,
  });

  it('first learns its team with its own GET /team, once, which counts for its team', async () => {
    await spend(harness, 4);
    expect(harness.simulator.calls.map((call) => call.path)).toEqual([
      '/team',
      '/threads',
      '/threads',
      '/threads',
      '/threads',
    ]);
    expectRefusedWhole((await harness.graphql(OneThreadDocument)).body);
    // Another token of the team, new too: its GET /team goes out before its team is known (one call past
    // the budget, once per token), and then it is held like the others.
    const other = await harness.graphql(OneThreadDocument, { token: DEMO_ALT_TOKEN });
    expect(other.body.errors?.map((error) => error.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(harness.simulator.calls.map((call) => call.path).slice(5)).toEqual(['/team']);
  });
});

describe('the upstream’s own count', () => {
  const harness = useHarness({ config: { TEAM_CALLS_PER_MINUTE: '300', RESPONSE_CACHE_TTL_MS: '0' } });

  it('X-RateLimit-Remaining at 0 holds the team here until X-RateLimit-Reset: the upstream never says 429', async () => {
    // The team spends its upstream calls elsewhere too: the upstream allows only 3 more this minute.
    harness.simulator.setRateLimit(3);
    await spend(harness, 3);
    const { body } = await harness.graphql(OneThreadDocument);
    expect(expectRefusedWhole(body)).toBeGreaterThanOrEqual(55);
    expect(harness.simulator.calls.map((call) => call.status)).toEqual([200, 200, 200]);
    harness.simulator.setRateLimit(100_000);
  });
});
