import { UpstreamError } from '../errors.js';

/**
 * The Inbox API refused the caller's token (401) within REJECTED_TOKEN_TTL_MS: the call is refused as that
 * 401 was (UNAUTHENTICATED; a subscription polling with it ends, as after any 401), and is not sent.
 */
export function rejectedTokenError(call: { method: string; route: string }): UpstreamError {
  return new UpstreamError({
    kind: 'http',
    method: call.method,
    path: call.route,
    status: 401,
    code: 'UNAUTHORIZED', // the Inbox API's own 401 code (`extensions.upstream.code`), not one of ours
    message: 'The Inbox API refused this token lately; it is refused without a call for a while.',
    unsent: true,
  });
}

export interface RejectedTokensOptions {
  /** REJECTED_TOKEN_TTL_MS: how long a refused token stays refused; 0 remembers none. */
  ttlMs: number;
  /** Tokens remembered at most: the least recently refused go first. */
  maxEntries?: number;
}

/**
 * Tokens the Inbox API refused lately, by their HMAC (never the token), so that a bad token costs the
 * upstream one call per REJECTED_TOKEN_TTL_MS instead of one per request. Bounded: a flood of random tokens
 * keeps `maxEntries` of them (about 150 bytes each) and forgets the oldest, which then cost one call again.
 * A Map in insertion order is the least-recently-used list, as in the other bounded maps of the facade.
 */
export class RejectedTokens {
  private readonly until = new Map<string, number>();
  readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor({ ttlMs, maxEntries = 10_000 }: RejectedTokensOptions) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  /** Remembers a refusal, until `until` (default: the TTL from now); returns when it ends, if remembered. */
  add(tokenKey: string, until = Date.now() + this.ttlMs): number | undefined {
    if (this.ttlMs <= 0 || until <= Date.now()) return undefined;
    const ends = Math.min(until, Date.now() + this.ttlMs);
    this.until.delete(tokenKey);
    this.until.set(tokenKey, ends);
    while (this.until.size > this.maxEntries) this.until.delete(this.until.keys().next().value as string);
    return ends;
  }

  has(tokenKey: string): boolean {
    const until = this.until.get(tokenKey);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(tokenKey);
    return false;
  }

  get size(): number {
    return this.until.size;
  }

  clear(): void {
    this.until.clear();
  }
}
