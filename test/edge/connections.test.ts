import { connect, type Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { latenciesWhile } from '../support/edge.js';
import { useHarness } from '../support/harness.js';
import { eventReads, sleep, sseSubscribe, teamOf, until, wsClient } from '../support/live.js';

/**
 * Slow clients and many connections, over raw TCP: Node's defaults held a body sent a byte every 5 s for
 * 306 s, and one address could open as many connections as it liked.
 */

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const MAX_CONNECTIONS = 8;
const harness = useHarness({
  transport: 'http',
  config: {
    HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
    EVENTS_POLL_INTERVAL_MS: '1000',
  },
});

const port = () => Number(new URL(harness.server.url).port);
const openConnections = () =>
  new Promise<number>((resolve, reject) =>
    harness.server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );

interface RawConnection {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves with the ms from connecting to the server closing the connection. */
  closed: Promise<number>;
}

/** A raw TCP connection to the facade, from `localAddress` (any of 127.0.0.0/8 reaches the loopback). */
function rawConnection(localAddress = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = connect({ port: port(), host: '127.0.0.1', localAddress });
    const closed = new Promise<number>((resolveClosed) =>
      socket.on('close', () => resolveClosed(Date.now() - started)),
    );
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => undefined); // a refused connection is reset: its close is what is looked at
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte every `intervalMs`, until the connection closes. */
function trickle(socket: Socket, text: string, intervalMs = 250): void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || next >= text.length) return clearInterval(timer);
    socket.write(text[next++] ?? '');
  }, intervalMs);
  socket.on('close', () => clearInterval(timer));
}

/** GET /health on a new connection from `localAddress`: the status line, or 'refused'. */
async function healthFrom(localAddress: string): Promise<string> {
  const connection = await rawConnection(localAddress);
  connection.socket.write('GET /health HTTP/1.1\r\nHost: facade\r\nConnection: close\r\n\r\n');
  await connection.closed;
  return connection.received().split('\r\n')[0] || 'refused';
}

const health = async () => {
  expect((await fetch(`${harness.server.url}/health`)).status).toBe(200);
};

