/** What went wrong on one upstream call, before it is translated into a GraphQL error (src/errors.ts). */
export type UpstreamFailureKind = 'http' | 'timeout' | 'network' | 'badBody';

export interface UpstreamErrorDetails {
  kind: UpstreamFailureKind;
  method: string;
  /** Request path relative to the API root, without query string (it may carry filters). */
  path: string;
  status?: number;
  /** The Inbox error code (`THREAD_NOT_FOUND`, `RATE_LIMITED`, ...) when the body had one. */
  code?: string;
  message?: string;
  /** Seconds, from the Retry-After header of a 429. */
  retryAfter?: number;
  /**
   * The failure is of an earlier call this one waited for (the token's proof of team): this one was never
   * sent, so it had no effect and is not retried.
   */
  unsent?: true;
}

export class UpstreamError extends Error {
  readonly details: UpstreamErrorDetails;

  constructor(details: UpstreamErrorDetails) {
    super(details.message ?? `Inbox API ${details.kind} failure on ${details.method} ${details.path}`);
    this.name = 'UpstreamError';
    this.details = details;
  }
}

/** The GraphQL request carried no usable `Authorization: Bearer` header: nothing was sent upstream. */
export class MissingTokenError extends Error {
  constructor() {
    super('Send your Inbox API token as `Authorization: Bearer <token>`');
    this.name = 'MissingTokenError';
  }
}

/**
 * Reads both documented error bodies:
 * envelope `{"error":{"code","message","status"}}` and flat `{"error":"Unauthorized","message"}`.
 * Anything else (HTML from a proxy, empty body) yields no code and no message.
 */
export function parseErrorBody(text: string): { code?: string; message?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isRecord(body)) return {};
  const { error } = body;
  if (isRecord(error)) {
    return { code: stringOrUndefined(error.code), message: stringOrUndefined(error.message ?? body.message) };
  }
  if (typeof error === 'string') {
    return { code: toUpperSnake(error), message: stringOrUndefined(body.message) ?? error };
  }
  return { code: stringOrUndefined(body.code), message: stringOrUndefined(body.message) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The flat shape names the error in words ("Unauthorized"); the envelope uses UPPER_SNAKE codes. */
function toUpperSnake(words: string): string {
  return words
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}
