import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { AddressRateLimiter } from '../../src/edge/address-rate-limit.js';
import { addressKey } from '../../src/edge/client-address.js';
import { sseOutcome, wsOutcome } from '../support/edge.js';
import { type Harness, useHarness } from '../support/harness.js';
import { wsClient } from '../support/live.js';

/**
 * UNAUTHENTICATED_REQUESTS_PER_MINUTE: operations without a well-formed token, and WebSocket connections that
 * never send one, are bounded per client address (every test here comes from 127.0.0.1), on every transport.
 */

const PER_MINUTE = 5;

/** An unauthenticated POST (or with `authorization` as given): its status, Retry-After and first error. */
async function post(harness: Harness, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

/** Opens a plain WebSocket (graphql-ws subprotocol) and gives the upgrade's outcome: 'open' or the HTTP status. */
function upgrade(harness: Harness, headers: Record<string, string> = {}) {
  return new Promise<{ status: number | 'open'; retryAfter?: string; body?: string }>((resolve, reject) => {
    const socket = new WebSocket(
      `${harness.server.url.replace(/^http/, 'ws')}/graphql`,
      'graphql-transport-ws',
      {
        headers,
      },
    );
    socket.on('open', () => {
      socket.close();
      resolve({ status: 'open' });
    });
    socket.on('unexpected-response', (_request, response: IncomingMessage) => {
      let body = '';
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }),
      );
    });
    socket.on('error', reject);
  });
}

