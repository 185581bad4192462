import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { cachedEstimate } from '../budget/estimate.js';
import { overBudgetError as budgetRefusal } from '../budget/operation-budget.js';
import type { Context } from '../context.js';

/**
 * The upstream-call budget (MAX_UPSTREAM_CALLS): the estimate lives in src/budget/estimate.ts, the verdict
 * in src/budget/operation-budget.ts and src/plugins/budget.ts. These two entry points stay for callers that
 * had them.
 */

/**
 * The upstream calls an operation may make, as far as the caches know the team's sizes (one that no cache
 * knows counts as empty), or `null` when it cannot run at all (graphql-js refuses it).
 */
export function estimateUpstreamCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  context: Context,
): number | null {
  return (
    cachedEstimate(schema, document, operationName, rawVariables, {
      sizeOf: (collection) => context.inbox.knownSize(collection),
      withToken: context.inbox.tokenKey !== undefined,
    })?.calls ?? null
  );
}

/** The refusal of an operation over the budget: UPSTREAM_BUDGET_EXCEEDED, with the estimate and the limit. */
export function overBudgetError(calls: number, limit: number): GraphQLError {
  return budgetRefusal({ calls, perEvent: false }, limit);
}
