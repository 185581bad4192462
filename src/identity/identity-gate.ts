import { UpstreamError } from '../errors.js';
import type { CallGate, GateTicket } from '../upstream/rest-client.js';
import { rejectedTokenError } from './rejected-tokens.js';
import type { TeamProofs } from './team-proof.js';

export interface IdentityGateOptions {
  tokenKey: string;
  proofs: TeamProofs;
  /** The token's own `GET /team` (shared by its concurrent requests); rejects as that call failed. */
  proveTeam(): Promise<unknown>;
  /** The gate behind this one (the team's call budget), if any. */
  inner?: CallGate;
}

const isTeamRead = (call: { method: string; route: string }) =>
  call.method === 'GET' && call.route === '/team';

/**
 * Stands before every upstream call of a caller, ahead of the team's budget: a token the upstream refused
 * lately makes no call; a token whose team no replica knows makes one, its proof (`GET /team`), before any
 * other (a failed proof fails the calls that waited for it, unsent); a 401 on any call marks the token as
 * refused. So a bad token costs the upstream one call per REJECTED_TOKEN_TTL_MS, and a write is only ever
 * sent for a token whose team is known (whose caches it then makes stale).
 */
export function identityGate({ tokenKey, proofs, proveTeam, inner }: IdentityGateOptions): CallGate {
  return {
    admit: (calls) => inner?.admit(calls) ?? Promise.resolve(),

    async before(call): Promise<GateTicket> {
      if (proofs.rejected.has(tokenKey)) throw rejectedTokenError(call);
      if (!isTeamRead(call) && (await proofs.teamOf(tokenKey)) === undefined) {
        await proveTeam().catch((error: unknown) => {
          // The proof's failure, marked as this call's not having been sent.
          throw error instanceof UpstreamError
            ? new UpstreamError({ ...error.details, unsent: true })
            : error;
        });
      }
      return inner ? inner.before(call) : { teamId: undefined, sentAt: Date.now() };
    },

    async after(ticket, answer) {
      if (answer.status === 401) proofs.refuse(tokenKey);
      await inner?.after(ticket, answer);
    },
  };
}
