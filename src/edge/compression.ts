import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import Negotiator from 'negotiator';

/** Answers smaller than this go as they are: compressing them saves less than it costs. */
export const COMPRESSION_THRESHOLD_BYTES = 1_024;

/**
 * Whole answers only: JSON (GraphQL answers, the GraphiQL page's HTML). Streams (`text/event-stream`,
 * `multipart/mixed`) are never compressed: a compressor holds back what it has not flushed, which would
 * delay every event.
 */
const COMPRESSIBLE = /^(application\/(graphql-response\+)?json|text\/html)\b/i;

/** Fast levels: an answer is compressed on every request, on the event loop. */
export const compressors = {
  gzip: (body: Buffer) => gzipSync(body, { level: 1 }),
  br: (body: Buffer) =>
    brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 1,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    }),
} as const;

export type AnswerEncoding = keyof typeof compressors;

/** negotiator 1's `encoding` (@types/negotiator describes 0.6): ties in the client's q go to `preferred`. */
type EncodingByPreference = (
  available: readonly string[],
  options: { preferred: readonly string[] },
) => string | undefined;

/** The encoding of the client's choice (`Accept-Encoding`, q-values included), ours on a tie; else none. */
export function negotiateEncoding(
  acceptEncoding: string | null,
  preferred: readonly AnswerEncoding[],
): AnswerEncoding | undefined {
  if (acceptEncoding === null) return undefined;
  const negotiator = new Negotiator({ headers: { 'accept-encoding': acceptEncoding } });
  const available = [...preferred, 'identity'];
  const chosen = (negotiator.encoding as EncodingByPreference).call(negotiator, available, {
    preferred: available,
  });
  return preferred.find((encoding) => encoding === chosen);
}

/**
 * GraphQL answers (and the GraphiQL page) compressed as `Accept-Encoding` asks, above
 * COMPRESSION_THRESHOLD_BYTES; brotli when the client takes both (at quality 1 it is as fast as gzip at level 1
 * on these answers, and smaller; see docs/frontends.md). Clients that use fetch (Apollo, urql, graphql-request,
 * browsers) decode it themselves. Not `useContentEncoding` of @whatwg-node/server: it compresses streams too,
 * at any size, and inflates compressed request bodies past MAX_BODY_BYTES.
 */
export function useResponseCompression(
  thresholdBytes = COMPRESSION_THRESHOLD_BYTES,
  preferred: readonly AnswerEncoding[] = ['br', 'gzip'],
): Plugin {
  return {
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (!COMPRESSIBLE.test(response.headers.get('content-type') ?? '')) return;
      if (response.headers.has('content-encoding') || response.body === null) return;
      // Caches must keep the compressed and the plain answer apart, whichever this one is.
      response.headers.append('vary', 'Accept-Encoding');
      // The server adapter states the length of a whole body: a small answer is left as it is, unread.
      const declared = response.headers.get('content-length');
      if (declared !== null && Number(declared) < thresholdBytes) return;
      const encoding = negotiateEncoding(request.headers.get('accept-encoding'), preferred);
      if (encoding === undefined) return;
      return response.arrayBuffer().then((bytes) => {
        const plain = Buffer.from(bytes);
        const body = plain.byteLength >= thresholdBytes ? compressors[encoding](plain) : plain;
        const headers = copyOf(response.headers, fetchAPI.Headers);
        if (body !== plain) headers.set('content-encoding', encoding);
        headers.set('content-length', String(body.byteLength));
        setResponse(new fetchAPI.Response(body, { status: response.status, headers }));
      });
    },
  };
}

/**
 * A copy of a response's headers. `new Headers(headers)` of the server adapter keeps the case of names given
 * as an object (`Content-Type`), and then no longer finds them by their lower-case names.
 */
export function copyOf(headers: Headers, HeadersClass: typeof Headers): Headers {
  const copy = new HeadersClass();
  headers.forEach((value, name) => {
    copy.append(name.toLowerCase(), value);
  });
  return copy;
}
