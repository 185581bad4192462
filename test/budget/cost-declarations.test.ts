import {
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
} from 'graphql';
import { expect, it } from 'vitest';
import type { UpstreamCost } from '../../src/budget/cost-declarations.js';
import { UNKNOWN_COLLECTION_SIZE } from '../../src/graphql/list-size.js';
import { schema } from '../../src/schema/index.js';

/**
 * The estimate multiplies what a list's items select by the list's size: a list that declares none is
 * taken to hold UNKNOWN_COLLECTION_SIZE items, which is no bound at all. So every list whose items may make
 * a call declares its size (a page's `first`, a team collection's size), or is read by reference.
 */

const REFERENCE_FIELDS = new Set(['Query.nodes', 'Query._entities']);

function declared(field: GraphQLField<unknown, unknown>): UpstreamCost {
  const complexity = field.extensions.complexity as
    | number
    | UpstreamCost
    | ((args: Record<string, unknown>, context: unknown, field: unknown) => number | UpstreamCost)
    | undefined;
  const value = typeof complexity === 'function' ? complexity({}, undefined, field) : complexity;
  return typeof value === 'number' ? { field: value } : (value ?? {});
}

const makesCalls = (cost: UpstreamCost) =>
  (cost.field ?? 0) > 0 || (cost.each ?? 0) > 0 || cost.read !== undefined || (cost.reads?.length ?? 0) > 0;

/** Types whose selections may make a call (directly, or through the types they lead to). */
function typesThatMayCall(): Set<string> {
  const calling = new Set<string>();
  const types = Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith('__'));
  const leadsTo = (type: GraphQLNamedType): GraphQLNamedType[] =>
    isAbstractType(type) ? [...schema.getPossibleTypes(type)] : [type];
  for (let changed = true; changed; ) {
    changed = false;
    for (const type of types) {
      if (!isObjectType(type) || calling.has(type.name)) continue;
      const calls = Object.values(type.getFields()).some(
        (field) =>
          makesCalls(declared(field)) ||
          leadsTo(getNamedType(field.type)).some((target) => calling.has(target.name)),
      );
      if (calls) {
        calling.add(type.name);
        changed = true;
      }
    }
  }
  return calling;
}

it('every list whose items may make calls declares how many items it holds', () => {
  const calling = typesThatMayCall();
  expect(calling).toContain('Message');
  const undeclared: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      if (!isListType(getNullableType(field.type)) || REFERENCE_FIELDS.has(coordinate)) continue;
      const items = getNamedType(field.type);
      const itemTypes = isAbstractType(items) ? [...schema.getPossibleTypes(items)] : [items];
      if (!itemTypes.some((item) => calling.has(item.name))) continue;
      const cost = declared(field);
      const sized =
        cost.sizeOf !== undefined || (cost.multiplier ?? UNKNOWN_COLLECTION_SIZE) !== UNKNOWN_COLLECTION_SIZE;
      if (!sized) undeclared.push(coordinate);
    }
  }
  expect(undeclared).toEqual([]);
});
