import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.js';

/** The budget's walk runs once per document, variables and limit: a change of any of them is walked again. */
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: { MAX_UPSTREAM_CALLS: '30', RESPONSE_CACHE_TTL_MS: '0' } });
});
afterAll(() => harness.close());

const QUERY =
  'query ($first: Int!) { threads(first: $first) { edges { node { prospect { threads { id } } } } } }';

it('an operation found within the budget does not let the same document through with larger pages', async () => {
  for (let round = 0; round < 2; round++) {
    const within = await harness.graphql(QUERY, { variables: { first: 5 } });
    expect(within.body.errors).toBeUndefined();
    harness.simulator.resetCalls();
    const over = await harness.graphql(QUERY, { variables: { first: 40 } });
    expect(over.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      upstreamCalls: 41,
      maxUpstreamCalls: 30,
    });
    expect(harness.simulator.calls).toHaveLength(0);
  }
});
