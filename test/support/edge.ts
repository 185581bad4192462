import type { ExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { sseMessages } from './sse.js';

/** Helpers for the transport-edge suites: latencies of a legitimate client, and outcomes of refusals. */

/** The `fraction` quantile (0.5: the median) of some latencies. */
export function quantile(latencies: number[], fraction: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

/** How long `request` takes, in ms. */
export async function timed(request: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await request();
  return performance.now() - started;
}

/**
 * A legitimate client: sends `request` one after the other, at least `minimum` times and until `done()`,
 * and gives each one's latency.
 */
export async function latenciesWhile(
  request: () => Promise<unknown>,
  done: () => boolean,
  minimum = 5,
): Promise<number[]> {
  const latencies: number[] = [];
  while (latencies.length < minimum || !done()) latencies.push(await timed(request));
  return latencies;
}

/**
 * What a refusal looks like to the client, on any transport: its code, and the limit or the input field it
 * names; or a WebSocket close code.
 */
export type Outcome = { code: unknown; limit?: unknown; field?: unknown } | { close: number };

/** The first error of a GraphQL response, as an Outcome. */
export function outcomeOf(body: {
  errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
}): Outcome {
  const { code, limit, field } = body.errors?.[0]?.extensions ?? {};
  return {
    code,
    ...(limit === undefined ? {} : { limit }),
    ...(field === undefined ? {} : { field }),
  };
}

/** The first result of one operation over graphql-ws, as an Outcome (an Error message, a result or a close). */
export async function wsOutcome(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
): Promise<Outcome> {
  const iterator = client.iterate(payload);
  try {
    const { value } = await iterator.next();
    return outcomeOf(value as ExecutionResult);
  } catch (failure) {
    if (Array.isArray(failure)) return outcomeOf({ errors: failure });
    const code = (failure as { code?: unknown }).code;
    if (typeof code === 'number') return { close: code };
    throw failure;
  } finally {
    await iterator.return?.();
  }
}

/** The first `next` payload of a GraphQL-over-SSE answer, or the JSON body of a refusal made before streaming. */
export async function sseOutcome(response: Response): Promise<Outcome> {
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    return outcomeOf(await response.json());
  }
  const seen: string[] = [];
  for await (const message of sseMessages(response.body)) {
    if (message.event === 'next') return outcomeOf(JSON.parse(message.data));
    seen.push(`${message.event}: ${message.data}`);
  }
  throw new Error(`no next event in ${seen.join(' | ').slice(0, 200)}`);
}
