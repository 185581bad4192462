import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe } from 'vitest';

/**
 * A `redis-server` of a test's own, on a free loopback port, saving nothing to disk: for the suites that stop,
 * restart, flush, stall or write into Redis (never the machine's shared one), and for `npm run replicas`
 * without REDIS_URL. Without the binary, the suites are reported as not run, with the reason.
 */
export const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0;

/** `describe` for suites that start their own Redis: not run, visibly, without the redis-server binary. */
export function describeWithOwnRedis(name: string, suite: () => void): void {
  if (redisServerInstalled) describe(name, suite);
  else describe.skip(`${name} (not run: the redis-server binary is not installed)`, suite);
}

export interface OwnRedis {
  url: string;
  /** The server's process id. */
  pid: number | undefined;
  /** A client of the test's own (one attempt per command; it reconnects by itself after a restart). */
  client: Redis;
  /** FLUSHALL, then a stop and a start on the same port: a Redis that lost its data. */
  restart(): Promise<void>;
  /** Stops the server (SIGKILL) and disconnects the client. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function answering(url: string): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused until the server listens: retried below
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        if (attempt >= 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    probe.disconnect();
  }
}

/** `debug`: DEBUG enabled, for the tests that hold the whole server (DEBUG SLEEP). */
export async function startOwnRedis({ debug = false }: { debug?: boolean } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (debug) args.push('--enable-debug-command', 'yes');
  let server: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const kill = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  };
  try {
    await answering(url);
  } catch (error) {
    await kill();
    throw error;
  }
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined); // down during a restart: the client reconnects by itself
  return {
    url,
    get pid() {
      return server.pid;
    },
    client,
    async restart() {
      await client.flushall();
      await kill();
      server = spawn('redis-server', args, { stdio: 'ignore' });
      await answering(url);
    },
    async stop() {
      client.disconnect();
      await kill();
    },
  };
}
