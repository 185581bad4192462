import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';
import { bearerToken } from '../identity/bearer.js';
import type { AddressRateLimiter } from './address-rate-limit.js';
import { addressKey, clientAddress } from './client-address.js';

/** The refusal of a client address over UNAUTHENTICATED_REQUESTS_PER_MINUTE, on every transport. */
export function unauthenticatedRateLimited(retryAfter: number): GraphQLError {
  return new GraphQLError(
    `Too many requests without a valid token from this address; retry in ${retryAfter} s.`,
    { extensions: { code: ErrorCode.RATE_LIMITED, retryAfter } },
  );
}

/** The HTTP answer to it: 429, Retry-After, and the coded error as a GraphQL response body. */
export function rateLimitedResponse(retryAfter: number): {
  status: 429;
  headers: Record<string, string>;
  body: string;
} {
  return {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfter) },
    body: JSON.stringify({ errors: [unauthenticatedRateLimited(retryAfter).toJSON()] }),
  };
}

export interface UnauthenticatedLimitOptions {
  limiter: AddressRateLimiter;
  /** TRUST_PROXY: how the client address is read. */
  trustedProxies: number;
  graphqlEndpoint: string;
}

/**
 * UNAUTHENTICATED_REQUESTS_PER_MINUTE over HTTP and SSE: an operation sent without a well-formed Bearer token
 * takes a token from its client address's bucket, before its body is read; an empty bucket answers 429. Such
 * a request still gets a proper GraphQL answer within the bound (`_service` and introspection need no token).
 * Requests served in-process (`yoga.fetch`, no socket) have no client address and are not counted.
 */
export function useUnauthenticatedRateLimit({
  limiter,
  trustedProxies,
  graphqlEndpoint,
}: UnauthenticatedLimitOptions): Plugin {
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint || !carriesOperation(request.method, url)) return;
      if (bearerToken(request.headers.get('authorization')) !== null) return;
      const incoming = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      if (incoming === undefined) return;
      const retryAfter = limiter.take(addressKey(clientAddress(incoming, trustedProxies)));
      if (retryAfter === 0) return;
      const { status, headers, body } = rateLimitedResponse(retryAfter);
      endResponse(new fetchAPI.Response(body, { status, headers }));
    },
  };
}

/** A POST, or a GET naming an operation (the GraphiQL page and CORS preflights are not operations). */
function carriesOperation(method: string, url: URL): boolean {
  if (method === 'POST') return true;
  return method === 'GET' && (url.searchParams.has('query') || url.searchParams.has('extensions'));
}
