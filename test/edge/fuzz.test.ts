import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { schema } from '../../src/schema/index.js';
import { type GraphQLResponse, useHarness } from '../support/harness.js';

/**
 * Property-based: whatever documents, variables and ids a caller sends, the facade answers without a 5xx,
 * every error carries an `extensions.code`, no operation makes more calls than MAX_UPSTREAM_CALLS, and no
 * upstream call goes to a path outside the contract's templates (src/upstream/openapi.yaml).
 */
const MAX_UPSTREAM_CALLS = 30;
const harness = useHarness({
  config: { MAX_UPSTREAM_CALLS: String(MAX_UPSTREAM_CALLS), LOG_LEVEL: 'silent' },
});

let templates: RegExp[] = [];
let idPool: string[] = [];
beforeAll(async () => {
  const contract = parseYaml(await readFile('src/upstream/openapi.yaml', 'utf8')) as { paths: object };
  // A path parameter is one non-empty segment, never `.` or `..` (which a URL would resolve away).
  templates = Object.keys(contract.paths).map(
    (template) =>
      new RegExp(`^${template.replace(/\{\w+\}/g, '(?!\\.\\.?(?:/|$))[^/]+').replace(/\//g, '\\/')}$`),
  );
  const acme = harness.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
  const thread = acme.threads[0];
  const message = acme.messagesByThread.get(thread?.id ?? '')?.[0];
  idPool = [
    encodeGlobalID('Thread', thread?.id ?? 'x'),
    thread?.id ?? 'x',
    encodeGlobalID('Tag', acme.tags[0]?.id ?? 'x'),
    encodeGlobalID('Member', acme.members[0]?.id ?? 'x'),
    encodeGlobalID('AccountLink', acme.accountLinks[0]?.id ?? 'x'),
    encodeGlobalID('Prospect', `twitter:${thread?.prospect.platformId ?? '1'}`),
    encodeGlobalID('Campaign', acme.campaigns[0]?.campaign.id ?? 'x'),
    message
      ? encodeGlobalID('Message', `${message.threadId}:${message.id}`)
      : encodeGlobalID('Message', 'a:b'),
    encodeGlobalID('Thread', '..'),
    encodeGlobalID('Message', '..:..'),
    encodeGlobalID('Thread', 'a'.repeat(300)),
    encodeGlobalID('Nope', 'abc'),
    '..',
    '',
  ];
});

// ---- Arbitraries built from the schema ----

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('..', '../..', '%2e%2e', 'a/b', '?x=1', '#', ' ', '\u0000', 'é', '💥'),
);
const anId = () => fc.oneof(fc.constantFrom(...idPool), text, fc.base64String({ maxLength: 24 }));
const literal = (value: unknown) => JSON.stringify(value);

/** A GraphQL literal for an input type: mostly well-typed, sometimes not. */
function inputLiteral(type: GraphQLInputType, depth: number): fc.Arbitrary<string> {
  if (isNonNullType(type)) return inputLiteral(type.ofType, depth);
  if (isListType(type)) {
    return fc
      .array(inputLiteral(type.ofType, depth), { maxLength: depth > 0 ? 3 : 1 })
      .map((items) => `[${items.join(', ')}]`);
  }
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((value) => value.name), 'NOPE');
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    if (depth <= 0) return fc.constant('{}');
    return fc
      .tuple(
        ...fields.map((field) =>
          fc.option(
            inputLiteral(field.type, depth - 1).map((value) => `${field.name}: ${value}`),
            {
              freq: isNonNullType(field.type) ? 10 : 2,
            },
          ),
        ),
      )
      .map((entries) => `{ ${entries.filter((entry) => entry !== null).join(', ')} }`);
  }
  switch (type.name) {
    case 'Int':
      return fc.oneof(fc.integer({ min: -2, max: 120 }), fc.constant(2 ** 31 - 1)).map(String);
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map(String);
    case 'Boolean':
      return fc.boolean().map(String);
    case 'ID':
      return anId().map(literal);
    case 'DateTime':
      return fc.oneof(fc.constant('2026-01-01T00:00:00Z'), text).map(literal);
    case 'JSON':
      return fc
        .jsonValue({ maxDepth: 2 })
        .map((value) =>
          JSON.stringify(value).replace(/"([^"\\]*)":/g, (_, key) => `${key.replace(/\W/g, '') || 'k'}:`),
        );
    case '_Any':
      return fc
        .record({ __typename: fc.constantFrom('Thread', 'Tag', 'Message', 'Prospect', 'Team'), id: anId() })
        .map((value) => `{ __typename: ${literal(value.__typename)}, id: ${literal(value.id)} }`);
    default:
      return text.map(literal);
  }
}

function argumentsOf(field: GraphQLField<unknown, unknown>): fc.Arbitrary<string> {
  if (field.args.length === 0) return fc.constant('');
  return fc
    .tuple(
      ...field.args.map((arg) =>
        fc.option(
          inputLiteral(arg.type, 2).map((value) => `${arg.name}: ${value}`),
          {
            freq: isNonNullType(arg.type) ? 20 : 2,
          },
        ),
      ),
    )
    .map((args) => {
      const given = args.filter((arg) => arg !== null);
      return given.length > 0 ? `(${given.join(', ')})` : '';
    });
}

