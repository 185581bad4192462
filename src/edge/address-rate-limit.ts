/** Addresses whose buckets are kept; the least recently seen is forgotten first (about 100 bytes each). */
export const MAX_TRACKED_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

/**
 * A token bucket per client address (its key, see `addressKey`): each holds up to `perMinute` tokens and
 * refills at `perMinute` a minute, so a client may send a burst of that many, then one every 60/perMinute s.
 *
 * Written here rather than taken from a rate-limiting library: what is needed is a few lines (a bucket and a
 * Map, whose insertion order makes it least-recently-used), where the libraries bring stores, timers per key
 * and their own eviction. A forgotten bucket was idle the longest; it comes back full, which is what it would
 * almost always have refilled to anyway.
 */
export class AddressRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMinute: number;
  readonly #maxAddresses: number;
  readonly #now: () => number;

  constructor(perMinute: number, { maxAddresses = MAX_TRACKED_ADDRESSES, now = Date.now } = {}) {
    this.#perMinute = perMinute;
    this.#maxAddresses = maxAddresses;
    this.#now = now;
  }

  /** Takes a token from the address's bucket: 0 if there was one, else the seconds until there is. */
  take(key: string): number {
    const bucket = this.#current(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / this.#perMinute));
  }

  /** Gives a token back (a WebSocket connection that did authenticate after all). */
  giveBack(key: string): void {
    const bucket = this.#current(key);
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + 1);
  }

  /** How many addresses are tracked (bounded by `maxAddresses`). */
  get size(): number {
    return this.#buckets.size;
  }

  clear(): void {
    this.#buckets.clear();
  }

  /** The address's bucket, refilled up to now and made the most recently used. */
  #current(key: string): Bucket {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perMinute, at: now };
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + ((now - bucket.at) * this.#perMinute) / 60_000);
    bucket.at = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxAddresses) {
      this.#buckets.delete(this.#buckets.keys().next().value as string);
    }
    return bucket;
  }
}
