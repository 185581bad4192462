import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DocumentNode, GraphQLError } from 'graphql';
import {
  createHandler,
  type ExecutionPatchResult,
  type ExecutionResult,
  type Handler,
  type OperationArgs,
  type OperationResult,
  type RequestParams,
  type Request as SseRequest,
  type Response as SseResponse,
  TOKEN_HEADER_KEY,
  TOKEN_QUERY_KEY,
} from 'graphql-sse';
import type { Plugin, YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors.js';
import type { Context } from '../graphql/context-type.js';
import { TokenKeys } from '../identity/token-key.js';
import { variablesRefusal } from './input-size.js';

/**
 * Bounds of graphql-sse's single-connection mode, whose reservations live in this process's memory. A client
 * needs one stream (one per browser tab); a reservation it does not open at once is dropped.
 */
export const SINGLE_CONNECTION_LIMITS = {
  /** Streams, reserved or open, per token (per client address for requests without a token). */
  streamsPerCaller: 10,
  /** Reservations not opened yet, per client address. */
  unopenedPerAddress: 20,
  /** Reservations not opened yet, on this replica. */
  unopenedTotal: 1_000,
  /** A reservation whose stream is not opened within this is dropped, with the operations sent to it. */
  unopenedTtlMs: 10_000,
  /** Operations sent on one stream and not completed yet (subscriptions included). */
  operationsPerStream: 100,
  /** Results waiting for a client that does not read its stream; past it, its operations wait for it. */
  undeliveredPerStream: 100,
};

export type SingleConnectionLimits = typeof SINGLE_CONNECTION_LIMITS;

export type Enveloped = ReturnType<YogaServerInstance<Record<string, never>, Context>['getEnveloped']>;
type OperationContext = Record<PropertyKey, unknown>;

export interface SingleConnectionOptions {
  graphqlEndpoint: string;
  /** MAX_BODY_BYTES: an operation's body is refused beyond it, before it is read. */
  maxBodyBytes: number;
  /** Yoga's envelop (`yoga.getEnveloped`): the same plugins, context, limits and masking as over HTTP. */
  getEnveloped: (initial: { request: Request; params: Record<string, unknown> }) => Enveloped;
  limits?: Partial<SingleConnectionLimits>;
  logger: Logger;
}

interface Reservation {
  readonly token: string;
  /** HMAC of the `Authorization` header that reserved it ('' for none): later requests must carry the same. */
  readonly credential: string;
  /** What `streamsPerCaller` counts it under. */
  readonly caller: string;
  readonly address: string;
  state: 'reserved' | 'open' | 'ended';
  expiry: NodeJS.Timeout | undefined;
  /** graphql-sse's stream, once the client opened it. */
  events: AsyncGenerator<string, void, undefined> | undefined;
  /** Results handed to graphql-sse, and messages the connection took: the gap is what waits in memory. */
  produced: number;
  delivered: number;
  readonly waiting: Array<() => void>;
  /** Operations started and not completed: a draining stream ends once none runs. */
  running: number;
}

/** While draining, how often open streams are looked at for operations still running. */
const DRAIN_CHECK_MS = 20;

/**
 * graphql-sse's "single connection" mode on the GraphQL endpoint, served by graphql-sse's own handler: the
 * client reserves a stream (`PUT`), opens it (`GET` with `Accept: text/event-stream`), then sends each
 * operation (`POST`, answered 202, its results arriving on the stream) and stops one (`DELETE`); every one of
 * these carries the reservation's token (`X-GraphQL-Event-Stream-Token`). Requests without it are left to
 * Yoga, which serves the "distinct connections" mode and plain GraphQL over HTTP.
 *
 * Each operation runs through Yoga's envelop, as over WebSocket (src/edge/graphql-ws.ts): the same plugins
 * (document limits, the upstream-call and team budgets, masking, the operation log, metrics) and the context
 * of its own request's `Authorization` header; its body and variables are bounded as over HTTP. A refused
 * operation is a coded error on the stream, never a refused POST (which the client would retry for 37 s).
 *
 * graphql-sse keeps its reservations in memory with no bound: they are counted here (per token, per address,
 * unopened ones expire), each is bound to the `Authorization` header that made it, and a client that stops
 * reading holds back its own operations rather than the server's memory. Several replicas do not share a
 * reservation: behind a load balancer, this mode needs sticky sessions.
 */
export class SingleConnectionStreams {
  readonly plugin: Plugin;
  private readonly limits: SingleConnectionLimits;
  private readonly handler: Handler<Request, undefined>;
  private readonly reservations = new Map<string, Reservation>();
  private readonly streamsOfCaller = new Map<string, number>();
  private readonly unopenedOfAddress = new Map<string, number>();
  private unopened = 0;
  private draining = false;
  /** Keys the `Authorization` headers of reservations (a key of this process's): never kept in clear. */
  private readonly credentials = new TokenKeys(randomBytes(32));
  /** The envelop each operation was prepared with, by its context. */
  private readonly operations = new WeakMap<object, Enveloped>();
  /** The requests of the operations counted in `running`. */
  private readonly counted = new WeakSet<object>();

  constructor(private readonly options: SingleConnectionOptions) {
    this.limits = { ...SINGLE_CONNECTION_LIMITS, ...options.limits };
    this.handler = createHandler<Request, undefined, OperationContext>({
      // A reservation's token is a random UUID; a client never chooses its own.
      authenticate: (req) =>
        req.method === 'PUT'
          ? randomUUID()
          : (req.headers.get(TOKEN_HEADER_KEY) ?? new URL(req.url).searchParams.get(TOKEN_QUERY_KEY)),
      onSubscribe: (req, params) => this.prepare(req.raw, params),
      // onSubscribe already validated the document with Yoga's rules (graphql-armor's limits included).
      validate: () => [],
      execute: (args) => this.envelopOf(args.contextValue).execute(args) as OperationResult,
      subscribe: (args) => this.envelopOf(args.contextValue).subscribe(args) as OperationResult,
      onComplete: (_context, req) => {
        const reservation = this.reservationOf(req);
        if (reservation && this.counted.delete(req)) reservation.running -= 1;
      },
      // Holds an operation's next result while its client has not taken the earlier ones: a subscription
      // then waits, and its own queue drops its oldest events (src/live/live-events.ts).
      onNext: async (_context, req, result) => {
        const reservation = this.reservationOf(req);
        if (reservation) {
          while (
            reservation.state !== 'ended' &&
            reservation.produced - reservation.delivered >= this.limits.undeliveredPerStream
          ) {
            await new Promise<void>((resolve) => reservation.waiting.push(resolve));
          }
          reservation.produced += 1;
        }
        return withoutInternals(result);
      },
    });

    this.plugin = {
      onRequest: async ({ request, url, endResponse, fetchAPI, serverContext }) => {
        if (url.pathname !== options.graphqlEndpoint) return;
        const token = request.headers.get(TOKEN_HEADER_KEY) ?? url.searchParams.get(TOKEN_QUERY_KEY);
        if (request.method !== 'PUT' && request.method !== 'DELETE' && token === null) return;
        try {
          endResponse(
            request.method === 'PUT'
              ? await this.reserve(request, addressOf(serverContext), fetchAPI)
              : await this.serve(request, token, fetchAPI),
          );
        } catch (err) {
          options.logger.error({ err }, 'graphql-sse single-connection request failed');
          endResponse(
            fetchAPI.Response.json({ errors: [{ message: 'Unexpected error.' }] }, { status: 500 }),
          );
        }
      },
    };
  }

  /** Streams reserved or open on this replica. */
  get size(): number {
    return this.reservations.size;
  }

  /**
   * Graceful shutdown: new reservations are refused, unopened ones dropped, and each open stream ends once no
   * operation runs on it (its subscriptions ended with `SHUTTING_DOWN`), after what it holds is sent.
   */
  async shutdown(): Promise<void> {
    this.draining = true;
    await Promise.all(
      [...this.reservations.values()].map(async (reservation) => {
        if (reservation.state === 'reserved') return this.expire(reservation);
        while (reservation.state === 'open' && reservation.running > 0) {
          await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
        }
        await reservation.events?.return(undefined);
      }),
    );
  }

  /** Ends every stream at once, and drops every reservation. */
  close(): void {
    this.draining = true;
    for (const reservation of this.reservations.values()) {
      if (reservation.state === 'reserved') void this.expire(reservation);
      else void reservation.events?.return(undefined);
    }
  }

  private async reserve(request: Request, address: string, fetchAPI: FetchAPI): Promise<Response> {
    if (this.draining) {
      return refusal(
        fetchAPI,
        503,
        ErrorCode.SHUTTING_DOWN,
        'This server is shutting down: reserve a stream again.',
      );
    }
    const credential = this.credentialOf(request);
    const caller = credential === '' ? `address ${address}` : `token ${credential}`;
    if ((this.streamsOfCaller.get(caller) ?? 0) >= this.limits.streamsPerCaller) {
      return refusal(
        fetchAPI,
        429,
        ErrorCode.TOO_MANY_STREAMS,
        `At most ${this.limits.streamsPerCaller} single-connection streams per token: close one first.`,
      );
    }
    if (
      (this.unopenedOfAddress.get(address) ?? 0) >= this.limits.unopenedPerAddress ||
      this.unopened >= this.limits.unopenedTotal
    ) {
      return refusal(
        fetchAPI,
        429,
        ErrorCode.TOO_MANY_STREAMS,
        'Too many streams reserved and not opened yet.',
      );
    }
    const [body, init] = await this.handler(sseRequest(request));
    if (init.status === 201 && typeof body === 'string') {
      const reservation: Reservation = {
        token: body,
        credential,
        caller,
        address,
        state: 'reserved',
        expiry: undefined,
        events: undefined,
        produced: 0,
        delivered: 0,
        waiting: [],
        running: 0,
      };
      reservation.expiry = setTimeout(() => void this.expire(reservation), this.limits.unopenedTtlMs);
      reservation.expiry.unref();
      this.reservations.set(body, reservation);
      increment(this.streamsOfCaller, caller, 1);
      increment(this.unopenedOfAddress, address, 1);
      this.unopened += 1;
    }
    return response(fetchAPI, [body, init]);
  }

  private async serve(request: Request, token: string | null, fetchAPI: FetchAPI): Promise<Response> {
    const reservation = token === null ? undefined : this.reservations.get(token);
    if (!reservation || reservation.credential !== this.credentialOf(request)) {
      return refusal(fetchAPI, 404, ErrorCode.NOT_FOUND, 'Stream not found: reserve one with PUT first.');
    }
    const operation =
      request.method === 'POST' ||
      (request.method === 'GET' && request.headers.get('accept') !== 'text/event-stream');
    if (request.method === 'POST') {
      // Node's parser reads exactly Content-Length bytes: with it checked, reading the body is bounded.
      const declared = request.headers.get('content-length');
      if (declared === null || !/^\d+$/.test(declared)) {
        return refusal(fetchAPI, 411, ErrorCode.BAD_REQUEST, 'An operation needs a valid Content-Length.');
      }
      if (Number(declared) > this.options.maxBodyBytes) {
        return refusal(fetchAPI, 413, ErrorCode.REQUEST_ENTITY_TOO_LARGE, 'Request body too large');
      }
    }
    if (operation && reservation.running >= this.limits.operationsPerStream) {
      return refusal(
        fetchAPI,
        429,
        ErrorCode.TOO_MANY_OPERATIONS,
        `At most ${this.limits.operationsPerStream} operations run on one stream: read its results, or stop some.`,
      );
    }
    const req = sseRequest(request);
    if (operation) {
      reservation.running += 1;
      this.counted.add(req);
    }
    let answer: SseResponse | undefined;
    try {
      answer = await this.handler(req);
    } finally {
      // 202: the operation runs, and completes on the stream; any other answer means it never started.
      if (operation && answer?.[1].status !== 202 && this.counted.delete(req)) reservation.running -= 1;
    }
    const [body, init] = answer;
    if (body === null || typeof body === 'string') return response(fetchAPI, [body, init]);
    return this.open(reservation, body, init, request, fetchAPI);
  }

  /** The client's stream: counts what it takes, and frees the reservation when it ends either way. */
  private open(
    reservation: Reservation,
    events: AsyncGenerator<string, void, undefined>,
    init: SseResponse[1],
    request: Request,
    fetchAPI: FetchAPI,
  ): Response {
    this.settle(reservation, 'open');
    reservation.events = events;
    const encoder = new TextEncoder();
    const stream = new fetchAPI.ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const { done, value } = await events.next();
          if (value) {
            controller.enqueue(encoder.encode(value));
            // Results only, as `produced` counts them (not keep-alives nor completions).
            if (value.startsWith('event: next')) {
              reservation.delivered += 1;
              wake(reservation);
            }
          }
          if (done) {
            controller.close();
            this.settle(reservation, 'ended');
          }
        } catch {
          controller.error(new Error('The stream failed.'));
          this.settle(reservation, 'ended');
        }
      },
      cancel: async () => {
        this.settle(reservation, 'ended');
        await events.return(undefined);
      },
    });
    request.signal.addEventListener(
      'abort',
      () => {
        this.settle(reservation, 'ended');
        void events.return(undefined);
      },
      { once: true },
    );
    return new fetchAPI.Response(stream, { status: init.status, headers: init.headers });
  }

  /**
   * Drops a reservation that was never opened. graphql-sse forgets a stream only when it ends, so it is opened
   * here and ended at once: that also ends the operations sent to it.
   */
  private async expire(reservation: Reservation): Promise<void> {
    if (reservation.state !== 'reserved') return;
    this.settle(reservation, 'ended');
    const headers = new Headers({ accept: 'text/event-stream', [TOKEN_HEADER_KEY]: reservation.token });
    const raw = new Request(`http://localhost${this.options.graphqlEndpoint}`, { headers });
    const [events] = await this.handler(sseRequest(raw));
    if (events !== null && typeof events !== 'string') await events.return(undefined);
  }

  /** Moves a reservation on, keeping the counts: reserved → open → ended, or reserved → ended. */
  private settle(reservation: Reservation, state: 'open' | 'ended'): void {
    if (reservation.state === 'ended' || reservation.state === state) return;
    if (reservation.state === 'reserved') {
      clearTimeout(reservation.expiry);
      increment(this.unopenedOfAddress, reservation.address, -1);
      this.unopened -= 1;
    }
    reservation.state = state;
    if (state === 'ended') {
      this.reservations.delete(reservation.token);
      increment(this.streamsOfCaller, reservation.caller, -1);
      wake(reservation);
    }
  }

  /** The operation as Yoga would run it, or its refusal as a result on the stream. */
  private async prepare(
    request: Request,
    { query, variables, operationName, extensions }: RequestParams,
  ): Promise<OperationArgs<OperationContext> | ExecutionResult> {
    const refusedVariables = variablesRefusal(variables);
    if (refusedVariables) return refused([refusedVariables]);
    const enveloped = this.options.getEnveloped({
      request,
      params: { query, variables, operationName, extensions },
    });
    // A refused document is this operation's error: graphql-armor's token limit throws from the parser.
    let document: DocumentNode;
    try {
      document = enveloped.parse(query);
      const errors = enveloped.validate(enveloped.schema, document);
      if (errors.length > 0) return refused(errors);
    } catch (error) {
      return refused([error instanceof GraphQLError ? error : new GraphQLError('Unexpected error.')]);
    }
    const contextValue = (await enveloped.contextFactory()) as OperationContext;
    this.operations.set(contextValue, enveloped);
    return {
      schema: enveloped.schema,
      document,
      operationName,
      variableValues: variables,
      contextValue,
    };
  }

  private envelopOf(context: unknown): Enveloped {
    const enveloped = this.operations.get(context as object);
    if (!enveloped) throw new Error('An operation ran without being prepared.');
    return enveloped;
  }

  private reservationOf(req: SseRequest<Request, undefined>): Reservation | undefined {
    const token = req.headers.get(TOKEN_HEADER_KEY) ?? new URL(req.url).searchParams.get(TOKEN_QUERY_KEY);
    return token ? this.reservations.get(token) : undefined;
  }

  private credentialOf(request: Request): string {
    const authorization = request.headers.get('authorization');
    return authorization === null ? '' : this.credentials.keyOf(authorization);
  }
}

