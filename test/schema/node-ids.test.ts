import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { useHarness } from '../support/harness.js';

const harness = useHarness();
const acme = (): TeamState => {
  const state = harness.simulator.store.teamByToken(DEMO_TOKEN);
  if (!state) throw new Error('the demo team is not seeded');
  return state;
};

/** Global ids that decode to a known type but whose id part no typed argument would accept. */
const MALFORMED: Array<[string, string]> = [
  ['Thread:..', encodeGlobalID('Thread', '..')],
  ['Thread:<empty path segment>', encodeGlobalID('Thread', '/')],
  ['Message:..:..', encodeGlobalID('Message', '..:..')],
  ['Message:<no message part>', encodeGlobalID('Message', 'abc')],
  ['Campaign:a/b', encodeGlobalID('Campaign', 'a/b')],
  ['Prospect:twitter:not-a-number', encodeGlobalID('Prospect', 'twitter:not-a-number')],
  ['Tag:UPPER', encodeGlobalID('Tag', 'UPPER')],
  ['a 3 000-character Thread id', encodeGlobalID('Thread', 'a'.repeat(3000))],
  ['3 000 characters of nothing', 'x'.repeat(3000)],
  ['an unknown type', encodeGlobalID('Secret', 'abc')],
];

describe('node and nodes check every decoded id as the typed arguments do, before any call', () => {
  it.each(MALFORMED)('node(id:) with %s is BAD_USER_INPUT naming `id`', async (_label, id) => {
    const { body } = await harness.graphql('query ($id: ID!) { node(id: $id) { id } }', {
      variables: { id },
    });
    expect(body.data).toEqual({ node: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(harness.simulator.calls).toEqual([]);
  });

  it('inside nodes(ids:), each malformed id fails only its own item', async () => {
    const thread = acme().threads[0];
    const tag = acme().tags[0];
    const ids = [
      encodeGlobalID('Thread', thread?.id ?? ''),
      ...MALFORMED.map(([, id]) => id),
      encodeGlobalID('Tag', tag?.id ?? ''),
    ];
    const { body } = await harness.graphql<{ nodes: Array<{ id: string } | null> }>(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { variables: { ids } },
    );
    expect(body.data?.nodes).toEqual([{ id: ids[0] }, ...MALFORMED.map(() => null), { id: ids.at(-1) }]);
    expect(
      body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.field]),
    ).toEqual(MALFORMED.map((_, index) => [['nodes', index + 1], 'BAD_USER_INPUT', `ids[${index + 1}]`]));
    // Only the thread was read (the tag comes from the tags collection).
    expect(harness.simulator.calls.map((call) => call.path).sort()).toEqual(
      [`/threads/${thread?.id}`, '/tags'].sort(),
    );
  });
});

describe('federation references are checked the same way', () => {
  const ENTITIES = `query ($r: [_Any!]!) {
    _entities(representations: $r) { ... on Thread { inboxId } ... on Message { inboxId } ... on Campaign { inboxId } }
  }`;

  it.each([
    ['Thread id', { __typename: 'Thread', id: encodeGlobalID('Thread', '..') }],
    ['Thread inboxId', { __typename: 'Thread', inboxId: '..' }],
    ['Thread inboxId of 3 000 characters', { __typename: 'Thread', inboxId: 'a'.repeat(3000) }],
    ['Thread inboxId that is not a string', { __typename: 'Thread', inboxId: ['abc'] }],
    ['Message id', { __typename: 'Message', id: encodeGlobalID('Message', '..:..') }],
    ['Campaign id', { __typename: 'Campaign', id: encodeGlobalID('Campaign', 'a/b') }],
    ['Prospect id', { __typename: 'Prospect', id: { toString: 'abc' } }],
  ])('a malformed %s fails only its own item, with BAD_USER_INPUT and no call', async (_label, bad) => {
    const thread = acme().threads[1];
    const { body } = await harness.graphql<{ _entities: Array<{ inboxId: string } | null> }>(ENTITIES, {
      variables: { r: [bad, { __typename: 'Thread', inboxId: thread?.id }] },
    });
    expect(body.data?._entities).toEqual([null, { inboxId: thread?.id }]);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      path: ['_entities', 0],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(harness.simulator.calls.map((call) => call.path)).toEqual([`/threads/${thread?.id}`]);
  });
});
