import { GraphQLError, Kind } from 'graphql';
import { maskError as yogaMaskError } from 'graphql-yoga';

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
 * The facade itself refused an upstream call, or a whole operation, to keep the team within
 * TEAM_CALLS_PER_MINUTE (or within the upstream's own count): nothing was sent.
 */
export class TeamBudgetExceeded extends Error {
  constructor(
    /** Seconds until the refused calls would fit. */
    readonly retryAfter: number,
  ) {
    super(`The team's Inbox API calls of the last minute are spent; retry in ${retryAfter} seconds.`);
    this.name = 'TeamBudgetExceeded';
  }
}

/**
 * Every `extensions.code` the facade's own code sends. docs/errors.md has a row for each (and for those Yoga
 * sends itself); test/project/error-codes.test.ts fails when either side lacks one. A new code is one more line here.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'OUTCOME_UNKNOWN',
  'GRAPHQL_VALIDATION_FAILED',
  'TOO_MANY_SUBSCRIPTIONS',
  'SHUTTING_DOWN',
  'BAD_REQUEST',
  'REQUEST_ENTITY_TOO_LARGE',
  'PERSISTED_QUERY_NOT_FOUND',
  'INTERNAL_SERVER_ERROR',
  /** A live event no transport could serialise: its subscription ends (src/live/serializable-events.ts). */
  'UNSERIALIZABLE_EVENT',
  'CSRF_PREVENTED',
  'TOO_MANY_STREAMS',
  'TOO_MANY_OPERATIONS',
  /** The operation could make more Inbox API calls than MAX_UPSTREAM_CALLS (`estimate`, `limit`). */
  'UPSTREAM_BUDGET_EXCEEDED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Each code by its name, for code outside this file (no code is a string literal elsewhere). */
export const ErrorCode = Object.freeze(Object.fromEntries(ERROR_CODES.map((code) => [code, code]))) as {
  readonly [Code in ErrorCode]: Code;
};

const codeByStatus: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

export function codeFor(details: UpstreamErrorDetails): ErrorCode {
  switch (details.kind) {
    case 'timeout':
      return 'UPSTREAM_TIMEOUT';
    case 'network':
      return 'UPSTREAM_UNAVAILABLE';
    case 'badBody':
      return 'UPSTREAM_ERROR';
    case 'http':
      return codeByStatus[details.status ?? 0] ?? 'UPSTREAM_ERROR';
  }
}

/** Our own refusal of bad input, raised before any upstream call. `field` names the offending input. */
export function badUserInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
}

type ErrorLocation = Partial<Pick<GraphQLError, 'nodes' | 'source' | 'positions' | 'path'>>;

/** The coded error for an upstream failure: code, upstream {status, code, message, method, path}, retryAfter. */
export function upstreamGraphQLError(error: UpstreamError, at?: ErrorLocation): GraphQLError {
  const { details } = error;
  const code = codeFor(details);
  const upstream = {
    status: details.status ?? null,
    code: details.code ?? null,
    message: details.message ?? null,
    method: details.method,
    path: details.path,
  };
  const extensions: Record<string, unknown> = { code, upstream };
  if (code === 'RATE_LIMITED') extensions.retryAfter = details.retryAfter ?? null;
  return new GraphQLError(messageFor(code, details), { ...at, extensions });
}

/**
 * The facade's own refusal to keep the team within its call budget: RATE_LIMITED like the upstream's 429, with
 * a `retryAfter` computed here, and no `upstream` (nothing was sent).
 */
export function teamBudgetError(error: TeamBudgetExceeded, at?: ErrorLocation): GraphQLError {
  return new GraphQLError(error.message, {
    ...at,
    extensions: { code: 'RATE_LIMITED', retryAfter: error.retryAfter },
  });
}

function messageFor(code: ErrorCode, details: UpstreamErrorDetails): string {
  switch (code) {
    case 'UPSTREAM_TIMEOUT':
      return 'The Inbox API did not answer in time.';
    case 'UPSTREAM_UNAVAILABLE':
      return 'The Inbox API could not be reached.';
    case 'UPSTREAM_ERROR':
      return details.kind === 'badBody'
        ? 'The Inbox API sent an unreadable answer.'
        : `The Inbox API failed (HTTP ${details.status}).`;
    case 'RATE_LIMITED':
      return `The team's Inbox API rate limit is exhausted; retry in ${details.retryAfter ?? 'a few'} seconds.`;
    default:
      return details.message ?? `The Inbox API refused the request (HTTP ${details.status}).`;
  }
}

/** The code a client will see for an execution error, before masking has run (for the operation log). */
export function codeOf(error: GraphQLError): string {
  const original = error.originalError;
  if (original instanceof UpstreamError) return codeFor(original.details);
  if (original instanceof MissingTokenError) return 'UNAUTHENTICATED';
  if (original instanceof TeamBudgetExceeded) return 'RATE_LIMITED';
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * A variable that does not coerce (a wrong type, an unknown input field, null where a value is required):
 * graphql-js refuses the request before any field runs, with a bare error (no path, no code) located at the
 * variable's definition. graphql-jit (src/graphql/jit.ts) raises the same refusals with the same messages,
 * but with no location. It is the caller's input. (Other bare errors, e.g. graphql-armor's, are left as
 * they are.)
 */
