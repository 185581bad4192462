import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventHub } from './events/hub.js';
import type { InboxClient, InboxTransport } from './inbox/client.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { SharedCache } from './loaders/shared-cache.js';

/** Everything a resolver may use; created anew for every GraphQL request, so nothing leaks between callers. */
export interface Context {
  inbox: InboxClient;
  loaders: Loaders;
  logger: Logger;
  /** The cross-request collection cache, and this caller's key in it (an HMAC of the token). */
  sharedCache: SharedCache;
  tokenKey: string | undefined;
  /** MAX_UPSTREAM_CALLS: the budget the complexity plugin holds each operation to. */
  maxUpstreamCalls: number;
  /** A new REST client for the same caller, for long-lived subscriptions (a request's client has a deadline). */
  freshInbox(): InboxClient;
  events: EventSource;
}

/** Where `inboxEvents` gets live events: signed webhooks through the hub, else polling GET /events. */
export interface EventSource {
  hub: EventHub;
  /** True when INBOX_WEBHOOK_SECRET is set, so webhooks feed the hub. */
  live: boolean;
  pollIntervalMs: number;
}

// RFC 6750 b64token: anything else (stray spaces, a missing "Bearer ") is refused without an upstream call.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export function bearerToken(header: string | null): string | null {
  return header?.match(BEARER)?.[1] ?? null;
}

export interface ContextDependencies {
  transport: InboxTransport;
  sharedCache: SharedCache;
  logger: Logger;
  maxUpstreamCalls: number;
  events: EventSource;
}

export function createContext(
  request: Request,
  { transport, sharedCache, logger, maxUpstreamCalls, events }: ContextDependencies,
): Context {
  const requestLogger = logger.child({ requestId: request.headers.get('x-request-id') ?? randomUUID() });
  const token = bearerToken(request.headers.get('authorization'));
  const inbox = transport.client(token, requestLogger);
  const tokenKey = token === null ? undefined : sharedCache.keyOf(token);
  return {
    inbox,
    loaders: createLoaders(inbox, sharedCache, tokenKey),
    logger: requestLogger,
    sharedCache,
    tokenKey,
    maxUpstreamCalls,
    freshInbox: () => transport.client(token, requestLogger),
    events,
  };
}
