import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';

/** Free-form JSON inputs (column values, importer options) are flat records; these bounds leave room. */
export const MAX_JSON_DEPTH = 10;
export const MAX_JSON_VALUES = 10_000;

/**
 * A JSON input within MAX_JSON_DEPTH levels and MAX_JSON_VALUES values, else BAD_USER_INPUT: a deeper value
 * would otherwise reach `JSON.stringify` on its way upstream and overflow the stack. The walk stops at the
 * limits, so it never recurses deeper than they are.
 */
export function boundedJson(value: unknown): unknown {
  let values = 0;
  const visit = (node: unknown, depth: number): void => {
    values++;
    if (values > MAX_JSON_VALUES) throw tooLarge(`more than ${MAX_JSON_VALUES} values`);
    if (node === null || typeof node !== 'object') return;
    if (depth >= MAX_JSON_DEPTH) throw tooLarge(`deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Array.isArray(node) ? node : Object.values(node)) visit(child, depth + 1);
  };
  visit(value, 0);
  return value;
}

const tooLarge = (what: string) =>
  new GraphQLError(`A JSON value may not hold ${what}.`, { extensions: { code: ErrorCode.BAD_USER_INPUT } });
