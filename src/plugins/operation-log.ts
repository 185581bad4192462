import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { codeOf } from '../errors.js';
import { servedFromResponseCache } from './response-cache.js';

/**
 * One log line per GraphQL operation: its name, duration, the Inbox calls it made and the error codes
 * (and `cached: true` when the response cache answered it).
 * Never the token, the variables or the data.
 */
export const useOperationLog = (): Plugin<Context> => ({
  onExecute: ({ args }) => {
    const started = performance.now();
    const context = args.contextValue;
    return {
      onExecuteDone: ({ result }) => {
        if (!('errors' in result) && !('data' in result)) return; // a stream (@defer, subscription)
        context.logger.info(
          {
            operation: getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous',
            ms: Math.round(performance.now() - started),
            upstreamCalls: context.inbox.upstreamCalls,
            errors: result.errors?.map(codeOf),
            ...(servedFromResponseCache(result) && { cached: true }),
          },
          'graphql operation',
        );
      },
    };
  },
});
