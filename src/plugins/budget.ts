import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Context } from '../context.js';
import { estimateUpstreamCalls, overBudgetError } from '../graphql/budget.js';

/**
 * MAX_UPSTREAM_CALLS, held before execution starts: an operation that could make more Inbox API calls is
 * answered with its refusal alone, and nothing of it (look-ahead included) reaches upstream.
 */
export const useUpstreamBudget = (): Plugin => ({
  onExecute: ({ args, setResultAndStopExecution }) => {
    const context = args.contextValue as YogaInitialContext & Context;
    const calls = estimateUpstreamCalls(
      args.schema,
      args.document,
      args.operationName,
      args.variableValues,
      context,
    );
    if (calls !== null && calls > context.maxUpstreamCalls) {
      setResultAndStopExecution({ errors: [overBudgetError(calls, context.maxUpstreamCalls)] });
    }
  },
});
