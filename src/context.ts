import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TeamBudget } from './budget/team-budget.js';
import type { BeforeRootField, RootFieldVerdict } from './graphql/before-root-field.js';
import type { Identity } from './identity/identity.js';
import type { LiveEvents } from './live/live-events.js';
import { createInboxApi, type InboxApi } from './upstream/api.js';
import type { CollectionCache } from './upstream/collection-cache.js';
import type { InboxTransport } from './upstream/rest-client.js';
import type { AtMostOnce } from './writes/at-most-once.js';

/** Everything a resolver may use; created anew for every GraphQL request, so nothing leaks between callers. */
export interface Context {
  /** The Inbox API for this caller, with named operations (src/upstream/api.ts). */
  inbox: InboxApi;
  logger: Logger;
  /** MAX_UPSTREAM_CALLS: the most calls an operation may make, as estimated before it runs (src/budget/). */
  maxUpstreamCalls: number;
  /** The team's live events, for subscriptions (src/live/live-events.ts). */
  events: LiveEvents;
  /** The caller's token as a keyed hash (never the token): counts its open subscriptions. */
  tokenKey: string | undefined;
  /** The record of writes sent with a `clientMutationId` (src/writes/client-mutation-id.ts). */
  atMostOnce: AtMostOnce;
  /** `tokenKey`, for the records of writes (src/writes/at-most-once.ts). */
  callerKey(): string | undefined;
  /** Set by the look-ahead for a query: runs as each root field starts, once its arguments are valid. */
  beforeRootField?: BeforeRootField;
  /**
   * Set by the upstream-call budget when its verdict needs a team collection's size that no cache knows:
   * every root field waits for it, and the first whose arguments are valid starts it.
   */
  rootFieldVerdict?: RootFieldVerdict;
}

// RFC 6750 b64token: anything else (stray spaces, a missing "Bearer ") is refused without an upstream call.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/;

export function bearerToken(header: string | null): string | null {
  return header?.match(BEARER)?.[1] ?? null;
}

export interface ContextDependencies {
  transport: InboxTransport;
  identity: Identity;
  collectionCache: CollectionCache;
  logger: Logger;
  maxUpstreamCalls: number;
  events: LiveEvents;
  teamBudget: TeamBudget;
  atMostOnce: AtMostOnce;
}

export function createContext(
  request: Request,
  {
    transport,
    identity,
    collectionCache,
    logger,
    maxUpstreamCalls,
    events,
    teamBudget,
    atMostOnce,
  }: ContextDependencies,
): Context {
  const requestLogger = logger.child({ requestId: request.headers.get('x-request-id') ?? randomUUID() });
  const token = bearerToken(request.headers.get('authorization'));
  const inbox = createInboxApi({
    transport,
    token,
    logger: requestLogger,
    identity,
    cache: collectionCache,
    budget: teamBudget,
  });
  return {
    inbox,
    logger: requestLogger,
    maxUpstreamCalls,
    events,
    tokenKey: inbox.tokenKey, // one HMAC per request (about 4 µs each)
    atMostOnce,
    callerKey: () => inbox.tokenKey,
  };
}
