/**
 * The import rules between the facade's homes (README.md § Architecture), checked by `npm run lint` and
 * drawn by `npm run graph` (docs/architecture.md). They are about what loads what: type-only imports are
 * erased by TypeScript and not followed (tsPreCompilationDeps: false), so a leaf may name another home's
 * types (src/graphql/context-type.ts does).
 */
const HOMES = 'budget|caching|identity|live|upstream|edge|observability|writes|replicas|schema';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A module never imports itself back, through any path.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-circular',
      comment: 'Homes import one way: no folder reaches back to one that imports it.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'graphql-is-a-toolkit',
      comment:
        'src/graphql (the Pothos builder and schema toolkit) loads no feature home and no composition file: ' +
        'only itself and the error vocabulary (src/errors.ts).',
      severity: 'error',
      from: { path: '^src/graphql/' },
      to: { path: '^src/', pathNot: '^src/(graphql/|errors\\.ts$)' },
    },
    {
      name: 'errors-is-a-leaf',
      comment:
        'src/errors.ts (every failure and its GraphQL form) is imported by every home: it imports none.',
      severity: 'error',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'composition-on-top',
      comment:
        'The composition (context.ts, yoga.ts, server.ts, main.ts, index.ts) puts the homes together: no home ' +
        'imports it.',
      severity: 'error',
      from: { path: `^src/(${HOMES}|graphql)/` },
      to: { path: '^src/(context|yoga|server|main|index)\\.ts$' },
    },
    {
      name: 'schema-on-top-of-features',
      comment: 'The schema (src/schema/<domain>) uses the feature homes; they never load it.',
      severity: 'error',
      from: {
        path: '^src/(budget|caching|identity|live|upstream|edge|observability|writes|replicas|graphql)/',
      },
      to: { path: '^src/schema/' },
    },
    {
      name: 'src-ships-alone',
      comment: 'src/ is what ships: it never loads the tests, benchmarks, scripts or the simulator.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts|simulator)/' },
    },
    {
      name: 'simulator-stands-alone',
      comment: 'The simulator of the Inbox API is another program: it never loads the facade.',
      severity: 'error',
      from: { path: '^simulator/' },
      to: { path: '^src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: false,
    // What loads what, for these rules: the `import`/`export` conditions of package.json exports.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
