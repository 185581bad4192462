import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay on a loopback port in front of a server (here: the machine's Redis), that a test can cut and
 * restore: the outage of a dependency for one process alone, seen by it exactly as a real one (connections
 * reset, new ones refused), while every other process keeps using the server itself.
 */
export interface CuttableProxy {
  /** The relay's address as a URL with the target's scheme, e.g. `redis://127.0.0.1:40123`. */
  url: string;
  /** Resets every relayed connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts and relays again, on the same port. */
  restore(): Promise<void>;
  /** Holds every byte this long before relaying it, in order (0: at once): a slow dependency. */
  delay(ms: number): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetUrl: string): Promise<CuttableProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    relay(client, upstream);
    relay(upstream, client);
  });
  let delayMs = 0;
  /** Relays `from` to `to`, each chunk held `delayMs` and never ahead of the one before it. */
  const relay = (from: Socket, to: Socket) => {
    let lastAt = 0;
    from.on('data', (chunk) => {
      const at = Math.max(Date.now() + delayMs, lastAt);
      lastAt = at;
      const write = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (at <= Date.now()) write();
      else setTimeout(write, at - Date.now());
    });
    from.once('end', () => setTimeout(() => to.end(), Math.max(0, lastAt - Date.now())));
  };
  const listenOn = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listenOn(0);
  const port = (server.address() as AddressInfo).port;
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    cut,
    restore: () => listenOn(port),
    delay: (ms) => {
      delayMs = ms;
    },
    close: async () => {
      if (server.listening) await cut();
    },
  };
}
