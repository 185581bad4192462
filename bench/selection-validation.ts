import { parse, validate } from 'graphql';
import { largestSelection } from '../src/edge/selection-limit.js';
import { schema } from '../src/schema/index.js';

/**
 * `npx tsx bench/selection-validation.ts`: what validating one selection set of n identical fields
 * (`{ team { id } team { id } … }`) costs, against counting its fields (MAX_FIELDS_PER_SELECTION's check), in ms
 * (median of 7 runs of the same parsed document). Validation's overlap check compares every pair of fields that
 * share a response name, until graphql-js's own budget aborts it.
 */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const timed = (run: () => unknown) => {
  const started = performance.now();
  run();
  return performance.now() - started;
};

for (const fields of [25, 100, 400, 1_200]) {
  const document = parse(`{ ${'team { id } '.repeat(fields)} }`);
  const validation = median(Array.from({ length: 7 }, () => timed(() => validate(schema, document))));
  const counting = median(Array.from({ length: 7 }, () => timed(() => largestSelection(document))));
  console.log(
    `${String(fields).padStart(5)} fields: validate ${validation.toFixed(1).padStart(7)} ms, count ${counting.toFixed(2)} ms`,
  );
}
