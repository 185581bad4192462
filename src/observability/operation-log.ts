import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { codeOf } from '../errors.js';
import type { Context } from '../graphql/context-type.js';
import { servedFromResponseCache, upstreamEstimateOf } from './operation-facts.js';

/**
 * One log line per GraphQL operation: its name, duration, the Inbox calls it made, the most it was estimated
 * to make (`upstreamEstimate`, when it was estimated) and the error codes (and `cached: true` when the
 * response cache answered it).
 * Never the token, the variables or the data.
 */
export const useOperationLog = (): Plugin<Context> => ({
  onExecute: ({ args }) => {
    const started = performance.now();
    const context = args.contextValue;
    return {
      onExecuteDone: ({ result }) => {
        if (!('errors' in result) && !('data' in result)) return; // a stream (@defer, subscription)
        const estimate = upstreamEstimateOf(context);
        context.logger.info(
          {
            operation: getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous',
            ms: Math.round(performance.now() - started),
            upstreamCalls: context.inbox.budget.upstreamCalls,
            ...(estimate !== undefined && { upstreamEstimate: estimate }),
            errors: result.errors?.map(codeOf),
            ...(servedFromResponseCache(result) && { cached: true }),
          },
          'graphql operation',
        );
      },
    };
  },
});
