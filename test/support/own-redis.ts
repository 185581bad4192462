import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe } from 'vitest';

/**
 * A redis-server of a test's own, on a free loopback port, saving nothing to disk: for the suites that must
 * restart, flush or write into Redis (never the machine's shared one). Without the `redis-server` binary
 * they are reported as not run, with the reason.
 */
export const REDIS_SERVER_INSTALLED = spawnSync('redis-server', ['--version']).status === 0;

export function describeWithOwnRedis(name: string, suite: () => void): void {
  if (REDIS_SERVER_INSTALLED) describe(name, suite);
  else describe.skip(`${name} (not run: the redis-server binary is not installed)`, suite);
}

export interface OwnRedis {
  url: string;
  /** A client of the test's (at default settings but one attempt per command). */
  client: Redis;
  /** FLUSHALL, then a stop and a start on the same port: a Redis that lost its data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function launch(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
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

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server = launch(port);
  await answering(url);
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined); // down during a restart: the client reconnects by itself
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    client,
    async restart() {
      await client.flushall();
      await stop();
      server = launch(port);
      await answering(url);
    },
    async close() {
      client.disconnect();
      await stop();
    },
  };
}
