import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { teamBudgetError } from '../errors.js';
import { TeamBudgetExceeded } from '../inbox/budget-gate.js';
import { upstreamEstimate } from './budget.js';

/**
 * TEAM_CALLS_PER_MINUTE, before an operation runs: it is refused with RATE_LIMITED (and a `retryAfter`
 * computed here), before any call, unless the team's window has room for every call it estimates
 * (MAX_UPSTREAM_CALLS's estimate, src/graphql/budget.ts, walked once per operation). Nothing is reserved:
 * each call then takes its slot as it is sent, and one that no longer fits (other operations of the team took
 * the room meanwhile) fails its field alone with the same code. An operation estimated at no call
 * (collections, cached) is not held.
 */
export const useTeamBudget = (): Plugin<Context> => ({
  onExecute: async ({ args, setResultAndStopExecution }) => {
    const context = args.contextValue;
    const calls = upstreamEstimate(args);
    // Over MAX_UPSTREAM_CALLS: refused already (src/plugins/budget.ts runs first).
    if (calls === null || calls === 0 || calls > context.maxUpstreamCalls) return;
    try {
      await context.inbox.admit(calls);
    } catch (error) {
      if (!(error instanceof TeamBudgetExceeded)) throw error;
      setResultAndStopExecution({ errors: [teamBudgetError(error)] });
    }
  },
});
