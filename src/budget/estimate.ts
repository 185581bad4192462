import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getNamedType,
  getNullableType,
  getOperationAST,
  isAbstractType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type NamedTypeNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getDirectiveValues, getVariableValues } from 'graphql/execution/values.js';
import type { CachedCollection } from '../caching/collection-cache.js';
import { globalIdOf, NODE_TYPES, type NodeTypeName } from '../graphql/ids.js';
import { UNKNOWN_COLLECTION_SIZE } from '../graphql/list-size.js';
import {
  type Carried,
  REFERENCE_COST,
  type SizedCollection,
  type UpstreamCost,
} from './cost-declarations.js';

/**
 * The upstream-call estimate of an operation, summed over the whole document from what each field declares
 * (src/budget/cost-declarations.ts), before anything runs. It is an upper bound of the calls the operation makes, and it
 * is the same whatever the caches hold:
 * - a page is one call and repeats its selection `first` times; a read by id is one call;
 * - each team collection the operation may read (team, members, account links, tags, statuses, palettes)
 *   is one call, once per operation, cached or not;
 * - what repeats over a team collection's items (account links, members) repeats by the team's size, which
 *   the caller learns first when no cache knows it (src/budget/operation-budget.ts);
 * - an object's own read that several of its fields need (a message's thread) is one call per object, none
 *   when the object came with it (messages of a thread's page);
 * - `node`, `nodes` and `_entities` count each distinct object they are given;
 * - every mutation field is at least one call, and reads again what its write may have changed;
 * - `__typename` costs nothing, an abstract selection costs what its most expensive type selects plus the
 *   collections any of them reads;
 * - with a token, one call more: the token's `GET /team` (its proof of team, which the facade makes before
 *   other calls when it does not know the token's team yet, and which the answer cache may make).
 * For a subscription, the estimate is what each event may cost (each event reads with a fresh API).
 * Arguments or variables that do not coerce cost nothing: graphql-js refuses them without calling a resolver.
 */
export interface OperationEstimate {
  /** The most calls the operation (a subscription: each event) may make. */
  calls: number;
  /** Of `calls`, the team collections it may read (one call each, none when the cache holds them). */
  collectionReads: number;
  /**
   * Team collections whose size the estimate needed but did not know: it counted them as empty. Learn them
   * and estimate again (src/budget/operation-budget.ts).
   */
  unknownSizes: SizedCollection[];
  /** A subscription: `calls` is per event. */
  perEvent: boolean;
}

/** The size of a team collection, when known. */
export type SizeOf = (collection: SizedCollection) => number | undefined;

export interface EstimateOptions {
  sizeOf: SizeOf;
  /** The request carries a token: its calls may first need the token's proof of team. */
  withToken: boolean;
}

/** Root fields that read objects by reference: each distinct object's type, from the arguments. */
const REFERENCE_FIELDS: Record<string, (args: Record<string, unknown>) => Reference[]> = {
  'Query.node': ({ id }) => [referenceOfGlobalId(id)],
  'Query.nodes': ({ ids }) => (Array.isArray(ids) ? ids.map(referenceOfGlobalId) : []),
  'Query._entities': ({ representations }) =>
    Array.isArray(representations) ? representations.map(referenceOfRepresentation) : [],
};

type Reference = { type: NodeTypeName; key: string } | null;

const NODE_TYPE_NAMES = new Set<string>(NODE_TYPES);

function referenceOfGlobalId(id: unknown): Reference {
  if (typeof id !== 'string') return null;
  const parsed = globalIdOf(id);
  return 'value' in parsed ? { type: parsed.value.typename, key: id } : null; // malformed: refused, no call
}

function referenceOfRepresentation(representation: unknown): Reference {
  const typename = (representation as { __typename?: unknown } | null)?.__typename;
  if (typeof typename !== 'string' || !NODE_TYPE_NAMES.has(typename)) return null;
  return { type: typename as NodeTypeName, key: JSON.stringify(representation) };
}

