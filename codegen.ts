import type { CodegenConfig } from '@graphql-codegen/cli';

/** One output of the config. */
type Output = Extract<CodegenConfig['generates'][string], { preset?: unknown }>;

/** The typed-document preset, as a frontend would configure it (NodeNext: imports end in `.js`). */
const typedDocuments: Output = {
  preset: 'client',
  presetConfig: { fragmentMasking: false },
  config: {
    scalars: { DateTime: 'string', JSON: 'unknown' },
    enumsAsTypes: true,
    useTypeImports: true,
  },
};

/** InMemoryCache needs the members of each union and interface to match fragments on them. */
const possibleTypes: Output = { plugins: ['fragment-matcher'], config: { apolloClientVersion: 3 } };

/**
 * Last step of `npm run codegen` (after schema/ is reprinted), from the printed public schema the way a
 * frontend would generate them: typed documents for the operations the tests run (test/generated/), and
 * for the example operations of src/examples.ts, which the package publishes as `inbox-graphql-facade/client`
 * (src/client/generated/). test/clients/codegen.test.ts fails when either is stale.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': { ...typedDocuments, documents: ['test/operations/*.graphql'] },
    'test/generated/possible-types.ts': { ...possibleTypes, documents: ['test/operations/*.graphql'] },
    'src/client/generated/': { ...typedDocuments, documents: ['src/examples.ts'] },
    'src/client/generated/possible-types.ts': { ...possibleTypes, documents: ['src/examples.ts'] },
  },
};

export default config;