type FetchAPI = { Response: typeof Response; ReadableStream: typeof ReadableStream };

function sseRequest(request: Request): SseRequest<Request, undefined> {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: () => request.text(),
    raw: request,
    context: undefined,
  };
}

function response(fetchAPI: FetchAPI, [body, init]: SseResponse): Response {
  return new fetchAPI.Response(typeof body === 'string' ? body : null, {
    status: init.status,
    headers: init.headers,
  });
}

function refusal(fetchAPI: FetchAPI, status: number, code: ErrorCode, message: string): Response {
  return fetchAPI.Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}

/**
 * A result graphql-sse sends as it is: it must have a `data` key to be taken for one, which JSON leaves out
 * when undefined (a refused request has no `data`).
 */
function refused(errors: readonly GraphQLError[]): ExecutionResult {
  return withoutInternals({ data: undefined, errors }) as ExecutionResult;
}

/** As Yoga's result processor does: `extensions.http` (a status for HTTP) is not the client's to see. */
function withoutInternals<T extends ExecutionResult | ExecutionPatchResult>(result: T): T {
  if (!result.errors?.some((error) => error.extensions?.http !== undefined)) return result;
  const errors = result.errors.map((error) => {
    const { http: _http, ...extensions } = error.extensions ?? {};
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions,
    });
  });
  return { ...result, errors };
}

function wake(reservation: Reservation): void {
  for (const resolve of reservation.waiting.splice(0)) resolve();
}

function increment(counts: Map<string, number>, key: string, by: number): void {
  const count = (counts.get(key) ?? 0) + by;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}

function addressOf(serverContext: unknown): string {
  return (serverContext as { req?: IncomingMessage } | undefined)?.req?.socket?.remoteAddress ?? 'unknown';
}
