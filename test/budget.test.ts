import { beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalID } from '../src/graphql/ids.js';
import { DEMO_TOKEN, type TeamState } from '../src/simulator/index.js';
import { useHarness } from './support/harness.js';

/** MAX_UPSTREAM_CALLS is the default, 100; the collection cache is on, as in production. */
const harness = useHarness();
const acme = (): TeamState => {
  const state = harness.simulator.store.teamByToken(DEMO_TOKEN);
  if (!state) throw new Error('the demo team is not seeded');
  return state;
};
beforeEach(() => harness.clearCollectionCache());

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Thread { inboxId } ... on Tag { name } }
}`;

function expectRefused(body: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxUpstreamCalls: 100 });
  expect(harness.simulator.calls).toEqual([]);
  return body.errors?.[0]?.extensions?.upstreamCalls;
}

describe('every root field counts against MAX_UPSTREAM_CALLS from the size of its list, before it runs', () => {
  it('`_entities` with 300 thread references is refused as 300 calls, and makes none', async () => {
    const representations = Array.from({ length: 300 }, (_, index) => ({
      __typename: 'Thread',
      inboxId: `thread${index}`,
    }));
    const { body } = await harness.graphql(ENTITIES, { variables: { representations } });
    expect(expectRefused(body)).toBe(300);
  });

  it('`_entities` with 300 tag references costs the one read of the tags, and runs', async () => {
    const tags = acme().tags;
    const representations = Array.from({ length: 300 }, (_, index) => ({
      __typename: 'Tag',
      inboxId: tags[index % tags.length]?.id,
    }));
    const { body } = await harness.graphql<{ _entities: Array<{ name: string }> }>(ENTITIES, {
      variables: { representations },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities).toHaveLength(300);
    expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/tags']);
  });

  it('`nodes` counts what each id selects on its type, not once for the whole list', async () => {
    const ids = Array.from({ length: 60 }, (_, index) => encodeGlobalID('Thread', `thread${index}`));
    // 60 thread reads + 60 message pages.
    const { body } = await harness.graphql(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Thread { messages(first: 5) { edges { cursor } } } } }',
      { variables: { ids } },
    );
    expect(expectRefused(body)).toBe(120);
  });

  it('within budget, fragments of other types and __typename add nothing: 90 thread ids run', async () => {
    const ids = Array.from({ length: 90 }, (_, index) => encodeGlobalID('Thread', `thread${index}`));
    const { body } = await harness.graphql<{ nodes: unknown[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Tag { name } ... on Member { email } } }`,
      { variables: { ids } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.nodes).toEqual(ids.map(() => null)); // unknown ids are null for `nodes`
    expect(harness.simulator.calls).toHaveLength(90);
  });
});

describe('nothing reaches upstream before every check has passed', () => {
  const threadId = () => acme().threads[0]?.id as string;
  // A thread with 50 messages, each with its history and sender: 52 calls a copy.
  const conversation = (alias: string) => `${alias}: thread(id: "${threadId()}") {
    messages(first: 50) { edges { node { sentBy { name } history { versions { content } } } } }
  }`;

  it('an operation over budget makes no call, not even the look-ahead’s message pages and collections', async () => {
    const { body } = await harness.graphql(`{ ${conversation('a')} ${conversation('b')} }`);
    expect(expectRefused(body)).toBe(104);
  });

  it('10 aliased conversations over budget are refused with no call, every time', async () => {
    const aliases = Array.from({ length: 10 }, (_, index) => conversation(`t${index}`)).join(' ');
    for (let round = 0; round < 2; round++) {
      harness.simulator.resetCalls();
      const { body } = await harness.graphql(`{ ${aliases} }`);
      expect(expectRefused(body)).toBe(10 * 52);
    }
  });

  it.each([
    ['threads(first: 101)', 'first'],
    ['threads(after: "not-a-cursor")', 'after'],
  ])('a root field refused for its arguments (%s) starts no look-ahead either', async (field, named) => {
    const { body } = await harness.graphql(
      `{ ${field} { edges { node { accountLink { id } assignee { id } prospect { tags { id } } } } } }`,
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: named });
    expect(harness.simulator.calls).toEqual([]);
  });

  it('within budget the look-ahead still runs the message page beside the thread', async () => {
    const { body } = await harness.graphql(`{ ${conversation('a')} }`);
    expect(body.errors).toBeUndefined();
    const paths = harness.simulator.calls.map((call) => call.path);
    expect(paths).toContain(`/threads/${threadId()}/messages`);
  });
});

describe('an estimate is kept for the same document and variables only', () => {
  // 1 page call, then per thread its message page and that message's history: 1 + 2 × first.
  const PAGES =
    'query ($first: Int!) { threads(first: $first) { edges { node { messages(first: 1) { edges { node { history { versions { content } } } } } } } } }';

  it('the same document with other variables is estimated again, each time', async () => {
    const within = await harness.graphql(PAGES, { variables: { first: 40 } });
    expect(within.body.errors).toBeUndefined();

    harness.simulator.resetCalls();
    const over = await harness.graphql(PAGES, { variables: { first: 60 } });
    expect(expectRefused(over.body)).toBe(1 + 2 * 60);

    const again = await harness.graphql(PAGES, { variables: { first: 40 } });
    expect(again.body.errors).toBeUndefined();
    const refusedAgain = await harness.graphql(PAGES, { variables: { first: 60 } });
    expect(refusedAgain.body.errors?.[0]?.extensions).toMatchObject({ upstreamCalls: 1 + 2 * 60 });
  });
});

describe('a collection of unknown size multiplies what it holds by a bound', () => {
  const LINK_PAGES =
    '{ accountLinks { threads(first: 99) { edges { node { messages(first: 1) { edges { cursor } } } } } } }';

  it('account links: 25 assumed before the team’s size is known, its real size once cached', async () => {
    const cold = await harness.graphql(LINK_PAGES);
    expect(expectRefused(cold.body)).toBe(25 * 100);

    await harness.graphql('{ accountLinks { id } }'); // the cache now knows the team has 2
    harness.simulator.resetCalls();
    const warm = await harness.graphql(LINK_PAGES);
    expect(expectRefused(warm.body)).toBe(acme().accountLinks.length * 100);
  });

  it('members: refused cold, run once the cached size brings it under budget, within its estimate', async () => {
    const query =
      '{ members { assignedThreads(first: 4) { edges { node { messages(first: 1) { edges { cursor } } } } } } }';
    const cold = await harness.graphql(query);
    expect(expectRefused(cold.body)).toBe(25 * 5);

    await harness.graphql('{ members { id } }');
    harness.simulator.resetCalls();
    const warm = await harness.graphql(query);
    expect(warm.body.errors).toBeUndefined();
    expect(harness.simulator.calls.length).toBeLessThanOrEqual(acme().members.length * 5);
    expect(harness.simulator.calls.length).toBeGreaterThan(acme().members.length);
  });
});