function isVariableError(error: GraphQLError): boolean {
  const cause = error.originalError;
  const bare = (candidate: GraphQLError) => candidate.extensions?.code === undefined;
  const atVariable =
    error.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION ||
    (error.nodes === undefined && /^Variable "\$\w+" /.test(error.message));
  return (
    error.path === undefined &&
    atVariable &&
    bare(error) &&
    (cause == null || (cause instanceof GraphQLError && bare(cause)))
  );
}

/**
 * Yoga's error masking hook: the one place where failures become client-visible errors.
 * Upstream failures become coded errors; our own GraphQLErrors pass; anything else is masked,
 * never with a stack, URL, header or token (isDev is ignored on purpose).
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  // GraphQLError keeps nodes/source/positions non-enumerable: copy them explicitly to keep locations.
  const at =
    error instanceof GraphQLError
      ? { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path }
      : undefined;
  if (original instanceof UpstreamError) return upstreamGraphQLError(original, at);
  if (original instanceof TeamBudgetExceeded) return teamBudgetError(original, at);
  if (original instanceof MissingTokenError) {
    return new GraphQLError(original.message, { ...at, extensions: { code: 'UNAUTHENTICATED' } });
  }
  if (error instanceof GraphQLError && isVariableError(error)) {
    return new GraphQLError(error.message, {
      ...at,
      extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
    });
  }
  if (error instanceof GraphQLError && error.path !== undefined && error.extensions?.code === undefined) {
    // A field's error with no code is none of our refusals: graphql-js's or graphql-jit's own, when an upstream
    // value breaks the schema (null for a non-null field, a value its scalar cannot serialise). Its message may
    // quote that value: masked like any unexpected error (Yoga keeps a GraphQLError it did not wrap).
    return yogaMaskError(
      new GraphQLError(error.message, { ...at, originalError: new Error(error.message) }),
      message,
      false,
    );
  }
  return yogaMaskError(error, message, false);
}

/**
 * An upstream refusal of what the caller sent (a 4xx: an unknown id, a bad token, its team's rate limit) or a
 * missing token: the caller's mistake, not the server's. Logged at debug, without a stack: a caller must not be
 * able to flood the logs (the operation's log line already records its error codes).
 */
export function callersMistake(error: unknown): ErrorCode | undefined {
  if (error instanceof GraphQLError && isVariableError(error)) return 'BAD_USER_INPUT';
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof MissingTokenError) return 'UNAUTHENTICATED';
  if (original instanceof TeamBudgetExceeded) return 'RATE_LIMITED';
  if (!(original instanceof UpstreamError)) return undefined;
  const { kind, status = 0 } = original.details;
  return kind === 'http' && status >= 400 && status < 500 ? codeFor(original.details) : undefined;
}

/**
 * For `node`/`nodes`: Relay reads an unknown id as `null`, so an upstream 404 becomes `null` there
 * (typed lookups such as `thread(id:)` keep the NOT_FOUND error). Other failures still surface.
 */
export async function nullIfNotFound<T>(load: Promise<T>): Promise<T | null> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof UpstreamError && error.details.status === 404) return null;
    throw error;
  }
}

/**
 * A write that failed without any effect upstream, so that sending it again is safe: an upstream 4xx (the
 * Inbox API refused it, or refused the token lately), or a refusal of the facade's own before anything was
 * sent (bad input, no token, the team's call budget, a failed proof of the token's team). A timeout, a lost connection, a 5xx or an unreadable answer may come after the write
 * was applied.
 */
export function refusedBeforeAnyEffect(error: unknown): boolean {
  if (error instanceof UpstreamError) {
    const { kind, status = 0, unsent } = error.details;
    return unsent === true || (kind === 'http' && status >= 400 && status < 500);
  }
  return (
    error instanceof TeamBudgetExceeded || error instanceof MissingTokenError || error instanceof GraphQLError
  );
}

/**
 * The seconds a RATE_LIMITED error tells the caller to wait (the facade's refusal, or the upstream's 429),
 * before or after masking; `undefined` for any other error, or a 429 that said nothing.
 */
export function retryAfterOf(error: GraphQLError): number | undefined {
  const original = error.originalError;
  if (original instanceof TeamBudgetExceeded) return original.retryAfter;
  if (original instanceof UpstreamError) {
    return codeFor(original.details) === 'RATE_LIMITED' ? original.details.retryAfter : undefined;
  }
  const { code, retryAfter } = error.extensions ?? {};
  return code === 'RATE_LIMITED' && typeof retryAfter === 'number' ? retryAfter : undefined;
}

/** The code a failure is reported with, before masking (for records of writes). */
export function failureCode(error: unknown): string {
  if (error instanceof UpstreamError) return codeFor(error.details);
  if (error instanceof GraphQLError) return codeOf(error);
  if (error instanceof TeamBudgetExceeded) return 'RATE_LIMITED';
  if (error instanceof MissingTokenError) return 'UNAUTHENTICATED';
  return 'INTERNAL_SERVER_ERROR';
}
