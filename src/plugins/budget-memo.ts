import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Context } from '../context.js';

/**
 * The upstream-call budget (MAX_UPSTREAM_CALLS, src/graphql/cost.ts) is a pure function of the document,
 * the operation, the variables and the limit: the complexity plugin's walk of the whole selection, which
 * costs more than the rest of the plugins together, runs once for each of them, not for every request.
 * An operation is remembered as within the budget only once it has run without any error; one over the
 * budget is walked (and refused) every time.
 */
const MAX_REMEMBERED = 1_000;
const withinBudget = new Set<string>();
const checked = new WeakSet<object>();
const documentIds = new WeakMap<DocumentNode, number>();
let lastDocumentId = 0;

/** This request's operation is one already found within the budget: the plugin may skip its walk. */
export const budgetAlreadyChecked = (context: object): boolean => checked.has(context);

export function useBudgetMemo(): Plugin {
  return {
    onExecute({ args }) {
      const context = args.contextValue as YogaInitialContext & Context;
      let id = documentIds.get(args.document);
      if (id === undefined) {
        id = ++lastDocumentId;
        documentIds.set(args.document, id);
      }
      const key = `${id}\n${args.operationName ?? ''}\n${context.maxUpstreamCalls}\n${JSON.stringify(args.variableValues ?? null)}`;
      if (withinBudget.has(key)) {
        checked.add(context);
        return;
      }
      return {
        onExecuteDone({ result }) {
          if (!('data' in result) || (result as ExecutionResult).errors !== undefined) return;
          withinBudget.add(key);
          if (withinBudget.size > MAX_REMEMBERED)
            withinBudget.delete(withinBudget.values().next().value as string);
        },
      };
    },
  };
}
