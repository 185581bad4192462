import {
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

/**
 * Where a document selects an object that has an `id` without selecting it: a normalising client (Apollo,
 * urql Graphcache, Relay) cannot key such an object, so it stays unnormalised. Each finding is
 * `Type at path`. An inline fragment counts the fields of its enclosing selection too.
 */
export function missingIds(schema: GraphQLSchema, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  /** Field names selected directly, through spreads, and through inline fragments without a type change. */
  const fieldsOf = (selectionSet: SelectionSetNode, seen = new Set<string>()): Set<string> => {
    const names = new Set<string>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT && !selection.typeCondition) {
        for (const name of fieldsOf(selection.selectionSet, seen)) names.add(name);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const spread = fragments.get(selection.name.value);
        if (spread) for (const name of fieldsOf(spread.selectionSet, seen)) names.add(name);
      }
    }
    return names;
  };
  const hasId = (type: GraphQLCompositeType | null | undefined) =>
    (isObjectType(type) || isInterfaceType(type)) && 'id' in type.getFields();

  const findings: string[] = [];
  const typeInfo = new TypeInfo(schema);
  const enclosing: Array<Set<string>> = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet: {
        enter(node, _key, parent) {
          const type = typeInfo.getParentType();
          const own = fieldsOf(node);
          const inherited =
            parent && 'kind' in parent && parent.kind === Kind.INLINE_FRAGMENT ? enclosing.at(-1) : undefined;
          const selected = new Set([...own, ...(inherited ?? [])]);
          const isField = parent && 'kind' in parent && parent.kind === Kind.FIELD;
          if ((isField || inherited) && hasId(type) && !selected.has('id')) {
            const name = parent && 'kind' in parent && parent.kind === Kind.FIELD ? parent.name.value : '';
            findings.push(`${getNamedType(type)?.name}${name ? ` at ${name}` : ''}`);
          }
          enclosing.push(selected);
        },
        leave() {
          enclosing.pop();
        },
      },
    }),
  );
  return findings;
}
