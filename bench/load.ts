import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { GraphQLRequest, Step } from './scenarios.js';

export interface LoadOptions {
  url: string;
  token: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Whole screens (every step of a waterfall) completed per second. */
  screensPerSecond: number;
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
}

/** Per-connection state autocannon hands to setupRequest/onResponse (reset after the last step). */
interface ScreenContext {
  startedAt?: number;
  previous?: unknown;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
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
  let failedResponses = 0;
  let screensStarted = 0;
  const requests: autocannon.Request[] = steps.map((step, index) => ({
    method: 'POST',
    setupRequest: (request, context) => {
      const screen = context as ScreenContext;
      // autocannon builds each request right before it sends it.
      if (index === 0) {
        screensStarted++;
        screen.startedAt = performance.now();
      }
      return { ...request, body: JSON.stringify(buildStep(step, screen.previous)) };
    },
    onResponse: (status, body, context) => {
      const screen = context as ScreenContext;
      if (status !== 200 || body.includes('"errors":')) failedResponses++;
      if (index < steps.length - 1) screen.previous = parseOrNull(body);
      else if (screen.startedAt !== undefined) screenMs.push(performance.now() - screen.startedAt);
    },
  }));
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${options.token}`,
    },
    requests,
  });
  screenMs.sort((a, b) => a - b);
  const durationSeconds = result.duration || options.durationSeconds;
  return {
    durationSeconds,
    screensPerSecond: screenMs.length / durationSeconds,
    requestsPerSecond: result.requests.average,
    p50Ms: percentile(screenMs, 50),
    p99Ms: percentile(screenMs, 99),
    screens: screenMs.length,
    screensStarted,
    failures: failedResponses + result.errors + result.timeouts,
  };
}
