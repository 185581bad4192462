import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * `npm run codegen`: prints the public SDL into schema/ from the code-first schema (src/schema).
 * The subgraph SDL (with @key) is printed by scripts/print-subgraph.ts, since codegen's printer drops directives.
 */
const config: CodegenConfig = {
  schema: './src/schema/index.ts',
  generates: {
    'schema/schema.graphql': {
      plugins: ['schema-ast'],
      config: { includeDirectives: false, sort: false, commentDescriptions: false },
    },
  },
  hooks: { afterAllFileWrite: [] },
};

export default config;
