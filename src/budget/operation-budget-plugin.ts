import {
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLError,
  getOperationAST,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import { maskError } from '../errors.js';
import { ROOT_FIELDS_WITHOUT_HOOKS } from '../graphql/before-root-field.js';
import type { Context } from '../graphql/context-type.js';
import { noteUpstreamEstimate } from '../observability/operation-facts.js';
import { cachedEstimate, type OperationEstimate } from './estimate.js';
import { estimateBeforeRunning, overBudgetError } from './operation-budget.js';

/** The arguments an onExecute hook of a `Plugin<Context>` receives: Yoga's context with ours merged in. */
export type FacadeExecutionArgs = Parameters<NonNullable<Plugin<Context>['onExecute']>>[0]['args'];

interface Memo {
  estimate: OperationEstimate | null;
  /** Made before running, its sizes learnt: the one MAX_UPSTREAM_CALLS judged. */
  settled: boolean;
}

/** Per request: the operation's estimate, walked once however many plugins ask for it. */
const estimates = new WeakMap<object, Memo>();

/** The request's estimate, also noted for the operation log and `extensions.cost`. */
function remember(context: object, memo: Memo): void {
  estimates.set(context, memo);
  noteUpstreamEstimate(context, memo.estimate?.calls ?? null);
}

const contextOf = (args: ExecutionArgs) => args.contextValue as YogaInitialContext & Context;

/** The estimate as far as the caches know the team's sizes (an unknown one counts as empty). */
function memoOf(args: ExecutionArgs): Memo {
  const context = contextOf(args);
  let memo = estimates.get(context);
  if (!memo) {
    const estimate = cachedEstimate(args.schema, args.document, args.operationName, args.variableValues, {
      sizeOf: (collection) => context.inbox.caching.knownSize(collection),
      withToken: context.inbox.caller.tokenKey !== undefined,
    });
    memo = { estimate, settled: estimate === null || estimate.unknownSizes.length === 0 };
    remember(context, memo);
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
 * the team's window must hold before it runs: src/budget/team-budget-plugin.ts).
 */
export function expectedUpstreamCalls(args: ExecutionArgs): number | null {
  const { estimate } = memoOf(args);
  return estimate && estimate.calls - estimate.collectionReads;
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
 * nothing of it (look-ahead included) reaches upstream.
 *
 * When the verdict depends on a team collection's size that no cache knows (src/budget/operation-budget.ts),
 * a query or mutation learns it as its first root field with valid arguments starts, before any of them
 * resolves; a refusal then is still the answer's only error, without `data`. So a bad argument is refused
 * without that read, as without it. A subscription learns it as it subscribes.
 */
export const useUpstreamBudget = (): Plugin<Context> => ({
  onExecute: ({ args, setResultAndStopExecution }) => {
    const context = contextOf(args);
    const { estimate } = memoOf(args);
    const limit = context.maxUpstreamCalls;
    if (estimate === null) return;
    if (estimate.calls > limit) {
      setResultAndStopExecution({ errors: [overBudgetError(estimate, limit)] });
      return;
    }
    if (estimate.unknownSizes.length === 0) return;
    // `_entities` would not wait for a verdict reached as root fields start: reach it now.
    if (selectsRootFieldWithoutHooks(args)) return hold(args, setResultAndStopExecution);
    let refusal: GraphQLError | undefined;
    let verdict: Promise<void> | undefined;
    context.rootFieldVerdict = () => {
      verdict ??= (async () => {
        try {
          const settled = await estimateBeforeRunning(args, context);
          remember(context, { estimate: settled, settled: true });
          if (settled && settled.calls > limit) refusal = overBudgetError(settled, limit);
          // The team's window, now that the estimate is whole (src/budget/team-budget-plugin.ts held the part
          // known before).
          else if (settled) await context.inbox.budget.admit(settled.calls - settled.collectionReads);
        } catch (error) {
          refusal = maskError(error, 'Unexpected error.') as GraphQLError;
        }
        if (refusal) throw refusal;
      })();
      return verdict;
    };
    return {
      onExecuteDone: ({ setResult }) => {
        // Every root field failed with it, before resolving: the answer is the refusal alone.
        if (refusal) setResult({ errors: [refusal] });
      },
    };
  },
  onSubscribe: ({ args, setResultAndStopExecution }) => hold(args, setResultAndStopExecution),
});

/** Learns the sizes the verdict needs, now, and refuses the operation over the budget. */
async function hold(args: ExecutionArgs, refuse: (result: ExecutionResult) => void): Promise<void> {
  const context = contextOf(args);
  let estimate: OperationEstimate | null;
  try {
    estimate = await estimateBeforeRunning(args, context);
  } catch (error) {
    refuse({ errors: [maskError(error, 'Unexpected error.') as GraphQLError] });
    return;
  }
  remember(context, { estimate, settled: true });
  if (estimate !== null && estimate.calls > context.maxUpstreamCalls) {
    refuse({ errors: [overBudgetError(estimate, context.maxUpstreamCalls)] });
  }
}

/** The operation selects a root field that calls no hook (ROOT_FIELDS_WITHOUT_HOOKS), directly or in a fragment. */
function selectsRootFieldWithoutHooks(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of args.document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const seen = new Set<string>();
  const selects = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return ROOT_FIELDS_WITHOUT_HOOKS.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return false;
      seen.add(fragment.name.value);
      return selects(fragment.selectionSet);
    });
  return operation !== null && operation !== undefined && selects(operation.selectionSet);
}
