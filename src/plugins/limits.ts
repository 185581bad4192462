import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { useNoSuggestions } from './no-suggestions.js';

/** The configuration variable behind each document limit, named in `extensions.limit` of its refusal. */
type DocumentLimit = 'MAX_DEPTH' | 'MAX_ALIASES' | 'MAX_DIRECTIVES' | 'MAX_COST' | 'MAX_TOKENS';

/**
 * A limit's refusal is a validation error like any other: HTTP 400 (application/graphql-response+json),
 * `GRAPHQL_VALIDATION_FAILED`, and the variable that sets the limit. graphql-armor would otherwise throw a
 * "Syntax Error" out of validation, which Yoga answers with 200 and no code. The token limit runs inside the
 * parser (context is null): throwing there stops reading the document at once.
 */
function refuseAs(limit: DocumentLimit) {
  return (context: ValidationContext | null, error: GraphQLError): void => {
    const refusal = new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, http: { status: 400 } },
    });
    if (context === null) throw refusal;
    context.reportError(refusal);
  };
}

const refusal = (limit: DocumentLimit) => ({ propagateOnRejection: false, onReject: [refuseAs(limit)] });

/**
 * Abusive documents are refused before anything runs: depth, aliases, directives, cost and tokens
 * (graphql-armor), and introspection when it is switched off. The upstream-call budget is src/budget/'s,
 * from the costs each field declares (src/graphql/cost.ts).
 *
 * Depth and cost count fields, not fragments (`flattenFragments`): the operations Relay and codegen emit
 * wrap every component in a fragment spread or an inline fragment, which must not count as a level.
 */
export function useLimits(config: Config): Plugin[] {
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: config.MAX_DEPTH, flattenFragments: true, ...refusal('MAX_DEPTH') },
      maxAliases: { n: config.MAX_ALIASES, ...refusal('MAX_ALIASES') },
      maxDirectives: { n: config.MAX_DIRECTIVES, ...refusal('MAX_DIRECTIVES') },
      costLimit: { maxCost: config.MAX_COST, flattenFragments: true, ...refusal('MAX_COST') },
      maxTokens: { n: config.MAX_TOKENS, ...refusal('MAX_TOKENS') },
      // The schema is public while introspection is on; suggestions only matter when it is off.
      blockFieldSuggestion: { enabled: !config.INTROSPECTION_ENABLED },
    }) as Plugin,
  ];
  if (!config.INTROSPECTION_ENABLED) {
    plugins.push(
      { onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) },
      useNoSuggestions(),
    );
  }
  return plugins;
}
