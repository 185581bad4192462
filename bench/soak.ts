import { request } from 'node:http';
import { encodeGlobalID } from '../src/graphql/ids.js';
import { type Child, type ProcessStats, startChild } from './ipc.js';
import { percentile } from './percentile.js';
import type { StubCalls, StubReady } from './upstream-stub-process.js';

/**
 * The soak (`npm run soak`, not part of `npm test`): the facade in its own process, in front of the replaying
 * upstream stub (any token accepted), under SOAK_CONNECTIONS concurrent clients for SOAK_MINUTES, in three
 * phases:
 *   1. mixed: the screens of a client, plus what a careless or hostile caller sends (unknown and malformed
 *      ids, `_entities` batches, over-budget and oversized requests, GET requests with fresh operation
 *      names and variables in the URL, /metrics scrapes, /readiness probes), all with one token;
 *   2. new token: the same mix with a new token on every request;
 *   3. subscription churn: `inboxEvents` subscriptions opened and dropped as fast as they go, then a quiet
 *      spell in which no subscriber is left (the upstream calls made then are reported).
 * First it times the refusal of oversized requests. Every SOAK_SAMPLE_S it prints requests, errors, p50/p99
 * and the facade's RSS. At the end of the warm-up and of each phase it reads the facade's live heap and RSS
 * after a full garbage collection: what the process keeps, not garbage a collector under load has yet to
 * reclaim (the peak RSS under load is printed too; it swings by 100 MB and more with the collector's timing).
 * It fails (exit code 1) on any facade 5xx, any answer that is not GraphQL, a live heap at the end more than
 * SOAK_MAX_HEAP_GROWTH_MB above the one after the warm-up (what a leak leaves), an RSS at the end (load over,
 * after a collection) more than SOAK_MAX_RSS_GROWTH_MB above it (memory not given back), or an RSS under load
 * ever more than SOAK_MAX_PEAK_GROWTH_MB above it (a runaway, such as a body read whole).
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 6);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 15);
const MAX_RSS_GROWTH_MB = Number(process.env.SOAK_MAX_RSS_GROWTH_MB ?? 150);
const MAX_HEAP_GROWTH_MB = Number(process.env.SOAK_MAX_HEAP_GROWTH_MB ?? 50);
const MAX_PEAK_GROWTH_MB = Number(process.env.SOAK_MAX_PEAK_GROWTH_MB ?? 400);
const PHASES = [
  { name: 'mixed', share: 0.5 },
  { name: 'new token', share: 0.25 },
  { name: 'subscription churn', share: 0.25 },
] as const;
type PhaseName = (typeof PHASES)[number]['name'];

const MB = 1024 * 1024;
const TOKEN = 'soak-token';

interface Outcome {
  /** Transport failed, or the answer was not what the endpoint answers (not GraphQL on /graphql). */
  unexpected?: string;
  status: number;
  graphqlErrors: number;
}

// ---- Processes ----

const stub = await startChild<StubReady>('bench/upstream-stub-process.ts', { quiet: true });
const facade: Child<{ url: string }> = await startChild('bench/soak-facade-process.ts', {
  args: [stub.ready.url],
  stdout: 'ignore',
  // The stub does not limit calls; the team budget would turn most of the load into refusals.
  env: {
    FACADE_EVENTS_POLL_INTERVAL_MS: '1000',
    FACADE_TEAM_CALLS_PER_MINUTE: '100000000',
    // A full collection before each live-heap reading: what is kept, as opposed to garbage not yet collected.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim(),
  },
});
const base = facade.ready.url;
const rssMB = async () => (await facade.ask<ProcessStats>('stats')).rssBytes / MB;
/** The live heap and the RSS right after a full collection, in MB. */
const settled = async () => {
  const heap = (await facade.ask<number>('liveHeap')) / MB;
  return { heap, rss: await rssMB() };
};

// ---- Requests ----

