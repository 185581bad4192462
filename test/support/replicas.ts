import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator/src/index.js';
import { type FacadeProcess, spawnFacade } from './facade-process.js';

/**
 * Several facade replicas sharing one Redis, as an operator runs them: real processes (`node dist/main.js`, as
 * `npm start` runs it), each on its own port, in front of one simulator. The multi-replica suites need a
 * Redis: REDIS_URL names it (`.ci/run` starts one and sets it). Without REDIS_URL they are reported as not
 * run, with the reason; with REDIS_URL set and no Redis answering, they fail.
 */
export const REDIS_URL = process.env.REDIS_URL;

/** `describe` for multi-replica suites: not run, visibly, when no Redis is configured. */
export function describeWithRedis(name: string, suite: () => void): void {
  if (REDIS_URL) describe(name, suite);
  else describe.skip(`${name} (not run: set REDIS_URL to a Redis server, as .ci/run does)`, suite);
}

/** One facade process of a cluster (or alone). */
export type Replica = FacadeProcess;

export interface Cluster {
  simulator: Simulator;
  redis: Redis;
  /** This cluster's keys and channels (a fresh prefix per cluster: clusters never see each other). */
  prefix: string;
  /** FACADE_SECRET, the same on every replica of the cluster (fresh per cluster). */
  secret: string;
  replicas: Replica[];
  /** Starts one more replica with the cluster's settings (plus `config`). */
  start(name: string, config?: Record<string, string>): Promise<Replica>;
  close(): Promise<void>;
}

/**
 * One facade process of its own (`node dist/main.js`), without Redis whatever the environment says, in front
 * of `simulator`: for what must be seen from outside the process (that it survives, that it exits).
 */
export function startFacadeProcess(
  name: string,
  simulator: Pick<Simulator, 'url'>,
  config: Record<string, string> = {},
): Promise<Replica> {
  return startReplica(name, { LOG_LEVEL: 'info', ...config, INBOX_API_URL: simulator.url, REDIS_URL: '' });
}

/** One facade process (`node dist/main.js`) on a free loopback port, with `env` (INBOX_API_URL at least). */
export function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  return spawnFacade(name, { ...process.env, ...env });
}

/**
 * One simulator, one Redis prefix, and `names.length` replicas. `config` is every replica's environment
 * (LOG_LEVEL defaults to info so that tests can read the operation lines); its REDIS_URL, if any, names a
 * Redis of the test's own instead of the shared one.
 */
export async function startCluster(
  names: string[],
  config: Record<string, string> = {},
  simulatorOptions: Parameters<typeof startSimulator>[0] = {},
  ownRedisUrl?: string,
): Promise<Cluster> {
  const redisUrl = ownRedisUrl ?? config.REDIS_URL ?? REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is not set');
  const simulator = await startSimulator({ rateLimitPerMinute: 100_000, ...simulatorOptions });
  const prefix = `test-${randomUUID()}:`;
  const secret = randomBytes(32).toString('base64url');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // a test's own Redis may restart: the client reconnects by itself
  await redis.ping(); // fails the suite when REDIS_URL names no running Redis
  const env = {
    LOG_LEVEL: 'info',
    ...config,
    INBOX_API_URL: simulator.url,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    FACADE_SECRET: secret,
  };
  const cluster: Cluster = {
    simulator,
    redis,
    prefix,
    secret,
    replicas: [],
    async start(name, extra = {}) {
      const replica = await startReplica(name, { ...env, ...extra });
      cluster.replicas.push(replica);
      return replica;
    },
    async close() {
      await Promise.allSettled(cluster.replicas.map((replica) => replica.stop('SIGKILL')));
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await simulator.close();
    },
  };
  await Promise.all(names.map((name) => cluster.start(name)));
  // A replica answers before its Redis handshake is done (it serves alone until then): the suites start
  // from a cluster that shares.
  await untilRedis(cluster.replicas);
  return cluster;
}

/**
 * Waits until each server's /readiness reports its Redis as `state` ("ok": it shares with the other replicas;
 * "degraded": it works alone). `url` is a replica's, or an in-process harness's base URL.
 */
export async function untilRedis(
  servers: Array<{ url: string }>,
  state: 'ok' | 'degraded' = 'ok',
  timeoutMs = 15_000,
): Promise<void> {
  for (const { url } of servers) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const readiness = (await (await fetch(`${url}/readiness`)).json()) as { redis?: string };
      if (readiness.redis === state) break;
      if (Date.now() > deadline) throw new Error(`${url}: Redis not ${state} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
