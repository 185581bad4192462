import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { type DocumentLimit, documentLimitRefusal } from './limit-refusal.js';
import { useNoSuggestions } from './no-suggestions.js';
import { useFieldsPerSelectionLimit } from './selection-limit.js';

/**
 * A limit's refusal is a validation error like any other: HTTP 400 (application/graphql-response+json),
 * `GRAPHQL_VALIDATION_FAILED`, and the variable that sets the limit. graphql-armor would otherwise throw a
 * "Syntax Error" out of validation, which Yoga answers with 200 and no code. The token limit runs inside the
 * parser (context is null): throwing there stops reading the document at once.
 */
function refuseAs(limit: DocumentLimit) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const refusal = documentLimitRefusal(limit, error.message.replace(/^Syntax Error: /, ''));
    if (context === null) throw refusal;
    context.reportError(refusal);
  };
}

const refusal = (limit: DocumentLimit) => ({ propagateOnRejection: false, onReject: [refuseAs(limit)] });

/**
 * Abusive documents are refused before anything runs: tokens (while parsing), fields per selection set (before
 * validation, src/edge/selection-limit.ts), depth, aliases, directives and cost (graphql-armor, during
 * validation), and introspection when it is switched off. The upstream-call budget is src/budget/'s, from the
 * costs each field declares (src/budget/cost-declarations.ts).
 *
 * Depth and cost count fields, not fragments (`flattenFragments`): the operations Relay and codegen emit
 * wrap every component in a fragment spread or an inline fragment, which must not count as a level.
 */
export function useLimits(config: Config): Plugin[] {
  const plugins: Plugin[] = [
    useFieldsPerSelectionLimit(config.MAX_FIELDS_PER_SELECTION),
    EnvelopArmorPlugin({
      maxDepth: { n: config.MAX_DEPTH, flattenFragments: true, ...refusal('MAX_DEPTH') },
      // `__typename` aliases count too: graphql-armor leaves them out by default, and 1 600 of them are as
      // many response keys to build as any other field's.
      maxAliases: { n: config.MAX_ALIASES, allowList: [], ...refusal('MAX_ALIASES') },
      maxDirectives: { n: config.MAX_DIRECTIVES, ...refusal('MAX_DIRECTIVES') },
      costLimit: { maxCost: config.MAX_COST, flattenFragments: true, ...refusal('MAX_COST') },
      maxTokens: { n: config.MAX_TOKENS, ...refusal('MAX_TOKENS') },
      // The schema is public while introspection is on; suggestions only matter when it is off.
      blockFieldSuggestion: { enabled: !config.INTROSPECTION_ENABLED },
    }) as Plugin, // an Envelop plugin: see the cast in src/graphql/jit.ts
  ];
  if (!config.INTROSPECTION_ENABLED) {
    plugins.push(
      { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) },
      useNoSuggestions(),
    );
  }
  return plugins;
}