async function graphql(
  query: string,
  options: { variables?: unknown; token?: string; operationName?: string } = {},
): Promise<Outcome> {
  try {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${options.token ?? TOKEN}`,
      },
      body: JSON.stringify({ query, variables: options.variables }),
    });
    return graphqlOutcome(response);
  } catch (error) {
    return { unexpected: `network: ${String(error)}`, status: 0, graphqlErrors: 0 };
  }
}

async function graphqlOutcome(response: Response): Promise<Outcome> {
  const text = await response.text();
  let body: { data?: unknown; errors?: unknown[] };
  try {
    body = JSON.parse(text);
  } catch {
    return { unexpected: `not JSON (HTTP ${response.status})`, status: response.status, graphqlErrors: 0 };
  }
  const isGraphQL =
    typeof body === 'object' && body !== null && ('data' in body || Array.isArray(body.errors));
  if (response.status >= 500)
    return { unexpected: `HTTP ${response.status}`, status: response.status, graphqlErrors: 0 };
  if (!isGraphQL)
    return {
      unexpected: `not a GraphQL answer (HTTP ${response.status})`,
      status: response.status,
      graphqlErrors: 0,
    };
  return { status: response.status, graphqlErrors: body.errors?.length ?? 0 };
}

async function plain(path: string, expectOk: (status: number) => boolean): Promise<Outcome> {
  try {
    const response = await fetch(`${base}${path}`);
    await response.arrayBuffer();
    return expectOk(response.status)
      ? { status: response.status, graphqlErrors: 0 }
      : { unexpected: `${path}: HTTP ${response.status}`, status: response.status, graphqlErrors: 0 };
  } catch (error) {
    return { unexpected: `network: ${String(error)}`, status: 0, graphqlErrors: 0 };
  }
}

/** POSTs up to `totalBytes` as a chunked body; resolves with the status, the ms to it and the MB sent by then. */
function chunkedPost(
  path: string,
  totalBytes: number,
): Promise<{ status?: number; ms: number; sentMB: number }> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    let sent = 0;
    let status: number | undefined;
    const finish = () => resolve({ status, ms: performance.now() - started, sentMB: sent / MB });
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (response) => {
        status = response.statusCode;
        response.resume();
        response.on('end', finish);
      },
    );
    req.on('error', finish);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    req.write('{"query":"{ team { name } }","variables":{"padding":"');
    const pump = () => {
      while (status === undefined && sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (status === undefined) req.end('"}}');
    };
    pump();
  });
}

// ---- The mix ----

interface Ids {
  threads: string[];
  prospects: string[];
}

async function discoverIds(): Promise<Ids> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query: '{ threads(first: 50) { edges { node { id prospect { id } } } } }' }),
  });
  const body = (await response.json()) as {
    data: { threads: { edges: Array<{ node: { id: string; prospect: { id: string } } }> } };
  };
  const nodes = body.data.threads.edges.map((edge) => edge.node);
  return { threads: nodes.map((node) => node.id), prospects: nodes.map((node) => node.prospect.id) };
}

/** Oversized uploads whose connection was closed before the client read the 413. */
let cutOff = 0;
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const randomName = () => `Op${Math.random().toString(36).slice(2, 10)}`;

function mix(ids: Ids): Array<[weight: number, run: (token: string) => Promise<Outcome>]> {
  return [
    [
      6,
      (token) =>
        graphql(
          `query InboxPage { team { name } threads(first: 20) { edges { node { id lastMessage { content sentBy { name } }
           accountLink { username } assignee { name } prospect { displayName tags { name } status { name } } } } } }`,
          { token },
        ),
    ],
    [
      4,
      (token) =>
        graphql(
          `query Conversation($id: ID!) { thread(id: $id) { id prospect { displayName }
           messages(first: 20) { edges { node { content direction sentBy { name }
           author { __typename ... on Prospect { handle } ... on AccountLink { username } } } } } } }`,
          { token, variables: { id: pick(ids.threads) } },
        ),
    ],
    [
      2,
      (token) =>
        graphql(
          'query Prospect($id: ID!) { prospect(id: $id) { displayName tags { name } threads { id } } }',
          { token, variables: { id: pick(ids.prospects) } },
        ),
    ],
    [
      2,
      (token) =>
        graphql('{ members { name } accountLinks { username } tags { name } statuses { name } }', { token }),
    ],
    [
      2,
      (token) =>
        graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
          token,
          variables: {
            ids: [pick(ids.threads), encodeGlobalID('Thread', '..'), 'x'.repeat(300), pick(ids.prospects)],
          },
        }),
    ],
    [
      1,
      (token) =>
        graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Thread { id } } }', {
          token,
          variables: { r: ids.threads.slice(0, 30).map((id) => ({ __typename: 'Thread', id })) },
        }),
    ],
    [
      1,
      (token) =>
        graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Thread { id } } }', {
          token,
          variables: {
            r: Array.from({ length: 300 }, (_, index) => ({ __typename: 'Thread', inboxId: `t${index}` })),
          },
        }),
    ],
    [
      1,
      (token) =>
        graphql('{ threads(first: 100) { edges { node { messages(first: 50) { edges { cursor } } } } } }', {
          token,
        }),
    ],
    [1, (token) => graphql(`{ thread(id: "${'z'.repeat(24)}") { id } }`, { token })],
    [
      1,
      (token) =>
        graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
          token,
          variables: { ids: Array.from({ length: 2001 }, () => pick(ids.threads)) },
        }),
    ],
    [
      2,
      async (token) => {
        const name = randomName();
        const query = `query ${name}($v: String!) { team { name } __type(name: $v) { name } }`;
        const url = `${base}/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(
          JSON.stringify({ v: randomName() }),
        )}&extra=${randomName()}`;
        try {
          return graphqlOutcome(
            await fetch(url, {
              headers: {
                authorization: `Bearer ${token}`,
                accept: 'application/json',
                'x-graphql-yoga-csrf': '1',
              },
            }),
          );
        } catch (error) {
          return { unexpected: `network: ${String(error)}`, status: 0, graphqlErrors: 0 };
        }
      },
    ],
    [1, () => plain('/metrics', (status) => status === 200)],
    [1, () => plain('/readiness', (status) => status === 200)],
    [
      0.2,
      async () => {
        // Answered 413, or cut off: the facade stops reading and closes the connection, and a client still
        // writing may see the reset before it reads the 413. Either way the body was not read.
        const { status } = await chunkedPost('/graphql', 4 * MB);
        if (status === undefined) cutOff++;
        return status === 413 || status === undefined
          ? { status: 413, graphqlErrors: 1 }
          : { unexpected: `oversized body: HTTP ${status}`, status, graphqlErrors: 0 };
      },
    ],
  ];
}

function chooser(entries: ReturnType<typeof mix>) {
  const total = entries.reduce((sum, [weight]) => sum + weight, 0);
  return () => {
    let roll = Math.random() * total;
    for (const [weight, run] of entries) {
      roll -= weight;
      if (roll <= 0) return run;
    }
    return (entries.at(-1) as (typeof entries)[number])[1];
  };
}

/** One `inboxEvents` subscription over SSE: opened, held until its first bytes (or 200 ms), dropped. */
async function subscriptionCycle(): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 200);
  try {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${TOKEN}`,
      },
      body: JSON.stringify({ query: 'subscription { inboxEvents { seq type } }' }),
      signal: controller.signal,
    });
    if (response.status >= 500)
      return {
        unexpected: `subscription: HTTP ${response.status}`,
        status: response.status,
        graphqlErrors: 0,
      };
    const reader = response.body?.getReader();
    await reader?.read().catch(() => undefined);
    controller.abort();
    return { status: response.status, graphqlErrors: 0 };
  } catch (error) {
    if (controller.signal.aborted) return { status: 200, graphqlErrors: 0 };
    return { unexpected: `subscription: ${String(error)}`, status: 0, graphqlErrors: 0 };
  } finally {
    clearTimeout(timer);
  }
}

