import { readFile } from 'node:fs/promises';
import { buildSchema, type DefinitionNode, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../src/examples.js';
import { missingIds } from './support/selects-id.js';

/**
 * The operations users copy (GraphiQL's tabs from src/examples.ts, the README's GraphQL blocks) are valid, and
 * select `id` on every object that has one: a frontend that copies them gets objects its cache can normalise.
 */
const schema = buildSchema(await readFile(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));
const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

const isExecutable = (definition: DefinitionNode) =>
  definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION;

/** Each operation of the README's ```graphql blocks, alone (a block may list several anonymous ones). */
const readmeOperations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)]
  .map((match) => parse(match[1] ?? ''))
  .filter((document) => document.definitions.every(isExecutable))
  .flatMap((document) =>
    document.definitions.map((definition, index) => ({
      name: `${definition.loc?.source.body.slice(definition.loc.start, definition.loc.start + 60)}…`,
      document: { ...document, definitions: [definition] },
      index,
    })),
  );

describe('example operations', () => {
  it('the README shows operations (the extraction found them)', () => {
    expect(readmeOperations.length).toBeGreaterThan(30);
  });

  it.each(EXAMPLES.map((example) => [example.title, parse(example.query)] as const))(
    'src/examples.ts: %s validates and selects every id',
    (_title, document) => {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      expect(missingIds(schema, document)).toEqual([]);
    },
  );

  it.each(readmeOperations.map((operation) => [operation.name, operation.document] as const))(
    'README: %s validates and selects every id',
    (_name, document) => {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      expect(missingIds(schema, document)).toEqual([]);
    },
  );

  it('the check finds an object selected without its id', () => {
    const document = parse(
      '{ threads(first: 1) { edges { node { id prospect { displayName } lastMessage { author { ... on Prospect { handle } } } } } } }',
    );
    expect(missingIds(schema, document)).toEqual([
      'Prospect at prospect',
      'MessagePreview at lastMessage',
      'Prospect',
    ]);
  });
});
