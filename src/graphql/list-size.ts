/**
 * The multiplier of a list that declares no size (any list of objects without a call of their own, such
 * as a prospect's tags): the builder's default for the complexity plugin and the estimate's
 * (src/budget/estimate.ts). A list whose items may make calls declares its size; a test checks it.
 */
export const UNKNOWN_COLLECTION_SIZE = 25;
