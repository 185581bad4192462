import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { HttpDrain } from './edge/draining.js';
import type { Facade } from './yoga.js';

export interface RunningServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Closes at once (keep-alive sockets and WebSockets included). */
  close(): Promise<void>;
  /**
   * Graceful shutdown, within `timeoutMs`: readiness answers 503 (the port still answers), every
   * subscription ends with `SHUTTING_DOWN`, the pollers give their leases back, the operations in flight
   * finish (HTTP answers close their connection; WebSockets close with 1012 once idle), then the port closes.
   * What is still running at `timeoutMs` is cut off. Resolves with how it ended.
   */
  shutdown(timeoutMs: number): Promise<'drained' | 'cut off'>;
}

/** Serves a facade over HTTP and WebSocket, and closes it cleanly (keep-alive sockets and WebSockets included). */
export async function listen(facade: Facade, port: number, host: string): Promise<RunningServer> {
  const drain = new HttpDrain();
  const server = createServer(facade.serverOptions, (request, response) => {
    drain.track(request, response);
    facade.yoga(request, response);
  });
  facade.limitConnections(server);
  const websocket = facade.serveWebSocket(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const close = async () => {
    await websocket.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    facade.close();
  };
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close,
    shutdown: async (timeoutMs) => {
      drain.start();
      const drained = (async () => {
        // Sockets are draining before subscriptions end, so that each closes right after its last one.
        const socketsClosed = websocket.drain();
        await facade.shutdown();
        await socketsClosed;
        await drain.close(server);
      })();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        drained.then(() => 'drained' as const),
        new Promise<'cut off'>((resolve) => {
          timer = setTimeout(() => resolve('cut off'), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (outcome === 'cut off') await close();
      else facade.close();
      return outcome;
    },
  };
}

/**
 * On SIGINT/SIGTERM: `shutdown` (graceful, bounded by `timeoutMs`), then `closers`, then exit. Should anything
 * hang past the bound, the process exits anyway a second later. A second signal exits at once.
 */
export function stopOnSignals(
  logger: Logger,
  running: RunningServer,
  timeoutMs: number,
  ...closers: Array<() => Promise<void>>
): void {
  const stop = async (signal: string) => {
    const started = Date.now();
    logger.info({ signal, timeoutMs }, 'shutting down: finishing operations in flight');
    setTimeout(() => {
      logger.error({ ms: Date.now() - started }, 'shutdown did not finish in time: exiting');
      process.exit(1);
    }, timeoutMs + 1_000).unref();
    const outcome = await running.shutdown(timeoutMs);
    await Promise.allSettled(closers.map((close) => close()));
    logger.info({ outcome, ms: Date.now() - started }, 'stopped');
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
