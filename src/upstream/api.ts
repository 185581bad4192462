import type { Logger } from 'pino';
import { budgetGate } from '../budget/gate.js';
import { BudgetMeter } from '../budget/meter.js';
import type { BudgetStatus, TeamBudget } from '../budget/team-budget.js';
import type { CollectionCache } from '../caching/collection-cache.js';
import { TeamBudgetExceeded } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { identityGate } from '../identity/identity-gate.js';
import { campaignOperations } from './operations/campaigns.js';
import { eventOperations } from './operations/events.js';
import { labelsOperations } from './operations/labels.js';
import { listOperations } from './operations/lists.js';
import { messageOperations } from './operations/messages.js';
import { prospectOperations } from './operations/prospects.js';
import { teamOperations } from './operations/team.js';
import { threadOperations } from './operations/threads.js';
import type { InboxTransport } from './rest-client.js';
import { Session } from './session.js';

/** The collections a look-ahead may start reading before the resolvers ask for them. */
export type WarmableCollection = 'members' | 'accountLinks' | 'tags' | 'statuses';

export interface InboxApiOptions {
  transport: InboxTransport;
  /** The caller's token; `null` when it sent none (every call then fails with UNAUTHENTICATED, unsent). */
  token: string | null;
  logger: Logger;
  /** Names tokens, proves their teams, refuses those the upstream refused lately; none: no token is named. */
  identity?: Identity;
  /** The cross-request collection cache, if any. */
  cache?: CollectionCache;
  /** The team's call budget (TEAM_CALLS_PER_MINUTE), if any; the identity tells each token's team. */
  budget?: TeamBudget;
}

/**
 * The Inbox API as the facade's resolvers see it: one object per GraphQL request, bound to the caller's
 * token, with named operations (`threads.update(id, patch)`, `campaigns.addLeads(...)`). Behind them: the raw
 * REST verbs (private to src/upstream/), the request's loaders (batching, priming, de-duplication), the
 * cross-request collection cache, and freshness after writes.
 */
