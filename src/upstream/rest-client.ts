import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import fetch, { type Response } from 'node-fetch';
import type { Logger } from 'pino';
import qs from 'qs';
import { MissingTokenError, TeamBudgetExceeded, UpstreamError } from '../errors.js';
import { type RetryReason, tracing, type UpstreamCallSpan } from '../observability/hooks.js';
import type { UpstreamTelemetry } from '../observability/inbox-metrics.js';
import type { paths } from './openapi.js';
import { parseErrorBody } from './upstream-error.js';

/**
 * The raw REST verbs of the Inbox API, private to src/upstream/: the rest of the facade calls the named operations
 * of InboxApi (./api.ts), never a path.
 */

// ---- Types derived from openapi.yaml (src/upstream/openapi.d.ts), never written by hand ----
type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';
export type PathsFor<M extends HttpMethod> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];
type Operation<P extends keyof paths, M extends HttpMethod> = paths[P][M];
type Parameters<O> = O extends { parameters: infer Ps } ? Ps : never;
type PathParameters<O> = Parameters<O> extends { path: infer X } ? X : never;
type QueryParameters<O> = Parameters<O> extends { query?: infer X } ? X : never;
type RequestBody<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type IfPresent<T, Then> = [T] extends [never] ? unknown : [T] extends [undefined] ? unknown : Then;
export type CallOptions<O> = IfPresent<PathParameters<O>, { path: PathParameters<O> }> &
  IfPresent<QueryParameters<O>, { query?: QueryParameters<O> }> &
  IfPresent<RequestBody<O>, { body?: RequestBody<O> }>;
/** The JSON request body of an endpoint, e.g. `JsonBody<'/threads/{threadId}', 'patch'>`. */
export type JsonBody<P extends keyof paths, M extends HttpMethod> = NonNullable<RequestBody<Operation<P, M>>>;
/** The query parameters of an endpoint. */
export type QueryOf<P extends keyof paths, M extends HttpMethod> = NonNullable<
  QueryParameters<Operation<P, M>>
>;
/** The 200 answer of an endpoint. */
export type AnswerOf<P extends keyof paths, M extends HttpMethod> = OkBody<Operation<P, M>>;
export type OkBody<O> = O extends { responses: { 200: { content: { 'application/json': infer R } } } }
  ? R
  : unknown;
type OptionalIfEmpty<T> = object extends T ? [options?: T] : [options: T];
type Call<M extends HttpMethod> = <P extends PathsFor<M>>(
  path: P,
  ...options: OptionalIfEmpty<CallOptions<Operation<P, M>>>
) => Promise<OkBody<Operation<P, M>>>;

interface AnyCallOptions {
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: unknown;
}

export interface InboxTransportOptions {
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  logger: Logger;
  /** Called once per upstream HTTP attempt, for metrics. */
  onAttempt?: (attempt: UpstreamAttempt) => void;
  /** Hears the team budget gate and the collection cache, for metrics. */
  telemetry?: UpstreamTelemetry;
}

/** One upstream HTTP attempt. `route` is the path template, never the ids. */
export interface UpstreamAttempt {
  method: string;
  route: string;
  status: number | 'timeout' | 'network';
  ms: number;
}

/** An upstream call as the gate sees it. */
export interface SentCall {
  method: string;
  /** The path template (`/threads/{threadId}`), never the ids. */
  route: string;
}

/** What the gate learnt before a call, handed back to it with the answer. */
export interface GateTicket {
  /** The team whose budget the call took its slot from; `undefined` while the token's team is unknown. */
  teamId: string | undefined;
  /** When the call left, by the gate's clock. */
  sentAt: number;
}

/**
 * Stands before every upstream attempt of a caller (the team's call budget, src/budget/gate.ts): it may
 * refuse the call before it is sent (by throwing), and it hears every answer.
 */
export interface CallGate {
  /** Before an operation runs: throws when its estimated calls cannot fit (nothing is taken). */
  admit(calls: number): Promise<void>;
  /** Before one attempt: resolves when it may be sent; throws, and nothing is sent, when it may not. */
  before(call: SentCall): Promise<GateTicket>;
  /** After an answer (any status): its headers and body. */
  after(
    ticket: GateTicket,
    answer: { call: SentCall; status: number; headers: { get(name: string): string | null }; text: string },
  ): Promise<void>;
}

const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 2_000;

/**
 * Long-lived, shared by every request: configuration and one keep-alive agent.
 * It holds no token and no data; per-request state lives in RestClient.
 */
export class InboxTransport {
  readonly options: InboxTransportOptions;
  readonly origin: string;
  private readonly agent: HttpAgent | HttpsAgent;