// ---- Running ----

interface Sample {
  latencies: number[];
  requests: number;
  errors: number;
  unexpected: number;
}
const fresh = (): Sample => ({ latencies: [], requests: 0, errors: 0, unexpected: 0 });
let sample = fresh();
const unexpectedSeen = new Map<string, number>();
const totals = { requests: 0, errors: 0, unexpected: 0 };

async function worker(until: number, next: () => Promise<Outcome>) {
  while (Date.now() < until) {
    const started = performance.now();
    const outcome = await next();
    sample.latencies.push(performance.now() - started);
    sample.requests++;
    totals.requests++;
    if (outcome.graphqlErrors > 0 || outcome.status >= 400) {
      sample.errors++;
      totals.errors++;
    }
    if (outcome.unexpected) {
      sample.unexpected++;
      totals.unexpected++;
      unexpectedSeen.set(outcome.unexpected, (unexpectedSeen.get(outcome.unexpected) ?? 0) + 1);
    }
  }
}

const rows: string[] = [];
const row = (cells: Array<string | number>) => {
  const line = `| ${cells.join(' | ')} |`;
  rows.push(line);
  console.log(line);
};

async function runPhase(name: PhaseName, durationMs: number, next: () => Promise<Outcome>, started: number) {
  const until = Date.now() + durationMs;
  const sampler = setInterval(async () => {
    const taken = sample;
    sample = fresh();
    const sorted = taken.latencies.sort((a, b) => a - b);
    row([
      Math.round((Date.now() - started) / 1000),
      name,
      taken.requests,
      Math.round(taken.requests / SAMPLE_S),
      taken.errors,
      taken.unexpected,
      percentile(sorted, 50).toFixed(1),
      percentile(sorted, 99).toFixed(1),
      (await rssMB()).toFixed(0),
    ]);
  }, SAMPLE_S * 1000);
  await Promise.all(Array.from({ length: CONNECTIONS }, () => worker(until, next)));
  clearInterval(sampler);
}

