/**
 * Upstream-call estimates, the "complexity" of the Pothos complexity plugin. A field states the calls it makes
 * itself (`field`) and how many times its selection repeats (`multiplier`: a page of `first` items).
 * Fields served by a collection (members, tags, ...) or embedded in their parent cost 0: a request reads each
 * collection at most once, whatever it selects.
 *
 * Costs are counted in thousandths of a call: the plugin counts every `__typename` as 1, whatever the
 * defaults say, and Apollo Client adds one to each selection. In these units they weigh nothing.
 */
export const CALL = 1000;

export const UPSTREAM_COST = {
  /** One call, whose result holds no further call (`thread(id:)`, `Message.history`). */
  oneCall: CALL,
  /** One call for a page of `first` items (at most `max`; a larger `first` is refused by the resolver). */
  page:
    (defaultSize: number, max: number) =>
    ({ first }: { first?: number | null }) => ({
      field: CALL,
      multiplier: Math.min(Math.max(first ?? defaultSize, 1), max),
    }),
  /** One call returning a short list (a prospect's threads: one per account link). */
  fewItems: { field: CALL, multiplier: 2 },
  /** One call per item (`nodes(ids:)`). */
  perItem: (count: number) => ({ field: count * CALL, multiplier: 1 }),
} as const;

/** The complexity limit for a budget of calls; the slack below one call absorbs `__typename`s. */
export const complexityLimit = (calls: number) => calls * CALL + CALL - 1;

/** Whole calls, for messages. */
export const callsOf = (complexity: number) => Math.floor(complexity / CALL);
