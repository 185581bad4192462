import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getNamedType,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  type NamedTypeNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getDirectiveValues, getVariableValues } from 'graphql/execution/values.js';
import type { Context } from '../context.js';
import { ErrorCode } from '../errors.js';
import { REFERENCE_COST } from './cost.js';
import { globalIdOf, NODE_TYPES, type NodeTypeName } from './ids.js';

/**
 * The upstream-call budget (MAX_UPSTREAM_CALLS): before an operation runs, the calls it could make are summed
 * over the whole document from the `complexity` each field declares (./cost.ts), and an operation over the
 * budget is refused before anything reaches upstream.
 *
 * Written here rather than taken from the complexity plugin's own check, which runs inside each root
 * resolver (after the look-ahead has started calls), counts `__typename` as a cost, sums every fragment of
 * an abstract selection, and knows nothing of `_entities`. Here:
 * - `__typename` costs nothing (Apollo Client adds it to every selection);
 * - an abstract selection costs what its most expensive possible type selects;
 * - `node`, `nodes` and `_entities` count every object they are given: its own read (or its collection's one
 *   read) plus what is selected on its type.
 * Arguments or variables that do not coerce cost nothing: graphql-js refuses them without calling a resolver.
 */

/** Root fields that read objects by reference, and how to tell the type of each object from the arguments. */
const REFERENCE_FIELDS: Record<string, (args: Record<string, unknown>) => Array<NodeTypeName | null>> = {
  'Query.node': ({ id }) => [typeOfGlobalId(id)],
  'Query.nodes': ({ ids }) => (Array.isArray(ids) ? ids.map(typeOfGlobalId) : []),
  'Query._entities': ({ representations }) =>
    Array.isArray(representations) ? representations.map(typeOfRepresentation) : [],
};

const NODE_TYPE_NAMES = new Set<string>(NODE_TYPES);

function typeOfGlobalId(id: unknown): NodeTypeName | null {
  if (typeof id !== 'string') return null;
  const parsed = globalIdOf(id);
  return 'value' in parsed ? parsed.value.typename : null; // a malformed id is refused without a call
}

function typeOfRepresentation(representation: unknown): NodeTypeName | null {
  const typename = (representation as { __typename?: unknown } | null)?.__typename;
  return typeof typename === 'string' && NODE_TYPE_NAMES.has(typename) ? (typename as NodeTypeName) : null;
}

type Complexity =
  | number
  | { field?: number; multiplier?: number }
  | ((
      args: Record<string, unknown>,
      context: Context,
      field: GraphQLField<unknown, unknown>,
    ) => number | { field?: number; multiplier?: number });

/** The collections whose known size an estimate may read (./cost.ts). */
type SizedCollection = Parameters<Context['inbox']['knownSize']>[0];

interface KnownEstimate {
  calls: number | null;
  /** The collection sizes the estimate read, as they were: it holds while they are the same. */
  sizes: Map<SizedCollection, number | undefined>;
}

/**
 * Estimates already made, by document, operation name and variables: the same query asked again (a poll,
 * another tab, another token of the team) is not walked again, unless a collection size it read has changed
 * since. The walk allocates per field; a page of 50 threads cost about 20 µs and 30 KB each time. Bounded in
 * entries and key size whatever clients send (about 2 MB at most), least recently used first out.
 */
const known = new Map<string, KnownEstimate>();
const MAX_ESTIMATES = 2_000;
/** Larger variables (a long list of ids) are estimated each time rather than kept as a key. */
const MAX_KEY_CHARS = 1_024;
/** A number per document (held weakly): a key names its document without keeping it alive. */
const documentIds = new WeakMap<DocumentNode, number>();
let lastDocumentId = 0;

/** The upstream calls an operation may make, or `null` when it cannot run at all (graphql-js refuses it). */
export function estimateUpstreamCalls(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  context: Context,
): number | null {
  let documentId = documentIds.get(document);
  if (documentId === undefined) {
    documentId = ++lastDocumentId;
    documentIds.set(document, documentId);
  }
  const key = `${documentId}\n${operationName ?? ''}\n${JSON.stringify(rawVariables ?? {})}`;
  if (key.length > MAX_KEY_CHARS) return estimate(schema, document, operationName, rawVariables, context);
  const found = known.get(key);
  known.delete(key);
  if (found && [...found.sizes].every(([collection, size]) => context.inbox.knownSize(collection) === size)) {
    known.set(key, found);
    return found.calls;
  }
  const sizes = new Map<SizedCollection, number | undefined>();
  const calls = estimate(schema, document, operationName, rawVariables, readingSizes(context, sizes));
  known.set(key, { calls, sizes });
  if (known.size > MAX_ESTIMATES) known.delete(known.keys().next().value as string);
  return calls;
}

