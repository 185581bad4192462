import { type DocumentNode, Kind, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { documentLimitRefusal } from './limit-refusal.js';

/**
 * The most fields any one selection set of the document collects: its own, those of its inline fragments
 * and those of the fragments it spreads (as validation and execution merge them). One pass over the
 * document: each selection set and each fragment is counted once, and a fragment cycle (refused later by
 * validation) counts nothing.
 */
export function largestSelection(document: DocumentNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition.selectionSet);
  }
  const counted = new Map<SelectionSetNode, number>();
  const counting = new Set<SelectionSetNode>();
  let largest = 0;
  const count = (selectionSet: SelectionSetNode): number => {
    const known = counted.get(selectionSet);
    if (known !== undefined) return known;
    if (counting.has(selectionSet)) return 0;
    counting.add(selectionSet);
    let fields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        fields += 1;
        if (selection.selectionSet) count(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        fields += count(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) fields += count(fragment);
      }
    }
    counting.delete(selectionSet);
    counted.set(selectionSet, fields);
    largest = Math.max(largest, fields);
    return fields;
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
      count(definition.selectionSet);
    }
  }
  return largest;
}

/**
 * MAX_FIELDS_PER_SELECTION, checked as soon as the document is parsed, and never validated. Validation's
 * OverlappingFieldsCanBeMerged compares every pair of fields of a selection set that share a response name:
 * 2 400 `team` fields in one selection set cost it 250–380 ms, within MAX_TOKENS and without a single alias.
 *
 * Refused as the parse's result rather than in validation, so that no later plugin is handed the document:
 * handed on, the Prometheus plugin's per-request records of it kept the collector busy, and refusing a 14 KB
 * document cost about 16 ms of CPU, against about 3 ms now (`BENCH_ONLY=stalls npm run bench`).
 * The refusal is still a validation error to the client: 400, `GRAPHQL_VALIDATION_FAILED`, the limit's name.
 */
export function useFieldsPerSelectionLimit(max: number): Plugin {
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (result === null || result instanceof Error) return;
        const found = largestSelection(result as DocumentNode);
        if (found > max) {
          replaceParseResult(
            documentLimitRefusal(
              'MAX_FIELDS_PER_SELECTION',
              `Fields per selection set limit of ${max} exceeded, found ${found}.`,
            ),
          );
        }
      },
  };
}
