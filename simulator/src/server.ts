import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import { ApiError, badRequest, defaultErrorFor, rateLimited } from './errors.js';
import { type Fault, FaultQueue } from './faults.js';
import { RateLimiter, type RateLimitState } from './rate-limiter.js';
import { Router } from './router.js';
import { routes } from './routes/index.js';
import type { SimulatorStore } from './store.js';
import type { TeamState } from './team-state.js';
import type { Query } from './validation.js';

export const BASE_PATH = '/api/v1';

export interface RecordedCall {
  method: string;
  /** Relative to /api/v1 (e.g. '/threads/abc'); the full path for requests outside it. */
  path: string;
  query: Record<string, unknown>;
  /** Team of a valid token, else null. */
  teamId: string | null;
  /** HTTP status answered; 0 while pending and for connections reset by a fault. */
  status: number;
  /** When the request arrived (ms since the epoch), as a rate limiter counts it. */
  at: number;
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

type Auth = { kind: 'ok'; token: string; team: TeamState } | { kind: 'missing' } | { kind: 'invalid' };

const JSON_TYPE = 'application/json; charset=utf-8';
const QS_OPTIONS = { depth: 5, arrayLimit: 2000, parameterLimit: 10_000 };
/** Long benchmarks would otherwise grow the call log without bound; the oldest half is dropped past this. */
const MAX_RECORDED_CALLS = 200_000;
const FLAT_UNAUTHORIZED = { error: 'Unauthorized', message: 'Invalid or missing authentication token' };

function authenticate(store: SimulatorStore, header: string | undefined): Auth {
  if (header === undefined || header === '') return { kind: 'missing' };
  // Exactly "Bearer <token>": a missing prefix or stray whitespace is rejected like the real API does.
  const token = /^Bearer (\S+)$/.exec(header)?.[1];
  const team = token === undefined ? undefined : store.teamByToken(token);
  return token !== undefined && team ? { kind: 'ok', token, team } : { kind: 'invalid' };
}

function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.resetAt),
  };
}

function jsonReply(status: number, body: unknown, headers: Record<string, string>): Reply {
  return { status, body: JSON.stringify(body ?? null), contentType: JSON_TYPE, headers };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** HTTP front of the simulator: recording, faults, latency, auth, per-team rate limit, routing. */
export class SimulatorServer {
  readonly calls: RecordedCall[] = [];
  readonly faults = new FaultQueue();
  readonly limiter: RateLimiter;
  latencyMs: number;
  private readonly server: http.Server;
  private readonly router = new Router(routes);
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: SimulatorStore,
    settings: { rateLimitPerMinute: number; latencyMs: number },
  ) {
    this.limiter = new RateLimiter(settings.rateLimitPerMinute);
    this.latencyMs = settings.latencyMs;
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        console.error('simulator: unexpected failure', error);
        response.destroy();
      });
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops listening, drops keep-alive and in-flight connections, and cancels pending delays. */
  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
    const apiPath =
      rawPath === BASE_PATH || rawPath.startsWith(`${BASE_PATH}/`)
        ? rawPath.slice(BASE_PATH.length) || '/'
        : null;
    const query = qs.parse(queryStart < 0 ? '' : url.slice(queryStart + 1), QS_OPTIONS) as Query;
    const auth = authenticate(this.store, request.headers.authorization);
    const call: RecordedCall = {
      method,
      path: apiPath ?? rawPath,
      query,
      teamId: auth.kind === 'ok' ? auth.team.team.id : null,
      status: 0,
      at: Date.now(),
    };
    this.record(call);
    const rawBody = await readBody(request);

    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    const fault = this.faults.take(method, call.path);
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await this.sleep(fault.delayMs);

    let reply =
      fault?.kind === 'status'
        ? this.faultReply(fault, call.teamId)
        : this.dispatch(method, apiPath, query, rawBody, auth);
    if (fault?.kind === 'brokenJson') {
      // The request was processed; only the answer arrives cut in half.
      reply = {
        ...reply,
        status: 200,
        contentType: JSON_TYPE,
        body: reply.body.slice(0, Math.ceil(reply.body.length / 2)),
      };
    }
    call.status = reply.status;
    if (response.destroyed) return;
    const payload = Buffer.from(reply.body, 'utf8');
    response.statusCode = reply.status;
    response.setHeader('Content-Type', reply.contentType);
    response.setHeader('Content-Length', payload.length);
    for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
    response.end(payload);
  }

  private record(call: RecordedCall): void {
    if (this.calls.length >= MAX_RECORDED_CALLS) this.calls.splice(0, MAX_RECORDED_CALLS / 2);
    this.calls.push(call);
  }

  private dispatch(method: string, apiPath: string | null, query: Query, rawBody: string, auth: Auth): Reply {
    const now = Date.now();
    if (apiPath === null || auth.kind !== 'ok') {
      const headers = rateLimitHeaders(this.limiter.peek(null, now));
      if (apiPath === null) {
        return jsonReply(404, new ApiError(404, 'NOT_FOUND', 'Not found').toBody(), headers);
      }
      // Two documented 401 bodies: the flat one for a missing header, the envelope for a bad token.
      if (auth.kind === 'missing') return jsonReply(401, FLAT_UNAUTHORIZED, headers);
      return jsonReply(401, defaultErrorFor(401).toBody(), headers);
    }
    const limit = this.limiter.acquire(auth.team.team.id, now);
    const headers = rateLimitHeaders(limit);
    if (!limit.allowed) {
      return jsonReply(429, rateLimited(limit.retryAfter).toBody(), {
        ...headers,
        'Retry-After': String(limit.retryAfter),
      });
    }
    try {
      const match = this.router.match(method, apiPath);
      if (!match) throw new ApiError(404, 'NOT_FOUND', `No route for ${method} ${BASE_PATH}${apiPath}`);
      const body = this.parseJson(rawBody);
      const result = match.handler({
        store: this.store,
        team: auth.team,
        token: auth.token,
        params: match.params,
        query,
        body,
      });
      return jsonReply(200, result, headers);
    } catch (error) {
      if (error instanceof ApiError) return jsonReply(error.status, error.toBody(), headers);
      console.error('simulator: handler failed', error);
      return jsonReply(500, defaultErrorFor(500).toBody(), headers);
    }
  }

  private parseJson(rawBody: string): unknown {
    if (rawBody.trim() === '') return undefined;
    try {
      return JSON.parse(rawBody);
    } catch {
      throw badRequest('Malformed JSON body');
    }
  }

  /** A 'status' fault: the documented envelope unless a body is given (a string body is sent verbatim). */
  private faultReply(fault: Extract<Fault, { kind: 'status' }>, teamId: string | null): Reply {
    const headers = rateLimitHeaders(this.limiter.peek(teamId, Date.now()));
    if (fault.status === 429) headers['Retry-After'] = '60';
    Object.assign(headers, fault.headers);
    if (typeof fault.body === 'string') {
      return { status: fault.status, body: fault.body, contentType: 'text/plain; charset=utf-8', headers };
    }
    return jsonReply(
      fault.status,
      fault.body === undefined ? defaultErrorFor(fault.status).toBody() : fault.body,
      headers,
    );
  }
}