console.log(
  `Soak: ${MINUTES} min, ${CONNECTIONS} connections, facade ${base}, upstream stub ${stub.ready.url}\n`,
);

// Oversized requests, timed before the load (the machine is quiet).
const health = async () => {
  const started = performance.now();
  await fetch(`${base}/health`);
  return performance.now() - started;
};
const rssBefore = await rssMB();
const [big, healthDuring] = await Promise.all([chunkedPost('/graphql', 300 * MB), health()]);
const ids = await discoverIds();
const idsBody = JSON.stringify({
  query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
  variables: { ids: Array.from({ length: 400_000 }, (_, index) => encodeGlobalID('Tag', `tag${index}`)) },
});
const idsStarted = performance.now();
const idsAnswer = await fetch(`${base}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  body: idsBody,
});
await idsAnswer.arrayBuffer();
const idsMs = performance.now() - idsStarted;
console.log('Oversized requests (default MAX_BODY_BYTES):');
console.log(
  `- 300 MB chunked body to /graphql: HTTP ${big.status} after ${big.ms.toFixed(0)} ms, ` +
    `${big.sentMB.toFixed(1)} MB sent by then; /health meanwhile answered in ${healthDuring.toFixed(1)} ms; ` +
    `facade RSS ${rssBefore.toFixed(0)} → ${(await rssMB()).toFixed(0)} MB`,
);
console.log(
  `- 400 000 ids in nodes(ids:) (${(idsBody.length / MB).toFixed(1)} MB, with Content-Length): ` +
    `HTTP ${idsAnswer.status} after ${idsMs.toFixed(0)} ms\n`,
);

// Warm-up: the caches and the JIT settle before the RSS baseline is taken.
const entries = mix(ids);
const next = chooser(entries);
await Promise.all(
  Array.from({ length: CONNECTIONS }, () => worker(Date.now() + 15_000, () => next()(TOKEN))),
);
sample = fresh();
Object.assign(totals, { requests: 0, errors: 0, unexpected: 0 });
const baseline = await settled();
console.log(
  `After a 15 s warm-up and a full collection: RSS ${baseline.rss.toFixed(0)} MB (bounds: +${MAX_RSS_GROWTH_MB} MB ` +
    `at the end, +${MAX_PEAK_GROWTH_MB} MB under load), live heap ${baseline.heap.toFixed(0)} MB (bound at the end: ` +
    `+${MAX_HEAP_GROWTH_MB} MB)\n`,
);

row([
  's',
  'phase',
  'requests',
  'req/s',
  'errors (4xx or GraphQL errors)',
  'unexpected',
  'p50 ms',
  'p99 ms',
  'RSS MB',
]);
row(['---', '---', '---', '---', '---', '---', '---', '---', '---']);
const started = Date.now();
const phaseMs = (share: number) => MINUTES * 60_000 * share;
let peak = baseline.rss;
const watch = setInterval(async () => {
  peak = Math.max(peak, await rssMB());
}, 1000);

await runPhase('mixed', phaseMs(PHASES[0].share), () => next()(TOKEN), started);
const afterMixed = await settled();
await runPhase('new token', phaseMs(PHASES[1].share), () => next()(`soak-${crypto.randomUUID()}`), started);
const afterNewTokens = await settled();
let cycles = 0;
await runPhase(
  'subscription churn',
  phaseMs(PHASES[2].share),
  () => {
    cycles++;
    return subscriptionCycle();
  },
  started,
);
const afterChurn = await settled();
await stub.ask<StubCalls>('takeCalls');
await new Promise((resolve) => setTimeout(resolve, 5_000));
const quiet = await stub.ask<StubCalls>('takeCalls');
clearInterval(watch);
const end = await settled();
const ends = {
  'after warm-up': baseline,
  'after mixed': afterMixed,
  'after new tokens': afterNewTokens,
  'after churn': afterChurn,
  'at the end': end,
};

console.log('');
console.log(
  `Requests: ${totals.requests} (${cycles} subscription cycles), with errors: ${totals.errors}, unexpected: ${totals.unexpected}`,
);
for (const [what, count] of unexpectedSeen) console.log(`  unexpected: ${what} ×${count}`);
const listed = (pick: (reading: { heap: number; rss: number }) => number) =>
  Object.entries(ends)
    .map(([when, reading]) => `${when} ${pick(reading).toFixed(0)}`)
    .join(', ');
console.log(
  `RSS MB after a full collection: ${listed((reading) => reading.rss)}; peak under load ${peak.toFixed(0)}`,
);
console.log(`Live heap MB after a full collection: ${listed((reading) => reading.heap)}`);
console.log(`Oversized uploads in the mix cut off before the client read the 413: ${cutOff}`);
console.log(`Upstream calls in the 5 s after the churn, with no client connected: ${quiet.total}`);

await facade.stop();
await stub.stop();

const failures = [
  totals.unexpected > 0 && `${totals.unexpected} facade 5xx or non-GraphQL answers`,
  end.rss - baseline.rss > MAX_RSS_GROWTH_MB &&
    `RSS at the end, after a collection, grew ${(end.rss - baseline.rss).toFixed(0)} MB (bound ${MAX_RSS_GROWTH_MB})`,
  peak - baseline.rss > MAX_PEAK_GROWTH_MB &&
    `RSS under load grew ${(peak - baseline.rss).toFixed(0)} MB (bound ${MAX_PEAK_GROWTH_MB})`,
  end.heap - baseline.heap > MAX_HEAP_GROWTH_MB &&
    `the live heap grew ${(end.heap - baseline.heap).toFixed(0)} MB (bound ${MAX_HEAP_GROWTH_MB})`,
].filter(Boolean);
if (failures.length > 0) {
  console.log(`\nFAILED: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\nPassed.');
