/**
 * What the operation log (./operation-log.ts) and `extensions.cost` report about an operation, noted by the
 * homes that know it: the estimate by src/budget/, an answer served from the response cache by src/caching/.
 * A leaf: those homes write here, so nothing here imports them.
 */
const estimates = new WeakMap<object, number | null>();

/** The upstream-call estimate made for this request's context (`null`: the operation has none). */
export function noteUpstreamEstimate(context: object, calls: number | null): void {
  estimates.set(context, calls);
}

/** The estimate, if this request made one; computes nothing. */
export const upstreamEstimateOf = (context: object): number | null | undefined => estimates.get(context);

const servedFromCache = new WeakSet<object>();

export function noteServedFromResponseCache(result: object): void {
  servedFromCache.add(result);
}

export const servedFromResponseCache = (result: unknown): boolean =>
  typeof result === 'object' && result !== null && servedFromCache.has(result);
