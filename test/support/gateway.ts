import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { createGatewayRuntime, type GatewayConfigSupergraph } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { parse } from 'graphql';
import type { GraphQLResponse } from './harness.js';
import { REVIEWS_SDL } from './reviews-subgraph.js';

/** The subgraph name of the facade in every supergraph of the tests (as a user would name it). */
export const INBOX_SUBGRAPH = 'inbox';

/** Composes the facade's subgraph SDL with the reviews subgraph, as CI (rover / hive CLI) would. */
export function composeWithReviews(options: { inboxSdl: string; inboxUrl: string; reviewsUrl: string }) {
  return composeServices([
    { name: INBOX_SUBGRAPH, typeDefs: parse(options.inboxSdl), url: options.inboxUrl },
    { name: 'reviews', typeDefs: parse(REVIEWS_SDL), url: options.reviewsUrl },
  ]);
}

export interface RunningGateway {
  url: string;
  /** POSTs an operation to the gateway over real HTTP; `token` becomes `Authorization: Bearer …`. */
  graphql<TData = Record<string, unknown>>(
    query: string,
    options?: { token?: string | null; variables?: Record<string, unknown> },
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

/**
 * Hive Gateway (the runtime of `hive-gateway`) serving a composed supergraph over HTTP. Without the
 * HTTP transport every subgraph field fails with "Unexpected error.".
 */
export async function startGateway(
  supergraph: string,
  options: Pick<GatewayConfigSupergraph, 'propagateHeaders' | 'subgraphErrors' | 'plugins'> = {},
): Promise<RunningGateway> {
  const gateway = createGatewayRuntime({
    supergraph,
    transports: { http: httpTransport },
    logging: false,
    ...options,
  });
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    async graphql(query, { token = null, variables } = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      return response.json();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.dispose();
    },
  };
}
