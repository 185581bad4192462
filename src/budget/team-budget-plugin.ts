import type { Plugin } from 'graphql-yoga';
import { TeamBudgetExceeded, teamBudgetError } from '../errors.js';
import type { Context } from '../graphql/context-type.js';
import { expectedUpstreamCalls, upstreamEstimate } from './operation-budget-plugin.js';

/**
 * TEAM_CALLS_PER_MINUTE, before an operation runs: it is refused with RATE_LIMITED (and a `retryAfter`
 * computed here), before any call, unless the team's window has room for every call it estimates other than
 * its team collection reads, which the caches usually serve (MAX_UPSTREAM_CALLS's estimate,
 * src/budget/estimate.ts, walked once per operation). Nothing is reserved: each call then takes its slot as
 * it is sent, and one that no longer fits (a cold collection, or other operations of the team took the room
 * meanwhile) fails its field alone with the same code. An operation that reads only collections is not held.
 */
export const useTeamBudget = (): Plugin<Context> => ({
  onExecute: async ({ args, setResultAndStopExecution }) => {
    const context = args.contextValue;
    const estimate = upstreamEstimate(args);
    const calls = expectedUpstreamCalls(args);
    // Over MAX_UPSTREAM_CALLS: refused already (src/budget/operation-budget-plugin.ts runs first).
    if (estimate === null || calls === null || calls === 0 || estimate > context.maxUpstreamCalls) return;
    try {
      await context.inbox.budget.admit(calls);
    } catch (error) {
      if (!(error instanceof TeamBudgetExceeded)) throw error;
      setResultAndStopExecution({ errors: [teamBudgetError(error)] });
    }
  },
});
