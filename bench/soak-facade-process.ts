import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createFacade } from '../src/yoga.js';
import { processStats, serveParent } from './ipc.js';

/**
 * The facade for the soak (bench/soak.ts), alone in its process so that its RSS is its own: the shipped
 * defaults, plus whatever FACADE_* variables the soak passes (without the prefix), against
 * <INBOX_API_URL>. Usage: soak-facade-process.ts <INBOX_API_URL>
 */
const overrides = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('FACADE_'))
    .map(([name, value]) => [name.slice('FACADE_'.length), value]),
);
const config = loadConfig({ LOG_LEVEL: 'warn', ...overrides, INBOX_API_URL: process.argv[2] });
const facade = createFacade({ config, logger: pino({ level: config.LOG_LEVEL }) });
const server = createServer(facade.yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveParent(
  { url: `http://127.0.0.1:${port}` },
  {
    stats: processStats,
    /** The live heap: what a full collection leaves (the process runs with --expose-gc), in bytes. */
    liveHeap: () => {
      (globalThis as { gc?: () => void }).gc?.();
      const { heapUsed, external } = process.memoryUsage();
      return heapUsed + external;
    },
  },
);
