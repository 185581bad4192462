import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Facade } from './yoga.js';

export interface RunningServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  close(): Promise<void>;
}

/** Serves a facade over HTTP and WebSocket, and closes it cleanly (keep-alive sockets and WebSockets included). */
export async function listen(facade: Facade, port: number, host: string): Promise<RunningServer> {
  const server = createServer(facade.yoga);
  const websocket = facade.serveWebSocket(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: async () => {
      await websocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      facade.close();
    },
  };
}

/** Stops on SIGINT/SIGTERM after closing everything given. */
export function stopOnSignals(logger: Logger, ...closers: Array<() => Promise<void>>): void {
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await Promise.allSettled(closers.map((close) => close()));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
