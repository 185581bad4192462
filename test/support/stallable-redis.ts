import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe } from 'vitest';

/**
 * A redis-server of a test's own with DEBUG enabled, for the tests that stall or cut Redis (never the machine's shared
 * one): its own free port, nothing saved to disk, DEBUG enabled (DEBUG SLEEP holds the whole server).
 */
export const HAS_REDIS_SERVER = spawnSync('redis-server', ['--version']).status === 0;

/** `describe` for suites that start their own Redis: not run, visibly, without the redis-server binary. */
export function describeWithOwnRedis(name: string, suite: () => void): void {
  if (HAS_REDIS_SERVER) describe(name, suite);
  else describe.skip(`${name} (not run: the redis-server binary is not installed)`, suite);
}

export interface OwnRedis {
  url: string;
  /** A client of the test's own (for DEBUG SLEEP, or reading what the replicas wrote). */
  client: Redis;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const server: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--enable-debug-command',
      'yes',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined); // refused until the server listens: the loop below retries
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      if (attempt >= 100) {
        server.kill('SIGKILL');
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    client,
    async stop() {
      client.disconnect();
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      await exited;
    },
  };
}
