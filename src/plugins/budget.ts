import type { ExecutionArgs } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Context } from '../context.js';
import { estimateUpstreamCalls, overBudgetError } from '../graphql/budget.js';

/** Per request: the operation's estimate, walked once however many plugins ask for it. */
const estimates = new WeakMap<object, number | null>();

/** The upstream calls the operation may make (`null`: graphql-js refuses it before any resolver runs). */
export function upstreamEstimate(args: ExecutionArgs): number | null {
  const context = args.contextValue as YogaInitialContext & Context;
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
export function runsWithinBudget(args: ExecutionArgs): boolean {
  const calls = upstreamEstimate(args);
  return calls !== null && calls <= (args.contextValue as YogaInitialContext & Context).maxUpstreamCalls;
}

/**
 * MAX_UPSTREAM_CALLS, held before execution starts: an operation that could make more Inbox API calls is
 * answered with its refusal alone, and nothing of it (look-ahead included) reaches upstream.
 */
export const useUpstreamBudget = (): Plugin => ({
  onExecute: ({ args, setResultAndStopExecution }) => {
    const calls = upstreamEstimate(args);
    const limit = (args.contextValue as YogaInitialContext & Context).maxUpstreamCalls;
    if (calls !== null && calls > limit)
      setResultAndStopExecution({ errors: [overBudgetError(calls, limit)] });
  },
});
