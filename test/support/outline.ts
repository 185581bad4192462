import { readFileSync } from 'node:fs';
import {
  type DefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  print,
  type TypeNode,
} from 'graphql';

/** The public contract: shared/design/schema-outline.graphql, beside the project (read-only, CI has it too). */
export const OUTLINE_PATH = new URL('../../../shared/design/schema-outline.graphql', import.meta.url);

type Definition = Extract<
  DefinitionNode,
  {
    kind:
      | Kind.OBJECT_TYPE_DEFINITION
      | Kind.INTERFACE_TYPE_DEFINITION
      | Kind.INPUT_OBJECT_TYPE_DEFINITION
      | Kind.ENUM_TYPE_DEFINITION
      | Kind.UNION_TYPE_DEFINITION;
  }
>;

export function outlineDefinitions(): Map<string, Definition> {
  const document = parse(readFileSync(OUTLINE_PATH, 'utf8'));
  const definitions = new Map<string, Definition>();
  for (const definition of document.definitions) {
    if ('name' in definition && definition.name && 'fields' in definition)
      definitions.set(definition.name.value, definition as Definition);
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION || definition.kind === Kind.UNION_TYPE_DEFINITION) {
      definitions.set(definition.name.value, definition);
    }
  }
  return definitions;
}

/** Names of the outline types reachable from the given root types (following fields and arguments). */
export function reachableFrom(roots: string[], definitions = outlineDefinitions()): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const definition = definitions.get(name);
    if (!definition || seen.has(name)) return;
    seen.add(name);
    if (definition.kind === Kind.UNION_TYPE_DEFINITION)
      for (const member of definition.types ?? []) visit(member.name.value);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        visit(namedTypeOf(field.type));
        if ('arguments' in field)
          for (const argument of field.arguments ?? []) visit(namedTypeOf(argument.type));
      }
    }
    if ('interfaces' in definition) for (const iface of definition.interfaces ?? []) visit(iface.name.value);
  };
  for (const root of roots) visit(root);
  return seen;
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

/** Every difference between an outline type and ours: missing fields, arguments, enum values, or other types. */
export function differences(
  name: string,
  schema: GraphQLSchema,
  definitions = outlineDefinitions(),
): string[] {
  const expected = definitions.get(name);
  const actual: GraphQLNamedType | undefined | null = schema.getType(name);
  if (!expected) return [`${name} is not in the outline`];
  if (!actual) return [`${name} is missing`];
  const problems: string[] = [];
  if (expected.kind === Kind.ENUM_TYPE_DEFINITION) {
    if (!isEnumType(actual)) return [`${name} is not an enum`];
    for (const value of expected.values ?? []) {
      if (!actual.getValue(value.name.value)) problems.push(`${name}.${value.name.value} is missing`);
    }
    return problems;
  }
  if (expected.kind === Kind.UNION_TYPE_DEFINITION) {
    if (!isUnionType(actual)) return [`${name} is not a union`];
    const members = new Set(actual.getTypes().map((type) => type.name));
    for (const member of expected.types ?? []) {
      if (!members.has(member.name.value)) problems.push(`${name} lacks member ${member.name.value}`);
    }
    return problems;
  }
  if (!(isObjectType(actual) || isInterfaceType(actual) || isInputObjectType(actual)))
    return [`${name} has another kind`];
  const fields = actual.getFields();
  for (const field of expected.fields ?? []) {
    const ours = fields[field.name.value];
    const where = `${name}.${field.name.value}`;
    if (!ours) {
      problems.push(`${where} is missing`);
      continue;
    }
    if (String(ours.type) !== print(field.type))
      problems.push(`${where} is ${ours.type}, the outline says ${print(field.type)}`);
    if ('arguments' in field) {
      for (const argument of field.arguments ?? []) {
        const ourArgument =
          'args' in ours ? ours.args.find((candidate) => candidate.name === argument.name.value) : undefined;
        if (!ourArgument) problems.push(`${where}(${argument.name.value}) is missing`);
        else if (String(ourArgument.type) !== print(argument.type)) {
          problems.push(
            `${where}(${argument.name.value}) is ${ourArgument.type}, the outline says ${print(argument.type)}`,
          );
        }
      }
    }
  }
  if ((isObjectType(actual) || isInterfaceType(actual)) && 'interfaces' in expected) {
    const interfaces = new Set(actual.getInterfaces().map((iface) => iface.name));
    for (const iface of expected.interfaces ?? []) {
      if (!interfaces.has(iface.name.value)) problems.push(`${name} does not implement ${iface.name.value}`);
    }
  }
  return problems;
}

export { getNamedType };
