import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { useNoSuggestions } from './no-suggestions.js';

/**
 * Abusive documents are refused before anything runs: depth, aliases, cost and tokens (graphql-armor), and
 * introspection when it is switched off. The upstream-call budget is the complexity plugin's (src/graphql/).
 */
export function useLimits(config: Config): Plugin[] {
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: config.MAX_DEPTH },
      maxAliases: { n: config.MAX_ALIASES },
      costLimit: { maxCost: config.MAX_COST },
      maxTokens: { n: config.MAX_TOKENS },
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
