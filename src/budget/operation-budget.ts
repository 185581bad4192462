import { type ExecutionArgs, GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';
import type { Context } from '../graphql/context-type.js';
import type { SizedCollection } from './cost-declarations.js';
import { cachedEstimate, type OperationEstimate, type SizeOf } from './estimate.js';

/**
 * MAX_UPSTREAM_CALLS, judged the same whatever the caches hold. The estimate counts every collection read as
 * a call, cached or not; what repeats over a team collection's items repeats by the team's size. When no
 * cache knows that size, it is learnt first: the collection is read (one call, which the operation makes
 * anyway, within its estimate, and which the caches keep), then the operation is estimated with it. An
 * operation over the limit whatever the size (counting it empty) is refused without that read.
 *
 * Why learn rather than assume a bound: a bound the same cold and warm would refuse, for a team with two
 * account links, what costs it 11 calls (`accountLinks { threads(first: 4) { … messages(first: 1) } }`) as
 * if it had 25, and would still be too low for a team with more.
 */
export async function estimateBeforeRunning(
  args: ExecutionArgs,
  context: Context,
): Promise<OperationEstimate | null> {
  const learnt = new Map<SizedCollection, number>();
  const sizeOf: SizeOf = (collection) =>
    learnt.get(collection) ?? context.inbox.caching.knownSize(collection);
  const withToken = context.inbox.caller.tokenKey !== undefined;
  for (;;) {
    const estimate = cachedEstimate(args.schema, args.document, args.operationName, args.variableValues, {
      sizeOf,
      withToken,
    });
    const missing = estimate?.unknownSizes.filter((collection) => !learnt.has(collection)) ?? [];
    if (!estimate || missing.length === 0 || estimate.calls > context.maxUpstreamCalls) return estimate;
    // Throws the coded failure of the read (UNAUTHENTICATED, RATE_LIMITED, an upstream error).
    const sizes = await Promise.all(missing.map((collection) => readCollection(context, collection)));
    for (const [index, collection] of missing.entries()) learnt.set(collection, sizes[index] ?? 0);
  }
}

async function readCollection(context: Context, collection: SizedCollection): Promise<number> {
  const items = await (collection === 'members'
    ? context.inbox.members.all()
    : context.inbox.accountLinks.all());
  return items.length;
}

const COLLECTION_NAMES: Record<SizedCollection, string> = { members: 'member', accountLinks: 'account link' };

/**
 * The refusal of an operation over MAX_UPSTREAM_CALLS: UPSTREAM_BUDGET_EXCEEDED, with the estimate and the
 * limit, as the only error of an answer without `data` (HTTP 400 with application/graphql-response+json).
 * Refused before the team's size was learnt, the estimate counted that collection empty: it says "at least".
 */
export function overBudgetError(
  estimate: Pick<OperationEstimate, 'calls' | 'perEvent'> & Partial<Pick<OperationEstimate, 'unknownSizes'>>,
  limit: number,
) {
  const what = estimate.perEvent ? 'Each event of this subscription' : 'This operation';
  const unknown = estimate.unknownSizes ?? [];
  const calls =
    unknown.length === 0
      ? `up to ${estimate.calls} Inbox API calls`
      : `at least ${estimate.calls} Inbox API calls, and more for each of the team's ` +
        `${unknown.map((collection) => `${COLLECTION_NAMES[collection]}s`).join(' and ')}`;
  return new GraphQLError(
    `${what} could make ${calls}; the limit is ${limit} (MAX_UPSTREAM_CALLS). Ask for smaller pages, or split it.`,
    { extensions: { code: ErrorCode.UPSTREAM_BUDGET_EXCEEDED, estimate: estimate.calls, limit } },
  );
}
