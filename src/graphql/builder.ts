import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { badUserInput, ErrorCode } from '../errors.js';
import { beforeRootFieldPlugin } from './before-root-field.js';
import type { Context } from './context-type.js';
import { boundedJson } from './json-input.js';
import { UNKNOWN_COLLECTION_SIZE } from './list-size.js';

type IssuePath = ReadonlyArray<PropertyKey | { key: PropertyKey }>;

/** ['input', 'steps', 0, 'delay'] → `input.steps[0].delay`. */
function fieldPath(path: IssuePath): string {
  return path.reduce<string>((field, segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    if (typeof key === 'number') return `${field}[${key}]`;
    return field === '' ? String(key) : `${field}.${String(key)}`;
  }, '');
}

/** The validation plugin's failure → the first issue as BAD_USER_INPUT naming its argument path. */
function validationError(failure: { issues: ReadonlyArray<{ message: string; path?: IssuePath }> }) {
  const issue = failure.issues[0];
  const field = fieldPath(issue?.path ?? []) || 'input';
  return badUserInput(`\`${field}\` ${issue?.message ?? 'is invalid'}.`, field);
}

/** The schema builder: plugins, scalars and the root types; the types live in src/schema/<domain>/. */
export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  // Fields are non-null unless they say otherwise: nullability follows the upstream contract field by field.
  defaultFieldNullability: false,
  plugins: [
    RelayPlugin,
    ComplexityPlugin,
    DirectivePlugin,
    FederationPlugin,
    ValidationPlugin,
    beforeRootFieldPlugin,
  ],
  // Inputs declare their zod validation beside their fields; a refusal is BAD_USER_INPUT naming the input.
  validation: { validationError },
  // "Complexity" is the number of Inbox API calls a field may make (src/budget/cost-declarations.ts). The
  // whole operation's is summed and held to MAX_UPSTREAM_CALLS before anything runs (src/budget/), so no
  // limit is set here. A list that states no size (a collection) repeats what it holds
  // UNKNOWN_COLLECTION_SIZE times.
  complexity: {
    defaultComplexity: 0,
    defaultListMultiplier: UNKNOWN_COLLECTION_SIZE,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Connections are `edges: [XEdge!]!` with `node: X!`: a page never holds holes.
    // A page's size is its connection field's multiplier (`first`): its edges do not multiply again.
    edgesFieldOptions: {
      nullable: false,
      description: 'The items of this page, in order.',
      complexity: { field: 0, multiplier: 1 },
    },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: {
      description: 'Opaque position of the item; pass it as `after` to page on from it.',
    },
    pageInfoFieldOptions: { description: 'Where the next page starts.' },
    idFieldOptions: { description: 'Global id (opaque): accepted by `node`, `nodes` and every id argument.' },
    nodeTypeOptions: { description: 'An object with a global id, readable with `node(id:)`.' },
    // Every Relay subgraph declares PageInfo: shareable, so composing with one is not a conflict.
    pageInfoTypeOptions: {
      description: 'Paging state of a connection. Paging is forward only.',
      shareable: true,
    },
    hasNextPageFieldOptions: { description: 'More items follow: ask again with `after: endCursor`.' },
    hasPreviousPageFieldOptions: { description: 'Always false: the Inbox API pages forward only.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page.' },
    endCursorFieldOptions: { description: 'Pass as `after` to get the next page.' },
    // `node` and `nodes` are our own (src/schema/node.ts): they check every id before loading it.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({
  description:
    'Reads. Every field costs as few Inbox REST calls as the v1 API allows. Every field is nullable: a failed ' +
    'upstream call loses only the field that needed it, with its error, never its siblings.',
});
builder.mutationType({
  description:
    'Writes. Each field validates its input before any upstream call, makes one Inbox REST write (never ' +
    'retried), and returns the changed object so client caches update; later reads see the new state. Every ' +
    'field is nullable: a refused write is null with its error, and the other writes of the operation keep ' +
    'their results.',
});

builder.subscriptionType({
  description:
    'Live updates at `/graphql`, over Server-Sent Events (`Accept: text/event-stream`) or WebSocket (graphql-ws).',
});

builder.scalarType('DateTime', {
  description: 'An ISO-8601 timestamp in UTC, e.g. `2026-02-20T09:14:05.000Z`.',
  serialize: (value: unknown) => {
    // The upstream's own timestamps are already canonical: passed through without a Date round trip.
    if (typeof value === 'string' && CANONICAL_DATE_TIME.test(value)) return value;
    const time = typeof value === 'string' || value instanceof Date ? new Date(value) : undefined;
    if (time && !Number.isNaN(time.getTime())) return time.toISOString();
    throw new GraphQLError('DateTime cannot represent a non-date value');
  },
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (node) => parseDateTime(node.kind === Kind.STRING ? node.value : undefined),
});

/**
 * `toISOString()`'s own format, on a day every month has (days 29–31 take the slow path, which rolls an
 * impossible date over as before): a string that matches is its own serialisation.
 */
const CANONICAL_DATE_TIME =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function parseDateTime(value: unknown): string {
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new GraphQLError('DateTime must be an ISO-8601 string', {
    extensions: { code: ErrorCode.BAD_USER_INPUT },
  });
}

builder.scalarType('JSON', {
  description:
    'Any JSON value, passed through as the Inbox API sent it (for shapes the API leaves undocumented).',
  serialize: (value) => value,
  parseValue: (value) => boundedJson(value),
  parseLiteral: (node) => boundedJson(parseJsonLiteral(node)),
});

function parseJsonLiteral(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(parseJsonLiteral);
    case Kind.OBJECT:
      return Object.fromEntries(
        node.fields.map((field) => [field.name.value, parseJsonLiteral(field.value)]),
      );
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError('JSON literals cannot contain variables', {
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      });
  }
}

/** The schema types of this builder, for helpers that take Pothos builders as parameters. */
export type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
