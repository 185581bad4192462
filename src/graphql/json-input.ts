import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';

/** Free-form JSON inputs (column values, importer options) are flat records; these bounds leave room. */
export const MAX_JSON_DEPTH = 10;
export const MAX_JSON_VALUES = 10_000;

/**
 * What `value` exceeds of MAX_JSON_DEPTH levels and MAX_JSON_VALUES values (`null`: neither), e.g. `deeper
 * than 10 levels`. The walk stops at the limits, so it never recurses deeper than they are: a deeper value
 * would otherwise overflow the stack of whatever serialises it (`JSON.stringify` on its way upstream, or to
 * a subscriber).
 */
export function beyondJsonBounds(value: unknown): string | null {
  let values = 0;
  const visit = (node: unknown, depth: number): string | null => {
    values++;
    if (values > MAX_JSON_VALUES) return `more than ${MAX_JSON_VALUES} values`;
    if (node === null || typeof node !== 'object') return null;
    if (depth >= MAX_JSON_DEPTH) return `deeper than ${MAX_JSON_DEPTH} levels`;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      const beyond = visit(child, depth + 1);
      if (beyond) return beyond;
    }
    return null;
  };
  return visit(value, 0);
}

/** A JSON input within MAX_JSON_DEPTH levels and MAX_JSON_VALUES values, else BAD_USER_INPUT. */
export function boundedJson(value: unknown): unknown {
  const beyond = beyondJsonBounds(value);
  if (beyond) {
    throw new GraphQLError(`A JSON value may not hold ${beyond}.`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  return value;
}
