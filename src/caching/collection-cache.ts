import type { TeamProofs } from '../identity/team-proof.js';
import { OUTAGE_TTL_MS } from '../replicas/redis.js';
import type { CacheChange, SharedCaches, SharedRead } from './shared-caches.js';

/** The team-wide collections this cache holds (each one `GET` of the Inbox API). */
export type CachedCollection =
  | 'team'
  | 'members'
  | 'account-links'
  | 'tags'
  | 'statuses'
  | 'colors'
  | 'tags/colors'
  | 'statuses/colors';

/** The collections an Inbox event type says changed (v1 has tag and status events; the others if they come). */
export function collectionsChangedBy(eventType: string): CachedCollection[] {
  switch (eventType.split('.')[0]) {
    case 'tag':
      return ['tags'];
    case 'status':
      return ['statuses'];
    case 'member':
      return ['members'];
    case 'accountLink':
    case 'account_link':
    case 'account-link':
      return ['account-links'];
    default:
      return [];
  }
}

export interface CollectionCacheOptions {
  /** Which team each token belongs to (src/identity/team-proof.ts): the one key answers are shared by. */
  proofs: TeamProofs;
  /**
   * How long a team's tags and statuses are kept while its webhooks announce their changes (an event of the
   * team arrived by webhook within ANNOUNCING_FOR_MS); default the TTL.
   */
  announcedTtlMs?: number;
}

/** The collections whose every change an Inbox v1 event announces (`tag.*`, `status.*`). */
const ANNOUNCED: ReadonlySet<CachedCollection> = new Set(['tags', 'statuses']);
/** A team whose webhook delivered an event this recently is taken to have its webhook configured. */
export const ANNOUNCING_FOR_MS = 3_600_000;

/**
 * The one cache that outlives a request: small, whole collections (members, account links, tags,
 * statuses, colors) that every screen needs and that rarely change. Each team would otherwise spend a
 * call on each of them in every request, out of 300 a minute.
 *
 * - Keyed by the token's HMAC (src/identity/token-key.ts): never the token, and not guessable offline.
 * - Once its own `GET /team` has proven a token's team (src/identity/team-proof.ts, which also keeps that
 *   answer), the token is served what any token of its team loaded (Inbox tokens are team-level keys).
 * - Bounded (least recently used entries go first) and with a TTL; a TTL of 0 turns it off.
 * - Changes (the facade's writes, through any token; Inbox events) drop what they change for the whole
 *   team at once, and bump the team's generation, which whole answers cached on top of this one
 *   (src/caching/response-cache.ts) are checked against.
 * - It stores promises, so concurrent requests of one token share a single upstream call;
 *   failures are dropped at once and never cached.
 * - With Redis (`shareThrough`), a second level shared by the replicas, and changes announced to all of
 *   them (src/caching/shared-caches.ts).
 */
