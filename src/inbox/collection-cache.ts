import { createHmac, randomBytes } from 'node:crypto';

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

/**
 * The one cache that outlives a request: small, whole collections (team, members, account links, tags,
 * statuses, colors) that every screen needs and that rarely change. Each team would otherwise spend a
 * call on each of them in every request, out of 300 a minute.
 *
 * - Keyed by an HMAC of the token under a key made at start-up: never the token, and not guessable offline.
 * - Bounded (least recently used entries go first) and with a TTL; a TTL of 0 turns it off.
 * - The facade's own writes invalidate the collection they change (`invalidate`), for every token known to
 *   belong to the same team (a token's team is learnt when its `GET /team` is cached).
 * - It stores promises, so concurrent requests of one team share a single upstream call;
 *   failures are dropped at once and never cached.
 */
export class CollectionCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** `teamId:collection` → a copy loaded by a token of that team, proven by the token's own `GET /team`. */
  private readonly shared = new Map<string, CacheEntry>();
  /** Token key → team id. A token never changes team, so this only needs bounding. */
  private readonly teamOfToken = new Map<string, string>();
  private secret: Buffer = randomBytes(32);
  /**
   * Write generations, for caches of whole answers built on this one (src/plugins/response-cache.ts): a
   * team's goes up with each write through one of its tokens and each event of the team; `everyTeam` with
   * a write whose team is unknown, and with `clear()`. An answer cached at one generation is stale at the next.
   */
  private readonly teamGenerations = new Map<string, number>();
  private everyTeam = 0;
  /** Goes up with every write through the facade, whoever made it. */
  writes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** The HMAC key the replicas share: tokens keyed under another key are forgotten. */
  useSecret(secret: Buffer): void {
    if (secret.equals(this.secret)) return;
    this.secret = secret;
    this.clear();
  }

  /** A stable, non-reversible key for a token. */
  keyOf(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }

  /**
   * The collection for this token: its own cached copy; else, once `teamOf` (the token's own `GET /team`)
   * has proven its team, that team's copy, loaded by another token of the team; else `load()` with the
   * token itself. Waiting for the proof costs a round trip, so the load waits only while some team's copy
   * of this collection is cached (else it starts at once, and is shared once the team is proven).
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
    const proof = collection === 'team' ? undefined : teamOf?.();
    if (proof === undefined) return this.loadOwn(key, load);
    if (!this.sharedAnywhere(collection, now)) return this.loadOwn(key, load, proof, collection);
    return proof.then((teamId) => {
      const shared = teamId === undefined ? undefined : this.shared.get(`${teamId}:${collection}`);
      if (shared && shared.expires > Date.now()) return shared.value as Promise<T>;
      return this.loadOwn(key, load, proof, collection);
    });
  }

  /** Loads with the token itself; the answer is shared with its team once `proof` has proven the team. */
  private loadOwn<T>(
    key: string,
    load: () => Promise<T>,
    proof?: Promise<string | undefined>,
    collection?: CachedCollection,
  ): Promise<T> {
    const value = load();
    const entry: CacheEntry = { expires: Date.now() + this.ttlMs, value };
    this.entries.set(key, entry);
    value.then(
      (settled) => {
        entry.settled = { value: settled };
        if (proof && collection) void proof.then((teamId) => teamId && this.share(teamId, collection, entry));
      },
      () => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  private share(teamId: string, collection: CachedCollection, entry: CacheEntry): void {
    const key = `${teamId}:${collection}`;
    if (entry.expires <= Date.now()) return;
    this.shared.delete(key);
    this.shared.set(key, entry);
    if (this.shared.size > this.maxEntries) this.shared.delete(this.shared.keys().next().value as string);
  }

  /** Some team holds a fresh copy of the collection (so a new token of a known team may find its own). */
  private sharedAnywhere(collection: CachedCollection, now: number): boolean {
    for (const [key, entry] of this.shared) {
      if (entry.expires > now && key.endsWith(`:${collection}`)) return true;
    }
    return false;
  }

  /** Records which team a token belongs to, so that a write through one token refreshes the others. */
  noteTeam(tokenKey: string, teamId: string): void {
    this.teamOfToken.delete(tokenKey);
    this.teamOfToken.set(tokenKey, teamId);
    if (this.teamOfToken.size > this.maxEntries) {
      const oldest = this.teamOfToken.keys().next().value;
      if (oldest !== undefined) this.teamOfToken.delete(oldest);
    }
  }

  /**
   * The team a token belongs to, as learnt from its `GET /team`, or `undefined`. Grants nothing: it says
   * whose caches a token's writes change, and whose calls it spends.
   */
  async teamOf(tokenKey: string): Promise<string | undefined> {
    return this.teamOfToken.get(tokenKey);
  }

  /**
   * The team this token's own `GET /team` answered, while that answer is cached (within the TTL), or
   * `undefined`. A revoked token stops being proven when its cached answer expires.
   */
  provenTeam(tokenKey: string): string | undefined {
    const entry = this.entries.get(`${tokenKey}:team`);
    if (!entry?.settled || entry.expires <= Date.now()) return undefined;
    return (entry.settled.value as { id?: string }).id;
  }

  /**
   * How many items a cached collection held when it was read (the token's own copy, else its team's), for
   * the upstream-call estimate; `undefined` unless cached and loaded.
   */
  sizeOf(tokenKey: string, collection: CachedCollection): number | undefined {
    const now = Date.now();
    const teamId = this.teamOfToken.get(tokenKey);
    for (const entry of [
      this.entries.get(`${tokenKey}:${collection}`),
      this.shared.get(`${teamId}:${collection}`),
    ]) {
      if (entry?.settled && entry.expires > now && Array.isArray(entry.settled.value)) {
        return entry.settled.value.length;
      }
    }
    return undefined;
  }

  /** The team's write generation: it changes with every write or event that may change what the team reads. */
  generation(teamId: string): number {
    return this.everyTeam + (this.teamGenerations.get(teamId) ?? 0);
  }

  /** A write went upstream through this token: what its team (or, if unknown, any team) reads may change. */
  noteWrite(tokenKey: string): void {
    const teamId = this.teamOfToken.get(tokenKey);
    if (teamId !== undefined) {
      this.teamChanged(teamId);
    } else {
      this.everyTeam++;
      this.writes++;
    }
  }

  /** Something changed the team's data (a write, an Inbox event). */
  teamChanged(teamId: string): void {
    this.writes++;
    this.teamGenerations.set(teamId, (this.teamGenerations.get(teamId) ?? 0) + 1);
  }

  invalidate(tokenKey: string, collection: CachedCollection): void {
    const teamId = this.teamOfToken.get(tokenKey);
    const sameTeam =
      teamId === undefined
        ? [tokenKey]
        : [...this.teamOfToken].filter(([, team]) => team === teamId).map(([key]) => key);
    for (const key of sameTeam) this.entries.delete(`${key}:${collection}`);
    // The team's shared copy; when the writer's team is unknown, every team's copy.
    for (const key of [...this.shared.keys()]) {
      if (key === `${teamId}:${collection}` || (teamId === undefined && key.endsWith(`:${collection}`)))
        this.shared.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.shared.clear();
    this.teamOfToken.clear();
    this.everyTeam++;
    this.writes++;
  }
}

interface CacheEntry {
  expires: number;
  value: Promise<unknown>;
  /** The value, once the promise has resolved. */
  settled?: { value: unknown };
}
