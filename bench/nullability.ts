import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLSchema, isNonNullType, isObjectType } from 'graphql';
import { parse } from 'yaml';
import { schema as ourSchema } from '../src/schema/index.js';
import { OPENAPI_PATH } from './mesh.js';

/**
 * Static check: for the fields of the REST entities, does each GraphQL schema say "non-null" exactly
 * when the REST contract guarantees a value (required and not nullable)?
 * - unsafe: REST may send null (or omit it), GraphQL says non-null: that null errors the field and
 *   nulls its parent (a whole thread, a whole page).
 * - looser: REST guarantees a value, GraphQL says nullable: clients check for a null that never comes.
 * - missing: the REST field has no GraphQL field (Mesh), or is not exposed as such (ours).
 */
interface Entity {
  /** Schema under components.schemas (ProspectWithContext's allOf parts are flattened). */
  rest: string;
  mesh: string;
  ours: string;
  /** REST field → our field, where ours renames it (ids become `inboxId`, foreign ids become objects). */
  renamed?: Record<string, string>;
  /** REST fields ours resolves through another call rather than passing them through. */
  derived?: string[];
}

const ENTITIES: Entity[] = [
  { rest: 'Team', mesh: 'Team', ours: 'Team', renamed: { id: 'inboxId', image: 'imageUrl' } },
  { rest: 'Member', mesh: 'Member', ours: 'Member', renamed: { id: 'inboxId', image: 'imageUrl' } },
  {
    rest: 'AccountLink',
    mesh: 'AccountLink',
    ours: 'AccountLink',
    renamed: { id: 'inboxId', image: 'imageUrl' },
  },
  { rest: 'Tag', mesh: 'Tag', ours: 'Tag', renamed: { id: 'inboxId' } },
  { rest: 'Status', mesh: 'Status', ours: 'Status', renamed: { id: 'inboxId' } },
  {
    rest: 'Thread',
    mesh: 'Thread',
    ours: 'Thread',
    renamed: {
      id: 'inboxId',
      assigneeId: 'assignee',
      accountLinkId: 'accountLink',
      lastMessageTimestamp: 'lastMessageAt',
      computedSortTimestamp: 'sortTimestamp',
    },
  },
  {
    rest: 'ThreadLastMessage',
    mesh: 'ThreadLastMessage',
    ours: 'MessagePreview',
    renamed: { id: 'inboxId', userId: 'sentBy', authorId: 'author', campaignId: 'campaign' },
  },
  {
    rest: 'Prospect',
    mesh: 'ProspectWithContext',
    ours: 'Prospect',
    renamed: { externalId: 'inboxId', image: 'imageUrl', imageNormalized: 'imageUrl' },
  },
  {
    rest: 'ProspectContext',
    mesh: 'ProspectContext',
    ours: 'Prospect',
    renamed: { statusId: 'status', assigneeId: 'assignee' },
    derived: ['threads'],
  },
  {
    rest: 'Message',
    mesh: 'Message',
    ours: 'Message',
    renamed: {
      id: 'inboxId',
      userId: 'sentBy',
      authorId: 'author',
      campaignId: 'campaign',
      threadId: 'thread',
    },
  },
  { rest: 'Campaign', mesh: 'Campaign', ours: 'Campaign', renamed: { id: 'inboxId' } },
];

export interface Mismatches {
  unsafe: string[];
  looser: string[];
  missing: string[];
}

export interface EntityNullability {
  entity: string;
  restFields: number;
  mesh: Mismatches;
  meshWorkaround: Mismatches;
  ours: Mismatches;
}

type JsonSchema = Record<string, unknown>;
const spec = parse(readFileSync(OPENAPI_PATH, 'utf8')) as {
  components: { schemas: Record<string, JsonSchema> };
};

function resolveRef(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const target = spec.components.schemas[ref.replace('#/components/schemas/', '')];
  if (!target) throw new Error(`unresolved ${ref}`);
  return resolveRef(target);
}

/** Whether a value of this schema may be null: `type: [T, "null"]`, a null branch, or no shape at all. */
function allowsNull(raw: JsonSchema): boolean {
  const schema = resolveRef(raw);
  const list = (value: unknown) => (Array.isArray(value) ? (value as JsonSchema[]) : []);
  const branches = [...list(schema.oneOf), ...list(schema.anyOf)];
  if (branches.length > 0) return branches.some(allowsNull);
  if (schema.allOf) return list(schema.allOf).every(allowsNull);
  const type = schema.type;
  if (Array.isArray(type)) return type.includes('null');
  if (type !== undefined) return type === 'null';
  // Undocumented shapes (`{ description }` only) may be anything, null included.
  return schema.properties === undefined && schema.enum === undefined;
}

/** Field name → the REST contract guarantees a value (required and not nullable). */
function restFields(name: string): Map<string, boolean> {
  const schema = spec.components.schemas[name] as JsonSchema;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return new Map(
    Object.entries(properties).map(([field, sub]) => [field, required.has(field) && !allowsNull(sub)]),
  );
}

function compare(
  rest: Map<string, boolean>,
  schema: GraphQLSchema,
  typeName: string,
  fieldFor: (restField: string) => string | undefined,
): Mismatches {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  const fields = type.getFields();
  const result: Mismatches = { unsafe: [], looser: [], missing: [] };
  for (const [restField, guaranteed] of rest) {
    const name = fieldFor(restField);
    if (name === undefined) continue;
    const field = fields[name];
    const label = `${typeName}.${name}`;
    if (!field) result.missing.push(`${typeName}.${restField}`);
    else if (!guaranteed && isNonNullType(field.type)) result.unsafe.push(label);
    else if (guaranteed && !isNonNullType(field.type)) result.looser.push(label);
  }
  return result;
}

/** Compares both Mesh supergraphs (as generated, with the nullable workaround) and our schema. */
export function compareNullability(
  meshSupergraph: string,
  meshWorkaroundSupergraph: string,
): EntityNullability[] {
  const mesh = buildSchema(meshSupergraph, { assumeValidSDL: true });
  const meshWorkaround = buildSchema(meshWorkaroundSupergraph, { assumeValidSDL: true });
  return ENTITIES.map((entity) => {
    const rest = restFields(entity.rest);
    const same = (field: string) => field;
    const ours = (field: string) =>
      entity.derived?.includes(field) ? undefined : (entity.renamed?.[field] ?? field);
    return {
      entity: entity.rest,
      restFields: rest.size,
      mesh: compare(rest, mesh, entity.mesh, same),
      meshWorkaround: compare(rest, meshWorkaround, entity.mesh, same),
      ours: compare(rest, ourSchema, entity.ours, ours),
    };
  });
}
