import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Context as ConnectionContext, OperationResult } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Context } from './context.js';

/** A graphql-ws message carries one operation: far below this. Larger frames close the socket (1009). */
const MAX_MESSAGE_BYTES = 1_000_000;
/** A client that does not answer the close handshake is cut off after this, not ws's 30 s. */
const CLOSE_HANDSHAKE_MS = 1_000;
/** While draining, how often the sockets are looked at for operations still running. */
const DRAIN_CHECK_MS = 20;

export interface WebSocketService {
  /** Closes every socket (1001 Going away), which ends their subscriptions. */
  close(): Promise<void>;
  /**
   * Graceful shutdown: refuses new sockets (503), and closes each open one with 1012 "Service Restart" as
   * soon as no operation runs on it (its subscriptions end with `SHUTTING_DOWN`), so that graphql-ws clients
   * reconnect, to another replica. An operation sent on an idle socket meanwhile closes it at once: the
   * client sends it again on its new socket. Resolves when every socket is closed.
   */
  drain(): Promise<void>;
}

export interface WebSocketOptions {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  /** CORS_ORIGINS: browsers on other origins may not open a socket either (`*`: any). */
  origins: string[];
}

/**
 * GraphQL over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on the GraphQL endpoint of the
 * HTTP server, for Apollo's GraphQLWsLink, urql's subscriptionExchange and graphql-ws clients. Every
 * operation runs through the same Yoga plugins as over HTTP (limits, masking, cost), with a context built
 * from the token of the connection: `connectionParams.authorization` (or `Authorization`), else the
 * `Authorization` header of the upgrade request. The upgrade never reaches Yoga, so its CSRF prevention
 * (meant for requests a browser sends with cookies) does not apply: the token is never a cookie, and a
 * browser cannot set headers on a WebSocket, so it must send it in `connectionParams`.
 */
export function serveGraphQLOverWebSocket(
  server: Server,
  { yoga, origins }: WebSocketOptions,
): WebSocketService {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  /** Each initialised socket's graphql-ws context, whose `subscriptions` hold every operation running on it. */
  const connections = new WeakMap<WebSocket, ConnectionContext>();
  let draining = false;
  /** Operations running on the socket, other than `except`. */
  const running = (connection: ConnectionContext, except?: string) =>
    Object.keys(connection.subscriptions).filter((id) => id !== except).length;
  const restart = (socket: WebSocket) => {
    if (socket.readyState === socket.OPEN) socket.close(1012, 'Service Restart');
  };
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== yoga.graphqlEndpoint) return refuse(socket, 404, 'Not Found');
    if (draining) return refuse(socket, 503, 'Service Unavailable');
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.includes('*') && !origins.includes(origin)) {
      return refuse(socket, 403, 'Forbidden');
    }
    sockets.handleUpgrade(request, socket, head, (websocket) =>
      sockets.emit('connection', websocket, request),
    );
  };
  server.on('upgrade', onUpgrade);

  const graphqlWs = useServer(
    {
      // Never put an internal error's message in a close reason.
      isProd: true,
      onConnect: (connection) => {
        connections.set(connection.extra.socket, connection);
      },
      onComplete: (connection, id) => {
        // The last operation of a draining socket is done: close it right after its Complete message (sent
        // next), before the client sends another operation on it.
        if (draining && running(connection, id) === 0) setImmediate(() => restart(connection.extra.socket));
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (connection, id, payload) => {
        if (draining && running(connection, id) === 0) {
          // Not run here: the closed socket makes the client send it again on a new one, to another replica.
          restart(connection.extra.socket);
          return [
            new GraphQLError('This server is shutting down.', { extensions: { code: 'SHUTTING_DOWN' } }),
          ];
        }
        const params = {
          query: payload.query,
          variables: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          extensions: payload.extensions ?? undefined,
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          request: requestOf(connection.extra, connection.connectionParams),
          params,
        });
        // A refused document is this operation's error, never the socket's: graphql-armor's limits throw.
        let document: ReturnType<typeof parse>;
        try {
          document = parse(params.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.')];
        }
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedRoot,
        };
        return args;
      },
    },
    sockets,
  );

  return {
    close: async () => {
      server.off('upgrade', onUpgrade);
      const disposed = graphqlWs.dispose();
      const cutOff = setTimeout(() => {
        for (const client of sockets.clients) client.terminate();
      }, CLOSE_HANDSHAKE_MS);
      await disposed;
      clearTimeout(cutOff);
    },
    drain: async () => {
      draining = true;
      const closing = new Map<WebSocket, number>();
      while (sockets.clients.size > 0) {
        const now = Date.now();
        for (const client of sockets.clients) {
          const since = closing.get(client);
          if (since !== undefined) {
            if (now - since > CLOSE_HANDSHAKE_MS) client.terminate();
            continue;
          }
          const connection = connections.get(client);
          if (!connection || running(connection) === 0) {
            restart(client);
            closing.set(client, now);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
      }
    },
  };
}

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

/**
 * The request an operation's context is built from, as over HTTP: the token of the connection, and the
 * upgrade request's `x-request-id`. A token in `connectionParams` wins over the upgrade header; one that is
 * not a string is sent on as an invalid one, so the operation is refused like a malformed header.
 */
function requestOf(extra: Extra, connectionParams: Record<string, unknown> | undefined): Request {
  const headers = new Headers();
  const requestId = extra.request.headers['x-request-id'];
  if (typeof requestId === 'string') headers.set('x-request-id', requestId);
  const fromParams = connectionParams?.authorization ?? connectionParams?.Authorization;
  const authorization =
    fromParams === undefined
      ? extra.request.headers.authorization
      : typeof fromParams === 'string'
        ? fromParams
        : '-';
  if (authorization !== undefined) headers.set('authorization', authorization);
  // POST: an operation sent on a socket may be a mutation (Yoga refuses mutations in GET requests).
  return new Request(`http://localhost${extra.request.url ?? '/'}`, { method: 'POST', headers });
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
