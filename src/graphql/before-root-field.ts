import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';

/** Called for a root query field once its arguments have passed validation, right before it resolves. */
export type BeforeRootField = (info: GraphQLResolveInfo) => void;

/**
 * A Pothos plugin: each root query field calls `context.beforeRootField` before its resolver. Plugins wrap
 * resolvers inside the argument mappers, so the validation plugin has accepted the arguments by then: what
 * runs there (the look-ahead, src/plugins/look-ahead.ts) never starts a call for a refused field.
 */
export class BeforeRootFieldPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (fieldConfig.kind !== 'Query') return resolver;
    return (parent, args, context, info) => {
      (context as { beforeRootField?: BeforeRootField }).beforeRootField?.(info);
      return resolver(parent, args, context, info);
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
