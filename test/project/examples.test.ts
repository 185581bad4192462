import { readdir, readFile } from 'node:fs/promises';
import { buildSchema, type DefinitionNode, Kind, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/examples.js';
import { missingIds } from '../support/selects-id.js';

/**
 * The operations users copy (GraphiQL's tabs from src/examples.ts, the GraphQL blocks of the README and of
 * every page of docs/) are valid, and select `id` on every object that has one: a frontend that copies them
 * gets objects its cache can normalise.
 */
const schema = buildSchema(await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8'));
const docsDirectory = new URL('../../docs/', import.meta.url);
const documentationPages = [
  'README.md',
  ...(await readdir(docsDirectory))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];
const documentation = await Promise.all(
  documentationPages.map(async (page) => ({
    page,
    text: await readFile(new URL(`../../${page}`, import.meta.url), 'utf8'),
  })),
);

const isExecutable = (definition: DefinitionNode) =>
  definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION;

/** Each operation of the pages' ```graphql blocks, alone (a block may list several anonymous ones). */
const documentedOperations = documentation.flatMap(({ page, text }) =>
  [...text.matchAll(/```graphql\n([\s\S]*?)```/g)]
    .map((match) => parse(match[1] ?? ''))
    .filter((document) => document.definitions.every(isExecutable))
    .flatMap((document) =>
      document.definitions.map((definition, index) => ({
        name: `${page}: ${definition.loc?.source.body.slice(definition.loc.start, definition.loc.start + 50)}…`,
        document: { ...document, definitions: [definition] },
        index,
      })),
    ),
);

describe('example operations', () => {
  it('the README and docs/ show operations (the extraction found them)', () => {
    expect(documentedOperations.length).toBeGreaterThan(30);
  });

  it.each(EXAMPLES.map((example) => [example.title, parse(example.query)] as const))(
    'src/examples.ts: %s validates and selects every id',
    (_title, document) => {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      expect(missingIds(schema, document)).toEqual([]);
    },
  );

  it.each(documentedOperations.map((operation) => [operation.name, operation.document] as const))(
    '%s validates and selects every id',
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
