import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Vite would resolve `graphql` to its .mjs build while CommonJS dependencies load the .js one:
    // two copies of graphql-js break `instanceof` checks ("another module or realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The suites that start the facade as a process run dist/main.js: built first, never stale.
    globalSetup: ['test/support/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files of a worker share the imported modules (graphql, Pothos, the schema: half the run was
    // importing them again for each file). Safe here: no mocks, nothing in src/ keeps state at module
    // level, and every suite starts its own simulator and facade.
    isolate: false,
  },
});
