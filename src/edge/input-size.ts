import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badUserInput } from '../errors.js';
import { MAX_BATCH } from '../graphql/inputs.js';

/** No input of this API nests deeper than a few levels; JSON values are bounded tighter (MAX_JSON_DEPTH). */
export const MAX_VARIABLE_DEPTH = 16;
/** The longest list the Inbox API accepts is a batch of MAX_BATCH entries. */
export const MAX_LIST_ENTRIES = MAX_BATCH;

/**
 * Variables are refused by their shape, before any parsing, validation or coercion of their contents: a list
 * longer than any the API accepts, or values nested deeper than any input of the schema. A walk that stops at
 * the limits costs next to nothing, where coercing 400 000 ids (or stringifying a 50 000-deep value) blocks
 * the event loop. Documents are bounded by MAX_BODY_BYTES and MAX_TOKENS (graphql-armor stops the lexer).
 */
export const useInputSizeLimits = (): Plugin => ({
  onParams: ({ params, setResult }) => {
    const refusal = variablesRefusal(params.variables);
    if (refusal) setResult({ errors: [refusal] });
  },
});

/** The refusal of variables over the limits above, for every transport; `null` when they are within. */
export function variablesRefusal(variables: unknown): GraphQLError | null {
  const refusal = oversized(variables, 'variables', 0);
  return refusal && badUserInput(`\`${refusal.field}\` ${refusal.problem}.`, refusal.field);
}

function oversized(value: unknown, field: string, depth: number): { field: string; problem: string } | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_VARIABLE_DEPTH) {
    return { field, problem: `nests deeper than ${MAX_VARIABLE_DEPTH} levels` };
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_LIST_ENTRIES) {
      return { field, problem: `must hold at most ${MAX_LIST_ENTRIES} entries` };
    }
    for (const [index, item] of value.entries()) {
      const found = oversized(item, `${field}[${index}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = oversized(item, `${field}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}
