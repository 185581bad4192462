import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { cachedEstimate, type OperationEstimate } from '../budget/estimate.js';
import { estimateBeforeRunning, overBudgetError } from '../budget/operation-budget.js';
import type { Context } from '../context.js';
import { maskError } from '../errors.js';

interface Memo {
  estimate: OperationEstimate | null;
  /** Made before running, its sizes learnt: the one MAX_UPSTREAM_CALLS judged. */
  settled: boolean;
}

/** Per request: the operation's estimate, walked once however many plugins ask for it. */
const estimates = new WeakMap<object, Memo>();

const contextOf = (args: ExecutionArgs) => args.contextValue as YogaInitialContext & Context;

/** The estimate as far as the caches know the team's sizes (an unknown one counts as empty). */
function memoOf(args: ExecutionArgs): Memo {
  const context = contextOf(args);
  let memo = estimates.get(context);
  if (!memo) {
    const estimate = cachedEstimate(args.schema, args.document, args.operationName, args.variableValues, {
      sizeOf: (collection) => context.inbox.knownSize(collection),
      withToken: context.inbox.tokenKey !== undefined,
    });
    memo = { estimate, settled: estimate === null || estimate.unknownSizes.length === 0 };
    estimates.set(context, memo);
  }
  return memo;
}

/**
 * The upstream calls the operation may make (a subscription: each event), as MAX_UPSTREAM_CALLS judged it
 * once it has; `null`: graphql-js refuses it before any resolver runs.
 */
export function upstreamEstimate(args: ExecutionArgs): number | null {
  return memoOf(args).estimate?.calls ?? null;
}

/**
 * The calls the operation may make other than team collection reads, which the caches usually serve (what
 * the team's window must hold before it runs: src/plugins/team-budget.ts).
 */
export function expectedUpstreamCalls(args: ExecutionArgs): number | null {
  const { estimate } = memoOf(args);
  return estimate && estimate.calls - estimate.collectionReads;
}

/** The estimate, if this request made one already (for the operation log); computes nothing. */
export function madeUpstreamEstimate(context: object): number | null | undefined {
  const memo = estimates.get(context);
  return memo && (memo.estimate?.calls ?? null);
}

/**
 * The operation will run its resolvers within MAX_UPSTREAM_CALLS, as far as can be told without a call (an
 * estimate that needs a size no cache knows is not "within" yet).
 */
export function runsWithinBudget(args: ExecutionArgs): boolean {
  const { estimate, settled } = memoOf(args);
  return (
    estimate !== null &&
    (settled || estimate.unknownSizes.length === 0) &&
    estimate.calls <= contextOf(args).maxUpstreamCalls
  );
}

/**
 * MAX_UPSTREAM_CALLS, held before execution starts, and before a subscription subscribes: an operation that
 * could make more Inbox API calls (a subscription: for each event) is answered with its refusal alone, and
 * nothing of it (look-ahead included) reaches upstream, except the read of a team collection whose size the
 * verdict depends on (src/budget/operation-budget.ts).
 */
export const useUpstreamBudget = (): Plugin => {
  const hold = async (args: ExecutionArgs, refuse: (result: ExecutionResult) => void): Promise<void> => {
    const context = contextOf(args);
    let estimate: OperationEstimate | null;
    try {
      estimate = await estimateBeforeRunning(args, context);
    } catch (error) {
      refuse({ errors: [maskError(error, 'Unexpected error.') as GraphQLError] });
      return;
    }
    estimates.set(context, { estimate, settled: true });
    if (estimate !== null && estimate.calls > context.maxUpstreamCalls) {
      refuse({ errors: [overBudgetError(estimate, context.maxUpstreamCalls)] });
    }
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => hold(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => hold(args, setResultAndStopExecution),
  };
};