/** A selection set on an output type, at most `depth` levels deep. */
function selection(type: GraphQLNamedType, depth: number): fc.Arbitrary<string> {
  if (isLeafType(type)) return fc.constant('');
  if (isAbstractType(type)) {
    const possible = schema.getPossibleTypes(type);
    return fc
      .subarray([...possible], { minLength: 0, maxLength: Math.min(2, possible.length) })
      .chain((types) =>
        fc.tuple(
          ...types.map((object) => selection(object, depth).map((set) => `... on ${object.name} ${set}`)),
        ),
      )
      .map((fragments) => `{ __typename ${fragments.join(' ')} }`);
  }
  if (!isObjectType(type) && !isInterfaceType(type)) return fc.constant('');
  const fields = Object.values(type.getFields()).filter((field) => {
    const named = getNamedType(field.type as GraphQLOutputType);
    return depth > 0 || isLeafType(named);
  });
  if (fields.length === 0) return fc.constant('{ __typename }');
  return fc
    .subarray(fields, { minLength: 1, maxLength: Math.min(3, fields.length) })
    .chain((chosen) => fc.tuple(...chosen.map((field) => fieldSelection(field, depth))))
    .map((parts) => `{ ${parts.join(' ')} }`);
}

function fieldSelection(field: GraphQLField<unknown, unknown>, depth: number): fc.Arbitrary<string> {
  const named = getNamedType(field.type);
  return fc
    .tuple(fc.option(fc.constantFrom('a', 'b'), { freq: 4 }), argumentsOf(field), selection(named, depth - 1))
    .map(([alias, args, set]) => `${alias ? `${alias}: ` : ''}${field.name}${args} ${set}`);
}

const queryType = schema.getQueryType();
if (!queryType) throw new Error('no Query type');
const rootFields = Object.values(queryType.getFields()).filter((field) => field.name !== '_service');
const aQuery = fc
  .subarray(rootFields, { minLength: 1, maxLength: 2 })
  .chain((fields) => fc.tuple(...fields.map((field) => fieldSelection(field, 3))))
  .map((parts) => `{ ${parts.join(' ')} }`);

// ---- The properties ----

interface Answer {
  status: number;
  body: GraphQLResponse;
}

async function send(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  harness.simulator.resetCalls();
  const response = await fetch(`${harness.server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${DEMO_TOKEN}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not a GraphQL answer (HTTP ${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, body };
}

function expectWellBehaved({ status, body }: Answer, sent: unknown) {
  seen.requests++;
  if (body.data) seen.withData++;
  if (harness.simulator.calls.length > 0) seen.withCalls++;
  const context = JSON.stringify(sent).slice(0, 600);
  expect(status, context).toBeLessThan(500);
  for (const error of body.errors ?? []) {
    expect(typeof error.extensions?.code, `${error.message} ← ${context}`).toBe('string');
  }
  expect(harness.simulator.calls.length, context).toBeLessThanOrEqual(MAX_UPSTREAM_CALLS);
  for (const call of harness.simulator.calls) {
    expect(
      templates.some((template) => template.test(call.path)),
      `${call.method} ${call.path} ← ${context}`,
    ).toBe(true);
  }
}

/** `FUZZ_RUNS=2000 npx vitest run test/edge/fuzz.test.ts` for a longer search. */
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 120), endOnFailure: true } as const;
/** How many answers held data or made upstream calls: the properties must not hold vacuously. */
const seen = { requests: 0, withData: 0, withCalls: 0 };

describe('fuzz: random input never makes a 5xx, an uncoded error, or a call outside the contract', () => {
  it('random documents built from the schema', async () => {
    await fc.assert(
      fc.asyncProperty(aQuery, async (query) => expectWellBehaved(await send(query), query)),
      RUNS,
    );
  });

  it('random id strings, through every field that takes one', async () => {
    const documents = [
      'query ($id: ID!) { node(id: $id) { id ... on Thread { messages(first: 2) { edges { cursor } } } } }',
      'query ($id: ID!) { thread(id: $id) { id prospect { displayName } } }',
      'query ($id: ID!) { prospect(id: $id) { displayName } }',
      'query ($id: ID!) { campaign(id: $id) { name } }',
      'query ($id: ID!) { member(id: $id) { email } tag(id: $id) { name } }',
      'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      'query ($id: ID!) { threads(first: 1, accountLinkIds: [$id], filter: { tags: { ids: [$id] } }) { edges { cursor } } }',
      'mutation ($id: ID!) { updateThread(input: { id: $id, done: true }) { thread { id } } }',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...documents),
        fc.array(anId(), { minLength: 1, maxLength: 5 }),
        async (query, ids) => {
          const variables = { id: ids[0], ids };
          expectWellBehaved(await send(query, variables), { query, variables });
        },
      ),
      RUNS,
    );
  });

  it('random variables of any JSON shape', async () => {
    const documents = [
      'query ($first: Int, $after: String) { threads(first: $first, after: $after) { edges { cursor } } }',
      'query ($f: ThreadFilter, $inbox: InboxView) { threads(first: 1, filter: $f, inbox: $inbox) { edges { cursor } } }',
      'query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }',
      'mutation ($data: JSON!) { updateListLead(input: { listId: "abc", platformId: "1", data: $data }) { platformId } }',
      'query ($after: Int, $first: Int) { events(first: $first, after: $after) { edges { cursor } } }',
    ];
    const anything = fc.jsonValue({ maxDepth: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...documents),
        fc.dictionary(fc.constantFrom('first', 'after', 'f', 'inbox', 'r', 'data'), anything),
        async (query, variables) => expectWellBehaved(await send(query, variables), { query, variables }),
      ),
      RUNS,
    );
  });

  it('exercised the facade: many answers held data, and some reached upstream', () => {
    expect(seen.withData).toBeGreaterThan(seen.requests / 10);
    expect(seen.withCalls).toBeGreaterThan(seen.requests / 50);
  });
});
