import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ config: { MAX_DEPTH: '8', MAX_ALIASES: '5', MAX_TOKENS: '400' } });
});
afterAll(() => harness.close());
beforeEach(() => harness.simulator.resetCalls());

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

  it('within the limits, the same shapes run', async () => {
    const { body } = await harness.graphql(deepQuery(1));
    expect(body.errors).toBeUndefined();
    expect(harness.simulator.calls.length).toBeGreaterThan(0);
  });
});
