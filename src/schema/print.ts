import { printSubgraphSchema } from '@apollo/subgraph';
import { printSchema } from 'graphql';
import { schema } from './index.js';

/** The printed SDL files of schema/, keyed by file name; tests compare them with the code. */
export function printedSchemas(): Record<string, string> {
  return {
    // What clients see: the public GraphQL contract.
    'schema.graphql': `${printSchema(schema)}\n`,
    // What a federation router composes: the subgraph SDL, with @key and @link kept.
    'subgraph.graphql': `${printSubgraphSchema(schema)}\n`,
  };
}
