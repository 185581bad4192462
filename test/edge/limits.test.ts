import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { type GraphQLResponse, useHarness } from '../support/harness.js';

const harness = useHarness({
  config: {
    MAX_DEPTH: '8',
    MAX_ALIASES: '5',
    MAX_DIRECTIVES: '3',
    MAX_COST: '10000',
    MAX_TOKENS: '400',
    MAX_UPSTREAM_CALLS: '30',
  },
});

/** `{ threads { edges { node { prospect { threads { prospect { threads ... } } } } } } }`, n levels of nesting. */
function deepQuery(levels: number): string {
  let selection = 'id';
  for (let level = 0; level < levels; level++) selection = `prospect { threads { ${selection} } }`;
  return `{ threads(first: 1) { edges { node { ${selection} } } } }`;
}

/** A limit's refusal is a validation error: 400, graphql-response+json, a code and the variable that sets it. */
async function expectRefusedBy(limit: string, query: string) {
  const response = await fetch(`${harness.server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json;q=0.9',
      authorization: `Bearer ${DEMO_TOKEN}`,
    },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
  const body = (await response.json()) as GraphQLResponse;
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', limit });
  expect(harness.simulator.calls).toHaveLength(0);
  return body.errors?.[0]?.message ?? '';
}

describe('abusive operations are refused before any upstream call, as validation errors', () => {
  it('too deep', async () => {
    expect(await expectRefusedBy('MAX_DEPTH', deepQuery(6))).toMatch(/depth limit of 8 exceeded/i);
  });

  it('too many aliases', async () => {
    const aliases = Array.from({ length: 6 }, (_, index) => `t${index}: team { name }`).join(' ');
    expect(await expectRefusedBy('MAX_ALIASES', `{ ${aliases} }`)).toMatch(/alias/i);
  });

  it('too many directives', async () => {
    const names = Array.from({ length: 4 }, () => 'name @include(if: true)').join(' ');
    expect(await expectRefusedBy('MAX_DIRECTIVES', `{ team { ${names} } }`)).toMatch(/directives/i);
  });

  it('too costly (graphql-armor static cost)', async () => {
    const query =
      '{ threads(first: 10) { edges { node { messages(first: 50) { edges { node { id } } } } } } }';
    expect(await expectRefusedBy('MAX_COST', query)).toMatch(/cost limit of 10000/i);
  });

  it('too large a document', async () => {
    const fields = Array.from({ length: 500 }, () => 'name').join(' ');
    expect(await expectRefusedBy('MAX_TOKENS', `{ team { ${fields} } }`)).toMatch(/token limit of 400/i);
  });

  it('fragment spreads and inline fragments are not levels: depth counts fields', async () => {
    // Six fields deep, as deepQuery(1), wrapped the way Relay and codegen wrap components: counted per
    // fragment level this was 13, over the limit of 8.
    const { status, body } = await harness.graphql(`
      query { ...Page }
      fragment Page on Query { ... on Query { threads(first: 1) { ...Edges } } }
      fragment Edges on ThreadConnection { ... on ThreadConnection { edges { ... on ThreadEdge { node { ...Item } } } } }
      fragment Item on Thread { ... on Node { ... on Thread { prospect { ...Person } } } }
      fragment Person on Prospect { ... on Prospect { threads { ... on Node { id } } } }`);
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
  });

  it('a fragment deeper than the limit is refused wherever it is spread', async () => {
    await expectRefusedBy(
      'MAX_DEPTH',
      `query { threads(first: 1) { edges { node { ...Deep } } } }
       fragment Deep on Thread { prospect { threads { prospect { threads { prospect { id } } } } } }`,
    );
  });

  it('more Inbox API calls than MAX_UPSTREAM_CALLS, estimated from the page sizes', async () => {
    // 1 call for the page + 1 lookup per prospect's threads: 41 for 40 threads, and the token's team.
    const { body } = await harness.graphql(
      '{ threads(first: 40) { edges { node { prospect { threads { id } } } } } }',
    );
    // Refused before it runs: no data at all.
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'UPSTREAM_BUDGET_EXCEEDED',
      estimate: 42,
      limit: 30,
    });
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('nodes(ids:) with more ids than the budget', async () => {
    const ids = Array.from({ length: 31 }, (_, index) => encodeGlobalID('Thread', `thread${index}`));
    const { body } = await harness.graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      variables: { ids },
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_BUDGET_EXCEEDED', estimate: 32 });
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
