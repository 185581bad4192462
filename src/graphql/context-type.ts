import type { Logger } from 'pino';
import type { LiveEvents } from '../live/live-events.js';
import type { InboxApi } from '../upstream/api.js';
import type { AtMostOnce } from '../writes/at-most-once.js';
import type { BeforeRootField, RootFieldVerdict } from './before-root-field.js';

/**
 * Everything a resolver may use; created anew for every GraphQL request (src/context.ts), so nothing leaks
 * between callers. Types only: the builder and the schema import it without loading the feature homes.
 */
export interface Context {
  /** The Inbox API for this caller, with named operations (src/upstream/api.ts). */
  inbox: InboxApi;
  logger: Logger;
  /** MAX_UPSTREAM_CALLS: the most calls an operation may make, as estimated before it runs (src/budget/). */
  maxUpstreamCalls: number;
  /** The team's live events, for subscriptions (src/live/live-events.ts). */
  events: LiveEvents;
  /**
   * The caller's token as a keyed hash (never the token; src/identity/): counts its open subscriptions and
   * keys its records of writes. `undefined` when it sent no token.
   */
  tokenKey: string | undefined;
  /** The record of writes sent with a `clientMutationId` (src/writes/client-mutation-id.ts). */
  atMostOnce: AtMostOnce;
  /** Set by the look-ahead for a query: runs as each root field starts, once its arguments are valid. */
  beforeRootField?: BeforeRootField;
  /**
   * Set by the upstream-call budget when its verdict needs a team collection's size that no cache knows:
   * every root field waits for it, and the first whose arguments are valid starts it.
   */
  rootFieldVerdict?: RootFieldVerdict;
}
