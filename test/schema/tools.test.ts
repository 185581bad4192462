import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import graphqlPlugin from '@graphql-eslint/eslint-plugin';
import { validate } from '@graphql-inspector/core';
import { ESLint, type Linter } from 'eslint';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  printSchema,
  Source,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { EXAMPLES } from '../../src/examples.js';
import { useHarness } from '../support/harness.js';

/**
 * schema/schema.graphql is what clients build against instead of introspection: the tools a frontend runs on
 * it (graphql-inspector, graphql-eslint; relay-compiler in relay.test.ts) must accept every operation the
 * server runs, @defer and @stream included.
 */
const harness = useHarness();
const root = fileURLToPath(new URL('../..', import.meta.url));
const schemaFile = new URL('../../schema/schema.graphql', import.meta.url);

/** Uses both incremental directives, on a fragment and on a list: the server runs it (tested below). */
const DEFERRED = `query DeferredConversation($id: ID!) {
  thread(id: $id) {
    id
    done
    ... @defer(label: "messages") {
      messages(first: 5) { edges { node { id content } } }
    }
  }
  tags @stream(initialCount: 1) { id name }
}`;

describe('schema/schema.graphql', () => {
  it('is the schema the server serves, directives included', async () => {
    const { body } = await harness.graphql<IntrospectionQuery>(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true }),
    );
    const served = printSchema(buildClientSchema(body.data as IntrospectionQuery));
    expect(`${served}\n`).toBe(await readFile(schemaFile, 'utf8'));
    expect(served).toMatch(/^directive @defer\(/m);
    expect(served).toMatch(/^directive @stream\(/m);
  });

  it('the server runs the @defer/@stream operation the tools below are given', async () => {
    const { body } = await harness.graphql<{ threads: { edges: Array<{ node: { id: string } }> } }>(
      '{ threads(first: 1) { edges { node { id } } } }',
    );
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed',
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
      body: JSON.stringify({ query: DEFERRED, variables: { id: body.data?.threads.edges[0]?.node.id } }),
    });
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    expect(text).toContain('"hasNext":true');
    expect(text).toContain('"label":"messages"');
    expect(text).not.toContain('"errors"');
  });
});

describe('graphql-inspector validates documents against it', () => {
  it('accepts @defer/@stream, the example operations and the client-test operations', async () => {
    const schema = buildSchema(await readFile(schemaFile, 'utf8'));
    const sources = [
      new Source(DEFERRED, 'deferred.graphql'),
      ...EXAMPLES.map((example) => new Source(example.query, example.title)),
      ...(await Promise.all(
        ['team', 'threads', 'thread-mutations'].map(
          async (name) =>
            new Source(
              await readFile(new URL(`../operations/${name}.graphql`, import.meta.url), 'utf8'),
              name,
            ),
        ),
      )),
    ];
    const invalid = validate(schema, sources, { strictFragments: true, strictDeprecated: true });
    expect(invalid.flatMap((document) => [...document.errors, ...document.deprecated])).toEqual([]);
  });

  it('still refuses what the server refuses', async () => {
    const schema = buildSchema(await readFile(schemaFile, 'utf8'));
    const [invalid] = validate(schema, [new Source('{ team { name @defer } }', 'wrong.graphql')]);
    expect(invalid?.errors.map((error) => error.message)).toEqual([
      'Directive "@defer" may not be used on FIELD.',
    ]);
  });
});

describe('graphql-eslint', () => {
  const parser = {
    ...graphqlPlugin.parser,
  } as Linter.Parser;
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.graphql'],
        languageOptions: {
          parser,
          parserOptions: {
            graphQLConfig: { schema: 'schema/schema.graphql', documents: 'test/operations/*.graphql' },
          },
        },
        plugins: { '@graphql-eslint': graphqlPlugin as unknown as ESLint.Plugin },
      },
      {
        files: ['schema/schema.graphql'],
        rules: {
          ...graphqlPlugin.configs['flat/schema-relay'].rules,
          // Paging is forward only, as upstream: connections take first/after, never last/before.
          '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
          // Events are connection nodes but not Nodes: v1 reads no event by id.
          // Events are connection nodes but not Nodes (v1 reads no event by id); plain lists such as
          // `tags: [Tag!]` are whole collections, not pages.
          '@graphql-eslint/relay-edge-types': [
            'error',
            { shouldImplementNode: false, listTypeCanWrapOnlyEdgeType: false },
          ],
          '@graphql-eslint/require-nullable-result-in-root': 'error',
        },
      },
      {
        files: ['operations/**/*.graphql'],
        rules: graphqlPlugin.configs['flat/operations-recommended'].rules,
      },
    ] as Linter.Config[],
  });

  it('schema rules: Relay connections, nullable roots', async () => {
    const [result] = await eslint.lintFiles(['schema/schema.graphql']);
    // The one non-null root field is Apollo Federation's `_service: _Service!`, fixed by its spec.
    expect(result?.messages.map((message) => `${message.ruleId}: ${message.message}`)).toEqual([
      '@graphql-eslint/require-nullable-result-in-root: Unexpected non-null result type "_Service" in type "Query"',
    ]);
  });

  it('operation rules accept @defer and @stream', async () => {
    const [result] = await eslint.lintText(DEFERRED, { filePath: 'operations/deferred.graphql' });
    expect(result?.messages.map((message) => `${message.ruleId}: ${message.message}`)).toEqual([]);
  });
});
