import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { type Harness, startHarness } from '../support/harness.js';

/**
 * Inbox tokens are team-level keys: once a token's own `GET /team` has proven its team, the collections
 * another token of that team has cached may serve it. The token itself is never a key, and every token
 * still makes its own calls for everything else.
 */
const PAGE =
  '{ team { id } threads(first: 5) { edges { node { accountLink { username } assignee { name } prospect { tags { name } status { name } } } } } }';
const TAGS = '{ team { id } tags { name } }';

let harness: Harness;
beforeAll(async () => {
  // The response cache is off: these tests count the calls of each request.
  harness = await startHarness({
    config: { COLLECTION_CACHE_TTL_MS: '60000', RESPONSE_CACHE_TTL_MS: '0' },
  });
});
afterAll(() => harness.close());
beforeEach(() => {
  harness.facade.collectionCache.clear();
  harness.simulator.clearFaults();
  harness.simulator.resetCalls();
});

const paths = () => harness.simulator.calls.map((call) => call.path).sort();
const tagNames = (body: { data?: { tags: Array<{ name: string }> } | null }) =>
  body.data?.tags.map((tag) => tag.name);

it('a token new to the facade costs its team and its threads: the team’s collections serve it', async () => {
  await harness.graphql(PAGE, { token: DEMO_TOKEN });
  harness.simulator.resetCalls();
  const { body } = await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN });
  expect(body.errors).toBeUndefined();
  expect(paths()).toEqual(['/team', '/threads']);
  const reference = await harness.graphql(PAGE, { token: DEMO_TOKEN });
  expect(body.data).toEqual(reference.body.data);
});

it('never serves another team’s collections', async () => {
  await harness.graphql(TAGS, { token: DEMO_TOKEN });
  harness.simulator.resetCalls();
  const other = await harness.graphql<{ tags: Array<{ name: string }> }>(TAGS, {
    token: SECOND_TEAM_TOKEN,
  });
  expect(paths()).toEqual(['/tags', '/team']);
  const names = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN)?.tags.map((tag) => tag.name);
  expect(tagNames(other.body)).toEqual(names);
});

it('a token the upstream refuses gets none of them', async () => {
  await harness.graphql(TAGS, { token: DEMO_TOKEN });
  const refused = await harness.graphql(TAGS, { token: 'not-a-valid-token' });
  expect(refused.body.data).toEqual({ team: null, tags: null });
  expect(refused.body.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHENTICATED');
  expect(refused.text).not.toContain(harness.simulator.store.teamByToken(DEMO_TOKEN)?.tags[0]?.name);
});

it('a write through one token refreshes the copy the team’s other tokens are served', async () => {
  await harness.graphql(TAGS, { token: DEMO_TOKEN });
  const created = await harness.graphql(
    'mutation { createTag(input: { name: "Shared with the team", color: "#654321" }) { tag { name } } }',
    { token: DEMO_TOKEN },
  );
  expect(created.body.errors).toBeUndefined();
  const seen = await harness.graphql<{ tags: Array<{ name: string }> }>(TAGS, { token: DEMO_ALT_TOKEN });
  expect(tagNames(seen.body)).toContain('Shared with the team');
});

it('so does a write through a token whose team is not known yet', async () => {
  await harness.graphql(TAGS, { token: DEMO_TOKEN });
  const created = await harness.graphql(
    'mutation { createTag(input: { name: "Written blind", color: "#abcdef" }) { tag { name } } }',
    { token: DEMO_ALT_TOKEN },
  );
  expect(created.body.errors).toBeUndefined();
  const seen = await harness.graphql<{ tags: Array<{ name: string }> }>(TAGS, { token: DEMO_ALT_TOKEN });
  expect(tagNames(seen.body)).toContain('Written blind');
});
