import { type GraphQLSchema, isUnionType } from 'graphql';
import { badUserInput } from '../errors.js';
import { builder } from '../graphql/builder.js';
import { inboxIdOf, type NodeTypeName } from '../graphql/ids.js';
import { parsedOrRefused } from '../graphql/inputs.js';

/**
 * Apollo Federation v2 entities: each domain declares its types' @keys beside them. Every reference resolves
 * through the per-request loaders, so a router's `_entities` batch of N references costs one call per
 * collection (members, tags, ...) and one per distinct thread or prospect, never N.
 *
 * Every resolveReference is async on purpose: @apollo/subgraph calls them inside one `map`, so a synchronous
 * throw (a malformed key) would fail the whole `_entities` list instead of its one item.
 */
export type IdOrInboxId = { id: string } | { inboxId: string };

/** The two keys of most entities: the global `id`, or the raw `inboxId`. */
export const byIdOrInboxId = [
  builder.selection<{ id: string }>('id'),
  builder.selection<{ inboxId: string }>('inboxId'),
];

/** The raw Inbox id of a reference, from its global `id` or its `inboxId`. */
export function referencedInboxId(reference: IdOrInboxId, typename: NodeTypeName): string {
  return 'inboxId' in reference
    ? parsedOrRefused(inboxIdOf(reference.inboxId, typename), 'inboxId')
    : parsedOrRefused(inboxIdOf(reference.id, typename), 'id');
}

/**
 * `_entities` takes only representations a router can send: an object whose `__typename` names one of this
 * subgraph's entity types. Anything else (`"thread"`, `"Query"`, an interface, a string) is the caller's
 * mistake: its item is null with BAD_USER_INPUT, and the other items resolve. @apollo/subgraph's resolver would
 * throw a plain error for the whole list (INTERNAL_SERVER_ERROR, logged with its stack trace at error level),
 * or let a non-entity object type through to fail as it is completed.
 */
export function refuseUnknownRepresentations(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const entity = schema.getType('_Entity');
  const resolve = field?.resolve;
  if (!field || !resolve || !isUnionType(entity)) return;
  const entityTypes = new Set(entity.getTypes().map((type) => type.name));
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    const known = representations.filter((representation) =>
      isEntityRepresentation(representation, entityTypes),
    );
    if (known.length === representations.length) return resolve(source, args, context, info);
    const resolved = resolve(source, { ...args, representations: known }, context, info) as unknown[];
    let next = 0;
    return representations.map((representation, index) =>
      isEntityRepresentation(representation, entityTypes)
        ? resolved[next++]
        : Promise.reject(unknownRepresentation(representation, index)),
    );
  };
}

function isEntityRepresentation(representation: unknown, entityTypes: Set<string>): boolean {
  if (typeof representation !== 'object' || representation === null || Array.isArray(representation))
    return false;
  const typename = (representation as { __typename?: unknown }).__typename;
  return typeof typename === 'string' && entityTypes.has(typename);
}

function unknownRepresentation(representation: unknown, index: number) {
  const field = `representations[${index}]`;
  const typename = (representation as { __typename?: unknown } | null)?.__typename;
  return typeof typename === 'string'
    ? badUserInput(`\`${field}.__typename\` is not an entity type of this subgraph.`, `${field}.__typename`)
    : badUserInput(`\`${field}\` must be an object with the \`__typename\` of an entity type.`, field);
}
