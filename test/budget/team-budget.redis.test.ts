import { afterAll, beforeAll, expect, it } from 'vitest';
import { TeamBudget } from '../../src/budget/team-budget.js';
import { createLogger } from '../../src/observability/logger.js';
import { connectRedis, RedisCommandTimeout, type SharedRedis, withinMs } from '../../src/replicas/redis.js';
import { describeWithOwnRedis, type OwnRedis, startOwnRedis } from '../support/redis-server.js';

/**
 * The team budget's bound on a Redis command, against a real Redis of the test's own: a reply that came in
 * time is taken even when this process's event loop was held up past the bound (a long synchronous task),
 * and a Redis that is really late is still given up on.
 */

/** Holds the event loop, as a long synchronous task does. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs meanwhile, timers expire, replies wait in the socket
  }
}

const COMMAND_TIMEOUT_MS = 100;

describeWithOwnRedis('a Redis command’s bound measures Redis, not the event loop', () => {
  let redis: OwnRedis;
  const replicas: SharedRedis[] = [];
  const logger = createLogger('silent');
  beforeAll(async () => {
    redis = await startOwnRedis({ debug: true });
    // Two replicas (each its own connections and id) of one deployment (one prefix): one budget.
    for (let replica = 0; replica < 2; replica++) {
      replicas.push(connectRedis({ url: redis.url, prefix: 'budget-test:', logger }));
    }
    while (!replicas.every((shared) => shared.healthy())) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }, 30_000);
  afterAll(async () => {
    for (const shared of replicas) await shared.close();
    await redis?.stop();
  });

  it('a reply that came while the loop was held is taken; a Redis that is really slow still times out', async () => {
    const client = replicas[0]?.client;
    if (!client) throw new Error('connected');
    // Resumed by a socket's read, as a request's handler is: the hold below happens in the I/O phase.
    await client.ping();
    const ping = withinMs(client.ping(), COMMAND_TIMEOUT_MS);
    blockEventLoop(COMMAND_TIMEOUT_MS * 5);
    await expect(ping).resolves.toBe('PONG');

    // The server itself asleep (DEBUG SLEEP holds every client) for far longer than the bound.
    const sleeping = redis.client.call('DEBUG', 'SLEEP', '3');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const late = withinMs(client.ping(), COMMAND_TIMEOUT_MS);
    await expect(late).rejects.toBeInstanceOf(RedisCommandTimeout);
    // Given up on long before Redis woke up (a bound with room for a busy machine, not a speed).
    expect(performance.now() - started).toBeLessThan(2_000);
    await sleeping;
  });

  it('a replica whose loop is held past the bound still counts its calls in Redis, with the other replica', async () => {
    const [first, second] = replicas.map(
      (shared) =>
        new TeamBudget({ callsPerMinute: 3, redis: shared, logger, commandTimeoutMs: COMMAND_TIMEOUT_MS }),
    ) as [TeamBudget, TeamBudget];
    try {
      const teamId = `team-${Date.now()}`;
      await redis.client.ping(); // as above: the hold happens in the I/O phase, as a request's would
      const taken = first.take(teamId);
      blockEventLoop(COMMAND_TIMEOUT_MS * 5);
      expect(await taken).toMatchObject({ allowed: true, status: { shared: true, remaining: 2 } });
      // Not given up on: still shared, and the call is in the window the other replica sees.
      expect(first.shared).toBe(true);
      expect(await redis.client.zcard(`budget-test:budget:{${teamId}}:calls`)).toBe(1);
      expect(await second.take(teamId)).toMatchObject({ allowed: true, status: { remaining: 1 } });
      expect(await second.take(teamId)).toMatchObject({ allowed: true, status: { remaining: 0 } });
      expect((await first.take(teamId)).allowed).toBe(false);
    } finally {
      first.close();
      second.close();
    }
  });
});
