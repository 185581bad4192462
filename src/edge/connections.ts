import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey } from './client-address.js';

export interface ConnectionLimits {
  /** HEADERS_TIMEOUT_MS */
  headersTimeoutMs: number;
  /** REQUEST_TIMEOUT_MS */
  requestTimeoutMs: number;
  /** MAX_CONNECTIONS_PER_ADDRESS; 0: no cap. */
  maxConnectionsPerAddress: number;
  /** TRUST_PROXY: behind proxies, sockets come from the proxies, not from clients. */
  trustedProxies: number;
}

/**
 * Node's own bounds on receiving a request, in seconds rather than its defaults (60 s for the headers, 300 s
 * for the whole request, looked at every 30 s: a body sent a byte every 5 s was held 306 s). They bound
 * receiving the request only: once it is in, the answer (an SSE stream) and an upgraded WebSocket last as long
 * as they need. Node answers a late request 408 and closes its connection.
 */
export function serverOptions({ headersTimeoutMs, requestTimeoutMs }: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // How often Node looks for late requests: a late one is cut at most this long after its deadline.
    connectionsCheckingInterval: Math.min(1_000, Math.floor(headersTimeoutMs / 2)),
  };
}

/**
 * MAX_CONNECTIONS_PER_ADDRESS: a connection past the cap of its socket's address (an IPv6 /64) is destroyed as
 * it is accepted, before any byte of it is read, so that one address cannot hold every socket and every
 * request buffer. WebSockets are connections too. Behind trusted proxies (TRUST_PROXY > 0) sockets come from
 * the proxies, so the cap is not applied: the proxies bound their clients' connections.
 */
export function limitConnectionsPerAddress(server: Server, limits: ConnectionLimits): void {
  const max = limits.maxConnectionsPerAddress;
  if (max === 0 || limits.trustedProxies > 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress);
    const count = (open.get(key) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(key, count);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left === 0) open.delete(key);
      else open.set(key, left);
    });
  });
}
