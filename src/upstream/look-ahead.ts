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
import { type LookAheadHint, lookAheadHintOf } from '../graphql/look-ahead-hints.js';
import type { InboxApi, WarmableCollection } from './api.js';

/**
 * Look-ahead: before a query runs, start the upstream calls its nested fields will make, so that they run
 * beside the root calls instead of one round trip later (a cold inbox page: one round trip instead of two).
 * The resolvers then find these calls in flight (memoised).
 *
 * What each field will read is declared beside it, in src/schema/<domain>/, as a hint (src/graphql/look-ahead-hints.ts):
 * - a call known from its own and its root field's arguments (`thread(id:) { messages(...) }`: the message
 *   page, which does not need the thread first). Exact: the resolver makes this very call.
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

type Start = NonNullable<LookAheadHint['underRoot']>['start'];

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
  /** Calls started right under the root field, whose arguments come from each request's variables. */
  underRoot: Array<{ root: SelectedField; field: SelectedField; start: Start }>;
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
  for (const { root, field, start } of plan.underRoot) {
    startUnderRoot(inbox, root, field, start, info.variableValues);
  }
  inbox.caching.warm(plan.collections, { team: plan.readsTeam });
}

/** What one root field selects, from its own nodes (the root field itself included). */
function planOf(info: GraphQLResolveInfo): Plan {
  const wanted = new Set<WarmableCollection>();
  const plan: Plan = { collections: [], readsTeam: false, underRoot: [] };
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
        const hint = lookAheadHintOf(selected.field);
        for (const collection of hint?.warms ?? []) wanted.add(collection);
        if (hint?.readsTeam) plan.readsTeam = true;
        const parent = enclosing.at(-1);
        if (hint?.underRoot && parent?.coordinate === hint.underRoot.root) {
          plan.underRoot.push({ root: parent, field: selected, start: hint.underRoot.start });
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

/** A call right under the root field: both fields' arguments are known before the root's resolves. */
function startUnderRoot(
  inbox: InboxApi,
  root: SelectedField,
  field: SelectedField,
  start: Start,
  variables: Record<string, unknown> | null | undefined,
): void {
  if (!root.field || !field.field) return;
  try {
    start(
      inbox,
      getArgumentValues(root.field, root.node, variables),
      getArgumentValues(field.field, field.node, variables),
    );
  } catch {
    // Arguments that do not coerce: the resolvers refuse them with the proper error.
  }
}
