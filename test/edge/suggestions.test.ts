import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';

const harness = useHarness({ config: { INTROSPECTION_ENABLED: 'false' } });

describe('with introspection off, no error message suggests a name of the schema', () => {
  it.each([
    ['an enum value in a literal', '{ threads(inbox: DEFALT) { edges { cursor } } }', {}, 'DEFAULT'],
    [
      'an enum value in a variable',
      'query ($inbox: InboxView) { threads(inbox: $inbox) { edges { cursor } } }',
      { inbox: 'DEFALT' },
      'DEFAULT',
    ],
    ['a field', '{ team { nam } }', {}, '"name"'],
    ['an argument', '{ threads(frist: 1) { edges { cursor } } }', {}, '"first"'],
    ['a type', 'query ($f: ThreadFiltr) { team { name } }', {}, '"ThreadFilter"'],
    [
      'an input field of a variable',
      'query ($f: ThreadFilter) { threads(filter: $f) { edges { cursor } } }',
      { f: { tag: { ids: [] } } },
      '"tags"',
    ],
  ])('%s', async (_what, query, variables, leaked) => {
    const { body } = await harness.graphql(query, { variables });
    const messages = (body.errors ?? []).map((error) => error.message);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      expect(message).not.toMatch(/did you mean/i);
      expect(message).not.toContain(leaked);
    }
    expect(harness.simulator.calls).toEqual([]);
  });
});
