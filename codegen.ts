import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Last step of `npm run codegen` (after schema/ is reprinted): typed documents for the operations the
 * client tests run, generated from the printed public schema the way a frontend would generate them.
 * test/codegen.test.ts fails when test/generated/ is stale.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/operations/*.graphql'],
  // NodeNext: the generated files import each other with `.js`.
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
    // InMemoryCache needs the members of each union and interface to match fragments on them.
    'test/generated/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3 },
    },
  },
};

export default config;
