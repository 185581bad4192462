import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_TOKEN, startSimulator } from '../simulator/src/index.js';
import { monotonicMs, processStats, serveParent } from './ipc.js';

/**
 * A cheap upstream for the CPU-bound scenario: every GET is answered from a recording of the simulator's
 * answer to the same path and query, so serving a call costs one buffer write and the CPU measured is the
 * GraphQL layer's, not the simulator's. The first request for a URL is forwarded once to an embedded
 * simulator with the demo token and recorded (the bench warms every URL up before it measures, and
 * reports recordings made during a measurement). Any bearer token is accepted, so a new token on every
 * request works, and every contender sees the same data, except a token starting with REFUSED_TOKEN_PREFIX,
 * refused with 401 as the Inbox API refuses a forged one. Usage: upstream-stub-process.ts
 */

export interface StubReady {
  url: string;
  /** Tokens starting with this are refused (401), as the Inbox API refuses a forged token. */
  refusedTokenPrefix: string;
}

const REFUSED_TOKEN_PREFIX = 'forged_';

export interface StubCalls {
  /** Calls since the last `takeCalls`, by "GET /path?query". */
  byPath: Record<string, number>;
  total: number;
  /** Calls that had to be forwarded to the simulator (first sight of a URL). */
  recorded: number;
  /** Calls answered 401: without a well-formed token, or with a token of REFUSED_TOKEN_PREFIX. */
  refused: number;
  /** How many different tokens of REFUSED_TOKEN_PREFIX those calls carried. */
  refusedTokens: number;
  /**
   * Milliseconds during which at least one call was in flight (arrival to last byte written, latency
   * included). With one client connection and one page at a time, divided by the pages, this is the
   * upstream critical path of a page as the upstream sees it.
   */
  busyMs: number;
  /**
   * The same time as spans [from, to] on the machine's monotonic clock (bench/ipc.ts `monotonicMs`), in order
   * and disjoint: a page's upstream critical path is what of them falls within the page.
   */
  busySpans: Array<[number, number]>;
}

interface Recording {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const BASE_PATH = '/api/v1';
/** Hop-by-hop or per-response headers the stub sets itself. */
const SKIPPED_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const simulator = await startSimulator({ rateLimitPerMinute: 1e9 });
const recordings = new Map<string, Promise<Recording>>();
const unauthorized = Buffer.from(JSON.stringify({ message: 'Unauthorized' }));
let latencyMs = 0;
let calls = new Map<string, number>();
let total = 0;
let recorded = 0;
let refused = 0;
let refusedTokens = new Set<string>();
let inFlight = 0;
let busySince = 0;
let busyMs = 0;
let busySpans: Array<[number, number]> = [];
/** Enough for minutes of single-connection pages; under load the spans merge (calls overlap). */
const MAX_BUSY_SPANS = 200_000;

async function record(path: string): Promise<Recording> {
  recorded++;
  const response = await fetch(`${simulator.url}${path}`, {
    headers: { authorization: `Bearer ${DEMO_TOKEN}`, accept: 'application/json' },
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!SKIPPED_HEADERS.has(name)) headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: { ...headers, 'content-length': String(body.length) }, body };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: Buffer) {
  const write = () => {
    response.writeHead(status, headers);
    response.end(body, done);
  };
  if (latencyMs > 0) setTimeout(write, latencyMs);
  else write();
}

function done() {
  if (--inFlight !== 0) return;
  const now = monotonicMs();
  busyMs += now - busySince;
  if (busySpans.length < MAX_BUSY_SPANS) busySpans.push([busySince, now]);
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  if (inFlight++ === 0) busySince = monotonicMs();
  const url = request.url ?? '/';
  const key = `${request.method} ${url}`;
  calls.set(key, (calls.get(key) ?? 0) + 1);
  total++;
  const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined || token.startsWith(REFUSED_TOKEN_PREFIX)) {
    refused++;
    if (token !== undefined) refusedTokens.add(token);
    send(response, 401, { 'content-type': 'application/json' }, unauthorized);
    return;
  }
  if (request.method !== 'GET' || !url.startsWith(BASE_PATH)) {
    send(response, 501, { 'content-type': 'text/plain' }, Buffer.from('the stub replays GETs only'));
    return;
  }
  let recording = recordings.get(url);
  if (!recording) {
    recording = record(url.slice(BASE_PATH.length));
    recordings.set(url, recording);
  }
  const { status, headers, body } = await recording;
  send(response, status, headers, body);
}

const server = createServer((request, response) => {
  void handle(request, response);
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveParent(
  {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    refusedTokenPrefix: REFUSED_TOKEN_PREFIX,
  } satisfies StubReady,
  {
    takeCalls: (): StubCalls => {
      const taken = {
        byPath: Object.fromEntries(calls),
        total,
        recorded,
        refused,
        refusedTokens: refusedTokens.size,
        busyMs,
        busySpans,
      };
      calls = new Map();
      refused = 0;
      refusedTokens = new Set();
      busySpans = [];
      total = 0;
      recorded = 0;
      busyMs = 0;
      return taken;
    },
    setLatency: (ms) => {
      latencyMs = Number(ms);
      return latencyMs;
    },
    stats: processStats,
  },
);
