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
  private readonly entries = new Map<string, { expires: number; value: Promise<unknown>; size?: number }>();
  /** Token key → team id. A token never changes team, so this only needs bounding. */
  private readonly teamOfToken = new Map<string, string>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  /** A stable, non-reversible key for a token. */
  keyOf(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }

  getOrLoad<T>(tokenKey: string, collection: CachedCollection, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    const key = `${tokenKey}:${collection}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) {
      this.entries.delete(key); // re-insert: Map order is our LRU order
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = load();
    const entry: { expires: number; value: Promise<unknown>; size?: number } = {
      expires: now + this.ttlMs,
      value,
    };
    this.entries.set(key, entry);
    value.then(
      (loaded) => {
        if (Array.isArray(loaded)) entry.size = loaded.length;
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

  /** How many items a cached collection held when it was read; `undefined` unless cached and loaded. */
  sizeOf(tokenKey: string, collection: CachedCollection): number | undefined {
    const hit = this.entries.get(`${tokenKey}:${collection}`);
    return hit && hit.expires > Date.now() ? hit.size : undefined;
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

  invalidate(tokenKey: string, collection: CachedCollection): void {
    const teamId = this.teamOfToken.get(tokenKey);
    const sameTeam =
      teamId === undefined
        ? [tokenKey]
        : [...this.teamOfToken].filter(([, team]) => team === teamId).map(([key]) => key);
    for (const key of sameTeam) this.entries.delete(`${key}:${collection}`);
  }

  clear(): void {
    this.entries.clear();
    this.teamOfToken.clear();
  }
}
