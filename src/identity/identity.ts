import type { SharedCaches } from '../caching/shared-caches.js';
import { keyMaterial } from './key-material.js';
import { RejectedTokens } from './rejected-tokens.js';
import { Seal } from './seal.js';
import { TeamProofs } from './team-proof.js';
import { TokenKeys } from './token-key.js';

export interface IdentityOptions {
  /** FACADE_SECRET: the keys derive from it; without it, random keys for this process alone. */
  secret: string | undefined;
  /** TOKEN_PROOF_TTL_MS, never longer than COLLECTION_CACHE_TTL_MS. */
  proofTtlMs: number;
  /** REJECTED_TOKEN_TTL_MS. */
  rejectedTtlMs: number;
}

/**
 * Who a caller is, for the facade: its token's name (an HMAC), the team its token was proven to belong to,
 * whether the upstream refused it lately, and the seal on what replicas exchange through Redis. One per
 * process.
 */
export class Identity {
  readonly tokens: TokenKeys;
  readonly seal: Seal;
  readonly rejected: RejectedTokens;
  readonly proofs: TeamProofs;

  constructor({ secret, proofTtlMs, rejectedTtlMs }: IdentityOptions) {
    const keys = keyMaterial(secret);
    this.tokens = new TokenKeys(keys.tokenKey);
    this.seal = new Seal(keys.sealKey);
    this.rejected = new RejectedTokens({ ttlMs: rejectedTtlMs });
    this.proofs = new TeamProofs({ proofTtlMs, rejected: this.rejected });
  }

  /** A stable, non-reversible name for a token. */
  keyOf(token: string): string {
    return this.tokens.keyOf(token);
  }

  shareThrough(shared: SharedCaches): void {
    this.proofs.shareThrough(shared);
  }
}
