import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { estimateUpstreamCalls, overBudgetError } from '../graphql/budget.js';

/** The arguments an onExecute hook of a `Plugin<Context>` receives: Yoga's context with ours merged in. */
export type FacadeExecutionArgs = Parameters<NonNullable<Plugin<Context>['onExecute']>>[0]['args'];

/** Per request: the operation's estimate, walked once however many plugins ask for it. */
const estimates = new WeakMap<object, number | null>();

/** The upstream calls the operation may make (`null`: graphql-js refuses it before any resolver runs). */
export function upstreamEstimate(args: FacadeExecutionArgs): number | null {
  const context = args.contextValue;
  if (estimates.has(context)) return estimates.get(context) ?? null;
  const calls = estimateUpstreamCalls(
    args.schema,
    args.document,
    args.operationName,
    args.variableValues,
    context,
  );
  estimates.set(context, calls);
  return calls;
}

/** The operation will run its resolvers, within MAX_UPSTREAM_CALLS. */
export function runsWithinBudget(args: FacadeExecutionArgs): boolean {
  const calls = upstreamEstimate(args);
  return calls !== null && calls <= args.contextValue.maxUpstreamCalls;
}

/**
 * MAX_UPSTREAM_CALLS, held before execution starts: an operation that could make more Inbox API calls is
 * answered with its refusal alone, and nothing of it (look-ahead included) reaches upstream.
 */
export const useUpstreamBudget = (): Plugin<Context> => ({
  onExecute: ({ args, setResultAndStopExecution }) => {
    const calls = upstreamEstimate(args);
    const limit = args.contextValue.maxUpstreamCalls;
    if (calls !== null && calls > limit)
      setResultAndStopExecution({ errors: [overBudgetError(calls, limit)] });
  },
});