describe('slow requests are cut (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS)', () => {
  it('a body sent a byte at a time is answered 408 and closed within REQUEST_TIMEOUT_MS; /health answers meanwhile', async () => {
    const connection = await rawConnection();
    connection.socket.write(
      'POST /graphql HTTP/1.1\r\nHost: facade\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n',
    );
    trickle(connection.socket, `{"query":"${' '.repeat(190)}`);
    let cut: number | undefined;
    void connection.closed.then((ms) => {
      cut = ms;
    });
    const during = await latenciesWhile(health, () => cut !== undefined, 5);
    // Node's defaults kept it 300 s; here it ends at the timeout, give or take a check interval and a busy machine.
    await until(() => cut !== undefined, 'the slow request was cut', 10 * REQUEST_TIMEOUT_MS);
    expect(cut).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    // Each of them answered 200 (`health` checks it); how promptly is the bench's figure (BENCH_ONLY=stalls).
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('headers sent a byte at a time are answered 408 and closed within HEADERS_TIMEOUT_MS', async () => {
    const connection = await rawConnection();
    trickle(connection.socket, `GET /health HTTP/1.1\r\nHost: facade\r\nX-Slow: ${'x'.repeat(400)}\r\n\r\n`);
    const cut = await Promise.race([connection.closed, sleep(10 * HEADERS_TIMEOUT_MS).then(() => Infinity)]);
    expect(cut).toBeLessThan(10 * HEADERS_TIMEOUT_MS);
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('SSE and WebSocket subscriptions outlive both timeouts: they still deliver an event after 3 × REQUEST_TIMEOUT_MS', async () => {
    const sse = sseSubscribe(harness, 'subscription { inboxEvents { type } }');
    const ws = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    const wsEvents = ws.iterate<{ inboxEvents: { type: string } }>({
      query: 'subscription { inboxEvents { type } }',
    });
    const wsFirst = wsEvents.next();
    try {
      const teamId = teamOf(harness).team.id;
      await until(() => harness.facade.events.bus.listening(teamId) === 2, 'both subscriptions are live');
      await until(() => eventReads(harness) > 0, 'the team poller found the end of the log');
      await sleep(3 * REQUEST_TIMEOUT_MS);
      expect(sse.ended()).toBe(false);
      await harness.graphql('mutation { createTag(input: { name: "After the timeouts" }) { tag { id } } }');
      await until(() => sse.payloads.length > 0, 'the SSE subscription received the event');
      expect(sse.payloads[0]).toMatchObject({ data: { inboxEvents: { type: 'tag.created' } } });
      expect(((await wsFirst).value as ExecutionResult).data).toEqual({
        inboxEvents: { type: 'tag.created' },
      });
    } finally {
      sse.leave();
      await wsEvents.return?.();
      await ws.dispose();
    }
  });
});

describe('MAX_CONNECTIONS_PER_ADDRESS', () => {
  it('past the cap, one address’s new connections are closed at once; other addresses are served; its own again once it is under', async () => {
    // A clean slate: no keep-alive connection of an earlier test still counts.
    const connectionsLeft = async () => {
      const deadline = Date.now() + 15_000;
      while ((await openConnections()) > 0 && Date.now() < deadline) await sleep(50);
      return openConnections();
    };
    expect(await connectionsLeft()).toBe(0);

    // Long-lived connections, which no timeout ends: authenticated WebSockets, each holding one connection.
    const sockets = Array.from({ length: MAX_CONNECTIONS }, () =>
      wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` }),
    );
    const subscriptions = sockets.map((socket) =>
      socket.iterate({ query: 'subscription { inboxEvents { type } }' }),
    );
    const pending = subscriptions.map((subscription) => subscription.next().catch(() => undefined));
    try {
      const teamId = teamOf(harness).team.id;
      await until(
        () => harness.facade.events.bus.listening(teamId) === MAX_CONNECTIONS,
        'every socket holds a subscription',
      );

      // Three times the cap more, at once: each is closed as soon as it is accepted, unanswered.
      const extra = await Promise.all(Array.from({ length: 3 * MAX_CONNECTIONS }, () => rawConnection()));
      for (const connection of extra) connection.socket.write('GET /health HTTP/1.1\r\nHost: facade\r\n\r\n');
      const closedWithin = await Promise.all(extra.map((connection) => connection.closed));
      expect(extra.map((connection) => connection.received())).toEqual(Array(extra.length).fill(''));
      expect(Math.max(...closedWithin)).toBeLessThan(5_000);
      // The server never held more than the cap: memory is bounded by MAX_CONNECTIONS_PER_ADDRESS.
      expect(await openConnections()).toBe(MAX_CONNECTIONS);

      expect(await healthFrom('127.0.0.2')).toBe('HTTP/1.1 200 OK');
      expect(await healthFrom('127.0.0.1')).toBe('refused');

      // One socket of the address goes: the address may open one again.
      await subscriptions[0]?.return?.();
      await sockets[0]?.dispose();
      await until(
        () => harness.facade.events.bus.listening(teamId) === MAX_CONNECTIONS - 1,
        'one socket left',
      );
      await expect.poll(() => openConnections()).toBe(MAX_CONNECTIONS - 1);
      expect(await healthFrom('127.0.0.1')).toBe('HTTP/1.1 200 OK');
      expect(
        harness.simulator.calls.filter((call) => call.path !== '/events' && call.path !== '/team'),
      ).toEqual([]);
    } finally {
      await Promise.all(subscriptions.map((subscription) => subscription.return?.()));
      await Promise.all(sockets.map((socket) => socket.dispose()));
      await Promise.all(pending);
    }
  });
});
