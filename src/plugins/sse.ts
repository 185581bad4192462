import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

export const SINGLE_CONNECTION_REFUSAL =
  'graphql-sse’s single-connection mode is not served (its reservation PUT): create the client with ' +
  '`singleConnection: false`, the default "distinct connections" mode, which /graphql serves, or use ' +
  'graphql-ws over WebSocket on /graphql to share one connection between operations.';

/**
 * GraphQL over SSE is served in graphql-sse's "distinct connections" mode (one request per operation), which
 * Yoga handles itself. The "single connection" mode starts with `PUT /graphql` to reserve a stream kept in
 * the server's memory, which several replicas would not share: it is refused with a message saying what to
 * do instead (before CSRF prevention, which would refuse it with a misleading one).
 */
export const useRefuseSingleConnectionSSE = (graphqlEndpoint: string): Plugin => ({
  onRequest({ request, url, endResponse, fetchAPI }) {
    if (request.method !== 'PUT' || url.pathname !== graphqlEndpoint) return;
    endResponse(
      fetchAPI.Response.json(
        {
          errors: [
            { message: SINGLE_CONNECTION_REFUSAL, extensions: { code: ErrorCode.METHOD_NOT_ALLOWED } },
          ],
        },
        { status: 405, headers: { allow: 'GET, POST' } },
      ),
    );
  },
});
