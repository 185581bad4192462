import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { type Outcome, wsOutcome } from '../support/edge.js';
import { useHarness } from '../support/harness.js';
import { wsClient } from '../support/live.js';

/**
 * What the red team did to stall the event loop, at the default limits. Unbounded, each attack held the loop
 * for seconds. These tests prove the order of the checks without timing anything: each attack also carries a
 * flaw that a later, costlier step would report (a document that does not parse, a field that does not exist),
 * so the refusal it gets shows which step stopped it and that none after it ran. What the attacks cost a
 * legitimate client, in milliseconds, is measured by the bench (`BENCH_ONLY=stalls npm run bench`,
 * docs/limits.md).
 */

const harness = useHarness({ transport: 'http' });

/** 30 000 ids in `nodes(ids:)`: a 229 KB message, under MAX_BODY_BYTES (256 KiB). */
const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
/** The same, cut short: reading it would fail with a syntax error. */
const UNPARSABLE = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id ';
const MANY_IDS = Array.from({ length: 30_000 }, (_, index) => String(index));

const health = async () => {
  const response = await fetch(`${harness.server.url}/health`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
};

describe('an unauthenticated caller cannot stall the event loop over graphql-ws', () => {
  let consoleErrors: MockInstance;
  beforeEach(() => {
    consoleErrors = vi.spyOn(console, 'error');
  });
  afterEach(() => {
    consoleErrors.mockRestore();
  });

  it('30 000 ids without a token: refused UNAUTHENTICATED before the variables or the document are read', async () => {
    const outcomes: Outcome[] = [];
    for (const query of [NODES, UNPARSABLE, NODES]) {
      const client = wsClient(harness, {});
      try {
        outcomes.push(await wsOutcome(client, { query, variables: { ids: MANY_IDS } }));
      } finally {
        await client.dispose();
      }
      await health();
    }
    // Not BAD_USER_INPUT (the 30 000 ids) nor GRAPHQL_PARSE_FAILED (the cut document): the token came first.
    expect(outcomes).toEqual(Array(3).fill({ code: 'UNAUTHENTICATED' }));
    expect(harness.simulator.calls).toEqual([]);
  });

  it('30 000 ids with a token: refused by the shape of the variables before the document is parsed, as over HTTP', async () => {
    const outcomes: Outcome[] = [];
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      for (const query of [NODES, UNPARSABLE, NODES]) {
        outcomes.push(await wsOutcome(client, { query, variables: { ids: MANY_IDS } }));
        await health();
      }
    } finally {
      await client.dispose();
    }
    expect(outcomes).toEqual(Array(3).fill({ code: 'BAD_USER_INPUT', field: 'variables.ids' }));
    for (const query of [NODES, UNPARSABLE]) {
      const overHttp = await harness.graphql(query, { variables: { ids: MANY_IDS } });
      expect(overHttp.body.errors?.map((error) => error.extensions)).toEqual([
        expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'variables.ids' }),
      ]);
    }
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a message larger than MAX_BODY_BYTES closes the socket (1009), with nothing written to the console', async () => {
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      const ids = Array.from({ length: 40_000 }, (_, index) => `id${index}`); // about 400 KB
      expect(await wsOutcome(client, { query: NODES, variables: { ids } })).toEqual({ close: 1009 });
    } finally {
      await client.dispose();
    }
    expect(consoleErrors).not.toHaveBeenCalled();
    expect(harness.simulator.calls).toEqual([]);
    await health();
  });
});

describe('a document repeating one field is refused before validation', () => {
  /**
   * 1 200 `team { id }`: 4 802 tokens (within MAX_TOKENS), 1 200 fields sharing one response name, which
   * validation's OverlappingFieldsCanBeMerged would compare pairwise. The field that does not exist is what
   * validation would report, had it run.
   */
  const repeated = (attempt: number) => `# ${attempt}\n{ ${'team { id } '.repeat(1_200)} noSuchField }`;

  it('over HTTP and graphql-ws: only the MAX_FIELDS_PER_SELECTION refusal, no validation error, no call', async () => {
    const callsBefore = harness.simulator.calls.length;
    for (const token of [null, DEMO_TOKEN]) {
      const { status, body } = await harness.graphql(repeated(callsBefore), { token });
      expect(status).toBe(400);
      expect(body.errors?.map((error) => error.extensions)).toEqual([
        { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_FIELDS_PER_SELECTION' },
      ]);
    }
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      expect(await wsOutcome(client, { query: repeated(1) })).toEqual({
        code: 'GRAPHQL_VALIDATION_FAILED',
        limit: 'MAX_FIELDS_PER_SELECTION',
      });
    } finally {
      await client.dispose();
    }
    expect(harness.simulator.calls.length).toBe(callsBefore);
  });

  it('within the limit, the same document is validated: its unknown field is reported', async () => {
    const { body } = await harness.graphql(`{ ${'team { id } '.repeat(99)} noSuchField }`);
    expect(body.errors?.map((error) => error.message)).toEqual([
      'Cannot query field "noSuchField" on type "Query".',
    ]);
  });

  it('the same shape at the default MAX_FIELDS_PER_SELECTION (100) runs', async () => {
    const { body } = await harness.graphql(`{ ${'team { id } '.repeat(100)} }`);
    expect(body.errors).toBeUndefined();
  });
});
