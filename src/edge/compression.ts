import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
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
type Compressed = ReturnType<(typeof compressors)[AnswerEncoding]>;

/**
 * The answers compressed last, one per encoding and length: an answer repeated byte for byte is compressed
 * once. The response cache serves the same bytes to a burst, `extensions.cost` included until the team's next
 * call changes its budget, and the compressor is most of what compressing such an answer costs
 * (docs/benchmarks.md). The whole answer is compared before its compressed form is reused, so only identical
 * bytes share it; bounded in entries and bytes, least recently used first out.
 */
export class RecentlyCompressed {
  private readonly entries: LRUCache<string, { plain: Buffer; compressed: Compressed }>;

  constructor(maxEntries = 64, maxBytes = 8 * 1024 * 1024) {
    this.entries = new LRUCache({
      max: maxEntries,
      maxSize: maxBytes,
      // An answer over a quarter of the bound is compressed each time rather than kept.
      maxEntrySize: maxBytes / 4,
      sizeCalculation: ({ plain, compressed }) => plain.byteLength + compressed.byteLength,
    });
  }

  compress(encoding: AnswerEncoding, plain: Buffer): Compressed {
    const key = `${encoding}:${plain.byteLength}`;
    const entry = this.entries.get(key);
    if (entry?.plain.equals(plain)) return entry.compressed;
    const compressed = compressors[encoding](plain);
    this.entries.set(key, { plain, compressed });
    return compressed;
  }
}

/** negotiator 1's `encoding` (@types/negotiator describes 0.6): ties in the client's q go to `preferred`. */
type EncodingByPreference = (
  available: readonly string[],
  options: { preferred: readonly string[] },
) => string | undefined;

/** Choices by preference and `Accept-Encoding`: clients send a handful of different headers. */
const negotiated = new Map<string, AnswerEncoding | undefined>();

/** The encoding of the client's choice (`Accept-Encoding`, q-values included), ours on a tie; else none. */
export function negotiateEncoding(
  acceptEncoding: string | null,
  preferred: readonly AnswerEncoding[],
): AnswerEncoding | undefined {
  if (acceptEncoding === null) return undefined;
  const key = `${preferred.join()}\n${acceptEncoding}`;
  if (negotiated.has(key)) return negotiated.get(key);
  const chosen = negotiate(acceptEncoding, preferred);
  if (negotiated.size >= 256) negotiated.clear();
  negotiated.set(key, chosen);
  return chosen;
}

function negotiate(acceptEncoding: string, preferred: readonly AnswerEncoding[]): AnswerEncoding | undefined {
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
  recent = new RecentlyCompressed(),
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
        const body = plain.byteLength >= thresholdBytes ? recent.compress(encoding, plain) : plain;
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
