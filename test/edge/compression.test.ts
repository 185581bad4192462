import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { Client, fetchExchange } from '@urql/core';
import { print } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { InboxPageDocument } from '../../src/client/index.js';
import { COMPRESSION_THRESHOLD_BYTES, RecentlyCompressed } from '../../src/edge/compression.js';
import { useHarness } from '../support/harness.js';

/** GraphQL answers compressed as `Accept-Encoding` asks, above a threshold, never for streams; over real HTTP. */
const harness = useHarness({ transport: 'http' });
const INBOX_PAGE = print(InboxPageDocument);
const SMALL = '{ __typename }';

interface Raw {
  status: number;
  headers: IncomingMessage['headers'];
  /** The bytes as they came over the wire, not decoded. */
  body: Buffer;
}

/** A POST whose answer is read as it is on the wire (fetch would decode it). */
function post(query: string, headers: Record<string, string>, url = harness.server.url): Promise<Raw> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/graphql`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          authorization: `Bearer ${DEMO_TOKEN}`,
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** The `Content-Encoding` of every answer the facade sent over HTTP. */
const sent: Array<string | undefined> = [];
const record = (_request: IncomingMessage, response: ServerResponse) =>
  response.on('finish', () => sent.push(response.getHeader('content-encoding') as string | undefined));
beforeEach(() => {
  sent.length = 0;
  harness.server.server.on('request', record);
});
afterEach(() => {
  harness.server.server.off('request', record);
});

describe('compression of GraphQL answers', () => {
  it('an answer above the threshold is gzip-compressed when asked; the same data, several times smaller', async () => {
    const plain = await post(INBOX_PAGE, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toContain('Accept-Encoding');
    const compressed = await post(INBOX_PAGE, { 'accept-encoding': 'gzip' });
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers.vary).toContain('Accept-Encoding');
    expect(Number(compressed.headers['content-length'])).toBe(compressed.body.byteLength);
    const decoded = gunzipSync(compressed.body);
    // The same data (each answer states its own cost: the team's budget has moved between them).
    const decodedAnswer = JSON.parse(decoded.toString());
    expect(decodedAnswer.data).toEqual(JSON.parse(plain.body.toString()).data);
    expect(decodedAnswer.extensions.cost).toBeDefined();
    expect(JSON.parse(decoded.toString()).data.threads.edges.length).toBeGreaterThan(10);
    expect(compressed.body.byteLength).toBeLessThan(plain.body.byteLength / 4);
  });

  it('brotli when the client takes both (as browsers do), gzip when it prefers it, none when it refuses both', async () => {
    const brotli = await post(INBOX_PAGE, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(brotli.body).toString()).data.threads).toBeDefined();
    const gzip = await post(INBOX_PAGE, { 'accept-encoding': 'br;q=0.5, gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const refused = await post(INBOX_PAGE, { 'accept-encoding': 'gzip;q=0, br;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(refused.body.toString()).data.threads).toBeDefined();
  });

  it(`an answer under ${COMPRESSION_THRESHOLD_BYTES} bytes goes as it is`, async () => {
    const small = await post(SMALL, { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.byteLength).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect(JSON.parse(small.body.toString())).toEqual({
      data: { __typename: 'Query' },
      extensions: { cost: expect.any(Object) },
    });
  });

  it('streams are never compressed: Server-Sent Events and multipart (@defer) answers', async () => {
    const events = await post(INBOX_PAGE, { 'accept-encoding': 'gzip', accept: 'text/event-stream' });
    expect(events.headers['content-type']).toContain('text/event-stream');
    // Yoga marks its event streams `none`, against proxies that would compress them.
    expect(events.headers['content-encoding']).toBe('none');
    expect(events.body.toString()).toContain('event: next');
    const deferred = await post(
      '{ team { id } ... @defer { threads(first: 30) { edges { node { id lastMessageAt } } } } }',
      { 'accept-encoding': 'gzip', accept: 'multipart/mixed' },
    );
    expect(deferred.headers['content-type']).toContain('multipart/mixed');
    expect(deferred.headers['content-encoding']).toBeUndefined();
    expect(deferred.body.toString()).toContain('"hasNext":false');
  });

  it('Apollo Client and urql, at their defaults, receive compressed answers and decode them', async () => {
    const apollo = new ApolloClient({
      link: new HttpLink({
        uri: `${harness.server.url}/graphql`,
        headers: { authorization: `Bearer ${DEMO_TOKEN}` },
      }),
      cache: new InMemoryCache(),
    });
    const fromApollo = await apollo.query({ query: InboxPageDocument });
    expect(fromApollo.data?.threads?.edges.length).toBeGreaterThan(10);

    const urql = new Client({
      url: `${harness.server.url}/graphql`,
      fetchOptions: () => ({ headers: { authorization: `Bearer ${DEMO_TOKEN}` } }),
      exchanges: [fetchExchange],
    });
    const fromUrql = await urql.query(InboxPageDocument, {}).toPromise();
    expect(fromUrql.error).toBeUndefined();
    expect(fromUrql.data?.threads?.edges).toEqual(fromApollo.data?.threads?.edges.map(withoutTypename));
    // Node's fetch asks for compressed answers, as browsers do: both were compressed on the wire.
    expect(sent).toHaveLength(2);
    for (const encoding of sent) expect(['br', 'gzip']).toContain(encoding);
  });
});

describe('an answer repeated byte for byte (a burst from the response cache)', () => {
  it('goes out compressed every time, and decodes to the same data, over HTTP', async () => {
    const answers: Raw[] = [];
    for (let index = 0; index < 3; index++) answers.push(await post(INBOX_PAGE, { 'accept-encoding': 'br' }));
    const decoded = answers.map((answer) => brotliDecompressSync(answer.body).toString());
    expect(answers.map((answer) => answer.headers['content-encoding'])).toEqual(['br', 'br', 'br']);
    for (const text of decoded) expect(JSON.parse(text).data).toEqual(JSON.parse(decoded[0] ?? '').data);
  });

  it('reuses a compressed form only for the very same bytes, per encoding', () => {
    const recent = new RecentlyCompressed();
    const a = Buffer.from(`{"data":{"n":"${'a'.repeat(2_000)}"},"extensions":{"remaining":299}}`);
    const b = Buffer.from(`{"data":{"n":"${'a'.repeat(2_000)}"},"extensions":{"remaining":298}}`);
    const brA = recent.compress('br', a);
    expect(brotliDecompressSync(recent.compress('br', Buffer.from(a))).equals(a)).toBe(true);
    expect(recent.compress('br', Buffer.from(a))).toBe(brA);
    expect(brotliDecompressSync(recent.compress('br', b)).equals(b)).toBe(true);
    expect(gunzipSync(recent.compress('gzip', a)).equals(a)).toBe(true);
    expect(brotliDecompressSync(recent.compress('br', a)).equals(a)).toBe(true);
  });

  it('keeps at most its bound of answers', () => {
    const recent = new RecentlyCompressed(2, 1_000_000);
    const answers = [1, 2, 3].map((n) => Buffer.from(`{"data":"${'x'.repeat(1_000 + n)}"}`));
    const compressed = answers.map((answer) => recent.compress('gzip', answer));
    expect(recent.compress('gzip', Buffer.from(answers[2] as Buffer))).toBe(compressed[2]);
    expect(recent.compress('gzip', Buffer.from(answers[0] as Buffer))).not.toBe(compressed[0]);
  });
});

describe('COMPRESS_ANSWERS=false (a proxy in front compresses)', () => {
  const uncompressed = useHarness({ transport: 'http', config: { COMPRESS_ANSWERS: 'false' } });

  it('answers go as they are, whatever the client accepts', async () => {
    const answer = await post(INBOX_PAGE, { 'accept-encoding': 'gzip, br' }, uncompressed.server.url);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(answer.body.toString()).data.threads.edges.length).toBeGreaterThan(10);
  });
});

/** Apollo adds `__typename` to every selection; urql without Graphcache does not. */
function withoutTypename(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypename);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '__typename')
      .map(([key, item]) => [key, withoutTypename(item)]),
  );
}
