import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { encodeGlobalID } from '../src/graphql/ids.js';
import { type Child, type ProcessStats, startChild } from './ipc.js';
import { percentile } from './percentile.js';
import type { StubCalls, StubReady } from './upstream-stub-process.js';

/**
 * The soak (`npm run soak`, not part of `npm test`): the facade in its own process, in front of the replaying
 * upstream stub (any token accepted but a forged one), under SOAK_CONNECTIONS concurrent clients for
 * SOAK_MINUTES, in four phases:
 *   1. mixed: the screens of a client, plus what a careless or hostile caller sends (unknown and malformed
 *      ids, `_entities` batches, over-budget and oversized requests, GET requests with fresh operation
 *      names and variables in the URL, /metrics scrapes, /readiness probes), all with one token;
 *   2. new token: the same mix with a new token on every request;
 *   3. attack: the team's pages served from its caches, with an `inboxEvents` subscriber attached, while
 *      SOAK_ATTACKERS connections send what once hurt the facade: signed webhooks whose `data` nests 8 000
 *      levels, 30 000 ids over graphql-ws without a token, 1 200 repeated fields without a token, two writes
 *      with a forged token, and forged tokens (new or recently refused). It fails if the legitimate
 *      clients' p99 passes SOAK_MAX_ATTACK_P99_MS, if the legitimate team makes more than
 *      SOAK_TEAM_CALLS_PER_MINUTE upstream calls a minute, if the upstream answers more 401s than there were
 *      forged tokens, if an attack is not refused, or if the subscriber is cut off;
 *   4. subscription churn: `inboxEvents` subscriptions opened and dropped as fast as they go, then a quiet
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
const MINUTES = Number(process.env.SOAK_MINUTES ?? 7.5);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
/** Connections sending attacks during the attack phase, beside the SOAK_CONNECTIONS legitimate clients. */
const ATTACKERS = Number(process.env.SOAK_ATTACKERS ?? 4);
const MAX_ATTACK_P99_MS = Number(process.env.SOAK_MAX_ATTACK_P99_MS ?? 250);
/**
 * The legitimate team's upstream calls a minute allowed during the attack phase: TEAM_CALLS_PER_MINUTE's
 * shipped default. The facade itself runs with a budget it cannot reach (see `facade` below).
 */
const TEAM_CALLS_PER_MINUTE = Number(process.env.SOAK_TEAM_CALLS_PER_MINUTE ?? 300);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 15);
const MAX_RSS_GROWTH_MB = Number(process.env.SOAK_MAX_RSS_GROWTH_MB ?? 150);
const MAX_HEAP_GROWTH_MB = Number(process.env.SOAK_MAX_HEAP_GROWTH_MB ?? 50);
const MAX_PEAK_GROWTH_MB = Number(process.env.SOAK_MAX_PEAK_GROWTH_MB ?? 400);
const PHASES = [
  { name: 'mixed', share: 0.4 },
  { name: 'new token', share: 0.2 },
  { name: 'attack', share: 0.2 },
  { name: 'subscription churn', share: 0.2 },
] as const;
type PhaseName = (typeof PHASES)[number]['name'];

const MB = 1024 * 1024;
const TOKEN = 'soak-token';

interface Outcome {
  /** Transport failed, or the answer was not what the endpoint answers (not GraphQL on /graphql). */
  unexpected?: string;
  status: number;
  graphqlErrors: number;
  /** The first error's `extensions.code` (and `limit`), or how a WebSocket attempt ended. */
  code?: string;
}

// ---- Processes ----

