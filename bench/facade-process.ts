import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createFacade } from '../src/yoga.js';
import { processStats, serveParent } from './ipc.js';
import type { ServerReady } from './server-process.js';

/**
 * Our facade alone in its process, as an operator runs it: the shipped defaults, only the upstream set
 * (its log lines, one per operation at the default level, go to stdout, which the bench discards).
 * It imports nothing of Mesh, so its memory is its own. Usage: facade-process.ts <INBOX_API_URL>
 */
const config = loadConfig({ INBOX_API_URL: process.argv[2] });
const facade = createFacade({ config, logger: pino({ level: config.LOG_LEVEL }) });
const server = createServer(facade.yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveParent({ url: `http://127.0.0.1:${port}/graphql` } satisfies ServerReady, { stats: processStats });