export function createInboxApi({ transport, token, logger, identity, cache, budget }: InboxApiOptions) {
  const tokenKey = token === null || identity === undefined ? undefined : identity.keyOf(token);
  const proofs = identity?.proofs;
  const meter = new BudgetMeter();
  const teamGate =
    budget && proofs && tokenKey !== undefined
      ? budgetGate({
          budget,
          teamOf: () => proofs.teamOf(tokenKey),
          proveTeam: () =>
            session.loaders.team().then(
              (team) => team.id,
              () => undefined,
            ),
          knownTeam: () => proofs.knownTeam(tokenKey),
          meter,
        })
      : undefined;
  const gate =
    proofs && tokenKey !== undefined
      ? identityGate({ tokenKey, proofs, proveTeam: () => session.loaders.team(), inner: teamGate })
      : teamGate;
  /** Asked once per request, lazily: a request that reads no cache makes no Redis round trip for it. */
  let heard: { barrier: Promise<void> | undefined } | undefined;
  const changesHeard = () => {
    // A token refused lately reads nothing: no round trip for it.
    heard ??= { barrier: tokenKey && proofs?.rejected.has(tokenKey) ? undefined : cache?.changesHeard() };
    return heard.barrier;
  };
  const session: Session = new Session(
    transport.client(token, logger, gate),
    cache,
    tokenKey,
    proofs,
    changesHeard,
    () => {
      meter.cacheHits++;
    },
  );
  // Each area is built when first used: most operations touch one or two, and every request pays for what
  // it builds (an answer served from the cache builds none).
  const teamAreas = once(() => teamOperations(session));
  const labelAreas = once(() => labelsOperations(session));
  const threads = once(() => threadOperations(session));
  const messages = once(() => messageOperations(session));
  const prospects = once(() => prospectOperations(session));
  const campaigns = once(() => campaignOperations(session));
  const lists = once(() => listOperations(session));
  const events = once(() => eventOperations(session));
  return {
    get team() {
      return teamAreas().team;
    },
    get members() {
      return teamAreas().members;
    },
    get accountLinks() {
      return teamAreas().accountLinks;
    },
    get colors() {
      return teamAreas().colors;
    },
    get tags() {
      return labelAreas().tags;
    },
    get statuses() {
      return labelAreas().statuses;
    },
    get threads() {
      return threads();
    },
    get messages() {
      return messages();
    },
    get prospects() {
      return prospects();
    },
    get campaigns() {
      return campaigns();
    },
    get lists() {
      return lists();
    },
    get events() {
      return events();
    },
    /** Who the caller is (src/identity/): never the token itself. */
    caller: {
      /** The caller's token as a keyed hash (never the token); `undefined` without a token. */
      tokenKey,
      /**
       * The team the caller's token was proven to belong to by its own `GET /team`, in this request or
       * within the proof's lifetime (TOKEN_PROOF_TTL_MS, on any replica); `undefined` if not (yet) proven.
       */
      provenTeam(): string | undefined {
        return (
          session.loadersInUse?.provenTeam() ??
          (tokenKey === undefined ? undefined : proofs?.provenTeam(tokenKey))
        );
      },
      /**
       * Proves the token's team now: its `GET /team` (cached within the proof's lifetime, else one call,
       * which the request's own `team` read then reuses). `undefined` when the upstream refuses it or fails.
       */
      proveTeam(): Promise<string | undefined> {
        return session.loaders.team().then(
          (team) => team.id,
          () => undefined,
        );
      },
    },
    /** What this request may take from, and give to, the cross-request caches (src/caching/). */
    caching: {
      /**
       * Whether answers may be shared across requests (src/caching/response-cache.ts): the caller sent a
       * token and a cross-request cache is on. Answers are then shared by the token's team, once proven.
       */
      sharesAnswers: tokenKey !== undefined && cache !== undefined,
      /**
       * Before serving anything cached in this process: resolves once every write answered before this
       * request started, on any replica, has been applied to the caches here (`undefined`: nothing to wait
       * for). One Redis round trip per request at most (CollectionCache.changesHeard).
       */
      changesHeard,
      /**
       * How many items a team collection holds, when a cross-request cache knows it (for the upstream-call
       * estimate, before anything is read); `undefined` otherwise.
       */
      knownSize(collection: 'members' | 'accountLinks'): number | undefined {
        if (!cache || tokenKey === undefined) return undefined;
        return cache.sizeOf(tokenKey, collection === 'members' ? 'members' : 'account-links');
      },
      /**
       * Starts reading collections that the operation will probably need, beside its other calls. Only
       * while a cross-request cache keeps them: then a read now is one that later requests won't make.
       */
      warm(collections: Iterable<WarmableCollection>, { team = false } = {}): void {
        if (!session.cachesCollections) return;
        // The operation reads the team anyway: read it first, so that a token new to this process, once its
        // team is proven, may be served that team's cached collections (CollectionCache.getOrLoad).
        if (team) session.loaders.team().catch(() => undefined);
        for (const collection of collections) session.loaders[collection].all().catch(() => undefined);
      },
    },
    /** The calls this request made and may make (src/budget/). */
    budget: {
      /**
       * Before the operation runs: throws TeamBudgetExceeded when the team's budget has no room for the
       * calls it estimates (nothing is taken: each call takes its slot as it is sent). Only once the token's
       * team is known: a token new to the facade learns it with its first call.
       */
      admit: (calls: number): Promise<void> =>
        gate?.admit(calls).catch((error: unknown) => {
          if (error instanceof TeamBudgetExceeded) transport.options.telemetry?.budgetRefused('operation');
          throw error;
        }) ?? Promise.resolve(),
      /** HTTP attempts sent upstream so far (retries included). */
      get upstreamCalls(): number {
        return session.rest.attempts;
      },
      /** Collection reads the cross-request cache answered so far, without a call. */
      get cacheHits(): number {
        return meter.cacheHits;
      },
      /**
       * The team's call budget (TEAM_CALLS_PER_MINUTE) as it stands once this request's calls are counted;
       * `undefined` while the token's team is unknown (or there is no budget).
       */
      status(): BudgetStatus | Promise<BudgetStatus> | undefined {
        return teamGate?.status();
      },
    },
    /** A fresh API for the same caller (new deadline, empty memo), for long-lived subscriptions. */
    renew: () => createInboxApi({ transport, token, logger, identity, cache, budget }),
  };
}

export type InboxApi = ReturnType<typeof createInboxApi>;

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    made ??= make();
    return made;
  };
}