export class CollectionCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** `teamId:collection` → a copy loaded by a token of that team, proven by the token's own `GET /team`. */
  private readonly teamCopies = new Map<string, CacheEntry>();
  readonly proofs: TeamProofs;
  private shared: SharedCaches | undefined;
  /**
   * Generations, for caches of whole answers built on this one: a team's goes up with each change of its
   * data; `everyTeam` with a write whose team is unknown, and with `clear()`. An answer cached at one
   * generation is stale at the next.
   */
  private readonly teamGenerations = new Map<string, number>();
  private everyTeam = 0;
  /** Goes up with every change, whoever made it: an answer computed meanwhile is not kept. */
  writes = 0;
  /** Goes up with every change of a collection: a load that saw one may be stale and is not shared. */
  private collectionChanges = 0;
  private readonly announcedTtlMs: number;
  /** Team id → until when its webhooks are taken to announce its changes. */
  private readonly announcing = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    { proofs, announcedTtlMs = ttlMs }: CollectionCacheOptions,
  ) {
    this.proofs = proofs;
    this.announcedTtlMs = ttlMs > 0 ? announcedTtlMs : 0;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** Redis shared by the replicas: a second level, and changes announced to every replica. */
  shareThrough(shared: SharedCaches): void {
    this.shared = shared;
  }

  /**
   * Resolves once every change announced by any replica before this call has been applied here (one Redis
   * round trip, SharedCaches.changesHeard); `undefined` when there is nothing to wait for (no Redis, or
   * Redis not shared right now). A request awaits it once, before it reads anything cached here.
   */
  changesHeard(): Promise<void> | undefined {
    return this.enabled ? this.shared?.changesHeard() : undefined;
  }

  /**
   * How long an entry of the collection lives. While Redis is configured but cannot tell this replica of
   * the other replicas' changes, OUTAGE_TTL_MS at most.
   */
  private ttl(collection: CachedCollection, teamId?: string): number {
    let base = this.ttlMs;
    if (ANNOUNCED.has(collection) && teamId !== undefined && this.announces(teamId))
      base = this.announcedTtlMs;
    return this.shared && !this.shared.ready ? Math.min(base, OUTAGE_TTL_MS) : base;
  }

  private announces(teamId: string): boolean {
    return (this.announcing.get(teamId) ?? 0) > Date.now();
  }

  /**
   * The collection for this token (not the team: that is its proof, TeamProofs.prove): its own cached copy;
   * else, once `teamOf` (the token's own `GET /team`) has proven its team, that team's copy, loaded by
   * another token of the team (here, else in Redis);
   * else `load()` with the token itself. Waiting for the proof costs a round trip, so the load waits only
   * while some team's copy of this collection may be cached (else it starts at once, and is shared once
   * the team is proven).
   */
  getOrLoad<T>(
    tokenKey: string,
    collection: CachedCollection,
    load: () => Promise<T>,
    teamOf?: () => Promise<string | undefined> | undefined,
  ): Promise<T> {
    if (!this.enabled) return load();
    const key = `${tokenKey}:${collection}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) {
      this.entries.delete(key); // re-insert: Map order is our LRU order
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const proof = teamOf?.();
    if (proof === undefined) return this.loadOwn(key, load);
    if (!this.shared?.ready && !this.copiedAnywhere(collection, now)) {
      return this.loadOwn(key, load, { teamId: proof, collection });
    }
    return proof.then(async (teamId) => {
      if (teamId === undefined) return this.loadOwn(key, load);
      const copy = this.teamCopies.get(`${teamId}:${collection}`);
      if (copy && copy.expires > Date.now()) return copy.value as Promise<T>;
      const changesBefore = this.collectionChanges;
      const remote = await this.shared?.readCollection<T>(teamId, collection);
      if (remote?.value !== undefined && remote.expires !== undefined) {
        if (this.collectionChanges === changesBefore) {
          const value = remote.value;
          const expires = Math.min(remote.expires, Date.now() + this.ttl(collection, teamId));
          this.keepTeamCopy(teamId, collection, {
            expires,
            value: Promise.resolve(value),
            settled: { value },
          });
        }
        return remote.value;
      }
      return this.loadOwn(key, load, { teamId: Promise.resolve(teamId), collection, remote });
    });
  }

  /** Loads with the token itself; the answer is kept for its team once `share.teamId` has proven the team. */
  private loadOwn<T>(
    key: string,
    load: () => Promise<T>,
    share?: { teamId: Promise<string | undefined>; collection: CachedCollection; remote?: SharedRead<T> },
  ): Promise<T> {
    const value = load();
    const started = Date.now();
    const entry: CacheEntry = { expires: started + this.ttl(share?.collection ?? collectionOf(key)), value };
    const changesBefore = this.collectionChanges;
    this.entries.set(key, entry);
    value.then(
      (settled) => {
        entry.settled = { value: settled };
        const tokenKey = key.slice(0, key.indexOf(':'));
        /** A change since `before`: what it read may be older than the change, so it is not kept. */
        const changedSince = (before: number) => {
          if (this.collectionChanges === before) return false;
          if (this.entries.get(key) === entry) this.entries.delete(key);
          return true;
        };
        if (changedSince(changesBefore)) return;
        if (!share) {
          // The token's team, as a replica learnt it from its `GET /team`: the team's changes reach this copy.
          if (this.shared === undefined || this.proofs.knownTeam(tokenKey) !== undefined) return;
          const asked = this.collectionChanges;
          void this.proofs.teamOf(tokenKey).then((teamId) => {
            if (teamId !== undefined) changedSince(asked);
          });
          return;
        }
        void share.teamId.then((teamId) => {
          if (teamId === undefined || changedSince(changesBefore)) return;
          // The token's team is known: the team's changes reach this entry, which may live longer then.
          this.proofs.noteTeam(tokenKey, teamId);
          entry.expires = started + this.ttl(share.collection, teamId);
          if (entry.expires <= Date.now()) return;
          this.keepTeamCopy(teamId, share.collection, entry);
          if (share.remote) {
            this.shared?.writeCollection(teamId, share.collection, share.remote, settled, entry.expires);
          }
        });
      },
      () => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      },
    );
    this.bound(this.entries);
    return value;
  }

  private keepTeamCopy(teamId: string, collection: CachedCollection, entry: CacheEntry): void {
    const key = `${teamId}:${collection}`;
    this.teamCopies.delete(key);
    this.teamCopies.set(key, entry);
    this.bound(this.teamCopies);
  }

  private bound(map: Map<string, unknown>): void {
    while (map.size > this.maxEntries) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  }

  /** Some team holds a fresh copy of the collection (so a new token of a known team may find its own). */
  private copiedAnywhere(collection: CachedCollection, now: number): boolean {
    for (const [key, entry] of this.teamCopies) {
      if (entry.expires > now && key.endsWith(`:${collection}`)) return true;
    }
    return false;
  }

  /**
   * How many items a cached collection held when it was read (the token's own copy, else its team's), for
   * the upstream-call estimate; `undefined` unless cached and loaded.
   */
  sizeOf(tokenKey: string, collection: CachedCollection): number | undefined {
    const now = Date.now();
    const teamId = this.proofs.knownTeam(tokenKey);
    for (const entry of [
      this.entries.get(`${tokenKey}:${collection}`),
      this.teamCopies.get(`${teamId}:${collection}`),
    ]) {
      if (entry?.settled && entry.expires > now && Array.isArray(entry.settled.value)) {
        return entry.settled.value.length;
      }
    }
    return undefined;
  }

  /** The team's generation: it changes with every write or event that may change what the team reads. */
  generation(teamId: string): number {
    return this.everyTeam + (this.teamGenerations.get(teamId) ?? 0);
  }

  /**
   * A write went upstream through this token (or may have: it failed or timed out): what its team reads
   * may have changed, `collections` among it. Only the team its token was proven to belong to: a write is
   * never sent for a token whose team no replica knows (src/identity/identity-gate.ts), so a token without
   * one changed nothing. Resolves once every replica has been told (or, Redis being out of reach, once it is
   * queued for its return).
   */
  async noteWrite(tokenKey: string, collections: readonly CachedCollection[] = []): Promise<void> {
    const teamId = await this.proofs.teamOf(tokenKey);
    if (teamId !== undefined) await this.changed({ teamId, collections });
  }

  /**
   * Something changed the team's data (an Inbox event): its answers, and `collections`, are stale.
   * `byWebhook`: the team's webhooks announce its changes, so its tags and statuses may be kept longer.
   */
  teamChanged(
    teamId: string,
    collections: readonly CachedCollection[] = [],
    { byWebhook = false } = {},
  ): Promise<void> {
    return this.changed({ teamId, collections, ...(byWebhook && { announcing: true }) });
  }

  private async changed(change: CacheChange): Promise<void> {
    this.apply(change);
    await this.shared?.announce(change, Math.max(this.ttlMs, this.announcedTtlMs));
  }

  /** Drops what a change makes stale, here (a change made here, or announced by another replica). */
  apply({ teamId, collections, announcing }: CacheChange): void {
    this.writes++;
    if (announcing && teamId !== null) {
      this.announcing.delete(teamId);
      this.announcing.set(teamId, Date.now() + ANNOUNCING_FOR_MS);
      this.bound(this.announcing);
    }
    if (collections.length > 0 || teamId === null) this.collectionChanges++;
    if (teamId === null) {
      this.everyTeam++;
      for (const collection of collections) {
        for (const map of [this.entries, this.teamCopies]) {
          for (const key of [...map.keys()]) if (key.endsWith(`:${collection}`)) map.delete(key);
        }
      }
      return;
    }
    this.teamGenerations.set(teamId, (this.teamGenerations.get(teamId) ?? 0) + 1);
    if (collections.length === 0) return;
    const tokens = this.proofs.tokensOf(teamId);
    for (const collection of collections) {
      this.teamCopies.delete(`${teamId}:${collection}`);
      for (const tokenKey of tokens) this.entries.delete(`${tokenKey}:${collection}`);
    }
  }

  clear(): void {
    this.entries.clear();
    this.teamCopies.clear();
    this.everyTeam++;
    this.writes++;
    this.collectionChanges++;
  }
}

/** `tokenKey:collection` → the collection (a token key is base64url: it holds no colon). */
const collectionOf = (key: string) => key.slice(key.indexOf(':') + 1) as CachedCollection;

interface CacheEntry {
  expires: number;
  value: Promise<unknown>;
  /** The value, once the promise has resolved. */
  settled?: { value: unknown };
}
