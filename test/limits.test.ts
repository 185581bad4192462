import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness.js';

const harness = useHarness({
  config: { MAX_DEPTH: '8', MAX_ALIASES: '5', MAX_TOKENS: '400', MAX_UPSTREAM_CALLS: '30' },
});

/** `{ threads { edges { node { prospect { threads { prospect { threads ... } } } } } } }`, n levels of nesting. */
function deepQuery(levels: number): string {
  let selection = 'id';
  for (let level = 0; level < levels; level++) selection = `prospect { threads { ${selection} } }`;
  return `{ threads(first: 1) { edges { node { ${selection} } } } }`;
}

describe('abusive operations are refused before any upstream call', () => {
  it('too deep', async () => {
    const { body } = await harness.graphql(deepQuery(6));
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.message).toMatch(/depth/i);
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('too many aliases', async () => {
    const aliases = Array.from({ length: 6 }, (_, index) => `t${index}: team { name }`).join(' ');
    const { body } = await harness.graphql(`{ ${aliases} }`);
    expect(body.errors?.[0]?.message).toMatch(/alias/i);
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('too large a document', async () => {
    const fields = Array.from({ length: 500 }, () => 'name').join(' ');
    const { body } = await harness.graphql(`{ team { ${fields} } }`);
    expect(body.errors?.[0]?.message).toMatch(/token/i);
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('more Inbox API calls than MAX_UPSTREAM_CALLS, estimated from the page sizes', async () => {
    // 1 call for the page + 1 lookup per prospect's threads: 41 for 40 threads.
    const { body } = await harness.graphql(
      '{ threads(first: 40) { edges { node { prospect { threads { id } } } } } }',
    );
    expect(body.data?.threads ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      upstreamCalls: 41,
      maxUpstreamCalls: 30,
    });
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('nodes(ids:) with more ids than the budget', async () => {
    const ids = Array.from({ length: 31 }, (_, index) => encodeGlobalID('Thread', `thread${index}`));
    const { body } = await harness.graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      variables: { ids },
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamCalls: 31 });
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('within the budget, the same shape runs and costs what was estimated', async () => {
    const { body } = await harness.graphql(
      '{ threads(first: 20) { edges { node { prospect { threads { id } } } } } }',
    );
    expect(body.errors).toBeUndefined();
    const lookups = harness.simulator.calls.filter((call) => call.path === '/threads/lookup-by-username');
    expect(harness.simulator.calls.length).toBeLessThanOrEqual(21);
    expect(lookups.length).toBeGreaterThan(10);
  });

  it('__typename everywhere, as Apollo Client sends it, costs nothing', async () => {
    const { body } = await harness.graphql(`{ threads(first: 100) { __typename edges { __typename node {
      __typename id accountLink { __typename id } prospect { __typename tags { __typename id } } } } } }`);
    expect(body.errors).toBeUndefined();
  });

  it('within the limits, the same shapes run', async () => {
    const { body } = await harness.graphql(deepQuery(1));
    expect(body.errors).toBeUndefined();
    expect(harness.simulator.calls.length).toBeGreaterThan(0);
  });
});
