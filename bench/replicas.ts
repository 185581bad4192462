import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, startSimulator } from '../simulator/src/index.js';
import { type Child, startChild } from './ipc.js';

/**
 * `npm run bench:replicas`: two replicas of the facade serving one team, with and without a shared Redis, and
 * the upstream calls the team makes per minute. The load asks for more than the team may spend: one screen
 * (`thread(id:)`, one call each, ids taken in turn so that no answer is reused) every 25 ms, alternately on
 * each replica, with both of the team's tokens. Each setting runs BENCH_REPLICAS_DURATION_S (70) on fresh
 * replicas against the simulator (20 ms per call), once with an upstream that limits nothing (what the
 * facade itself lets out) and once limited as the Inbox API (300 a minute: what the upstream then refuses).
 * Writes bench/results/replicas.{json,md}.
 */
const settings = z
  .object({
    BENCH_REPLICAS_DURATION_S: z.coerce.number().int().min(61).default(70),
    BENCH_REPLICAS_INTERVAL_MS: z.coerce.number().int().min(1).default(25),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  })
  .parse(process.env);

const QUERY = 'query Conversation($id: ID!) { thread(id: $id) { id done lastMessageAt } }';
const TEAM_CALLS_PER_MINUTE = 300;

interface Run {
  redis: boolean;
  upstreamLimit: number | null;
  durationS: number;
  queries: number;
  served: number;
  refusedByFacade: number;
  otherErrors: number;
  teamCalls: number;
  upstream429: number;
  /** The most calls of the team that reached the upstream within 60 s of each other. */
  maxCallsInAnyMinute: number;
}

const simulator = await startSimulator({ rateLimitPerMinute: 1e9, latencyMs: 20 });
const team = simulator.store.teamByToken(DEMO_TOKEN);
if (!team) throw new Error('no demo team');
const threadIds = team.threads.map((thread) => thread.id);

async function redisAvailable(): Promise<boolean> {
  const client = new Redis(settings.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function run(redis: boolean, upstreamLimit: number | null): Promise<Run> {
  simulator.resetCalls();
  simulator.resetRateLimits();
  simulator.setRateLimit(upstreamLimit ?? 1e9);
  const prefix = `bench-${randomUUID()}:`;
  const env = {
    INBOX_API_URL: simulator.url,
    TEAM_CALLS_PER_MINUTE: String(TEAM_CALLS_PER_MINUTE),
    ...(redis
      ? {
          REDIS_URL: settings.REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          // Shared by the replicas of a run: their token keys and seals derive from it.
          FACADE_SECRET: randomBytes(32).toString('base64url'),
        }
      : { REDIS_URL: '' }),
  };
  const replicas: Array<Child<{ url: string }>> = [];
  for (let index = 0; index < 2; index++) {
    replicas.push(await startChild<{ url: string }>('bench/replica-process.ts', { env, quiet: true }));
  }
  if (redis) {
    for (const replica of replicas) {
      for (let tries = 0; !(await replica.ask<boolean>('sharing')); tries++) {
        if (tries > 100) throw new Error('a replica did not reach Redis');
        await sleep(50);
      }
    }
  }
  const started = Date.now();
  const outcomes = { served: 0, refusedByFacade: 0, otherErrors: 0 };
  const pending: Array<Promise<void>> = [];
  for (let index = 0; Date.now() - started < settings.BENCH_REPLICAS_DURATION_S * 1000; index++) {
    const replica = replicas[index % 2] as Child<{ url: string }>;
    const token = index % 4 < 2 ? DEMO_TOKEN : DEMO_ALT_TOKEN;
    const id = threadIds[index % threadIds.length];
    pending.push(
      fetch(replica.ready.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY, variables: { id } }),
      })
        .then(
          (response) =>
            response.json() as Promise<{ errors?: Array<{ extensions?: Record<string, unknown> }> }>,
        )
        .then(({ errors }) => {
          if (!errors) outcomes.served++;
          else if (
            errors.every((error) => error.extensions?.code === 'RATE_LIMITED' && !error.extensions.upstream)
          )
            outcomes.refusedByFacade++;
          else outcomes.otherErrors++;
        }),
    );
    await sleep(settings.BENCH_REPLICAS_INTERVAL_MS);
  }
  await Promise.all(pending);
  await Promise.all(replicas.map((replica) => replica.stop()));
  if (redis) {
    const client = new Redis(settings.REDIS_URL);
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  }
  // A sliding minute over the arrivals (in time order): the most that fall within 60 s of each other.
  const arrivals = simulator.calls.filter((call) => call.teamId === team?.team.id).map((call) => call.at);
  let maxCallsInAnyMinute = 0;
  for (let first = 0, last = 0; last < arrivals.length; last++) {
    while ((arrivals[last] as number) - (arrivals[first] as number) >= 60_000) first++;
    maxCallsInAnyMinute = Math.max(maxCallsInAnyMinute, last - first + 1);
  }
  const teamCalls = arrivals.length;
  const durationS = (Date.now() - started) / 1000;
  return {
    redis,
    upstreamLimit,
    durationS: Math.round(durationS),
    queries: pending.length,
    ...outcomes,
    teamCalls,
    upstream429: simulator.calls.filter((call) => call.teamId === team?.team.id && call.status === 429)
      .length,
    maxCallsInAnyMinute,
  };
}

const withRedis = await redisAvailable();
if (!withRedis) console.warn(`No Redis at ${settings.REDIS_URL}: only the runs without Redis are measured.`);
const runs: Run[] = [];
for (const upstreamLimit of [null, TEAM_CALLS_PER_MINUTE]) {
  for (const redis of withRedis ? [true, false] : [false]) {
    console.log(`replicas: ${redis ? 'with' : 'without'} Redis, upstream ${upstreamLimit ?? 'unlimited'}…`);
    runs.push(await run(redis, upstreamLimit));
  }
}
await simulator.close();

const rows = runs.map((entry) =>
  [
    entry.redis ? 'shared (Redis)' : 'per replica (no Redis)',
    entry.upstreamLimit === null ? 'none' : `${entry.upstreamLimit}/min`,
    entry.maxCallsInAnyMinute,
    entry.teamCalls,
    entry.upstream429,
    `${entry.served} / ${entry.refusedByFacade} / ${entry.otherErrors}`,
  ].join(' | '),
);
const markdown = [
  `# Two replicas, one team (${new Date().toISOString().slice(0, 10)})`,
  '',
  `TEAM_CALLS_PER_MINUTE=${TEAM_CALLS_PER_MINUTE}; one \`thread(id:)\` query every ${settings.BENCH_REPLICAS_INTERVAL_MS} ms ` +
    `over both replicas for ${settings.BENCH_REPLICAS_DURATION_S} s per row; the simulator answers in 20 ms.`,
  '',
  `| Team budget | Upstream limit | Team calls in any minute (most) | Team calls in ${settings.BENCH_REPLICAS_DURATION_S} s | Upstream 429s | Queries served / refused by the facade / other errors |`,
  '| --- | --- | --- | --- | --- | --- |',
  ...rows.map((row) => `| ${row} |`),
  '',
].join('\n');
const resultsDir = join(import.meta.dirname, 'results');
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, 'replicas.json'), `${JSON.stringify({ settings, runs }, null, 2)}\n`);
writeFileSync(join(resultsDir, 'replicas.md'), markdown);
execFileSync(
  'npx',
  ['biome', 'format', '--write', join(resultsDir, 'replicas.json'), join(resultsDir, 'replicas.md')],
  {
    stdio: 'ignore',
  },
);
console.log(markdown);
