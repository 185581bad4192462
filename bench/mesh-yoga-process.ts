import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadGraphQLSchemaFromOpenAPI } from '@omnigraph/openapi';
import { createYoga } from 'graphql-yoga';
import { processStats, serveParent } from './ipc.js';
import type { ServerReady } from './server-process.js';

/**
 * The lightest Mesh a user could deploy: the executable schema @omnigraph/openapi generates from the
 * spec, served by graphql-yoga with its defaults (no gateway, no supergraph). Each request forwards the
 * caller's Authorization header to every REST call it makes.
 * Usage: mesh-yoga-process.ts <openapi spec path> <INBOX_API_URL>
 */
const [source, endpoint] = process.argv.slice(2);
if (!source || !endpoint) throw new Error('usage: mesh-yoga-process.ts <spec path> <endpoint>');

const schema = await loadGraphQLSchemaFromOpenAPI('Inbox', {
  source,
  endpoint,
  operationHeaders: { Authorization: '{context.headers.authorization}' },
});
const yoga = createYoga({
  schema,
  // The interpolation above reads plain headers from the context, as Mesh's own servers provide them.
  context: ({ request }) => ({ headers: { authorization: request.headers.get('authorization') } }),
});
const server = createServer(yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveParent({ url: `http://127.0.0.1:${port}/graphql` } satisfies ServerReady, { stats: processStats });
