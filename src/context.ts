import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TeamBudget } from './budget/team-budget.js';
import type { CollectionCache } from './caching/collection-cache.js';
import type { Context } from './graphql/context-type.js';
import { bearerToken } from './identity/bearer.js';
import type { Identity } from './identity/identity.js';
import type { LiveEvents } from './live/live-events.js';
import { createInboxApi } from './upstream/api.js';
import type { InboxTransport } from './upstream/rest-client.js';
import type { AtMostOnce } from './writes/at-most-once.js';

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
    tokenKey: inbox.caller.tokenKey, // one HMAC per request (about 4 µs each)
    atMostOnce,
  };
}
