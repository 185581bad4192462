import { Agent, get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, type Simulator, startSimulator } from '../../simulator/src/index.js';
import { until } from '../support/live.js';
import { type Replica, startReplica } from '../support/replicas.js';

/**
 * A draining replica, seen from outside as a load balancer sees it: a real process (`node dist/main.js`, no Redis)
 * gets SIGTERM while a slow operation is in flight. Until that operation has its answer the port still
 * answers: `/readiness` says 503 (draining, not dead), and answers close their keep-alive connection.
 */

const SLOW_MS = 2_000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET over `agent` (a connection of its own when none), with the status, headers and body. */
function getOver(url: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    }).on('error', reject);
  });
}

describe('draining on SIGTERM', () => {
  let simulator: Simulator;
  let replica: Replica;
  beforeAll(async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 100_000 });
    replica = await startReplica('draining', {
      INBOX_API_URL: simulator.url,
      REDIS_URL: '', // one process alone, whatever the suites' REDIS_URL
      SHUTDOWN_TIMEOUT_MS: '15000',
      LOG_LEVEL: 'info',
    });
  }, 60_000);
  afterAll(async () => {
    await replica?.stop('SIGKILL');
    await simulator?.close();
  });

  it('readiness answers 503 during the drain, the operation in flight completes, keep-alive connections are closed politely, then the process exits', async () => {
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Before: ready, over a kept-alive connection that stays open (idle) into the drain.
      const before = await getOver(`${replica.url}/readiness`, keptAlive);
      expect(before.status).toBe(200);
      expect(before.headers.connection).toBe('keep-alive');

      simulator.setLatency(SLOW_MS);
      const slow = replica.graphql<{ threads: { edges: unknown[] } }>(
        '{ threads(first: 1) { edges { node { id } } } }',
        { token: DEMO_TOKEN },
      );
      await until(() => simulator.calls.some((call) => call.status === 0), 'the operation is in flight');
      const exited = replica.stop('SIGTERM');
      await until(
        () => replica.logLines.some((line) => line.includes('shutting down')),
        'the shutdown began',
      );

      // A new connection (a load balancer's probe): the replica is draining, and says so at once, without
      // waiting on the slow upstream.
      const probed = Date.now();
      const draining = await getOver(`${replica.url}/readiness`);
      expect(Date.now() - probed).toBeLessThan(SLOW_MS);
      expect(draining.status).toBe(503);
      expect(JSON.parse(draining.body)).toEqual({ upstream: 'ok', redis: 'off', shuttingDown: true });
      expect(draining.headers.connection).toBe('close');
      // The connection kept alive from before is still served, and told to close after this answer.
      const onKeptAlive = await getOver(`${replica.url}/health`, keptAlive);
      expect(onKeptAlive.status).toBe(200);
      expect(onKeptAlive.headers.connection).toBe('close');
      expect(replica.process.exitCode).toBeNull();

      // The operation in flight gets its answer; then the process exits, and the port is closed.
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.threads.edges).toHaveLength(1);
      expect(await exited).toBe(0);
      expect(replica.logLines.some((line) => /"outcome":"drained"/.test(line))).toBe(true);
      await expect(getOver(`${replica.url}/readiness`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      simulator.setLatency(0);
      keptAlive.destroy();
    }
  });
});
