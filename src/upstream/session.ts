import type { CachedCollection, CollectionCache } from '../caching/collection-cache.js';
import { refusedBeforeAnyEffect } from '../errors.js';
import type { TeamProofs } from '../identity/team-proof.js';
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
    private readonly proofs?: TeamProofs,
    private readonly changesHeard?: () => Promise<void> | undefined,
    /** Counts the collection reads the cross-request cache answers (for the cost of the answer). */
    private readonly onCacheHit?: () => void,
  ) {}

  /**
   * Made on first use: a request answered from the answer cache reads nothing, and building the loaders is
   * most of what a request's context costs.
   */
  get loaders(): Loaders {
    this.#loaders ??= createLoaders(
      this.rest,
      this.cache,
      this.tokenKey,
      this.proofs,
      this.changesHeard,
      this.onCacheHit,
    );
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
   * write changes, are dropped for the writer's team before the write's answer leaves).
   * Also after a failure that may have come after the write was applied (a timeout, a 5xx); not after a
   * refusal (a 4xx, a token refused, nothing sent), which changed nothing anyone reads.
   */
  async write<T>(
    call: (rest: RestClient) => Promise<T>,
    changes: readonly CachedCollection[] = [],
  ): Promise<T> {
    let mayHaveApplied = true;
    try {
      return await call(this.rest);
    } catch (error) {
      mayHaveApplied = !refusedBeforeAnyEffect(error);
      throw error;
    } finally {
      this.#loaders?.clearAll();
      if (mayHaveApplied && this.cache && this.tokenKey !== undefined) {
        await this.cache.noteWrite(this.tokenKey, changes);
      }
    }
  }
}
