import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { useHarness } from '../support/harness.js';

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

type Body = { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> };

/** Refused as over MAX_UPSTREAM_CALLS, alone, with no data; returns the estimate. */
function refusal(body: Body) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_BUDGET_EXCEEDED', limit: 100 });
  return body.errors?.[0]?.extensions?.estimate;
}

/** Refused before any upstream call; returns the estimate. */
function expectRefused(body: Body) {
  const estimate = refusal(body);
  expect(harness.simulator.calls).toEqual([]);
  return estimate;
}

/** The estimate the facade logged for the last operation it ran. */
function loggedEstimate(): number | undefined {
  return harness.logLines
    .map((line) => JSON.parse(line) as { msg?: string; upstreamEstimate?: number })
    .findLast((entry) => entry.msg === 'graphql operation')?.upstreamEstimate;
}

describe('every root field counts against MAX_UPSTREAM_CALLS from the size of its list, before it runs', () => {
  // Every estimate below counts one call more than the operation's own: the token's `GET /team`, which the
  // facade may need before the others (to know whose budget they spend), unless the operation reads it.
  it('`_entities` with 300 thread references is refused as 300 calls, and makes none', async () => {
    const representations = Array.from({ length: 300 }, (_, index) => ({
      __typename: 'Thread',
      inboxId: `thread${index}`,
    }));
    const { body } = await harness.graphql(ENTITIES, { variables: { representations } });
    expect(expectRefused(body)).toBe(300 + 1);
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
    expect(expectRefused(body)).toBe(120 + 1);
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
  // A thread with 50 messages, each with its history and sender: 52 calls a copy, and the members' one read.
  const conversation = (alias: string) => `${alias}: thread(id: "${threadId()}") {
    messages(first: 50) { edges { node { sentBy { name } history { versions { content } } } } }
  }`;

  it('an operation over budget makes no call, not even the look-ahead’s message pages and collections', async () => {
    const { body } = await harness.graphql(`{ ${conversation('a')} ${conversation('b')} }`);
    expect(expectRefused(body)).toBe(2 * 52 + 1 + 1);
  });

  it('10 aliased conversations over budget are refused with no call, every time', async () => {
    const aliases = Array.from({ length: 10 }, (_, index) => conversation(`t${index}`)).join(' ');
    for (let round = 0; round < 2; round++) {
      harness.simulator.resetCalls();
      const { body } = await harness.graphql(`{ ${aliases} }`);
      expect(expectRefused(body)).toBe(10 * 52 + 1 + 1);
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
  // 1 page call, then per thread its message page and that message's history: 1 + 2 × first (+ the team).
  const PAGES =
    'query ($first: Int!) { threads(first: $first) { edges { node { messages(first: 1) { edges { node { history { versions { content } } } } } } } } }';

  it('the same document with other variables is estimated again, each time', async () => {
    const within = await harness.graphql(PAGES, { variables: { first: 40 } });
    expect(within.body.errors).toBeUndefined();

    harness.simulator.resetCalls();
    const over = await harness.graphql(PAGES, { variables: { first: 60 } });
    expect(expectRefused(over.body)).toBe(1 + 2 * 60 + 1);

    const again = await harness.graphql(PAGES, { variables: { first: 40 } });
    expect(again.body.errors).toBeUndefined();
    const refusedAgain = await harness.graphql(PAGES, { variables: { first: 60 } });
    expect(refusedAgain.body.errors?.[0]?.extensions).toMatchObject({ estimate: 1 + 2 * 60 + 1 });
  });
});

describe('the verdict is the same whatever the caches hold: a collection’s size is learnt before it counts', () => {
  const LINK_PAGES =
    '{ accountLinks { threads(first: 99) { edges { node { messages(first: 1) { edges { cursor } } } } } } }';
  const linkPages = () => 1 + 1 + acme().accountLinks.length * (1 + 99);

  it('over budget for this team: refused cold (after reading its account links) and warm (no call)', async () => {
    const cold = await harness.graphql(LINK_PAGES);
    expect(refusal(cold.body)).toBe(linkPages());
    expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/account-links']);

    harness.simulator.resetCalls();
    const warm = await harness.graphql(LINK_PAGES);
    expect(expectRefused(warm.body)).toBe(linkPages());
  });

  it('over budget even for a team without account links: refused cold without reading them', async () => {
    // 101 thread pages whatever the team holds, and what each account link would add.
    const query = `{ threads(first: 100) { edges { node { messages(first: 1) { edges { cursor } } } } } ${LINK_PAGES.slice(1, -1)} }`;
    const cold = await harness.graphql(query);
    expect(expectRefused(cold.body)).toBe(1 + 100 + 1 + 1); // the account links counted empty
    await harness.graphql('{ accountLinks { id } }');
    harness.simulator.resetCalls();
    const warm = await harness.graphql(query);
    expect(expectRefused(warm.body)).toBe(1 + 100 + linkPages());
  });

  it('within budget for this team: run cold and warm, with the same estimate, never exceeded', async () => {
    // As a screen of the frontend asks it: 25 account links assumed, it was 125 calls cold and refused.
    const query =
      'query { accountLinks { id threads(first: 4) { edges { node { id messages(first: 1) { edges { node { id } } } } } } } }';
    const estimate = 1 + 1 + acme().accountLinks.length * (1 + 4);
    const cold = await harness.graphql(query);
    expect(cold.body.errors).toBeUndefined();
    expect(loggedEstimate()).toBe(estimate);
    expect(harness.simulator.calls.length).toBeLessThanOrEqual(estimate);
    expect(harness.simulator.calls.filter((call) => call.path === '/account-links')).toHaveLength(1);

    harness.simulator.resetCalls();
    const warm = await harness.graphql(query);
    expect(warm.body.errors).toBeUndefined();
    expect(loggedEstimate()).toBe(estimate);
    expect(harness.simulator.calls.length).toBeLessThanOrEqual(estimate);
  });

  it('a root field refused for its arguments reads no collection to learn its size', async () => {
    // A prospect read on its own lists its threads: up to one per account link, each maybe read by id.
    const query = '{ prospect(id: "not-an-id") { threads { messages(first: 2) { edges { cursor } } } } }';
    const { body } = await harness.graphql(query);
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('refused once the size is learnt: the refusal alone, without data, though fields had started', async () => {
    const query = `{ team { id } ${LINK_PAGES.slice(1, -1)} }`;
    const { status, body } = await harness.graphql(query);
    expect(status).toBe(400);
    expect(body).toEqual({
      extensions: { cost: expect.objectContaining({ actualQueryCost: expect.any(Number) }) },
      errors: [
        {
          message: expect.stringMatching(/^This operation could make up to \d+ Inbox API calls/),
          extensions: { code: 'UPSTREAM_BUDGET_EXCEEDED', estimate: linkPages(), limit: 100 },
        },
      ],
    });
    expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/account-links']);
  });

  it('`_entities`, which no root-field hook wraps, learns the size before it runs', async () => {
    const prospect = acme().threads[0]?.prospect;
    const query = `{ _entities(representations: [{ __typename: "Prospect", platform: "TWITTER", platformId: "${prospect?.platformId}" }]) {
      ... on Prospect { threads { messages(first: 60) { edges { node { history { versions { content } } } } } } }
    } }`;
    const { body } = await harness.graphql(query);
    // The team, the prospect, its threads' lookup and the account links; per link a thread maybe read by id,
    // its page and 60 histories.
    expect(refusal(body)).toBe(4 + acme().accountLinks.length * 62);
    expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/account-links']);
  });

  it('members: run cold and warm within their estimate', async () => {
    const query =
      '{ members { assignedThreads(first: 4) { edges { node { messages(first: 1) { edges { cursor } } } } } } }';
    const estimate = 1 + 1 + acme().members.length * 5;
    for (const state of ['cold', 'warm']) {
      harness.simulator.resetCalls();
      const { body } = await harness.graphql(query);
      expect(body.errors, state).toBeUndefined();
      expect(loggedEstimate(), state).toBe(estimate);
      expect(harness.simulator.calls.length, state).toBeLessThanOrEqual(estimate);
      expect(harness.simulator.calls.length, state).toBeGreaterThan(acme().members.length);
    }
  });
});

describe('a message read by id needs its thread for `thread`, `direction` and `author`', () => {
  const messageIdsOfDistinctThreads = (count: number) =>
    acme()
      .threads.slice(0, count)
      .map((thread) => {
        const message = acme().messagesByThread.get(thread.id)?.[0];
        if (!message) throw new Error('every seeded thread has messages');
        return encodeGlobalID('Message', `${thread.id}:${message.id}`);
      });
  const BY_ID =
    'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Message { thread { id } direction author { __typename } } } }';

  it('100 messages of distinct threads: 100 history reads and 100 thread reads, refused as such', async () => {
    const { body } = await harness.graphql(BY_ID, { variables: { ids: messageIdsOfDistinctThreads(100) } });
    // Each message: its history, its thread (once for the three fields); the account links; the team.
    expect(expectRefused(body)).toBe(100 * 2 + 1 + 1);
  });

  it('within budget, what runs stays within the estimate', async () => {
    const ids = messageIdsOfDistinctThreads(40);
    const { body } = await harness.graphql<{ nodes: Array<{ thread: { id: string } }> }>(BY_ID, {
      variables: { ids },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data?.nodes.every((node) => node.thread.id)).toBe(true);
    expect(loggedEstimate()).toBe(40 * 2 + 1 + 1);
    expect(harness.simulator.calls.filter((call) => /^\/threads\/\w+$/.test(call.path))).toHaveLength(40);
    expect(harness.simulator.calls.length).toBeLessThanOrEqual(40 * 2 + 1 + 1);
  });

  it('messages of a thread’s page come with their thread: no read of it', async () => {
    const thread = acme().threads[0]?.id as string;
    const { body } = await harness.graphql(
      `{ thread(id: "${thread}") { messages(first: 20) { edges { node { thread { id } direction } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(loggedEstimate()).toBe(1 + 1 + 1);
    expect(harness.simulator.calls.map((call) => call.path).sort()).toEqual(
      [`/threads/${thread}`, `/threads/${thread}/messages`].sort(),
    );
  });
});
