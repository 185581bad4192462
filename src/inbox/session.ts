import type { CachedCollection, CollectionCache } from './collection-cache.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { RestClient } from './rest-client.js';

/**
 * What the operations of one InboxApi share: the caller's REST client, its loaders, and the rule that keeps
 * reads fresh after a write.
 */
export class Session {
  #loaders: Loaders | undefined;

  constructor(
    readonly rest: RestClient,
    private readonly cache: CollectionCache | undefined,
    private readonly tokenKey: string | undefined,
    /** Counts the collection reads the cross-request cache answers (for the cost of the answer). */
    private readonly onCacheHit?: () => void,
  ) {}

  /**
   * Made on first use: a request answered from the answer cache reads nothing, and building the loaders is
   * most of what a request's context costs.
   */
  get loaders(): Loaders {
    this.#loaders ??= createLoaders(this.rest, this.cache, this.tokenKey, this.onCacheHit);
    return this.#loaders;
  }

  /** The loaders, if this request has used them. */
  get loadersInUse(): Loaders | undefined {
    return this.#loaders;
  }

  /** Cross-request reads are on: a collection read now is one that later requests will not make. */
  get cachesCollections(): boolean {
    return this.cache?.enabled === true && this.tokenKey !== undefined;
  }

  /**
   * Runs one upstream write, then makes every later read fresh: in this request (the loaders forget what they
   * saw) and in later ones, on every replica (the team's cached answers, and the cached collections the
   * write changes, are dropped for the whole team before the write's answer leaves).
   * Also after a failure: a write that timed out may still have been applied upstream.
   */
  async write<T>(
    call: (rest: RestClient) => Promise<T>,
    changes: readonly CachedCollection[] = [],
  ): Promise<T> {
    try {
      return await call(this.rest);
    } finally {
      this.#loaders?.clearAll();
      if (this.cache && this.tokenKey !== undefined) await this.cache.noteWrite(this.tokenKey, changes);
    }
  }
}
