import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs } from 'graphql';
import { GraphQLError } from 'graphql';
import type { Context as ConnectionContext, OperationResult } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import { ErrorCode, MissingTokenError } from '../errors.js';
import type { Context } from '../graphql/context-type.js';
import { bearerToken } from '../identity/bearer.js';
import type { AddressRateLimiter } from './address-rate-limit.js';
import { addressKey, clientAddress } from './client-address.js';
import { variablesRefusal } from './input-size.js';
import { rateLimitedResponse, unauthenticatedRateLimited } from './unauthenticated-limit.js';

/** The socket of a client over UNAUTHENTICATED_REQUESTS_PER_MINUTE is closed with this (fatal to graphql-ws clients). */
const RATE_LIMITED_CLOSE = { code: 4429, reason: 'Too many requests without a valid token' } as const;
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
  /** MAX_BODY_BYTES: a message carries what a request body would; larger ones close the socket (1009). */
  maxMessageBytes: number;
  /** UNAUTHENTICATED_REQUESTS_PER_MINUTE, shared with HTTP: the same client address has one bucket. */
  unauthenticated: AddressRateLimiter;
  /** TRUST_PROXY: how the client address is read. */
  trustedProxies: number;
}

/**
 * GraphQL over WebSocket (the graphql-ws protocol, `graphql-transport-ws`) on the GraphQL endpoint of the
 * HTTP server, for Apollo's GraphQLWsLink, urql's subscriptionExchange and graphql-ws clients. Every
 * operation runs through the same Yoga plugins as over HTTP (limits, masking, cost), with a context built
 * from the token of the connection: `connectionParams.authorization` (or `Authorization`), else the
 * `Authorization` header of the upgrade request. The upgrade never reaches Yoga, so its CSRF prevention
 * (meant for requests a browser sends with cookies) does not apply: the token is never a cookie, and a
 * browser cannot set headers on a WebSocket, so it must send it in `connectionParams`.
 *
 * The limits of HTTP apply to every message: MAX_BODY_BYTES (ws's `maxPayload`), the shape of the variables,
 * and the document limits (Yoga's parse and validate, run below). The token is looked at first: an operation
 * without a well-formed one is refused UNAUTHENTICATED before its document is parsed, and counts, like a socket
 * that never sends one, toward its address's UNAUTHENTICATED_REQUESTS_PER_MINUTE.
 */
export function serveGraphQLOverWebSocket(
  server: Server,
  { yoga, origins, maxMessageBytes, unauthenticated, trustedProxies }: WebSocketOptions,
): WebSocketService {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  const addressOf = (request: IncomingMessage) => addressKey(clientAddress(request, trustedProxies));
  /** Upgrades that came without a well-formed token, and took one from their address's bucket for it. */
  const charged = new WeakSet<IncomingMessage>();
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
    // A socket may still authenticate in `connection_init`: its token is given back then.
    if (bearerToken(headerOf(request.headers.authorization)) === null) {
      const retryAfter = unauthenticated.take(addressOf(request));
      if (retryAfter > 0) return refuseRateLimited(socket, retryAfter);
      charged.add(request);
    }
    sockets.handleUpgrade(request, socket, head, (websocket) => {
      sockets.emit('connection', websocket, request);
      // A socket's 'error' is always the client's protocol error (a message over MAX_BODY_BYTES, a bad frame),
      // for which ws has already closed it (1009, 1002...). graphql-ws's own listener writes each one to the
      // console with its stack trace: a client could flood the logs with them.
      websocket.removeAllListeners('error');
      websocket.on('error', (error) =>
        yoga.logger.debug(`WebSocket closed on a client error: ${error.message}`),
      );
    });
  };
  server.on('upgrade', onUpgrade);

  const graphqlWs = useServer(
    {
      // Never put an internal error's message in a close reason.
      isProd: true,
      onConnect: (connection) => {
        connections.set(connection.extra.socket, connection);
        const { request } = connection.extra;
        if (charged.has(request) && tokenOf(connection.extra, connection.connectionParams) !== null) {
          charged.delete(request);
          unauthenticated.giveBack(addressOf(request));
        }
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
            new GraphQLError('This server is shutting down.', {
              extensions: { code: ErrorCode.SHUTTING_DOWN },
            }),
          ];
        }
        const request = requestOf(connection.extra, connection.connectionParams);
        if (bearerToken(request.headers.get('authorization')) === null) {
          const retryAfter = unauthenticated.take(addressOf(connection.extra.request));
          if (retryAfter === 0) return [missingToken()];
          // Closed: its further messages would each be read and refused again.
          setImmediate(() =>
            connection.extra.socket.close(RATE_LIMITED_CLOSE.code, RATE_LIMITED_CLOSE.reason),
          );
          return [unauthenticatedRateLimited(retryAfter)];
        }
        const oversized = variablesRefusal(payload.variables);
        if (oversized) return [oversized];
        const params = {
          query: payload.query,
          variables: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          extensions: payload.extensions ?? undefined,
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          request,
          params,
        });
        // A refused document is this operation's error, never the socket's: graphql-armor's limits throw.
        let document: ReturnType<typeof parse>;
        try {
          document = parse(params.query);
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
        } catch (error) {
          return [
            error instanceof GraphQLError
              ? error
              : new GraphQLError('Unexpected error.', {
                  extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, unexpected: true },
                }),
          ];
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
  const authorization = authorizationOf(extra, connectionParams);
  if (authorization !== undefined) headers.set('authorization', authorization);
  // POST: an operation sent on a socket may be a mutation (Yoga refuses mutations in GET requests).
  return new Request(`http://localhost${extra.request.url ?? '/'}`, { method: 'POST', headers });
}

function authorizationOf(
  extra: Extra,
  connectionParams: Record<string, unknown> | undefined,
): string | undefined {
  const fromParams = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (fromParams === undefined) return extra.request.headers.authorization;
  // Anything but printable ASCII is no Bearer token, and would make `Headers` throw (a line break, say).
  return typeof fromParams === 'string' && /^[\x20-\x7e]*$/.test(fromParams) ? fromParams : '-';
}

const tokenOf = (extra: Extra, connectionParams: Record<string, unknown> | undefined) =>
  bearerToken(headerOf(authorizationOf(extra, connectionParams)));

const headerOf = (value: string | undefined): string | null => value ?? null;

/** What HTTP answers an operation without a token; here before its document is even parsed. */
const missingToken = () =>
  new GraphQLError(new MissingTokenError().message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED },
  });

function refuse(socket: Duplex, status: number, reason: string, headers = '', body = ''): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n${headers}Connection: close\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function refuseRateLimited(socket: Duplex, retryAfter: number): void {
  const { status, headers, body } = rateLimitedResponse(retryAfter);
  const lines = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  refuse(socket, status, 'Too Many Requests', lines, body);
}
