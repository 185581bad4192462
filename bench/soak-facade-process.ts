import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { listen } from '../src/server.js';
import { createFacade } from '../src/yoga.js';
import { processStats, serveParent } from './ipc.js';

/**
 * The facade for the soak (bench/soak.ts) and the stalls section (bench/stalls.ts), alone in its process so that its RSS is its own: the shipped
 * defaults, plus whatever FACADE_* variables the soak passes (without the prefix), against
 * <INBOX_API_URL>, served as `npm start` serves it (HTTP and WebSocket, with the connection limits).
 * Usage: soak-facade-process.ts <INBOX_API_URL>
 */
const overrides = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('FACADE_'))
    .map(([name, value]) => [name.slice('FACADE_'.length), value]),
);
const config = loadConfig({ LOG_LEVEL: 'warn', ...overrides, INBOX_API_URL: process.argv[2] });
const facade = createFacade({ config, logger: pino({ level: config.LOG_LEVEL }) });
const { url } = await listen(facade, 0, '127.0.0.1');

serveParent(
  { url },
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
