import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, getOperationAST, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Queries and mutations run as code compiled once per document (graphql-jit) instead of graphql-js's
 * interpreter, which re-reads the document for each of the thousand or so fields of an inbox page. Not for
 * what graphql-jit does not do alike: `@defer`/`@stream` (it would answer in one piece), subscriptions, and
 * federation's `_entities` (a malformed reference must leave its own `null` in the list).
 */
export function useJit(): Plugin {
  // An Envelop plugin is typed for an empty context and Yoga's for its own; the two are invariant (through
  // onPluginInit's plugin list), so TypeScript needs the cast although the hooks run the same.
  return useGraphQlJit(
    {},
    { enableIf: ({ document, operationName }) => compiles(document, operationName) },
  ) as Plugin;
}

const compilable = new WeakMap<DocumentNode, boolean>();

function compiles(document: DocumentNode, operationName: string | null | undefined): boolean {
  let known = compilable.get(document);
  if (known === undefined) {
    known = getOperationAST(document, operationName)?.operation !== 'subscription';
    visit(document, {
      Directive(node) {
        if (node.name.value === 'defer' || node.name.value === 'stream') known = false;
      },
      Field(node) {
        if (node.name.value === '_entities') known = false;
      },
    });
    compilable.set(document, known);
  }
  return known;
}
