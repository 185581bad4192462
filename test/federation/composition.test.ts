import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { type ConstDirectiveNode, Kind, type ObjectTypeDefinitionNode, parse, print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeWithReviews, INBOX_SUBGRAPH } from '../support/gateway.js';
import { useHarness } from '../support/harness.js';
import { REVIEWS_SDL } from '../support/reviews-subgraph.js';

// Production settings: introspection off. Routers read `_service`, which is an ordinary field.
const harness = useHarness({ config: { INTROSPECTION_ENABLED: 'false' } });
let fileSdl: string;
let liveSdl: string;
beforeAll(async () => {
  fileSdl = await readFile(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8');
  // A router or `rover subgraph introspect` reads the SDL from the running subgraph, without a token.
  const { body } = await harness.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {
    token: null,
  });
  liveSdl = body.data?._service.sdl ?? '';
});

const INBOX_URL = 'http://inbox.internal/graphql';
const REVIEWS_URL = 'http://reviews.internal/graphql';

/** `graph:key` of each @join__type, and the graph of each @join__field, of one supergraph type. */
function joinsOf(supergraphSdl: string, typename: string) {
  const type = parse(supergraphSdl).definitions.find(
    (definition): definition is ObjectTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === typename,
  );
  const argument = (directive: ConstDirectiveNode, name: string) => {
    const value = directive.arguments?.find((arg) => arg.name.value === name)?.value;
    if (!value) return undefined;
    return value.kind === Kind.STRING ? value.value : print(value);
  };
  const keys = (type?.directives ?? [])
    .filter((directive) => directive.name.value === 'join__type')
    .map((directive) => `${argument(directive, 'graph')}:${argument(directive, 'key') ?? ''}`)
    .sort();
  const fieldGraphs = Object.fromEntries(
    (type?.fields ?? []).map((field) => [
      field.name.value,
      (field.directives ?? [])
        .filter((directive) => directive.name.value === 'join__field')
        .map((directive) => argument(directive, 'graph')),
    ]),
  );
  return { keys, fieldGraphs };
}

describe('composition with a second subgraph (@apollo/composition, as CI would run it)', () => {
  it('schema/subgraph.graphql composes with a subgraph extending Prospect and Thread', () => {
    const result = composeWithReviews({ inboxSdl: fileSdl, inboxUrl: INBOX_URL, reviewsUrl: REVIEWS_URL });
    expect(result.errors?.map(String)).toBeUndefined();
    const supergraph = result.supergraphSdl ?? '';
    expect(supergraph).toContain(`@join__graph(name: "${INBOX_SUBGRAPH}", url: "${INBOX_URL}")`);

    const prospect = joinsOf(supergraph, 'Prospect');
    expect(prospect.keys).toEqual(['INBOX:id', 'INBOX:platform platformId', 'REVIEWS:platform platformId']);
    expect(prospect.fieldGraphs.reviews).toEqual(['REVIEWS']);
    expect(prospect.fieldGraphs.displayName).toEqual(['INBOX']);

    const thread = joinsOf(supergraph, 'Thread');
    expect(thread.keys).toEqual(['INBOX:id', 'INBOX:inboxId', 'REVIEWS:inboxId']);
    expect(thread.fieldGraphs.priorityScore).toEqual(['REVIEWS']);
    expect(thread.fieldGraphs.prospect).toEqual(['INBOX']);
  });

  it('with introspection off, `__schema` is refused but `_service { sdl }` is served', async () => {
    const { body } = await harness.graphql('{ __schema { queryType { name } } }', { token: null });
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(liveSdl).toContain('@key(fields: "platform platformId")');
  });

  it('the live `_service { sdl }` composes to the same supergraph as the committed file', () => {
    expect(liveSdl.trim()).toBe(fileSdl.trim());
    const fromLive = composeWithReviews({ inboxSdl: liveSdl, inboxUrl: INBOX_URL, reviewsUrl: REVIEWS_URL });
    const fromFile = composeWithReviews({ inboxSdl: fileSdl, inboxUrl: INBOX_URL, reviewsUrl: REVIEWS_URL });
    expect(fromLive.errors?.map(String)).toBeUndefined();
    expect(fromLive.supergraphSdl).toBe(fromFile.supergraphSdl);
  });

  it('composition really checks the keys: a Prospect reference without `platform` cannot reach our fields', () => {
    const withoutPlatform = REVIEWS_SDL.replace(
      /type Prospect @key\(fields: "platform platformId"\) \{\s*platform: Platform!/,
      'type Prospect @key(fields: "platformId") {',
    );
    expect(withoutPlatform).not.toBe(REVIEWS_SDL);
    const result = composeServices([
      { name: INBOX_SUBGRAPH, typeDefs: parse(fileSdl), url: INBOX_URL },
      { name: 'reviews', typeDefs: parse(withoutPlatform), url: REVIEWS_URL },
    ]);
    const codes = new Set(result.errors?.map((error) => error.extensions.code));
    expect(codes).toEqual(new Set(['SATISFIABILITY_ERROR']));
    expect(String(result.errors?.[0])).toContain('@key(fields: "platform platformId") of "Prospect"');
  });
});
