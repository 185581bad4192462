import { printSubgraphSchema } from '@apollo/subgraph';
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

/**
 * The schema as the server serves it: Yoga's defer-stream plugin (src/yoga.ts) adds `@defer` and `@stream`,
 * the same definitions imported here. Tools that read the printed file (relay-compiler, graphql-eslint,
 * graphql-inspector, codegen) refuse `@defer` operations unless it declares them.
 */
const served = new GraphQLSchema({
  ...schema.toConfig(),
  directives: [...schema.getDirectives(), GraphQLDeferDirective, GraphQLStreamDirective],
});

/** The printed SDL files of schema/, keyed by file name; tests compare them with the code. */
export function printedSchemas(): Record<string, string> {
  return {
    // What clients see: the public GraphQL contract (Pothos sorts it).
    'schema.graphql': `${printSchema(served)}\n`,
    // What a federation router composes: the subgraph SDL, with @key and @link kept. Sorted too, so that
    // the order in which the domain modules register their fields never shows. No @defer/@stream: the
    // router plans @defer itself and never sends it to a subgraph.
    'subgraph.graphql': `${printSubgraphSchema(lexicographicSortSchema(schema))}\n`,
  };
}