/** The context as the cost functions see it, noting each collection size they read. */
function readingSizes(context: Context, sizes: Map<SizedCollection, number | undefined>): Context {
  const inbox = Object.create(context.inbox, {
    knownSize: {
      value: (collection: SizedCollection) => {
        const size = context.inbox.knownSize(collection);
        sizes.set(collection, size);
        return size;
      },
    },
  }) as Context['inbox'];
  return Object.create(context, { inbox: { value: inbox } }) as Context;
}

function estimate(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  context: Context,
): number | null {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (variables.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  return new Estimator(schema, fragments, variables.coerced, context).selectionSet(
    operation.selectionSet,
    root,
  );
}

class Estimator {
  /** Per selection set and type: fragments spread many times are costed once. */
  private readonly memo = new Map<SelectionSetNode, Map<string, number>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly context: Context,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, type: GraphQLObjectType): number {
    const byType = this.memo.get(selectionSet) ?? new Map<string, number>();
    this.memo.set(selectionSet, byType);
    const known = byType.get(type.name);
    if (known !== undefined) return known;
    let total = 0;
    for (const selection of selectionSet.selections) total += this.selection(selection, type);
    byType.set(type.name, total);
    return total;
  }

  private selection(selection: SelectionNode, type: GraphQLObjectType): number {
    if (!this.included(selection)) return 0;
    switch (selection.kind) {
      case Kind.FIELD:
        return this.field(selection, type);
      case Kind.INLINE_FRAGMENT:
        return this.applies(selection.typeCondition, type)
          ? this.selectionSet(selection.selectionSet, type)
          : 0;
      case Kind.FRAGMENT_SPREAD: {
        const fragment = this.fragments[selection.name.value];
        return fragment && this.applies(fragment.typeCondition, type)
          ? this.selectionSet(fragment.selectionSet, type)
          : 0;
      }
    }
  }

  private field(node: FieldNode, parent: GraphQLObjectType): number {
    if (node.name.value.startsWith('__')) return 0;
    const field = parent.getFields()[node.name.value];
    if (!field) return 0;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, this.variables);
    } catch {
      return 0; // refused by graphql-js before its resolver runs
    }
    const references = REFERENCE_FIELDS[`${parent.name}.${field.name}`];
    if (references) return this.references(references(args), node.selectionSet);
    const { field: own, multiplier } = this.declared(field, args);
    const nested = node.selectionSet ? this.ofType(node.selectionSet, getNamedType(field.type)) : 0;
    // Every write is at least one call, whatever it declares.
    const writes = parent === this.schema.getMutationType() ? Math.max(own, 1) : own;
    return writes + multiplier * nested;
  }

  private declared(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>) {
    let complexity = field.extensions.complexity as Complexity | undefined;
    if (typeof complexity === 'function') complexity = complexity(args, this.context, field);
    if (typeof complexity === 'number') return { field: complexity, multiplier: 1 };
    return { field: complexity?.field ?? 0, multiplier: Math.max(complexity?.multiplier ?? 1, 0) };
  }

  /** An abstract type costs what its most expensive possible type selects. */
  private ofType(selectionSet: SelectionSetNode, type: GraphQLNamedType): number {
    if (isObjectType(type)) return this.selectionSet(selectionSet, type);
    if (!isAbstractType(type)) return 0;
    let most = 0;
    for (const possible of this.schema.getPossibleTypes(type)) {
      most = Math.max(most, this.selectionSet(selectionSet, possible));
    }
    return most;
  }

  /** Objects read by reference: each its own read or its collection's, plus what its type selects. */
  private references(types: ReadonlyArray<NodeTypeName | null>, selectionSet: SelectionSetNode | undefined) {
    const counts = new Map<NodeTypeName, number>();
    for (const type of types) if (type) counts.set(type, (counts.get(type) ?? 0) + 1);
    let total = 0;
    for (const [typename, count] of counts) {
      const type = this.schema.getType(typename);
      if (!isObjectType(type)) continue;
      const nested = selectionSet ? this.selectionSet(selectionSet, type) : 0;
      const reads = REFERENCE_COST[typename] === 'own call' ? count : 1;
      total += reads + count * nested;
    }
    return total;
  }

  private applies(condition: NamedTypeNode | undefined, type: GraphQLObjectType): boolean {
    if (!condition || condition.name.value === type.name) return true;
    const conditionType = this.schema.getType(condition.name.value);
    return conditionType !== undefined && isAbstractType(conditionType)
      ? this.schema.isSubType(conditionType, type)
      : false;
  }

  /** `@skip` and `@include`, as graphql-js will apply them. */
  private included(node: SelectionNode): boolean {
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
      return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false;
    } catch {
      return true;
    }
  }
}

/** The refusal of an operation over the budget: BAD_USER_INPUT, with the estimate and the limit. */
export function overBudgetError(calls: number, limit: number): GraphQLError {
  return new GraphQLError(
    `This operation could make up to ${calls} Inbox API calls; the limit is ${limit} ` +
      '(MAX_UPSTREAM_CALLS). Ask for smaller pages, or split it.',
    { extensions: { code: ErrorCode.BAD_USER_INPUT, upstreamCalls: calls, maxUpstreamCalls: limit } },
  );
}
