import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN } from '../../simulator/src/index.js';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import { describeWithOwnRedis, type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { type Cluster, type Replica, startCluster, untilRedis } from '../support/replicas.js';

/**
 * TEAM_CALLS_PER_MINUTE across two replica processes when Redis (a redis-server of this suite's own) is
 * not there for them: a replica held up by its own event loop keeps counting in Redis; a replica cut off
 * from Redis spends at most its share of the limit; once Redis is back, the shared window holds what each
 * spent alone.
 */

const ONE_THREAD = '{ threads(first: 1) { edges { node { id } } } }';
// Every query makes its own call: no answer is reused.
const CONFIG = { RESPONSE_CACHE_TTL_MS: '0' };

type Answer = Awaited<ReturnType<Replica['graphql']>>;
const served = (answers: Answer[]) => answers.filter(({ body }) => body.errors === undefined);
const refused = (answers: Answer[]) =>
  answers.filter(({ body }) => body.errors?.every((error) => error.extensions?.code === 'RATE_LIMITED'));

/** Waits, with a generous deadline (a loaded machine), until `condition` holds. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const readiness = async (replica: Replica) =>
  ((await (await fetch(`${replica.url}/readiness`)).json()) as { redis: string }).redis;
/** The replica has counted the replicas that share the budget (its heartbeat in Redis) and found `count`. */
const sees = (replica: Replica, count: number) =>
  replica.logLines.some(
    (line) => line.includes('replicas sharing the team budget') && line.includes(`"replicas":${count}`),
  );

/** The upstream calls a replica's operations made, as its log lines since `from` say. */
const callsLogged = (replica: Replica, from: number) =>
  replica.logLines
    .slice(from)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg?: string; upstreamCalls?: number }];
      } catch {
        return [];
      }
    })
    .filter((line) => line.msg === 'graphql operation')
    .reduce((sum, line) => sum + (line.upstreamCalls ?? 0), 0);

describeWithOwnRedis('the team budget when Redis is not there for a replica', () => {
  let redis: OwnRedis;
  let cluster: Cluster;
  let proxy: CuttableProxy | undefined;
  let teamId: string;
  const callsKey = () => `${cluster.prefix}budget:{${teamId}}:calls`;
  const teamCalls = () => cluster.simulator.calls.filter((call) => call.teamId === teamId);

  beforeAll(async () => {
    redis = await startOwnRedis();
    cluster = await startCluster([], { ...CONFIG, REDIS_URL: redis.url });
    teamId = cluster.simulator.store.teamByToken(DEMO_TOKEN)?.team.id ?? '';
  }, 60_000);
  afterEach(async () => {
    await Promise.allSettled(cluster.replicas.map((replica) => replica.stop('SIGKILL')));
    cluster.replicas.length = 0;
    await proxy?.close();
    proxy = undefined;
    await redis.client.flushall();
  });
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it('a replica whose event loop is held up (its process paused from outside) still counts every call in Redis', async () => {
    const [a, b] = [
      await cluster.start('a', { TEAM_CALLS_PER_MINUTE: '100000' }),
      await cluster.start('b', { TEAM_CALLS_PER_MINUTE: '100000' }),
    ];
    await untilRedis([a, b]);
    cluster.simulator.resetCalls();
    let flooding = true;
    const lane = async (replica: Replica, token: string) => {
      while (flooding) await replica.graphql(ONE_THREAD, { token });
    };
    const lanes = [
      ...Array.from({ length: 12 }, () => lane(a, DEMO_TOKEN)),
      ...Array.from({ length: 2 }, () => lane(b, DEMO_ALT_TOKEN)),
    ];
    // A's whole process stops for longer than its Redis bound (250 ms), with commands on the wire: Redis
    // answers them while A is stopped; A reads the replies after its timers, which are all late by then.
    for (let pause = 0; pause < 4; pause++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      a.process.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 800));
      a.process.kill('SIGCONT');
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    flooding = false;
    await Promise.all(lanes);
    expect(a.logLines.filter((line) => line.includes('redis too slow'))).toEqual([]);
    // Every call the team made is in the window both replicas share.
    expect(teamCalls().length).toBeGreaterThan(20);
    expect(await redis.client.zcard(callsKey())).toBe(teamCalls().length);
  }, 120_000);

  it('cut off from Redis, each of two replicas spends at most its half; once Redis is back, the window holds it all', async () => {
    proxy = await startCuttableProxy(redis.url);
    const config = { TEAM_CALLS_PER_MINUTE: '20', REDIS_URL: proxy.url };
    const [a, b] = [await cluster.start('a', config), await cluster.start('b', config)];
    await untilRedis([a, b]);
    // Each replica's heartbeat has counted both (every 5 s).
    await until(() => sees(a, 2) && sees(b, 2), 'both replicas count two');
    cluster.simulator.resetCalls();
    const logged = { a: a.logLines.length, b: b.logLines.length };
    // Each token learns its team and makes its first call while Redis is there: 4 calls, shared.
    expect(
      served([await a.graphql(ONE_THREAD), await b.graphql(ONE_THREAD, { token: DEMO_ALT_TOKEN })]),
    ).toHaveLength(2);
    const sharedCalls = teamCalls().length;
    expect(await redis.client.zcard(callsKey())).toBe(sharedCalls);

    await proxy.cut();
    await until(async () => (await readiness(a)) !== 'ok' && (await readiness(b)) !== 'ok', 'Redis is gone');
    const answers = { a: [] as Answer[], b: [] as Answer[] };
    for (let query = 0; query < 20; query++) {
      answers.a.push(await a.graphql(ONE_THREAD));
      answers.b.push(await b.graphql(ONE_THREAD, { token: DEMO_ALT_TOKEN }));
    }
    const alone = teamCalls().slice(sharedCalls);
    // Each answer served made its call; the others were refused by the facade, before any call. (A token's
    // proof of team, kept shorter while Redis is away, may be read again: a call of its own.)
    expect(alone.filter((call) => call.path === '/threads')).toHaveLength(
      served(answers.a).length + served(answers.b).length,
    );
    expect(alone.every((call) => call.path === '/threads' || call.path === '/team')).toBe(true);
    expect(refused(answers.a).length + served(answers.a).length).toBe(20);
    expect(refused(answers.b).length + served(answers.b).length).toBe(20);
    // Each replica made at most half of 20 in the minute, the calls it made while Redis was there included.
    for (const [replica, mine] of [
      [a, answers.a],
      [b, answers.b],
    ] as const) {
      expect(served(mine).length).toBeGreaterThan(0);
      expect(callsLogged(replica, logged[replica.name as 'a' | 'b'])).toBeLessThanOrEqual(10);
    }
    expect(teamCalls().length).toBeLessThanOrEqual(20);
    expect(teamCalls().every((call) => call.status === 200)).toBe(true);

    await proxy.restore();
    await untilRedis([a, b], 'ok', 30_000);
    // Each replica hands Redis the calls it counted alone (at its reconnection, or its next heartbeat).
    await until(
      async () => (await redis.client.zcard(callsKey())) === teamCalls().length,
      'Redis holds every call',
    );
    // The shared window is what holds the team now: the minute's calls made alone count in it.
    const remaining = 20 - teamCalls().length;
    const after = [];
    for (let query = 0; query < remaining + 2; query++) after.push(await a.graphql(ONE_THREAD));
    expect(served(after)).toHaveLength(remaining);
    expect(teamCalls().length).toBe(20);
  }, 120_000);
});
