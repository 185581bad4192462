import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';
import { CSRF_HEADERS } from './cors.js';

const CSRF_PREVENTED = ErrorCode.CSRF_PREVENTED;

/**
 * A browser attaches an `Authorization` header to a request it was not told to send only for HTTP
 * authentication schemes it remembers (Basic, Digest, NTLM…), never for `Bearer`: a bearer token can only
 * have been set by the page's own script, which makes the request preflighted.
 */
const BEARER_SCHEME = /^bearer\s/i;

/**
 * Yoga's CSRF prevention, with one more sign of a preflighted request: an `Authorization: Bearer` header,
 * the only way this API authenticates. urql and graphql-request send their queries as GETs without
 * `Content-Type` and with the token: accepted. What a page on another site can make a browser send without a
 * preflight (a GET, or a form or text POST, with neither a token nor one of CSRF_HEADERS) is still refused,
 * with 403 and `extensions.code: CSRF_PREVENTED`.
 */
export function useCsrfPrevention(): Plugin {
  const yogaCheck = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  return {
    onRequestParse(payload) {
      if (BEARER_SCHEME.test(payload.request.headers.get('authorization') ?? '')) return;
      try {
        return yogaCheck.onRequestParse?.(payload);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        throw new GraphQLError(error.message, {
          extensions: { ...error.extensions, code: CSRF_PREVENTED },
        });
      }
    },
  };
}
