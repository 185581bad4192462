/**
 * What one request (or one event of a subscription) learnt while it ran, for the cost of its answer: the
 * team whose budget its calls took from, and the reads the cross-request cache served instead of a call.
 */
export class BudgetMeter {
  /** The team whose budget this request's calls take from, once known. */
  teamId: string | undefined;
  /** Collection reads answered by the cross-request cache, without a call. */
  cacheHits = 0;
}
