import { createGraphQLError } from '@graphql-tools/utils';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/**
 * MAX_BODY_BYTES for GraphQL requests (a GET's query string too, which carries what a POST's body would), with Yoga's errors (413 REQUEST_ENTITY_TOO_LARGE, 400 for an invalid
 * Content-Length), in place of Yoga's `maxRequestBodySize`. Yoga pipes every body through a counting stream;
 * a body that declares its Content-Length needs none, because Node's HTTP parser reads exactly that many
 * bytes (and refuses a request with both Content-Length and chunked encoding). That pipe cost each request an
 * AbortController and a DOMException with its stack trace (about a tenth of a new token's CPU per inbox page,
 * measured with `bench/profile.ts`). Only chunked bodies, whose size nobody declared, are counted as they stream.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method === 'GET') {
        const query = request.url.indexOf('?');
        if (query >= 0 && request.url.length - query - 1 > maxBytes) throw tooLarge('Request URL too large');
        return;
      }
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        // One non-negative integer only: a list ("12, 12") is a request-smuggling shape, not a size.
        if (!/^\d+$/.test(contentLength)) throw invalidContentLength();
        if (Number(contentLength) > maxBytes) throw tooLarge();
        return;
      }
      if (requestParser === undefined || request.body === null) return;
      setRequestParser((req) => requestParser(counted(req, maxBytes, fetchAPI)));
    },
  };
}

/** The request with a body that errors (413) once more than `maxBytes` have streamed in. */
function counted(
  request: Request,
  maxBytes: number,
  fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream },
): Request {
  const body = request.body;
  if (body === null) return request;
  // The server adapter's streams and Node's own do not pipe into each other: a transform of the body's kind.
  const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytesRead = 0;
  const limited = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        if (bytesRead > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: limited,
    duplex: 'half',
  } as RequestInit);
}

const tooLarge = (message = 'Request body too large') =>
  createGraphQLError(message, {
    extensions: { http: { status: 413 }, code: ErrorCode.REQUEST_ENTITY_TOO_LARGE },
  });

const invalidContentLength = () =>
  createGraphQLError('Content-Length header is invalid.', {
    extensions: { http: { status: 400 }, code: ErrorCode.BAD_REQUEST },
  });
