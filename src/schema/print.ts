import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

/** The printed SDL files of schema/, keyed by file name; tests compare them with the code. */
export function printedSchemas(): Record<string, string> {
  return {
    // What clients see: the public GraphQL contract (Pothos sorts it).
    'schema.graphql': `${printSchema(schema)}\n`,
    // What a federation router composes: the subgraph SDL, with @key and @link kept. Sorted too, so that
    // the order in which the domain modules register their fields never shows.
    'subgraph.graphql': `${printSubgraphSchema(lexicographicSortSchema(schema))}\n`,
  };
}