describe('unauthenticated traffic is bounded per client address', () => {
  const harness = useHarness({
    transport: 'http',
    config: { UNAUTHENTICATED_REQUESTS_PER_MINUTE: String(PER_MINUTE) },
  });

  it('HTTP: past the bound, 429 with Retry-After and RATE_LIMITED; a request with a token is still served', async () => {
    for (let request = 0; request < PER_MINUTE; request++) {
      expect((await post(harness)).status).toBe(200);
    }
    const refused = await post(harness);
    expect(refused.status).toBe(429);
    // 5 a minute: the next token comes within 12 s.
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60 / PER_MINUTE);
    expect(refused.body.errors?.[0]?.extensions).toEqual({
      code: 'RATE_LIMITED',
      retryAfter: Number(refused.retryAfter),
    });
    // A malformed token is no token.
    expect((await post(harness, { authorization: 'Bearer two words' })).status).toBe(429);
    expect((await post(harness, { authorization: DEMO_TOKEN })).status).toBe(429);
    // X-Forwarded-For is not read (TRUST_PROXY=0): a client cannot pose as another address.
    expect((await post(harness, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);

    const served = await post(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    expect(served).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    expect(harness.simulator.calls).toEqual([]);
  });

  it('HTTP GET and SSE count and are refused the same way', async () => {
    const get = () =>
      fetch(`${harness.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { 'x-graphql-yoga-csrf': '1' },
      });
    const sse = () =>
      fetch(`${harness.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    for (let request = 0; request < PER_MINUTE; request++) {
      expect((await (request % 2 === 0 ? get() : sse())).status).toBe(200);
    }
    const overGet = await get();
    expect(overGet.status).toBe(429);
    expect((await overGet.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    const overSse = await sse();
    expect(overSse.status).toBe(429);
    expect(overSse.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await sseOutcome(overSse)).toEqual({ code: 'RATE_LIMITED' });
    // Neither the GraphiQL page nor /health is an operation: not counted, not refused.
    expect((await fetch(`${harness.server.url}/health`)).status).toBe(200);
  });

  it('WebSocket: an upgrade without a token takes from the bucket; an empty one refuses it (429) before the handshake', async () => {
    for (let request = 0; request < PER_MINUTE; request++) {
      expect((await post(harness)).status).toBe(200);
    }
    const refused = await upgrade(harness);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused.body ?? '{}').errors[0].extensions.code).toBe('RATE_LIMITED');
    // A token in the upgrade's Authorization header is not counted.
    expect((await upgrade(harness, { authorization: `Bearer ${DEMO_TOKEN}` })).status).toBe('open');
  });

  it('WebSocket: sockets that authenticate in connection_init get their token back', async () => {
    // Twice the bound, one after the other: each takes a token at its upgrade and gives it back at its init.
    for (let socket = 0; socket < 2 * PER_MINUTE; socket++) {
      const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
      try {
        expect(await wsOutcome(client, { query: '{ __typename }' })).toEqual({ code: undefined });
      } finally {
        await client.dispose();
      }
    }
    // The bucket is as full as before: unauthenticated requests still have their bound.
    for (let request = 0; request < PER_MINUTE - 1; request++) {
      expect((await post(harness)).status).toBe(200);
    }
  });

  it('WebSocket: each operation of an unauthenticated socket counts; past the bound, RATE_LIMITED and the socket is closed (4429)', async () => {
    // One socket, spoken to by hand (graphql-ws's client would open a new socket for each operation).
    const socket = new WebSocket(
      `${harness.server.url.replace(/^http/, 'ws')}/graphql`,
      'graphql-transport-ws',
    );
    const messages: Array<{
      type: string;
      id?: string;
      payload?: Array<{ extensions?: { code?: string } }>;
    }> = [];
    const closed = new Promise<number>((resolve) => socket.on('close', resolve));
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await expect.poll(() => messages.map((message) => message.type)).toEqual(['connection_ack']);
    // The upgrade took one token; each operation takes another.
    for (let operation = 1; operation <= PER_MINUTE; operation++) {
      socket.send(
        JSON.stringify({ type: 'subscribe', id: String(operation), payload: { query: '{ __typename }' } }),
      );
    }
    expect(await closed).toBe(4429);
    const errors = messages.filter((message) => message.type === 'error');
    expect(errors.map((message) => message.payload?.[0]?.extensions?.code)).toEqual([
      ...Array(PER_MINUTE - 1).fill('UNAUTHENTICATED'),
      'RATE_LIMITED',
    ]);
    expect(harness.simulator.calls).toEqual([]);
  });
});

describe('behind TRUST_PROXY=1 proxy, the client address is the one the proxy appended to X-Forwarded-For', () => {
  const harness = useHarness({
    transport: 'http',
    config: { UNAUTHENTICATED_REQUESTS_PER_MINUTE: String(PER_MINUTE), TRUST_PROXY: '1' },
  });

  it('each client address has its own bucket; what the client itself wrote further left is not read', async () => {
    for (let request = 0; request < PER_MINUTE; request++) {
      // The client forged an address; the proxy appended the real one.
      expect((await post(harness, { 'x-forwarded-for': `10.9.9.${request}, 198.51.100.1` })).status).toBe(
        200,
      );
    }
    expect((await post(harness, { 'x-forwarded-for': '10.9.9.99, 198.51.100.1' })).status).toBe(429);
    expect((await post(harness, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
  });

  it('IPv6 clients are counted by /64: one subscriber cannot rotate through its addresses', async () => {
    for (let request = 0; request < PER_MINUTE; request++) {
      expect((await post(harness, { 'x-forwarded-for': `2001:db8:1:2::${request + 1}` })).status).toBe(200);
    }
    expect((await post(harness, { 'x-forwarded-for': '2001:db8:1:2:ffff::9' })).status).toBe(429);
    expect((await post(harness, { 'x-forwarded-for': '2001:db8:1:3::1' })).status).toBe(200);
  });

  it('an X-Forwarded-For entry that is not an address is never a key of its own', async () => {
    for (let request = 0; request < PER_MINUTE; request++) {
      expect((await post(harness, { 'x-forwarded-for': `not-an-address-${request}` })).status).toBe(200);
    }
    expect((await post(harness, { 'x-forwarded-for': 'yet-another' })).status).toBe(429);
  });
});

describe('the buckets', () => {
  it('refill at the rate, and Retry-After says when the next token comes', () => {
    let now = 0;
    const limiter = new AddressRateLimiter(6, { now: () => now });
    for (let request = 0; request < 6; request++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10); // 6 a minute: one every 10 s
    now += 5_000;
    expect(limiter.take('a')).toBe(5);
    now += 5_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('b')).toBe(0); // another address is untouched
  });

  it('keep at most maxAddresses, forgetting the least recently seen first', () => {
    const limiter = new AddressRateLimiter(1, { maxAddresses: 100 });
    for (let address = 0; address < 1_000; address++) limiter.take(`10.0.${address >> 8}.${address & 255}`);
    expect(limiter.size).toBe(100);
    // The most recent ones are kept (empty), the oldest were forgotten (full again).
    expect(limiter.take('10.0.3.231')).toBeGreaterThan(0);
    expect(limiter.take('10.0.0.0')).toBe(0);
  });

  it('are keyed by IPv4 address, IPv4-mapped IPv6 as IPv4, and IPv6 by /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('x'.repeat(10_000))).toBe('unknown');
  });
});