const stub = await startChild<StubReady>('bench/upstream-stub-process.ts', { quiet: true });
// Every token the stub accepts is the simulated demo team's: the webhooks of the attack phase are signed for it.
const teamId = (
  (await (await fetch(`${stub.ready.url}/team`, { headers: bearer(TOKEN) })).json()) as { id: string }
).id;
const webhookSecret = `ibt_wh_soak_${randomBytes(16).toString('hex')}`;
const facade: Child<{ url: string }> = await startChild('bench/soak-facade-process.ts', {
  args: [stub.ready.url],
  stdout: 'ignore',
  // The stub does not limit calls; the team budget would turn most of the load into refusals.
  env: {
    FACADE_EVENTS_POLL_INTERVAL_MS: '1000',
    FACADE_TEAM_CALLS_PER_MINUTE: '100000000',
    FACADE_INBOX_WEBHOOK_SECRETS: `${teamId}:${webhookSecret}`,
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

function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** `token: null` sends no Authorization header. */
async function graphql(
  query: string,
  options: { variables?: unknown; token?: string | null; operationName?: string } = {},
): Promise<Outcome> {
  try {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(options.token === null ? {} : bearer(options.token ?? TOKEN)),
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
  let body: { data?: unknown; errors?: Array<{ extensions?: { code?: string; limit?: string } }> };
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
  const extensions = body.errors?.[0]?.extensions;
  const code = extensions?.limit === undefined ? extensions?.code : `${extensions.code} ${extensions.limit}`;
  return { status: response.status, graphqlErrors: body.errors?.length ?? 0, code };
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
        // With the token: without one, the per-address limit (429) would refuse most before the body limit.
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...bearer(TOKEN) },
      },
      (response) => {
        status = response.statusCode;
        response.resume();
        response.on('end', () => {
          // Answered before the upload ended: drop it, as a client does, rather than hold the socket open
          // until REQUEST_TIMEOUT_MS (held sockets would count toward MAX_CONNECTIONS_PER_ADDRESS).
          req.destroy();
          finish();
        });
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

type Entries = Array<[weight: number, run: (token: string) => Promise<Outcome>]>;

const LISTS_PAGE = '{ members { name } accountLinks { username } tags { name } statuses { name } }';

function mix(ids: Ids): Entries {
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
    [2, (token) => graphql(LISTS_PAGE, { token })],
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

function chooser(entries: Entries) {
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

// ---- The attack phase ----

/** The page the legitimate team keeps open during the attacks. */
const WARM_PAGE = '{ team { id } tags { name } statuses { name } members { id } }';
const TWO_WRITES =
  'mutation { a: createTag(input: { name: "x" }) { tag { id } } b: createStatus(input: { name: "y" }) { status { id } } }';
/** 30 000 ids in `nodes(ids:)`: a 229 KB subscribe message, within MAX_BODY_BYTES. */
const MANY_IDS_MESSAGE = JSON.stringify({
  id: '1',
  type: 'subscribe',
  payload: {
    query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
    variables: { ids: Array.from({ length: 30_000 }, (_, index) => String(index)) },
  },
});
/**
 * 1 200 fields sharing two response names (`team { id } team { name }`, 600 times): 4 802 tokens, within
 * MAX_TOKENS, so that MAX_FIELDS_PER_SELECTION is what refuses it. A comment makes each document new, so that
 * no cache of parsed or validated documents helps.
 */
let repeatedDocuments = 0;
const repeatedFields = () => `# ${repeatedDocuments++}\n{ ${'team { id } team { name } '.repeat(600)} }`;
/** `data` nested 8 000 levels deep: 16 KB (built as text: no serialiser could). */
const DEEP_DATA = `${'['.repeat(8_000)}1${']'.repeat(8_000)}`;
let webhookSeq = 0;

/** Forged tokens the stub refuses: half of the requests carry a new one, half one refused a moment ago. */
const forgedSent = new Set<string>();
const recentForged: string[] = [];
function forgedToken(): string {
  if (recentForged.length > 0 && Math.random() < 0.5) return pick(recentForged);
  const token = `${stub.ready.refusedTokenPrefix}${randomBytes(16).toString('hex')}`;
  forgedSent.add(token);
  recentForged.push(token);
  if (recentForged.length > 32) recentForged.shift();
  return token;
}

/** A webhook signed with the team's secret (HMAC-SHA256 of `<t>.<body>`, as the Inbox signs) and `data` too deep. */
async function deepWebhook(): Promise<Outcome> {
  const seq = ++webhookSeq;
  const envelope = {
    id: `evt_soak_${seq}`,
    seq,
    teamId,
    type: 'thread.typing',
    timestamp: new Date().toISOString(),
    version: '1.0',
  };
  const body = `${JSON.stringify(envelope).slice(0, -1)},"data":${DEEP_DATA}}`;
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex');
  try {
    const response = await fetch(`${base}/webhooks/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-inbox-signature': `t=${t},v1=${v1}` },
      body,
    });
    await response.arrayBuffer();
    return response.status === 413
      ? { status: 413, graphqlErrors: 0 }
      : { unexpected: `deep webhook: HTTP ${response.status}`, status: response.status, graphqlErrors: 0 };
  } catch (error) {
    return { unexpected: `deep webhook: ${String(error)}`, status: 0, graphqlErrors: 0 };
  }
}

/**
 * 30 000 ids over graphql-ws without a token. Written with `ws` frame by frame, not with a graphql-ws client:
 * an attacker does not wait for what a client library would. Refused UNAUTHENTICATED (and the socket closed),
 * or, once the address has spent UNAUTHENTICATED_REQUESTS_PER_MINUTE, closed 4429 or refused 429 at the upgrade.
 */
function manyIdsOverWebSocket(): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    let finished = false;
    const finish = (outcome: Outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ unexpected: 'WebSocket: no answer in 10 s', status: 0, graphqlErrors: 0 }),
      10_000,
    );
    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      finish(
        status >= 500
          ? { unexpected: `WebSocket upgrade: HTTP ${status}`, status, graphqlErrors: 0 }
          : { status, graphqlErrors: 1, code: 'upgrade refused' },
      );
    });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        type: string;
        payload?: Array<{ extensions?: { code?: string } }>;
      };
      if (message.type === 'connection_ack') socket.send(MANY_IDS_MESSAGE);
      else if (message.type === 'error')
        finish({ status: 101, graphqlErrors: 1, code: message.payload?.[0]?.extensions?.code });
      else
        finish({ unexpected: `WebSocket: ${message.type} without a token`, status: 101, graphqlErrors: 0 });
    });
    socket.on('close', (code) =>
      finish(
        code === 1011
          ? { unexpected: 'WebSocket closed 1011 (internal error)', status: 101, graphqlErrors: 0 }
          : { status: 101, graphqlErrors: 1, code: `closed ${code}` },
      ),
    );
    // A reset while the attacker still writes is a refusal too.
    socket.on('error', (error) =>
      finish({ status: 0, graphqlErrors: 1, code: `socket error ${(error as { code?: string }).code}` }),
    );
  });
}

interface Attack {
  name: string;
  weight: number;
  run: () => Promise<Outcome>;
}

const ATTACKS: Attack[] = [
  { name: 'signed webhook, data 8 000 levels deep', weight: 1, run: deepWebhook },
  { name: 'graphql-ws, 30 000 ids, no token', weight: 1, run: manyIdsOverWebSocket },
  {
    name: 'HTTP, 1 200 repeated fields, no token',
    weight: 1,
    run: () => graphql(repeatedFields(), { token: null }),
  },
  { name: 'two writes, forged token', weight: 2, run: () => graphql(TWO_WRITES, { token: forgedToken() }) },
  { name: 'warm page, forged token', weight: 3, run: () => graphql(WARM_PAGE, { token: forgedToken() }) },
];

function pickAttack(): Attack {
  const total = ATTACKS.reduce((sum, attack) => sum + attack.weight, 0);
  let roll = Math.random() * total;
  for (const attack of ATTACKS) {
    roll -= attack.weight;
    if (roll <= 0) return attack;
  }
  return ATTACKS.at(-1) as Attack;
}

/** Answers of each attack, by status and code: `"<status> <code>"` → count. */
const attackAnswers = new Map<string, Map<string, number>>(ATTACKS.map((attack) => [attack.name, new Map()]));

async function attacker(until: number) {
  while (Date.now() < until) {
    const attack = pickAttack();
    let outcome = await attack.run();
    // Answered without an error: the attack got through.
    if (!outcome.unexpected && outcome.status < 400 && outcome.graphqlErrors === 0)
      outcome = { ...outcome, unexpected: `${attack.name}: not refused (HTTP ${outcome.status})` };
    const answers = attackAnswers.get(attack.name) as Map<string, number>;
    const key = [outcome.status, outcome.code].filter((part) => part !== undefined).join(' ');
    answers.set(key, (answers.get(key) ?? 0) + 1);
    tally(phaseTally('attacks'), outcome, 0);
  }
}

/** An `inboxEvents` subscriber over SSE, held open until `stop`, which says whether it still was. */
async function holdSubscription(): Promise<{ stop(): boolean }> {
  const controller = new AbortController();
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(TOKEN) },
    body: JSON.stringify({ query: 'subscription { inboxEvents { seq type } }' }),
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`the attack phase's subscriber: HTTP ${response.status}`);
  const reader = response.body.getReader();
  let open = true;
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {}
    open = false;
  })();
  return {
    stop: () => {
      const wasOpen = open;
      controller.abort();
      return wasOpen;
    },
  };
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

/** A phase's answers (or the attacks'): by HTTP status, the facade's 5xx, and the latencies of its clients. */
interface PhaseTally {
  requests: number;
  statuses: Map<number, number>;
  serverErrors: number;
  latencies: number[];
}
const phaseTallies = new Map<string, PhaseTally>();
function phaseTally(name: string): PhaseTally {
  let phase = phaseTallies.get(name);
  if (!phase) {
    phase = { requests: 0, statuses: new Map(), serverErrors: 0, latencies: [] };
    phaseTallies.set(name, phase);
  }
  return phase;
}

/** Counts an answer in its phase and in the totals; `ms` is left out for attacks (their latency is not ours). */
function tally(phase: PhaseTally, outcome: Outcome, ms?: number) {
  phase.requests++;
  phase.statuses.set(outcome.status, (phase.statuses.get(outcome.status) ?? 0) + 1);
  if (outcome.status >= 500) phase.serverErrors++;
  if (ms !== undefined) phase.latencies.push(ms);
  totals.requests++;
  if (outcome.graphqlErrors > 0 || outcome.status >= 400) totals.errors++;
  if (outcome.unexpected) {
    totals.unexpected++;
    unexpectedSeen.set(outcome.unexpected, (unexpectedSeen.get(outcome.unexpected) ?? 0) + 1);
  }
}

async function worker(until: number, next: () => Promise<Outcome>, phase: string) {
  const phaseCounts = phaseTally(phase);
  while (Date.now() < until) {
    const started = performance.now();
    const outcome = await next();
    const ms = performance.now() - started;
    sample.latencies.push(ms);
    sample.requests++;
    if (outcome.graphqlErrors > 0 || outcome.status >= 400) sample.errors++;
    if (outcome.unexpected) sample.unexpected++;
    tally(phaseCounts, outcome, ms);
  }
}

const rows: string[] = [];
const row = (cells: Array<string | number>) => {
  const line = `| ${cells.join(' | ')} |`;
  rows.push(line);
  console.log(line);
};

/** Runs SOAK_CONNECTIONS clients sending `next()`, and `alongside` (the attackers), for `durationMs`. */
async function runPhase(
  name: PhaseName,
  durationMs: number,
  next: () => Promise<Outcome>,
  started: number,
  alongside?: (until: number) => Promise<unknown>,
) {
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
  await Promise.all([
    ...Array.from({ length: CONNECTIONS }, () => worker(until, next, name)),
    alongside?.(until),
  ]);
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
  Array.from({ length: CONNECTIONS }, () => worker(Date.now() + 15_000, () => next()(TOKEN), 'warm-up')),
);
sample = fresh();
Object.assign(totals, { requests: 0, errors: 0, unexpected: 0 });
phaseTallies.delete('warm-up');
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

// The attack phase: its upstream calls counted apart (the stub's 401s are the forged tokens' calls).
// The legitimate load: the team's pages served from its collection caches, which a forged write must not empty.
const legitimate = chooser([
  [3, (token) => graphql(WARM_PAGE, { token })],
  [1, (token) => graphql(LISTS_PAGE, { token })],
]);
const subscriber = await holdSubscription();
await stub.ask<StubCalls>('takeCalls');
const attackStarted = Date.now();
await runPhase(
  'attack',
  phaseMs(PHASES[2].share),
  () => legitimate()(TOKEN),
  started,
  (until) => Promise.all(Array.from({ length: ATTACKERS }, () => attacker(until))),
);
const attackCalls = await stub.ask<StubCalls>('takeCalls');
const attackMinutes = (Date.now() - attackStarted) / 60_000;
const subscriberHeld = subscriber.stop();
const aliveAfterAttacks = await plain('/health', (status) => status === 200);
tally(phaseTally('attack'), aliveAfterAttacks);
/** The legitimate team's calls: every call the stub did not refuse (only its token is accepted meanwhile). */
const teamCalls = attackCalls.total - attackCalls.refused;
const teamCallsPerMinute = teamCalls / attackMinutes;
const attackP99 = percentile(
  (phaseTallies.get('attack')?.latencies ?? []).sort((a, b) => a - b),
  99,
);
const afterAttack = await settled();

let cycles = 0;
await runPhase(
  'subscription churn',
  phaseMs(PHASES[3].share),
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
  'after attack': afterAttack,
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

console.log(
  '\nAnswers by phase (HTTP status ×count; WebSocket attempts as 101, resets as 0), legitimate p50/p99:',
);
for (const [name, phase] of phaseTallies) {
  const sorted = phase.latencies.sort((a, b) => a - b);
  const statuses = [...phase.statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status} ×${count}`)
    .join(', ');
  const latency =
    sorted.length > 0
      ? `; p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`
      : '';
  console.log(`- ${name}: ${phase.requests} (${statuses}); facade 5xx: ${phase.serverErrors}${latency}`);
}
console.log(`\nAttack phase (${attackMinutes.toFixed(1)} min, ${ATTACKERS} attacking connections):`);
for (const [name, answers] of attackAnswers) {
  const counts = [...answers]
    .sort(([, a], [, b]) => b - a)
    .map(([answer, count]) => `${answer} ×${count}`)
    .join(', ');
  console.log(`- ${name}: ${counts || 'none sent'}`);
}
const byPath = (fragment: string) =>
  Object.entries(attackCalls.byPath)
    .filter(([path]) => path.includes(fragment))
    .reduce((sum, [, count]) => sum + count, 0);
console.log(
  `- the legitimate team's upstream calls: ${teamCalls}, ${teamCallsPerMinute.toFixed(0)} a minute ` +
    `(bound ${TEAM_CALLS_PER_MINUTE}), of which /tags ${byPath('/tags')}, ` +
    `/statuses ${byPath('/statuses')}, /members ${byPath('/members')}, /events ${byPath('/events')}`,
);
const topPaths = Object.entries(attackCalls.byPath)
  .sort(([, a], [, b]) => b - a)
  .slice(0, 5)
  .map(([path, count]) => `${path} ×${count}`)
  .join(', ');
console.log(`  most called: ${topPaths}`);
console.log(
  `- upstream 401s: ${attackCalls.refused} for ${attackCalls.refusedTokens} forged tokens seen upstream, ` +
    `${forgedSent.size} sent`,
);
console.log(
  `- the inboxEvents subscriber: ${subscriberHeld ? 'still open' : 'CUT OFF'}; /health afterwards: ` +
    `HTTP ${aliveAfterAttacks.status}; legitimate p99 ${attackP99.toFixed(1)} ms (bound ${MAX_ATTACK_P99_MS})`,
);

await facade.stop();
await stub.stop();

const failures = [
  totals.unexpected > 0 && `${totals.unexpected} facade 5xx, non-GraphQL answers or attacks not refused`,
  attackP99 >= MAX_ATTACK_P99_MS &&
    `the legitimate clients' p99 during the attacks was ${attackP99.toFixed(0)} ms (bound ${MAX_ATTACK_P99_MS})`,
  teamCallsPerMinute > TEAM_CALLS_PER_MINUTE &&
    `the legitimate team made ${teamCallsPerMinute.toFixed(0)} upstream calls a minute during the attacks ` +
      `(bound ${TEAM_CALLS_PER_MINUTE})`,
  attackCalls.refused > forgedSent.size &&
    `${attackCalls.refused} upstream 401s for ${forgedSent.size} forged tokens (at most one each)`,
  !subscriberHeld && 'the inboxEvents subscriber was cut off during the attacks',
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
