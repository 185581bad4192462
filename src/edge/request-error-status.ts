import { type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';

/**
 * The HTTP status of an answer that has no `data` (a request error: nothing of the operation ran), by its
 * errors' `extensions.code`: the GraphQL-over-HTTP spec wants a 4xx or 5xx there with
 * `application/graphql-response+json`. Yoga sets it for parse and validation errors only; the refusals
 * before execution (MAX_UPSTREAM_CALLS, the team's budget, variables that do not coerce, a collection read
 * that failed) would be 200. Marked `spec`, so that Yoga keeps 200 for clients that accept only
 * `application/json` (and for SSE), as the spec says. Unexpected (masked) errors keep Yoga's 500.
 */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  UPSTREAM_BUDGET_EXCEEDED: 400,
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  TOO_MANY_SUBSCRIPTIONS: 429,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 502,
  SHUTTING_DOWN: 503,
  UPSTREAM_TIMEOUT: 504,
  OUTCOME_UNKNOWN: 504,
};

/** Any other coded error without data is the request's fault. */
const DEFAULT_STATUS = 400;

function withStatus(error: GraphQLError): GraphQLError {
  const extensions = error.extensions ?? {};
  if (extensions.http !== undefined || extensions.unexpected === true) return error;
  const code = typeof extensions.code === 'string' ? extensions.code : undefined;
  const status = (code && STATUS_BY_CODE[code as ErrorCode]) || DEFAULT_STATUS;
  const retryAfter = extensions.retryAfter;
  const headers = typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : undefined;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...extensions, http: { status, spec: true, ...(headers && { headers }) } },
  });
}

export const useRequestErrorStatus = (): Plugin => ({
  onExecutionResult({ result, setResult }) {
    if (!result || Array.isArray(result) || isAsyncIterable(result)) return;
    const single = result as ExecutionResult;
    // `errors` first: a cached answer's `data` is parsed only when read.
    if (!single.errors?.length || single.data !== undefined) return;
    setResult({ ...single, errors: single.errors.map(withStatus) });
  },
});