// Collections and object reads are sets of a few known members: bits of a number, so that the walk
// allocates nothing to merge them.
const COLLECTION_BITS: Record<CachedCollection, number> = {
  team: 1,
  members: 2,
  'account-links': 4,
  tags: 8,
  statuses: 16,
  colors: 32,
  'tags/colors': 64,
  'statuses/colors': 128,
};
const TEAM_BIT = COLLECTION_BITS.team;
/** An object's own reads (counted once per object) and what it may come with. */
const OBJECT_READ_BITS: Record<Carried | 'object', number> = {
  thread: 1,
  history: 2,
  object: 4,
  embedded: 8,
};

function bitCount(bits: number): number {
  let count = 0;
  for (let rest = bits; rest !== 0; rest &= rest - 1) count++;
  return count;
}

/** What the fields of one object cost: their calls, the collections they read, the object's own reads. */
interface Walk {
  calls: number;
  collections: number;
  objectReads: number;
}

const NOTHING: Walk = { calls: 0, collections: 0, objectReads: 0 };

type Complexity =
  | number
  | UpstreamCost
  | ((
      args: Record<string, unknown>,
      context: unknown,
      field: GraphQLField<unknown, unknown>,
    ) => number | UpstreamCost);

/** The estimate of an operation, or `null` when it cannot run at all (graphql-js refuses it). */
export function estimateOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  { sizeOf, withToken }: EstimateOptions,
): OperationEstimate | null {
  const operation = getOperationAST(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const variables = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (variables.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const estimator = new Estimator(schema, fragments, variables.coerced, sizeOf);
  const walk = estimator.selectionSet(operation.selectionSet, root, 0);
  const perEvent = operation.operation === 'subscription';
  let collections = walk.collections;
  // The look-ahead of a query starts reading the collections its fields may need, in every fragment,
  // before it knows which apply (src/upstream/look-ahead.ts).
  if (operation.operation === 'query') collections |= estimator.readsAnywhere(operation.selectionSet, root);
  // Each event of a subscription reads with the token whose team its subscribing proved.
  if (withToken && !perEvent) collections |= TEAM_BIT;
  const collectionReads = bitCount(collections);
  return {
    calls: walk.calls + collectionReads,
    collectionReads,
    unknownSizes: [...estimator.unknownSizes],
    perEvent,
  };
}

class Estimator {
  /** Per selection set, type and what its object carries: fragments spread many times are walked once. */
  private readonly memo = new Map<SelectionSetNode, Map<string, Walk>>();
  readonly unknownSizes = new Set<SizedCollection>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly sizeOf: SizeOf,
  ) {}

  /** The fields an object of `type` selects; `carried`: the reads it came with (bits). */
  selectionSet(selectionSet: SelectionSetNode, type: GraphQLObjectType, carried: number): Walk {
    const key = `${type.name}\n${carried}`;
    let byType = this.memo.get(selectionSet);
    if (!byType) {
      byType = new Map();
      this.memo.set(selectionSet, byType);
    }
    const known = byType.get(key);
    if (known) return known;
    const walk: Walk = { calls: 0, collections: 0, objectReads: 0 };
    for (const selection of selectionSet.selections) this.selection(selection, type, carried, walk);
    byType.set(key, walk);
    return walk;
  }

  private selection(selection: SelectionNode, type: GraphQLObjectType, carried: number, into: Walk): void {
    if (!this.included(selection)) return;
    let part: Walk | undefined;
    switch (selection.kind) {
      case Kind.FIELD:
        this.field(selection, type, carried, into);
        return;
      case Kind.INLINE_FRAGMENT:
        if (this.applies(selection.typeCondition, type)) {
          part = this.selectionSet(selection.selectionSet, type, carried);
        }
        break;
      case Kind.FRAGMENT_SPREAD: {
        const fragment = this.fragments[selection.name.value];
        if (fragment && this.applies(fragment.typeCondition, type)) {
          part = this.selectionSet(fragment.selectionSet, type, carried);
        }
        break;
      }
    }
    if (part) merge(into, part);
  }

  private field(node: FieldNode, parent: GraphQLObjectType, carried: number, into: Walk): void {
    if (node.name.value.startsWith('__')) return;
    const field = parent.getFields()[node.name.value];
    if (!field) return;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, this.variables);
    } catch {
      return; // refused by graphql-js before its resolver runs
    }
    const references = REFERENCE_FIELDS[`${parent.name}.${field.name}`];
    if (references) {
      merge(into, this.references(references(args), node.selectionSet));
      return;
    }
    const cost = this.declared(field, args);
    const type = getNamedType(field.type);
    // What the returned objects come with: declared, else passed down a connection's `edges` and `node`.
    const carries = cost.carries
      ? cost.carries.reduce((bits, read) => bits | OBJECT_READ_BITS[read], 0)
      : isConnectionPlumbing(parent, field.name)
        ? carried
        : 0;
    const nested = node.selectionSet ? this.ofType(node.selectionSet, type, carries) : NOTHING;
    // A list that states no size repeats its selection by a bound (its items cost nothing: a test checks it).
    let multiplier =
      cost.multiplier ?? (isListType(getNullableType(field.type)) ? UNKNOWN_COLLECTION_SIZE : 1);
    const each = cost.eachUnless && carried & OBJECT_READ_BITS[cost.eachUnless] ? 0 : (cost.each ?? 0);
    const perItem = each + nested.calls;
    let collections = nested.collections;
    if (cost.sizeOf) {
      const size = this.sizeOf(cost.sizeOf);
      // The size matters only when each item costs something: then it may take a read of the collection.
      if (perItem > 0) {
        collections |= COLLECTION_BITS[cost.sizeOf === 'members' ? 'members' : 'account-links'];
        if (size === undefined) this.unknownSizes.add(cost.sizeOf);
      }
      multiplier = size ?? 0;
    }
    for (const read of cost.reads ?? []) collections |= COLLECTION_BITS[read];
    let own = cost.field ?? 0;
    if (parent === this.schema.getMutationType()) {
      // Every write is at least one call, and the request reads again what it may have changed (its
      // loaders are cleared): the collections under each mutation field count for that field.
      own = Math.max(own, 1) + bitCount(collections & ~TEAM_BIT);
      collections &= TEAM_BIT;
    }
    into.calls += own + Math.max(multiplier, 0) * perItem;
    into.collections |= collections;
    if (cost.read && (carried & OBJECT_READ_BITS[cost.read]) === 0)
      into.objectReads |= OBJECT_READ_BITS[cost.read];
  }

  /**
   * The collections any field of the selection may read, whether or not its fragment applies or it is
   * skipped: what a look-ahead may start reading (each fragment walked once).
   */
  readsAnywhere(selectionSet: SelectionSetNode, type: GraphQLNamedType, seen = new Set<string>()): number {
    let bits = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field =
          isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : null;
        if (!field) continue;
        let args: Record<string, unknown> = {};
        try {
          args = getArgumentValues(field, selection, this.variables);
        } catch {
          // Still a field the look-ahead sees: its declaration without arguments.
        }
        for (const read of this.declared(field, args).reads ?? []) bits |= COLLECTION_BITS[read];
        if (selection.selectionSet)
          bits |= this.readsAnywhere(selection.selectionSet, getNamedType(field.type), seen);
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments[selection.name.value];
      if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) seen.add(selection.name.value);
      const condition = fragment.typeCondition && this.schema.getType(fragment.typeCondition.name.value);
      bits |= this.readsAnywhere(fragment.selectionSet, condition ?? type, seen);
    }
    return bits;
  }

  private declared(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): UpstreamCost {
    let complexity = field.extensions.complexity as Complexity | undefined;
    if (typeof complexity === 'function') complexity = complexity(args, undefined, field);
    if (typeof complexity === 'number') return { field: complexity };
    return complexity ?? {};
  }

  /**
   * The objects of a field's type: an object type's selection, each object's own reads counted once; an
   * abstract type's most expensive possible type, with the collections any of them reads.
   */
  private ofType(selectionSet: SelectionSetNode, type: GraphQLNamedType, carried: number): Walk {
    if (isObjectType(type)) return objectCost(this.selectionSet(selectionSet, type, carried));
    if (!isAbstractType(type)) return NOTHING;
    const most: Walk = { calls: 0, collections: 0, objectReads: 0 };
    for (const possible of this.schema.getPossibleTypes(type)) {
      const walk = objectCost(this.selectionSet(selectionSet, possible, carried));
      most.calls = Math.max(most.calls, walk.calls);
      most.collections |= walk.collections;
    }
    return most;
  }

  /** Objects read by reference: each distinct one its own read (or its collection's), plus its selection. */
  private references(references: Reference[], selectionSet: SelectionSetNode | undefined): Walk {
    const distinct = new Map<NodeTypeName, Set<string>>();
    for (const reference of references) {
      if (!reference) continue;
      const keys = distinct.get(reference.type) ?? new Set<string>();
      keys.add(reference.key);
      distinct.set(reference.type, keys);
    }
    const total: Walk = { calls: 0, collections: 0, objectReads: 0 };
    for (const [typename, keys] of distinct) {
      const type = this.schema.getType(typename);
      if (!isObjectType(type)) continue;
      const walk = selectionSet ? this.selectionSet(selectionSet, type, 0) : NOTHING;
      const read = REFERENCE_COST[typename];
      const objectReads = walk.objectReads | ('ownRead' in read ? OBJECT_READ_BITS[read.ownRead] : 0);
      total.calls += keys.size * (walk.calls + bitCount(objectReads));
      total.collections |= walk.collections | ('collection' in read ? COLLECTION_BITS[read.collection] : 0);
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

function merge(into: Walk, part: Walk): void {
  into.calls += part.calls;
  into.collections |= part.collections;
  into.objectReads |= part.objectReads;
}

/** An object's fields, with the reads of its own they need counted once. */
function objectCost(walk: Walk): Walk {
  return { calls: walk.calls + bitCount(walk.objectReads), collections: walk.collections, objectReads: 0 };
}

/** A Relay connection's `edges` and its edges' `node`: the same objects, as far as calls go. */
function isConnectionPlumbing(parent: GraphQLObjectType, fieldName: string): boolean {
  return (
    (fieldName === 'edges' && parent.name.endsWith('Connection')) ||
    (fieldName === 'node' && parent.name.endsWith('Edge'))
  );
}

interface KnownEstimate {
  estimate: OperationEstimate | null;
  /** The collection sizes the estimate read, as they were: it holds while they are the same. */
  sizes: Map<SizedCollection, number | undefined>;
}

/**
 * Estimates already made, by document, operation name, variables and token presence: the same query asked
 * again (a poll, another tab, another token of the team) is not walked again, unless a collection size it
 * read has changed since. The walk allocates per field; a page of 50 threads cost about 20 µs and 30 KB each
 * time. Bounded in entries and key size whatever clients send (about 2 MB at most), least recently used
 * first out.
 */
const known = new Map<string, KnownEstimate>();
const MAX_ESTIMATES = 2_000;
/** Larger variables (a long list of ids) are estimated each time rather than kept as a key. */
const MAX_KEY_CHARS = 1_024;
/** A number per document (held weakly): a key names its document without keeping it alive. */
const documentIds = new WeakMap<DocumentNode, number>();
let lastDocumentId = 0;

/** estimateOperation, kept for the same operation while the sizes it read are the same. */
export function cachedEstimate(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  options: EstimateOptions,
): OperationEstimate | null {
  let documentId = documentIds.get(document);
  if (documentId === undefined) {
    documentId = ++lastDocumentId;
    documentIds.set(document, documentId);
  }
  const key = `${documentId}\n${options.withToken}\n${operationName ?? ''}\n${JSON.stringify(rawVariables ?? {})}`;
  if (key.length > MAX_KEY_CHARS)
    return estimateOperation(schema, document, operationName, rawVariables, options);
  const found = known.get(key);
  known.delete(key);
  if (found && [...found.sizes].every(([collection, size]) => options.sizeOf(collection) === size)) {
    known.set(key, found);
    return found.estimate;
  }
  const sizes = new Map<SizedCollection, number | undefined>();
  const sizeOf: SizeOf = (collection) => {
    const size = options.sizeOf(collection);
    sizes.set(collection, size);
    return size;
  };
  const estimate = estimateOperation(schema, document, operationName, rawVariables, { ...options, sizeOf });
  known.set(key, { estimate, sizes });
  if (known.size > MAX_ESTIMATES) known.delete(known.keys().next().value as string);
  return estimate;
}
