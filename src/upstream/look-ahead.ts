import {
  type FieldNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../graphql/context-type.js';
import { inboxIdOf } from '../graphql/ids.js';
import { cursorArgument, pageSizeArgument } from '../graphql/pagination.js';
import { MESSAGE_PAGE, messagePageQuery } from '../schema/message/connection.js';
import type { InboxApi, WarmableCollection } from './api.js';

/**
 * Look-ahead: before a query runs, start the upstream calls its nested fields will make, so that they run
 * beside the root calls instead of one round trip later (a cold inbox page: one round trip instead of two).
 * The resolvers then find these calls in flight (memoised).
 *
 * - `thread(id:) { messages(...) }`: the message page, which does not need the thread first. Exact: the
 *   resolver makes this very call.
 * - Collections a field may read (`Thread.accountLink` → account links, `Prospect.tags` → tags...).
 *   Speculative: under an empty list, or when no message was sent from Inbox, the field reads nothing. So
 *   the API starts them only while a cross-request cache keeps them (`InboxApi.warm`).
 * Mutations get none: a write clears what the request read.
 *
 * Nothing starts before the operation has passed every check: this runs as each root field starts (after the
 * upstream-call budget, src/budget/operation-budget-plugin.ts, and once that field's arguments are valid), for what that
 * field selects.
 */
export const useLookAhead = (): Plugin<Context> => ({
  onExecute: ({ args }) => {
    const context = args.contextValue;
    context.beforeRootField = (info) => lookAhead(info, context.inbox);
  },
});

const COLLECTIONS: Record<string, readonly WarmableCollection[]> = {
  'Thread.accountLink': ['accountLinks'],
  'Thread.assignee': ['members'],
  'Prospect.tags': ['tags'],
  'Prospect.status': ['statuses'],
  'Prospect.assignee': ['members'],
  'MessagePreview.sentBy': ['members'],
  'Message.sentBy': ['members'],
};

interface SelectedField {
  /** `Type.field`, e.g. `Query.thread`. */
  coordinate: string;
  field: GraphQLField<unknown, unknown> | null | undefined;
  node: FieldNode;
}

/** What a look-ahead starts for one root field of a document: the same for every request that sends it. */
interface Plan {
  collections: WarmableCollection[];
  readsTeam: boolean;
  /** `thread(id:) { messages }` pairs, whose arguments come from each request's variables. */
  messagePages: Array<{ thread: SelectedField; messages: SelectedField }>;
}

/** Plans by root field node: Yoga reuses the parsed document of a query it has seen, so they are walked once. */
const plans = new WeakMap<FieldNode, Plan>();

function lookAhead(info: GraphQLResolveInfo, inbox: InboxApi): void {
  if (info.operation.operation !== 'query') return; // a write clears the loaders: nothing to start before it
  const key = info.fieldNodes[0];
  if (!key) return;
  let plan = plans.get(key);
  if (!plan) {
    plan = planOf(info);
    plans.set(key, plan);
  }
  for (const { thread, messages } of plan.messagePages) {
    startMessagePage(inbox, thread, messages, info.variableValues);
  }
  inbox.warm(plan.collections, { team: plan.readsTeam });
}

/** What one root field selects, from its own nodes (the root field itself included). */
function planOf(info: GraphQLResolveInfo): Plan {
  const wanted = new Set<WarmableCollection>();
  const plan: Plan = { collections: [], readsTeam: false, messagePages: [] };
  const typeInfo = new TypeInfo(info.schema, info.parentType);
  const enclosing: SelectedField[] = [];
  const visitor = visitWithTypeInfo(typeInfo, {
    Field: {
      enter(node) {
        const selected = {
          coordinate: `${typeInfo.getParentType()?.name}.${node.name.value}`,
          field: typeInfo.getFieldDef(),
          node,
        };
        for (const collection of COLLECTIONS[selected.coordinate] ?? []) wanted.add(collection);
        if (selected.coordinate === 'Query.team') plan.readsTeam = true;
        const parent = enclosing.at(-1);
        if (selected.coordinate === 'Thread.messages' && parent?.coordinate === 'Query.thread') {
          plan.messagePages.push({ thread: parent, messages: selected });
        }
        enclosing.push(selected);
      },
      leave() {
        enclosing.pop();
      },
    },
  });
  for (const node of info.fieldNodes) visit(node, visitor);
  plan.collections = [...wanted];
  return plan;
}

/** `thread(id:) { messages }` at the root: the page's thread id and arguments are known before the thread is. */
function startMessagePage(
  inbox: InboxApi,
  thread: SelectedField,
  messages: SelectedField,
  variables: Record<string, unknown> | null | undefined,
): void {
  if (!thread.field || !messages.field) return;
  try {
    const { id } = getArgumentValues(thread.field, thread.node, variables) as { id: string };
    const { first, after } = getArgumentValues(messages.field, messages.node, variables);
    // The same validation as the arguments': a refused one is left to the resolver, which reports it.
    const threadId = inboxIdOf(id, 'Thread');
    const size = pageSizeArgument(MESSAGE_PAGE.max).nullish().safeParse(first);
    const cursor = cursorArgument.nullish().safeParse(after);
    if (!('value' in threadId) || !size.success || !cursor.success) return;
    const page = inbox.messages.page(
      threadId.value,
      messagePageQuery({ first: size.data, after: cursor.data }),
    );
    page.catch(() => undefined); // the resolver awaits the same (memoised) call and reports its failure
  } catch {
    // Arguments that do not coerce: the resolvers refuse them with the proper error.
  }
}
