import { describe, expect, it } from 'vitest';
import { MAX_LIST_ENTRIES } from '../../src/edge/input-size.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { MAX_JSON_DEPTH } from '../../src/graphql/json-input.js';
import { useHarness } from '../support/harness.js';

/** A body limit far above the default, so that only the size checks of the inputs stand in the way. */
const harness = useHarness({ config: { MAX_BODY_BYTES: '20000000' } });

const UPDATE_LEAD = `mutation ($data: JSON!) {
  updateListLead(input: { listId: "abc", platformId: "1", data: $data }) { platformId }
}`;

/** `{"a": {"a": ... 1 ...}}`, `levels` objects deep. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe('oversized inputs are refused by their size, before their contents are parsed', () => {
  it('a list longer than any the API takes: 400 000 ids in `nodes(ids:)`', async () => {
    const ids = Array.from({ length: 400_000 }, (_, index) => encodeGlobalID('Tag', `tag${index}`));
    const { status, body } = await harness.graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      variables: { ids },
    });
    expect(status).toBeLessThan(500);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: `\`variables.ids\` must hold at most ${MAX_LIST_ENTRIES} entries.`,
        extensions: { code: 'BAD_USER_INPUT', field: 'variables.ids' },
      }),
    ]);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a 50 000-deep JSON value is BAD_USER_INPUT, not a crash reported as the upstream being unreachable', async () => {
    // Built as text: JSON.stringify itself would overflow on it.
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-token' },
      body: `{"query":${JSON.stringify(UPDATE_LEAD)},"variables":{"data":${deep}}}`,
    });
    const body = await response.json();
    expect(response.status).toBeLessThan(500);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.any(String) });
    expect(harness.simulator.calls).toEqual([]);
  });

  it(`a JSON value deeper than ${MAX_JSON_DEPTH} levels is BAD_USER_INPUT, as a variable or a literal`, async () => {
    const asVariable = await harness.graphql(UPDATE_LEAD, {
      variables: { data: nested(MAX_JSON_DEPTH + 1) },
    });
    expect(asVariable.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const literal = JSON.stringify(nested(MAX_JSON_DEPTH + 1)).replaceAll('"a"', 'a');
    const asLiteral = await harness.graphql(
      `mutation { updateListLead(input: { listId: "abc", platformId: "1", data: ${literal} }) { platformId } }`,
    );
    expect(asLiteral.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(harness.simulator.calls).toEqual([]);
  });

  it('within the bounds, JSON values and lists go through as before', async () => {
    const { body } = await harness.graphql(UPDATE_LEAD, { variables: { data: nested(3) } });
    // The simulator has no list "abc": the call was made and answered.
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const ids = Array.from({ length: MAX_LIST_ENTRIES }, () => encodeGlobalID('Tag', 'tag0'));
    const listed = await harness.graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      variables: { ids },
    });
    expect(listed.body.errors).toBeUndefined();
  });
});
