import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN } from '../../simulator/src/index.js';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import {
  type Cluster,
  describeWithRedis,
  REDIS_URL,
  type Replica,
  startCluster,
  untilRedis,
} from '../support/replicas.js';

/**
 * One budget per team across replicas (TEAM_CALLS_PER_MINUTE, default 300): the window is in Redis, so two
 * replicas together make no more calls than one would; a replica without Redis counts its own.
 */

const ONE_THREAD = '{ threads(first: 1) { edges { node { id } } } }';
// Every query makes its own call: no answer is reused.
const CONFIG = { RESPONSE_CACHE_TTL_MS: '0' };

type Answer = Awaited<ReturnType<Replica['graphql']>>;

/** Runs `count` tasks, at most `width` at a time. */
async function pool<T>(count: number, width: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < count; index = next++) results[index] = await task(index);
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

/** The most of these times (in order) that fall within 60 s of each other. */
function mostInAnyMinute(times: number[]): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= 60_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

const readiness = async (replica: Replica) => (await fetch(`${replica.url}/readiness`)).json();
/** Refused by the facade: every error is RATE_LIMITED with a retryAfter (a whole operation, or its field). */
const isRefusal = ({ body }: Answer) =>
  (body.errors?.length ?? 0) > 0 &&
  (body.errors ?? []).every(
    (error) => error.extensions?.code === 'RATE_LIMITED' && typeof error.extensions.retryAfter === 'number',
  );

describeWithRedis('one budget per team, shared by the replicas', () => {
  let cluster: Cluster;
  let acme: string;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b'], CONFIG);
    acme = cluster.simulator.store.teamByToken(DEMO_TOKEN)?.team.id ?? '';
  }, 60_000);
  afterAll(() => cluster?.close());

  it('a burst of 1 000 queries of one team over two replicas makes at most 300 calls; the rest are RATE_LIMITED with a retryAfter', async () => {
    cluster.simulator.resetCalls();
    const [a, b] = cluster.replicas as [Replica, Replica];
    const started = Date.now();
    // Both of the team's tokens, on both replicas, 40 at a time.
    const answers = await pool(1_000, 40, (index) =>
      (index % 2 === 0 ? a : b).graphql(ONE_THREAD, { token: index % 4 < 2 ? DEMO_TOKEN : DEMO_ALT_TOKEN }),
    );
    const teamCalls = cluster.simulator.calls.filter((call) => call.teamId === acme);
    // In any minute, as the simulator saw them arrive (the burst takes seconds: all of them, here).
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(mostInAnyMinute(teamCalls.map((call) => call.at))).toBeLessThanOrEqual(300);
    expect(teamCalls.length).toBeLessThanOrEqual(300);
    // The facade said no, not the upstream.
    expect(teamCalls.filter((call) => call.status !== 200)).toEqual([]);
    const served = answers.filter(({ body }) => body.errors === undefined);
    const refused = answers.filter(isRefusal);
    expect(served.length + refused.length).toBe(1_000);
    // Most before they start (no data); a few admitted just before the window filled fail their field.
    expect(refused.filter(({ body }) => (body.data ?? null) === null).length).toBeGreaterThan(600);
    // Each replica learnt each token's team once (4 GET /team); every other call served a query.
    expect(served.length).toBe(teamCalls.filter((call) => call.path === '/threads').length);
    expect(served.length).toBeGreaterThanOrEqual(290);
    for (const { body } of refused) {
      const retryAfter = body.errors?.[0]?.extensions?.retryAfter as number;
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(61);
    }
    // Both replicas refused, from the one window.
    expect(refused.filter((_, index) => index % 2 === 0).length).toBeGreaterThan(0);
    expect(answers.filter((answer, index) => index % 2 === 1 && isRefusal(answer)).length).toBeGreaterThan(0);
  }, 120_000);

  it('a replica that cannot reach Redis counts its own calls and keeps answering', async () => {
    // The team's shared window is full (the burst above): a replica sharing it refuses.
    const [a] = cluster.replicas as [Replica];
    expect(isRefusal(await a.graphql(ONE_THREAD))).toBe(true);
    // A replica whose Redis is out of reach (a closed port) counts locally: 10 calls a minute here.
    const alone = await cluster.start('alone', {
      REDIS_URL: 'redis://127.0.0.1:1',
      TEAM_CALLS_PER_MINUTE: '10',
    });
    expect(await readiness(alone)).toEqual({ upstream: 'ok', redis: 'degraded' });
    cluster.simulator.resetCalls();
    const answers: Answer[] = [];
    for (let query = 0; query < 12; query++) answers.push(await alone.graphql(ONE_THREAD));
    // Its first query learns the token's team (GET /team): 9 queries fit in its own 10 calls.
    expect(answers.slice(0, 9).map(({ body }) => body.errors)).toEqual(Array(9).fill(undefined));
    expect(answers.slice(9).every(isRefusal)).toBe(true);
    expect(cluster.simulator.calls).toHaveLength(10);
    expect(alone.process.exitCode).toBeNull();
  }, 60_000);

  it('a replica whose Redis hangs gives up on it within its bound, and counts its own calls', async () => {
    let proxy: CuttableProxy | undefined;
    try {
      proxy = await startCuttableProxy(REDIS_URL as string);
      const hung = await cluster.start('hung', { REDIS_URL: proxy.url, TEAM_CALLS_PER_MINUTE: '10' });
      await untilRedis([hung]);
      // Every Redis reply now held far longer than a budget command may wait: the shared window (full since
      // the burst above) would refuse this query, so an answer means the replica stopped waiting for Redis.
      proxy.delay(20_000);
      const { body } = await hung.graphql(ONE_THREAD);
      expect(body.errors).toBeUndefined();
      expect(
        hung.logLines.some((line) => line.includes('redis too slow: the team budget counts locally')),
      ).toBe(true);
    } finally {
      proxy?.delay(0);
      await proxy?.close();
    }
  }, 60_000);
});

describeWithRedis('the upstream’s own count, shared by the replicas', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b'], CONFIG);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('once A heard X-RateLimit-Remaining: 0, B refuses too, without a call', async () => {
    const [a, b] = cluster.replicas as [Replica, Replica];
    cluster.simulator.resetCalls();
    // Each replica learns the token's team (its GET /team, or the mapping another replica shared) and calls.
    for (const replica of [a, b]) expect((await replica.graphql(ONE_THREAD)).body.errors).toBeUndefined();
    const spent = cluster.simulator.calls.filter((call) => call.teamId !== null).length;
    // The team's calls elsewhere leave it 2 more this minute upstream (far below TEAM_CALLS_PER_MINUTE).
    cluster.simulator.setRateLimit(spent + 2);
    for (let query = 0; query < 2; query++) expect((await a.graphql(ONE_THREAD)).body.errors).toBeUndefined();
    const calls = cluster.simulator.calls.length;
    const answer = await b.graphql(ONE_THREAD);
    expect(isRefusal(answer)).toBe(true);
    expect(answer.body.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfter: expect.any(Number),
    });
    expect(cluster.simulator.calls).toHaveLength(calls);
    const teamCalls = cluster.simulator.calls.filter((call) => call.teamId !== null);
    expect(teamCalls.map((call) => call.status)).toEqual(Array(spent + 2).fill(200));
  }, 60_000);
});
