import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';

/** Called for a root query field once its arguments have passed validation, right before it resolves. */
export type BeforeRootField = (info: GraphQLResolveInfo) => void;

/**
 * Called as a root query or mutation field starts, once its arguments are valid: the verdict every root
 * field waits for (the upstream-call budget's, when it needs a team collection's size: src/budget/operation-budget-plugin.ts).
 * Memoised by its setter: the first valid field starts it, the others wait for the same one.
 */
export type RootFieldVerdict = () => Promise<void>;

/**
 * Root fields that the federation plugin adds to the printed schema from @apollo/subgraph's own resolvers,
 * which no Pothos plugin wraps: they call neither hook.
 */
export const ROOT_FIELDS_WITHOUT_HOOKS: ReadonlySet<string> = new Set(['_entities', '_service']);

interface RootFieldHooks {
  beforeRootField?: BeforeRootField;
  rootFieldVerdict?: RootFieldVerdict;
}

/**
 * A Pothos plugin: each root query or mutation field waits for `context.rootFieldVerdict` (when set), then
 * calls `context.beforeRootField` before its resolver. Plugins wrap resolvers inside the argument mappers,
 * so the validation plugin has accepted the arguments by then: what runs there (a collection read the
 * budget needs, the look-ahead of src/upstream/look-ahead.ts) never starts a call for a refused field.
 */
export class BeforeRootFieldPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.kind !== 'Query' && fieldConfig.kind !== 'Mutation') return resolver;
    return (parent, args, context, info) => {
      const hooks = context as RootFieldHooks;
      const run = () => {
        hooks.beforeRootField?.(info);
        return resolver(parent, args, context, info);
      };
      return hooks.rootFieldVerdict ? hooks.rootFieldVerdict().then(run) : run();
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      beforeRootField: BeforeRootFieldPlugin<Types>;
    }
  }
}

export const beforeRootFieldPlugin = 'beforeRootField';
// Once per process: re-importing the schema modules (as a test does) loads this file again, and Pothos
// refuses a second registration.
const registered = Symbol.for('inbox-facade/beforeRootField');
const processWide = globalThis as { [registered]?: true };
if (!processWide[registered]) {
  SchemaBuilder.registerPlugin(beforeRootFieldPlugin, BeforeRootFieldPlugin);
  processWide[registered] = true;
}