  constructor(options: InboxTransportOptions) {
    this.options = options;
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    const agentOptions = { keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000 };
    this.agent = base.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  }

  /** A client for one GraphQL request, bound to the caller's token (or to none), behind its gate if any. */
  client(token: string | null, logger: Logger = this.options.logger, gate?: CallGate): RestClient {
    return new RestClient(this, token, logger, gate);
  }

  async fetch(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
  ) {
    // The token may only ever travel to the configured API origin.
    if (new URL(url).origin !== this.origin)
      throw new Error('refusing to send a request outside INBOX_API_URL');
    return fetch(url, { ...init, agent: this.agent, redirect: 'manual', compress: true });
  }

  /** Readiness: the upstream answers HTTP at all (an unauthenticated call: it spends no team's quota). */
  async isReachable(): Promise<boolean> {
    try {
      const response = await this.fetch(`${this.options.baseUrl}/team`, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.min(this.options.timeoutMs, 2_000)),
      });
      await response.arrayBuffer();
      return response.status < 500;
    } catch {
      return false;
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The REST client of one GraphQL request. It forwards the caller's token unchanged, bounds every call
 * by INBOX_TIMEOUT_MS and the whole request by twice that, retries GETs on 5xx and network failures,
 * and runs identical GETs once (the memo is dropped after any write so later reads are fresh).
 */
export class RestClient {
  private readonly memo = new Map<string, Promise<unknown>>();
  /** HTTP attempts sent upstream by this client (retries included), for the operation log. */
  attempts = 0;
  private readonly deadline: number;

  constructor(
    private readonly transport: InboxTransport,
    private readonly token: string | null,
    private readonly logger: Logger,
    private readonly gate?: CallGate,
  ) {
    this.deadline = Date.now() + transport.options.timeoutMs * 2;
  }

  readonly get: Call<'get'> = (path, ...[options]) =>
    this.call('GET', path, options as AnyCallOptions) as never;
  readonly post: Call<'post'> = (path, ...[options]) =>
    this.call('POST', path, options as AnyCallOptions) as never;
  readonly patch: Call<'patch'> = (path, ...[options]) =>
    this.call('PATCH', path, options as AnyCallOptions) as never;
  readonly put: Call<'put'> = (path, ...[options]) =>
    this.call('PUT', path, options as AnyCallOptions) as never;
  readonly delete: Call<'delete'> = (path, ...[options]) =>
    this.call('DELETE', path, options as AnyCallOptions) as never;

  private call(method: string, route: string, options: AnyCallOptions = {}): Promise<unknown> {
    const path = route.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = options.path?.[name];
      if (value === undefined) throw new Error(`missing path parameter ${name} for ${route}`);
      // encodeURIComponent leaves dots alone: `..` would climb out of the route (`/threads/..` is `/`).
      if (value === '' || value === '.' || value === '..') throw new Error(`invalid ${name} for ${route}`);
      return encodeURIComponent(value);
    });
    const query = options.query
      ? qs.stringify(options.query, { arrayFormat: 'indices', encodeValuesOnly: true, skipNulls: true })
      : '';
    const target = {
      method,
      route,
      path,
      url: `${this.transport.options.baseUrl}${path}${query ? `?${query}` : ''}`,
    };
    if (method !== 'GET') {
      this.memo.clear();
      return this.send(target, options.body);
    }
    let pending = this.memo.get(target.url);
    if (!pending) {
      pending = this.send(target, undefined);
      this.memo.set(target.url, pending);
    }
    return pending;
  }

  private async send(target: Target, body: unknown): Promise<unknown> {
    const { maxRetries, maxRetryAfterMs } = this.transport.options;
    const retryable = target.method === 'GET';
    let waitedForRateLimit = false;
    let retryReason: RetryReason | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(target, body, attempt, retryReason);
      } catch (error) {
        if (!(error instanceof UpstreamError) || !retryable || error.details.unsent) throw error;
        const { kind, status, retryAfter } = error.details;
        let delayMs: number | undefined;
        if (status === 429) {
          const wait = (retryAfter ?? Number.POSITIVE_INFINITY) * 1000;
          if (!waitedForRateLimit && wait <= maxRetryAfterMs) delayMs = wait;
          waitedForRateLimit = true;
        } else if (
          (kind === 'network' || (kind === 'http' && (status ?? 0) >= 500)) &&
          attempt < maxRetries
        ) {
          // Exponential backoff with full jitter, so concurrent requests don't retry in lockstep.
          delayMs = Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
        }
        if (delayMs === undefined || Date.now() + delayMs >= this.deadline) throw error;
        retryReason =
          status === 429
            ? 'rate_limited'
            : kind === 'http'
              ? 'server_error'
              : (kind as 'network' | 'timeout');
        this.logger.debug(
          { route: target.route, status, kind, delayMs: Math.round(delayMs) },
          'retrying upstream GET',
        );
        await sleep(delayMs);
      }
    }
  }

  private async attempt(
    target: Target,
    body: unknown,
    attempt: number,
    retryReason: RetryReason | undefined,
  ): Promise<unknown> {
    const { method, route, path } = target;
    if (this.token === null) throw new MissingTokenError();
    // Serialised before anything is sent: a failure here is ours, not the upstream being unreachable.
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const pastDeadline = () =>
      new UpstreamError({ kind: 'timeout', method, path, message: 'Inbox API deadline exceeded' });
    // Checked before the gate too: a call that cannot leave takes no slot of the team's budget.
    if (this.deadline <= Date.now()) throw pastDeadline();
    const { telemetry } = this.transport.options;
    const atGate = performance.now();
    let ticket: GateTicket | undefined;
    try {
      ticket = await this.gate?.before({ method, route });
    } catch (error) {
      if (error instanceof TeamBudgetExceeded) {
        telemetry?.budgetRefused('call');
        // Not sent, so no CLIENT span: the trace says which call the budget held back.
        tracing.current?.event('inbox.call.refused', {
          'http.request.method': method,
          'url.template': route,
          'inbox.budget.retry_after_s': error.retryAfter,
        });
      }
      throw error;
    }
    const started = performance.now();
    if (this.gate) telemetry?.budgetGate(started - atGate);
    const timeoutMs = Math.min(this.transport.options.timeoutMs, this.deadline - Date.now());
    if (timeoutMs <= 0) throw pastDeadline();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    this.attempts++;
    // Our own CLIENT span rather than the `http` module's auto-instrumentation: only this client knows the
    // route template, the attempt and the budget's wait, and patching node:http would also trace whatever
    // else the process serves or calls (the simulator in tests, Redis health probes).
    const span: UpstreamCallSpan | undefined = tracing.current?.upstreamCall({
      method,
      route,
      url: `${this.transport.options.baseUrl}${path}`,
      attempt,
      retryReason,
      budgetWaitMs: started - atGate,
    });
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response | undefined;
    try {
      response = await this.transport.fetch(target.url, {
        method,
        headers,
        body: payload,
        signal: controller.signal,
      });
      const text = await response.text();
      this.record(method, route, response.status, started);
      if (ticket) {
        const { status, headers } = response;
        await this.gate?.after(ticket, { call: { method, route }, status, headers, text });
      }
      const answer = interpret(target, response, text);
      span?.end({ status: response.status });
      return answer;
    } catch (error) {
      if (error instanceof UpstreamError) {
        span?.end({
          status: error.details.status,
          error: error.details.kind === 'badBody' ? 'bad_body' : undefined,
        });
        throw error;
      }
      const timedOut = controller.signal.aborted;
      span?.end({ status: response?.status, error: timedOut ? 'timeout' : 'network' });
      if (!response) this.record(method, route, timedOut ? 'timeout' : 'network', started);
      throw new UpstreamError({
        kind: timedOut ? 'timeout' : 'network',
        method,
        path,
        status: response?.status,
        message: timedOut ? `Inbox API did not answer within ${timeoutMs} ms` : 'Inbox API connection failed',
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A cross-request collection read: `hit` when this request made no call for it (cached, or loaded by a
   * concurrent request), so that a trace explains the calls that were not made too.
   */
  noteCollectionRead(collection: string, outcome: 'hit' | 'miss'): void {
    this.transport.options.telemetry?.collectionRead(collection, outcome);
    tracing.current?.event('inbox.cache', { 'inbox.collection': collection, 'inbox.cache': outcome });
  }

  private record(method: string, route: string, status: number | 'timeout' | 'network', started: number) {
    const ms = performance.now() - started;
    this.transport.options.onAttempt?.({ method, route, status, ms });
    this.logger.debug({ method, route, status, ms: Math.round(ms) }, 'inbox call');
  }
}

interface Target {
  method: string;
  route: string;
  path: string;
  url: string;
}

function interpret({ method, path }: Target, response: Response, text: string): unknown {
  if (response.ok) {
    if (text.trim() === '') return null; // DELETE bodies are undocumented and may be empty
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamError({
        kind: 'badBody',
        method,
        path,
        status: response.status,
        message: 'Inbox API answered with a body that is not JSON',
      });
    }
  }
  const { code, message } = parseErrorBody(text);
  const retryAfterHeader = response.headers.get('retry-after');
  const retryAfter = retryAfterHeader === null ? undefined : parseRetryAfter(retryAfterHeader);
  throw new UpstreamError({ kind: 'http', method, path, status: response.status, code, message, retryAfter });
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value: string): number | undefined {
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
