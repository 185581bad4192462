import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DEMO_TOKEN, startSimulator } from '../simulator/src/index.js';
import { loadConfig } from '../src/config.js';
import { listen, type RunningServer } from '../src/server.js';
import { createFacade, type Facade } from '../src/yoga.js';
import { inboxPage } from './scenarios.js';

/**
 * What read-your-writes across replicas costs a warm request (`npx tsx bench/read-your-writes.ts`, about a
 * minute; needs the `redis-server` binary). Facades in this process, with a Redis of this run's own, serve
 * the inbox page over HTTP, warm, in turns (so that the machine's load weighs on each alike), REQUESTS
 * (1 000) times each: the upstream calls and the barrier's PINGs per request (Redis's `INFO commandstats`),
 * and the median latency, with the barrier (`CollectionCache.changesHeard`: one PING on the subscriber
 * connection per request), with the barrier turned off, and without Redis; with the answer cache (60 s) and
 * without it (then the page reads its threads upstream, once per request).
 */
const REQUESTS = Number(process.env.REQUESTS ?? 1_000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await freePort();
const redisServer: ChildProcess = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const redisUrl = `redis://127.0.0.1:${port}`;
const admin = new Redis(redisUrl, { retryStrategy: (attempt) => (attempt > 50 ? null : 100) });
admin.on('error', () => undefined); // refused until redis-server listens: retried
await admin.ping();
const simulator = await startSimulator({ rateLimitPerMinute: 1e9 });
const query = inboxPage(20).ours[0]?.(undefined).query as string;
const secret = randomBytes(32).toString('base64url');

async function pings(): Promise<number> {
  const stats = await admin.info('commandstats');
  return Number(/^cmdstat_ping:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
}

interface Contender {
  title: string;
  facade: Facade;
  server: RunningServer;
  latencies: number[];
  calls: number;
  pings: number;
}

async function contender(title: string, environment: Record<string, string>, barrier = true) {
  const config = loadConfig({
    LOG_LEVEL: 'error',
    TEAM_CALLS_PER_MINUTE: '100000000',
    ...environment,
    INBOX_API_URL: simulator.url,
  });
  const facade = createFacade({ config, logger: pino({ level: 'error' }) });
  if (!barrier) facade.collectionCache.changesHeard = () => undefined;
  const server = await listen(facade, 0, '127.0.0.1');
  const made: Contender = { title, facade, server, latencies: [], calls: 0, pings: 0 };
  return made;
}

async function page(server: RunningServer): Promise<void> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

async function compare(answerCacheMs: string) {
  const withRedis = { REDIS_URL: redisUrl, FACADE_SECRET: secret, RESPONSE_CACHE_TTL_MS: answerCacheMs };
  const contenders = [
    await contender('Redis, barrier', withRedis),
    await contender('Redis, no barrier', withRedis, false),
    await contender('No Redis', { RESPONSE_CACHE_TTL_MS: answerCacheMs }),
  ];
  for (let deadline = Date.now() + 10_000; contenders.some((c) => c.facade.redis?.healthy() === false); ) {
    if (Date.now() > deadline) throw new Error('no Redis');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 500)); // the cache channel subscribed
  for (const { server } of contenders) for (let warm = 0; warm < 20; warm++) await page(server);
  for (let index = 0; index < REQUESTS; index++) {
    for (const current of contenders) {
      const calls = simulator.calls.length;
      const pingsBefore = await pings();
      const started = performance.now();
      await page(current.server);
      current.latencies.push(performance.now() - started);
      current.calls += simulator.calls.length - calls;
      current.pings += (await pings()) - pingsBefore;
    }
  }
  for (const { title, latencies, calls, pings: pinged, server, facade } of contenders) {
    latencies.sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)] ?? 0;
    const cache = answerCacheMs === '0' ? 'answer cache off' : 'answer cache';
    console.log(
      `| ${title}, ${cache} | ${(calls / REQUESTS).toFixed(2)} | ${(pinged / REQUESTS).toFixed(2)} | ${median.toFixed(2)} |`,
    );
    await server.close();
    facade.close();
  }
}

console.log(`Inbox page (20 threads), warm, ${REQUESTS} requests per set-up over HTTP, in turns.\n`);
console.log('| Set-up | Upstream calls / request | Barrier PINGs / request | Median latency (ms) |');
console.log('| --- | --- | --- | --- |');
await compare('60000');
await compare('0');

admin.disconnect();
await simulator.close();
redisServer.kill('SIGKILL');
