import {
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  getOperationAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { Context } from '../context.js';
import type { Loaders } from '../loaders/index.js';
import { parseInboxId } from './ids.js';
import { messagePageQuery } from './message.js';

/**
 * Look-ahead: before a query runs, start the upstream calls its nested fields will make, so that they run
 * beside the root calls instead of one round trip later (a cold inbox page: one round trip instead of two).
 * The resolvers then find these calls in flight (memoised).
 *
 * - `thread(id:) { messages(...) }`: the message page, which does not need the thread first. Exact: the
 *   resolver makes this very call.
 * - Collections a field may read (`Thread.accountLink` → account links, `Prospect.tags` → tags...).
 *   Speculative: under an empty list, or when no message was sent from Inbox, the field reads nothing. So
 *   only while the collection cache is on, where a collection read now is one the next requests won't make.
 * Mutations get none: a write clears what the request read.
 */
const COLLECTIONS: Record<string, ReadonlyArray<'members' | 'accountLinks' | 'tags' | 'statuses'>> = {
  'Thread.accountLink': ['accountLinks'],
  'Thread.assignee': ['members'],
  'Prospect.tags': ['tags'],
  'Prospect.status': ['statuses'],
  'Prospect.assignee': ['members'],
  'MessagePreview.sentBy': ['members'],
  'Message.sentBy': ['members'],
};

export function prefetch(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  context: Context,
): void {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'query') return; // a write clears the loaders: nothing to start before it
  const wanted = new Set<'members' | 'accountLinks' | 'tags' | 'statuses'>();
  const typeInfo = new TypeInfo(schema);
  const enclosing: SelectedField[] = [];
  visit(
    operation,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node) {
          const selected = {
            coordinate: `${typeInfo.getParentType()?.name}.${node.name.value}`,
            field: typeInfo.getFieldDef(),
            node,
          };
          for (const collection of COLLECTIONS[selected.coordinate] ?? []) wanted.add(collection);
          const parent = enclosing.at(-1);
          if (selected.coordinate === 'Thread.messages' && parent?.coordinate === 'Query.thread') {
            prefetchMessages(context.loaders, parent, selected, variables);
          }
          enclosing.push(selected);
        },
        leave() {
          enclosing.pop();
        },
      },
    }),
  );
  if (!context.sharedCache.enabled) return;
  for (const collection of wanted) ignoreFailure(context.loaders[collection].all());
}

interface SelectedField {
  /** `Type.field`, e.g. `Query.thread`. */
  coordinate: string;
  field: GraphQLField<unknown, unknown> | null | undefined;
  node: FieldNode;
}

/** `thread(id:) { messages }` at the root: the page's thread id and arguments are known before the thread is. */
function prefetchMessages(
  loaders: Loaders,
  thread: SelectedField,
  messages: SelectedField,
  variables: Record<string, unknown> | null | undefined,
): void {
  if (!thread.field || !messages.field) return;
  try {
    const { id } = getArgumentValues(thread.field, thread.node, variables) as { id: string };
    const args = getArgumentValues(messages.field, messages.node, variables);
    ignoreFailure(loaders.messagePage(parseInboxId(id, 'Thread', 'id'), messagePageQuery(args)));
  } catch {
    // Bad arguments: the resolvers refuse them with the proper error.
  }
}

/** The resolver that needs the result awaits the same (memoised) promise and reports its failure. */
function ignoreFailure(pending: Promise<unknown>): void {
  pending.catch(() => undefined);
}
