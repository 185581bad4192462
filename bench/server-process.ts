import { readFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import restTransport from '@graphql-mesh/transport-rest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { createFacade } from '../src/yoga.js';
import { processStats, serveParent } from './ipc.js';

/**
 * One facade in its own process, so the load generator never steals its event loop.
 * Usage: server-process.ts ours <INBOX_API_URL> [COLLECTION_CACHE_TTL_MS]
 *        server-process.ts mesh <supergraph.graphql path>
 * Both log at `error` only, so neither pays for per-request log lines; everything else is as shipped.
 */
export interface ServerReady {
  url: string;
}

const [kind, arg1, arg2] = process.argv.slice(2);
/** The simulator of the benchmarks does not limit calls; neither does the facade then. */
const UNLIMITED_TEAM_CALLS = '100000000';

function handler(): RequestListener {
  if (kind === 'mesh' && arg1) {
    // Hive Gateway serving the composed supergraph; REST calls go through @graphql-mesh/transport-rest.
    return createGatewayRuntime({
      supergraph: readFileSync(arg1, 'utf8'),
      transports: { rest: restTransport },
      logging: 'error',
      graphiql: false,
    });
  }
  if (kind === 'ours' && arg1) {
    // Only the variables we choose (not the caller's environment): the rest is the shipped default, but for
    // the team budget, which the load (thousands of calls a minute, one team) would exhaust in a second.
    const config = loadConfig({
      INBOX_API_URL: arg1,
      COLLECTION_CACHE_TTL_MS: arg2,
      LOG_LEVEL: 'error',
      TEAM_CALLS_PER_MINUTE: UNLIMITED_TEAM_CALLS,
    });
    return createFacade({ config, logger: createLogger(config.LOG_LEVEL) }).yoga;
  }
  throw new Error(`usage: server-process.ts ours <url> [ttlMs] | mesh <supergraph path> (got ${kind})`);
}

const server = createServer(handler());
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveParent({ url: `http://127.0.0.1:${port}/graphql` } satisfies ServerReady, {
  stats: processStats,
});
