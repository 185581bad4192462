import type { SharedCaches } from '../caching/shared-caches.js';
import { OUTAGE_TTL_MS } from '../replicas/redis.js';
import { type RejectedTokens, rejectedTokenError } from './rejected-tokens.js';

const TEAM_READ = { method: 'GET', route: '/team' };

export interface TeamProofsOptions {
  /**
   * How long a token's own `GET /team` answer proves its team (TOKEN_PROOF_TTL_MS, never longer than the
   * collection cache keeps anything); 0: each request proves it again.
   */
  proofTtlMs: number;
  rejected: RejectedTokens;
  /** Tokens remembered at most (least recently used first out). */
  maxEntries?: number;
}

interface Proof {
  expires: number;
  value: Promise<{ id: string }>;
  /** The team, once the proof is made. */
  teamId?: string;
}

/**
 * Which team a token belongs to, as its own `GET /team` proves it. Inbox tokens are team-level keys: once
 * proven, a token may be served what any token of its team loaded, and its writes make its team's caches
 * stale. Tokens are named by their HMAC (src/identity/token-key.ts).
 *
 * - A proof lasts `proofTtlMs` (OUTAGE_TTL_MS at most while Redis is configured but cannot be shared). A
 *   proof being made is shared: concurrent requests of one token make one call.
 * - With Redis, a proof made on one replica serves the others for the rest of its lifetime, and a token
 *   the upstream refused is refused by every replica (src/caching/shared-caches.ts, sealed).
 * - A token the upstream refuses (401, on any call) loses its proof and is refused for
 *   REJECTED_TOKEN_TTL_MS without any call (RejectedTokens).
 * - The team a token belongs to (`teamOf`) outlives the proof (a token never changes team): it grants
 *   nothing, it says whose caches a token's writes change, and whose calls it spends.
 */
export class TeamProofs {
  private readonly proofs = new Map<string, Proof>();
  /** Token key → team id. A token never changes team, so this only needs bounding. */
  private readonly teamOfToken = new Map<string, string>();
  private shared: SharedCaches | undefined;
  private readonly proofTtlMs: number;
  private readonly maxEntries: number;
  readonly rejected: RejectedTokens;

  constructor({ proofTtlMs, rejected, maxEntries = 10_000 }: TeamProofsOptions) {
    this.proofTtlMs = proofTtlMs;
    this.rejected = rejected;
    this.maxEntries = maxEntries;
  }

  /** Redis shared by the replicas: proofs and refusals made on one serve all. */
  shareThrough(shared: SharedCaches): void {
    this.shared = shared;
  }

  /**
   * The token's team, proven: its proof when one lives (here, else in Redis), else `load()` (its own
   * `GET /team`), shared by the concurrent requests of the token. Rejects at once, without a call, while the
   * token is refused.
   */
  prove<T extends { id: string }>(tokenKey: string, load: () => Promise<T>): Promise<T> {
    if (this.rejected.has(tokenKey)) return Promise.reject(rejectedTokenError(TEAM_READ));
    const now = Date.now();
    const held = this.proofs.get(tokenKey);
    if (held && (held.teamId === undefined || held.expires > now)) {
      this.proofs.delete(tokenKey); // re-inserted: Map order is our LRU order
      this.proofs.set(tokenKey, held);
      return held.value as Promise<T>;
    }
    const lifetime = this.lifetime();
    const proof: Proof = { expires: now + lifetime, value: Promise.resolve({ id: '' }) };
    const value = (async () => {
      const remote = await this.shared?.readProof<T>(tokenKey);
      if (remote?.rejectedUntil !== undefined) {
        this.rejected.add(tokenKey, remote.rejectedUntil);
        throw rejectedTokenError(TEAM_READ);
      }
      if (remote?.proof && lifetime > 0) {
        proof.expires = Math.min(proof.expires, remote.proof.expires);
        return remote.proof.value;
      }
      const team = await load();
      if (lifetime > 0) this.shared?.writeProof(tokenKey, team.id, team, proof.expires);
      return team;
    })();
    proof.value = value;
    this.proofs.set(tokenKey, proof);
    this.bound(this.proofs);
    value.then(
      (team) => {
        proof.teamId = team.id;
        this.noteTeam(tokenKey, team.id);
        if (lifetime <= 0 && this.proofs.get(tokenKey) === proof) this.proofs.delete(tokenKey);
      },
      () => {
        if (this.proofs.get(tokenKey) === proof) this.proofs.delete(tokenKey);
      },
    );
    return value;
  }

  /**
   * The team this token's own `GET /team` answered, while that answer is a proof (within its lifetime), or
   * `undefined`. A revoked token stops being proven when the upstream refuses it, or when its proof expires.
   */
  provenTeam(tokenKey: string): string | undefined {
    const proof = this.proofs.get(tokenKey);
    return proof !== undefined && proof.expires > Date.now() ? proof.teamId : undefined;
  }

  /** The token's team, as this replica learnt it (no Redis read), or `undefined`. */
  knownTeam(tokenKey: string): string | undefined {
    return this.teamOfToken.get(tokenKey);
  }

  /** The token's team, as learnt from its `GET /team` (here, else by any replica within a day), or `undefined`. */
  async teamOf(tokenKey: string): Promise<string | undefined> {
    const known = this.teamOfToken.get(tokenKey);
    if (known !== undefined || this.shared === undefined) return known;
    const teamId = await this.shared.teamOf(tokenKey);
    if (teamId !== undefined) this.noteTeam(tokenKey, teamId);
    return teamId;
  }

  /** Records which team a token belongs to, so that a write through one token refreshes the others. */
  noteTeam(tokenKey: string, teamId: string): void {
    this.teamOfToken.delete(tokenKey);
    this.teamOfToken.set(tokenKey, teamId);
    this.bound(this.teamOfToken);
  }

  /** The tokens this replica knows to belong to the team. */
  tokensOf(teamId: string): string[] {
    const tokens: string[] = [];
    for (const [tokenKey, team] of this.teamOfToken) if (team === teamId) tokens.push(tokenKey);
    return tokens;
  }

  /** The upstream refused the token (401): it is no longer proven, and is refused for a while, everywhere. */
  refuse(tokenKey: string): void {
    this.proofs.delete(tokenKey);
    const until = this.rejected.add(tokenKey);
    this.shared?.writeRejected(tokenKey, until ?? 0);
  }

  /** Forgets every proof, known team and refusal (tests). */
  clear(): void {
    this.proofs.clear();
    this.teamOfToken.clear();
    this.rejected.clear();
  }

  /** While Redis is configured but cannot be shared, a proof lives OUTAGE_TTL_MS at most. */
  private lifetime(): number {
    return this.shared && !this.shared.ready ? Math.min(this.proofTtlMs, OUTAGE_TTL_MS) : this.proofTtlMs;
  }

  private bound(map: Map<string, unknown>): void {
    while (map.size > this.maxEntries) map.delete(map.keys().next().value as string);
  }
}
