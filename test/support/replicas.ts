import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { DEMO_TOKEN, type Simulator, startSimulator } from '../../simulator/src/index.js';

/**
 * Several facade replicas sharing one Redis, as an operator runs them: real processes (`src/main.ts`, as
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

export interface Replica {
  name: string;
  url: string;
  process: ChildProcess;
  /** Every log line it wrote. */
  logLines: string[];
  /** POSTs a GraphQL operation (over real HTTP). */
  graphql<TData = Record<string, unknown>>(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string | null },
  ): Promise<{
    status: number;
    body: {
      data?: TData | null;
      errors?: Array<{
        message: string;
        extensions?: Record<string, unknown>;
        path?: Array<string | number>;
      }>;
    };
  }>;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

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

const mainScript = new URL('../../src/main.ts', import.meta.url).pathname;

/**
 * One facade process of its own (`src/main.ts`), without Redis whatever the environment says, in front of
 * `simulator`: for what must be seen from outside the process (that it survives, that it exits).
 */
export function startFacadeProcess(
  name: string,
  simulator: Pick<Simulator, 'url'>,
  config: Record<string, string> = {},
): Promise<Replica> {
  return startReplica(name, { LOG_LEVEL: 'info', ...config, INBOX_API_URL: simulator.url, REDIS_URL: '' });
}

/** One facade process (`src/main.ts`) on a free loopback port, with `env` (INBOX_API_URL at least). */
export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        logLines.push(line);
        const graphql = /"graphql":"(http:\/\/[^"]+)\/graphql"/.exec(line)?.[1];
        if (graphql) resolve(graphql);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`replica ${name} exited (${code}): ${logLines.join('\n')}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    url,
    process: child,
    logLines,
    async graphql(query, { variables, token = DEMO_TOKEN } = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
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
  await untilSharing(cluster.replicas);
  return cluster;
}

/** Waits until each replica's /readiness reports its Redis as shared (`redis: "ok"`). */
export async function untilSharing(replicas: Replica[], timeoutMs = 15_000): Promise<void> {
  for (const replica of replicas) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const readiness = (await (await fetch(`${replica.url}/readiness`)).json()) as { redis: string };
      if (readiness.redis === 'ok') break;
      if (Date.now() > deadline) throw new Error(`replica ${replica.name} did not share Redis`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
