import { TeamBudgetExceeded } from '../errors.js';
import type { CallGate, GateTicket, SentCall } from '../upstream/rest-client.js';
import type { BudgetMeter } from './meter.js';
import { type BudgetStatus, retryAfterSeconds, type TeamBudget } from './team-budget.js';

export interface BudgetGateOptions {
  budget: TeamBudget;
  /** The token's team as learnt from its `GET /team` (CollectionCache.teamOf), if known. */
  teamOf(): Promise<string | undefined>;
  /** Learns it now: the token's own, cached `GET /team`; `undefined` when the upstream refuses or fails. */
  proveTeam(): Promise<string | undefined>;
  /** The token's team if this process already knows it, without waiting (CollectionCache.knownTeamOf). */
  knownTeam(): string | undefined;
  /** Where the request's team is noted once known. */
  meter: BudgetMeter;
}

/** The team budget as one request meets it: its calls' gate, and the budget's state for its answer. */
export interface TeamGate extends CallGate {
  /** The team's budget for this request's answer (TeamBudget.status); `undefined` while its team is unknown. */
  status(): BudgetStatus | Promise<BudgetStatus> | undefined;
}

/**
 * The team budget, as one caller's REST client meets it: each call takes its team's slot before it is sent
 * (a call that would exceed it is not sent), and each answer's rate-limit headers are passed on.
 *
 * A call needs its team: a token new to the facade first makes its own `GET /team` (cached, and needed by most
 * operations anyway), which is counted once its answer names the team. A token the upstream refuses has no
 * team: its calls (answered 401) go out unchecked and, like the upstream, count for nobody.
 */
export function budgetGate({ budget, teamOf, proveTeam, knownTeam, meter }: BudgetGateOptions): TeamGate {
  const isTeamRead = (call: SentCall) => call.method === 'GET' && call.route === '/team';
  return {
    async admit(calls) {
      if (calls <= 0) return;
      // A token new to the facade is not held here: its first call learns its team, then each call is.
      const teamId = await teamOf();
      if (teamId === undefined) return;
      const verdict = await budget.check(teamId, calls);
      meter.teamId = teamId;
      if (!verdict.allowed) throw new TeamBudgetExceeded(retryAfterSeconds(verdict.waitMs));
    },

    async before(call) {
      let teamId = await teamOf();
      if (teamId === undefined && !isTeamRead(call)) teamId = await proveTeam();
      if (teamId === undefined) return { teamId: undefined, sentAt: budget.now() };
      const verdict = await budget.take(teamId);
      meter.teamId = teamId;
      if (!verdict.allowed) throw new TeamBudgetExceeded(retryAfterSeconds(verdict.waitMs));
      return { teamId, sentAt: budget.now() };
    },

    async after(ticket: GateTicket, answer) {
      let teamId = ticket.teamId;
      if (teamId === undefined) {
        teamId = (isTeamRead(answer.call) ? teamIdIn(answer.text) : undefined) ?? (await teamOf());
        if (teamId === undefined) return;
        // Counted before the answer is handed on: the requests waiting for this proof count after it.
        await budget.record(teamId);
        meter.teamId = teamId;
      }
      const count = upstreamCount(answer.status, answer.headers, ticket.sentAt);
      if (count) void budget.observe(teamId, count);
    },

    status() {
      const teamId = meter.teamId ?? knownTeam();
      return teamId === undefined ? undefined : budget.status(teamId);
    },
  };
}

function teamIdIn(text: string): string | undefined {
  try {
    const id = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The upstream's count from `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds); a 429 that carries
 * only `Retry-After` reads as nothing remaining until then.
 */
function upstreamCount(status: number, headers: { get(name: string): string | null }, sentAt: number) {
  const remaining = Number(headers.get('x-ratelimit-remaining') ?? Number.NaN);
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  if (Number.isFinite(remaining) && Number.isFinite(reset) && remaining >= 0) {
    return { remaining, resetAt: reset * 1000, sentAt };
  }
  const retryAfter = Number(headers.get('retry-after') ?? Number.NaN);
  if (status === 429 && Number.isFinite(retryAfter) && retryAfter > 0) {
    return { remaining: 0, resetAt: Date.now() + retryAfter * 1000, sentAt };
  }
  return undefined;
}
