import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { RejectedTokens } from '../../src/identity/rejected-tokens.js';
import { type Harness, useHarness } from '../support/harness.js';
import { sseSubscribe } from '../support/live.js';
import { type Cluster, describeWithRedis, type Replica, startCluster } from '../support/replicas.js';

/**
 * Tokens the Inbox API refuses: they cost the upstream one call (their proof of team) per
 * REJECTED_TOKEN_TTL_MS, whatever they send and however often, and change no team's caches.
 */

const PAGE = '{ team { id } tags { name } statuses { name } members { id } }';
const TWO_WRITES = `mutation {
  a: createTag(input: { name: "x" }) { tag { id } }
  b: createStatus(input: { name: "y" }) { status { id } }
}`;
const randomToken = () => `forged_${randomBytes(16).toString('hex')}`;
type Answer = { body: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> } };
const codes = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code);
/** Calls the simulator answered for no team: those of tokens it refused. */
const refusedCalls = (harness: Pick<Harness, 'simulator'>) =>
  harness.simulator.calls.filter((call) => call.teamId === null);

describe('a token the Inbox API refuses', () => {
  const harness = useHarness({ transport: 'http', config: { LOG_LEVEL: 'warn' } });

  /** Each team's page, until it is served without any upstream call (the caches warm). */
  async function warmPages() {
    for (const token of [DEMO_TOKEN, SECOND_TEAM_TOKEN]) {
      for (let round = 0; round < 3; round++)
        expect(codes(await harness.graphql(PAGE, { token }))).toBeUndefined();
    }
    harness.simulator.resetCalls();
    for (const token of [DEMO_TOKEN, SECOND_TEAM_TOKEN]) await harness.graphql(PAGE, { token });
    expect(harness.simulator.calls).toHaveLength(0);
  }

  it('writing twice in one operation: refused, one upstream call, and every team’s caches stay warm', async () => {
    await warmPages();
    const answer = await harness.graphql(TWO_WRITES, { token: randomToken() });
    expect(codes(answer)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    // Its proof of team, refused; neither write was sent.
    expect(harness.simulator.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
      'GET /team 401',
    ]);
    harness.simulator.resetCalls();
    for (const token of [DEMO_TOKEN, SECOND_TEAM_TOKEN]) {
      expect(codes(await harness.graphql(PAGE, { token }))).toBeUndefined();
    }
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('sent 40 times (20 at once, then 20 in a row): exactly one upstream call', async () => {
    const token = randomToken();
    const answers = await Promise.all(Array.from({ length: 20 }, () => harness.graphql(PAGE, { token })));
    for (let round = 0; round < 10; round++) {
      answers.push(await harness.graphql(PAGE, { token }), await harness.graphql(TWO_WRITES, { token }));
    }
    for (const answer of answers) {
      expect(codes(answer)?.every((code) => code === 'UNAUTHENTICATED')).toBe(true);
      expect(JSON.stringify(answer.body)).not.toContain(token);
    }
    expect(refusedCalls(harness)).toHaveLength(1);
  });

  it('100 different tokens: one call each, remembered, then none', async () => {
    const tokens = Array.from({ length: 100 }, randomToken);
    for (const token of tokens) await harness.graphql(PAGE, { token });
    expect(refusedCalls(harness)).toHaveLength(100);
    expect(harness.facade.identity.rejected.size).toBe(100);
    for (const token of tokens) await harness.graphql(PAGE, { token });
    expect(refusedCalls(harness)).toHaveLength(100);
  });

  it('over SSE too: its subscriptions end with UNAUTHENTICATED, and they cost one call in all', async () => {
    const token = randomToken();
    for (let round = 0; round < 5; round++) {
      const subscription = sseSubscribe(harness, 'subscription { inboxEvents { inboxId } }', { token });
      await subscription.done;
      expect(subscription.payloads[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(refusedCalls(harness)).toHaveLength(1);
  });

  it('a token the facade knew, revoked: its first 401 makes it refused without any call', async () => {
    harness.simulator.injectFault({ kind: 'status', status: 401, times: Number.POSITIVE_INFINITY });
    const first = await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN });
    expect(codes(first)).toContain('UNAUTHENTICATED');
    const spent = harness.simulator.calls.length;
    expect(spent).toBeGreaterThan(0);
    for (let round = 0; round < 10; round++) {
      expect(codes(await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN }))).toContain('UNAUTHENTICATED');
    }
    expect(harness.simulator.calls).toHaveLength(spent);
  });
});

describe('REJECTED_TOKEN_TTL_MS', () => {
  const harness = useHarness({
    transport: 'http',
    config: { LOG_LEVEL: 'warn', REJECTED_TOKEN_TTL_MS: '300' },
  });

  it('a refused token costs one call again once its refusal is over', async () => {
    const token = randomToken();
    await harness.graphql(PAGE, { token });
    await harness.graphql(PAGE, { token });
    expect(refusedCalls(harness)).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await harness.graphql(PAGE, { token });
    expect(refusedCalls(harness)).toHaveLength(2);
  });
});

describe('RejectedTokens', () => {
  it('holds at most 10 000 tokens under 100 000 random ones, the most recent, in a few MB', () => {
    const rejected = new RejectedTokens({ ttlMs: 60_000 });
    const before = process.memoryUsage().heapUsed;
    const keys: string[] = [];
    for (let index = 0; index < 100_000; index++) {
      const key = `${index}`.padStart(43, 'k'); // as long as a token's HMAC
      if (index % 10_000 === 0) keys.push(key);
      rejected.add(key);
    }
    expect(rejected.size).toBe(10_000);
    expect(rejected.has(keys[0] as string)).toBe(false); // the oldest went first
    // What it keeps: 10 000 keys of 43 characters and a number each (the rest is garbage to collect).
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(40 * 1024 * 1024);
  });
});

describeWithRedis('a refused token, on replicas sharing Redis', () => {
  let cluster: Cluster;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b'], {
      COLLECTION_CACHE_TTL_MS: '600000',
      RESPONSE_CACHE_TTL_MS: '60000',
    });
    [a, b] = cluster.replicas as [Replica, Replica];
  }, 60_000);
  afterAll(() => cluster?.close());

  it('its writes on A leave B’s caches warm; B then refuses it without a call', async () => {
    for (const token of [DEMO_TOKEN, SECOND_TEAM_TOKEN]) {
      for (let round = 0; round < 3; round++) expect(codes(await b.graphql(PAGE, { token }))).toBeUndefined();
    }
    cluster.simulator.resetCalls();
    const token = randomToken();
    expect(codes(await a.graphql(TWO_WRITES, { token }))).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(cluster.simulator.calls).toHaveLength(1);
    for (const teamToken of [DEMO_TOKEN, SECOND_TEAM_TOKEN]) {
      expect(codes(await b.graphql(PAGE, { token: teamToken }))).toBeUndefined();
    }
    expect(codes(await b.graphql(PAGE, { token }))).toEqual(expect.arrayContaining(['UNAUTHENTICATED']));
    expect(cluster.simulator.calls).toHaveLength(1);
  });
});
