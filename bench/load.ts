import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { monotonicMs } from './ipc.js';
import { percentile } from './percentile.js';
import type { GraphQLRequest, Step } from './scenarios.js';

export interface LoadOptions {
  url: string;
  token: string;
  connections: number;
  durationSeconds: number;
  /** Send a new random bearer token on every request instead of `token` (a caller the facade never saw). */
  newTokenPerRequest?: boolean;
  /** More request headers (e.g. `accept-encoding`). */
  headers?: Record<string, string>;
  /**
   * Send exactly this many screens (one-request screens only) and wait for every answer, instead of
   * stopping after `durationSeconds` with requests in flight: every page started is then finished and
   * counted, and the duration runs from the first request sent to the last answer received.
   */
  amount?: number;
}

export interface LoadResult {
  /** Whole screens (every step of a waterfall) completed per second. */
  screensPerSecond: number;
  /** Screens per second from the first answer to the last: the rate once every connection is busy. */
  steadyScreensPerSecond: number;
  /** HTTP requests per second as autocannon counts them. */
  requestsPerSecond: number;
  /** Latency of a whole screen, first request sent to last response received. */
  p50Ms: number;
  p99Ms: number;
  /** How long autocannon actually ran. */
  durationSeconds: number;
  /** Screens completed within the duration. */
  screens: number;
  /** Screens whose first request was sent (in-flight ones at the end included). */
  screensStarted: number;
  /** Responses that were not 2xx or carried GraphQL `errors`, and socket errors/timeouts. */
  failures: number;
  /** Each completed screen as [sent, answered] on the machine's monotonic clock (bench/ipc.ts). */
  screenSpans: Array<[number, number]>;
}

/** Per-connection state autocannon hands to setupRequest/onResponse (reset after the last step). */
interface ScreenContext {
  startedAt?: number;
  startedAtMonotonic?: number;
  previous?: unknown;
}

function parseOrNull(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** A step that cannot be built (its previous response failed) sends an empty query: one more failure. */
function buildStep(step: Step, previous: unknown): GraphQLRequest {
  try {
    return step(previous);
  } catch {
    return { query: '' };
  }
}

/**
 * Drives the screen's steps in a loop on every connection. A later step is built from the previous
 * response, so a Mesh waterfall is measured as a client would live it.
 */
export async function runLoad(steps: Step[], options: LoadOptions): Promise<LoadResult> {
  const screenMs: number[] = [];
  const screenSpans: Array<[number, number]> = [];
  let failedResponses = 0;
  let screensStarted = 0;
  let firstSentAt: number | undefined;
  let firstAnsweredAt: number | undefined;
  let lastAnsweredAt = 0;
  const requests: autocannon.Request[] = steps.map((step, index) => ({
    method: 'POST',
    setupRequest: (request, context) => {
      const screen = context as ScreenContext;
      // autocannon builds each request right before it sends it.
      if (index === 0) {
        screensStarted++;
        screen.startedAt = performance.now();
        screen.startedAtMonotonic = monotonicMs();
        firstSentAt ??= screen.startedAt;
      }
      const body = JSON.stringify(buildStep(step, screen.previous));
      if (!options.newTokenPerRequest) return { ...request, body };
      return { ...request, body, headers: { ...request.headers, authorization: `Bearer ${randomUUID()}` } };
    },
    onResponse: (status, body, context) => {
      const screen = context as ScreenContext;
      if (status !== 200 || body.includes('"errors":')) failedResponses++;
      if (index < steps.length - 1) screen.previous = parseOrNull(body);
      else if (screen.startedAt !== undefined) {
        lastAnsweredAt = performance.now();
        firstAnsweredAt ??= lastAnsweredAt;
        screenMs.push(lastAnsweredAt - screen.startedAt);
        screenSpans.push([screen.startedAtMonotonic ?? Number.NaN, monotonicMs()]);
      }
    },
  }));
  if (options.amount !== undefined && steps.length !== 1)
    throw new Error('amount needs a one-request screen');
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    ...(options.amount === undefined ? { duration: options.durationSeconds } : { amount: options.amount }),
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${options.token}`,
      ...options.headers,
    },
    requests,
  });
  screenMs.sort((a, b) => a - b);
  // With `amount`, autocannon reports at its next 1 s tick after the last answer: time it ourselves.
  const durationSeconds =
    options.amount === undefined
      ? result.duration || options.durationSeconds
      : (lastAnsweredAt - (firstSentAt ?? lastAnsweredAt)) / 1000;
  return {
    durationSeconds,
    screensPerSecond: screenMs.length / durationSeconds,
    steadyScreensPerSecond:
      (screenMs.length - 1) / ((lastAnsweredAt - (firstAnsweredAt ?? lastAnsweredAt)) / 1000 || Number.NaN),
    requestsPerSecond: result.requests.average,
    p50Ms: percentile(screenMs, 50),
    p99Ms: percentile(screenMs, 99),
    screens: screenMs.length,
    screensStarted,
    failures: failedResponses + result.errors + result.timeouts,
    screenSpans,
  };
}
