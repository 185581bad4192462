import { DEMO_TOKEN } from '../simulator/src/index.js';
import { sseSubscribe } from '../test/support/live.js';
import { type Cluster, type Replica, startCluster } from '../test/support/replicas.js';

/**
 * Live events on several replicas (`npx tsx bench/replica-events.ts`, needs REDIS_URL; not part of
 * `npm test`): upstream `GET /events` calls per poll interval for one team, with N subscribers on N
 * replicas sharing Redis and with each replica alone; and how long a replica takes to stop on SIGTERM
 * with subscriptions open, with and without an operation in flight.
 */

const INTERVAL_MS = 1_000;
const MEASURED_INTERVALS = 10;
const EVENTS = 'subscription { inboxEvents { seq type } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const served = (replica: Replica) => ({ server: { url: replica.url } });
const teamId = (cluster: Cluster) => cluster.simulator.store.teamByToken(DEMO_TOKEN)?.team.id;
const reads = (cluster: Cluster) =>
  cluster.simulator.calls.filter((call) => call.path === '/events' && call.teamId === teamId(cluster)).length;

async function callsPerInterval(replicas: number, subscribers: number, shared: boolean): Promise<number> {
  const names = Array.from({ length: replicas }, (_, index) => `r${index + 1}`);
  // Without sharing: the same replicas with REDIS_URL empty (unset), each working alone.
  const cluster = await startCluster(names, {
    EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS),
  });
  try {
    if (!shared) {
      await Promise.all(cluster.replicas.map((replica) => replica.stop('SIGKILL')));
      cluster.replicas.length = 0;
      for (const name of names) await cluster.start(name, { REDIS_URL: '' });
    }
    const opened = Array.from({ length: subscribers }, (_, index) =>
      sseSubscribe(served(cluster.replicas[index % replicas] as Replica), EVENTS),
    );
    await sleep(3 * INTERVAL_MS);
    const before = reads(cluster);
    await sleep(MEASURED_INTERVALS * INTERVAL_MS);
    const perInterval = (reads(cluster) - before) / MEASURED_INTERVALS;
    for (const subscription of opened) subscription.leave();
    await Promise.allSettled(opened.map((subscription) => subscription.done));
    return perInterval;
  } finally {
    await cluster.close();
  }
}

async function shutdownMs(subscriptions: number, inFlightMs: number): Promise<number> {
  const cluster = await startCluster(['a', 'b'], {
    EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS),
  });
  try {
    const [a] = cluster.replicas as [Replica];
    const opened = Array.from({ length: subscriptions }, () => sseSubscribe(served(a), EVENTS));
    await sleep(2 * INTERVAL_MS);
    let query: Promise<unknown> = Promise.resolve();
    if (inFlightMs > 0) {
      cluster.simulator.setLatency(inFlightMs);
      query = a.graphql('{ threads(first: 3) { edges { node { id } } } }');
      await sleep(100);
    }
    const started = Date.now();
    await a.stop('SIGTERM');
    const elapsed = Date.now() - started;
    await query;
    await Promise.allSettled(opened.map((subscription) => subscription.done));
    return elapsed;
  } finally {
    cluster.simulator.setLatency(0);
    await cluster.close();
  }
}

console.log(
  `GET /events per ${INTERVAL_MS} ms interval for one team (mean over ${MEASURED_INTERVALS} intervals):`,
);
console.log('| Replicas | Subscribers | Sharing Redis | Each replica alone |');
console.log('| ---: | ---: | ---: | ---: |');
for (const [replicas, subscribers] of [
  [1, 1],
  [2, 2],
  [3, 3],
  [3, 20],
] as const) {
  const shared = await callsPerInterval(replicas, subscribers, true);
  const alone = await callsPerInterval(replicas, subscribers, false);
  console.log(`| ${replicas} | ${subscribers} | ${shared.toFixed(1)} | ${alone.toFixed(1)} |`);
}

console.log('\nSIGTERM to exit, one replica of two (median of 3):');
console.log('| Open SSE subscriptions | Operation in flight | Exit after (ms) |');
console.log('| ---: | ---: | ---: |');
for (const [subscriptions, inFlightMs] of [
  [1, 0],
  [50, 0],
  [50, 1_500],
] as const) {
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) runs.push(await shutdownMs(subscriptions, inFlightMs));
  runs.sort((x, y) => x - y);
  console.log(`| ${subscriptions} | ${inFlightMs ? `${inFlightMs} ms upstream` : 'none'} | ${runs[1]} |`);
}
process.exit(0);
