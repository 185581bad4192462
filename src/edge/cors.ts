import type { CORSOptions } from 'graphql-yoga';
import { RATE_LIMIT_HEADERS } from '../budget/cost-extension.js';

/**
 * CORS for browser apps on the origins of CORS_ORIGINS (`*`: any). Callers authenticate with a bearer
 * token, never cookies, so credentials stay off. An origin not listed gets no CORS headers at all:
 * Yoga would answer `Access-Control-Allow-Origin: null`, which a sandboxed iframe (origin `null`) matches.
 * Preflights are cached for 10 minutes: every Apollo request is preflighted (JSON body, Authorization).
 */
export function corsOptions(origins: string[]): (request: Request) => CORSOptions {
  // PUT and DELETE: graphql-sse's single-connection mode reserves and stops its streams with them.
  const shared = {
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    credentials: false,
    maxAge: 600,
    // A browser app may read the team's budget and a refusal's wait from the headers too.
    exposedHeaders: RATE_LIMIT_HEADERS,
  };
  const anyOrigin = origins.includes('*');
  return (request) => {
    const origin = request.headers.get('origin');
    if (anyOrigin) return { ...shared, origin: '*' };
    return origin !== null && origins.includes(origin) ? { ...shared, origin: origins } : false;
  };
}

/**
 * Headers that mark a GET or form-type POST as not "simple" for CSRF prevention. Apollo Client needs none:
 * it sends `Content-Type: application/json` even on GETs; Apollo iOS/Kotlin send `x-apollo-operation-name`.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'];
