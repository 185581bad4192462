import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { latenciesWhile, type Outcome, quantile, wsOutcome } from '../support/edge.js';
import { useHarness } from '../support/harness.js';
import { wsClient } from '../support/live.js';

/**
 * What the red team did to stall the event loop, at the default limits, measured from a legitimate client's
 * side: its latency while the attack runs, against a baseline taken in the same test. The ratios are generous
 * (the machine is shared); unbounded, each attack blocked the loop for seconds.
 */

const harness = useHarness({ transport: 'http' });

/** 30 000 ids in `nodes(ids:)`: a 259 KB message, just under MAX_BODY_BYTES (256 KiB). */
const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
const MANY_IDS = Array.from({ length: 30_000 }, (_, index) => String(index));

const health = async () => {
  const response = await fetch(`${harness.server.url}/health`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
};

/** /health answers a legitimate client promptly while `attack` runs: the slowest answer against a baseline. */
async function expectHealthPromptDuring(attack: () => Promise<void>): Promise<void> {
  const baseline = await latenciesWhile(health, () => true, 20);
  let done = false;
  const attacking = attack().finally(() => {
    done = true;
  });
  const during = await latenciesWhile(health, () => done);
  await attacking;
  // One stalled answer is the attack succeeding: the slowest is compared, with a floor for a busy machine.
  expect(Math.max(...during)).toBeLessThan(
    Math.max(20 * quantile(baseline, 0.5), 5 * Math.max(...baseline), 1_000),
  );
}

describe('an unauthenticated caller cannot stall the event loop over graphql-ws', () => {
  let consoleErrors: MockInstance;
  beforeEach(() => {
    consoleErrors = vi.spyOn(console, 'error');
  });
  afterEach(() => {
    consoleErrors.mockRestore();
  });

  it('30 000 ids without a token: refused UNAUTHENTICATED before the document is read, /health stays prompt', async () => {
    const outcomes: Outcome[] = [];
    await expectHealthPromptDuring(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const client = wsClient(harness, {});
        try {
          outcomes.push(await wsOutcome(client, { query: NODES, variables: { ids: MANY_IDS } }));
        } finally {
          await client.dispose();
        }
      }
    });
    expect(outcomes).toEqual(Array(3).fill({ code: 'UNAUTHENTICATED' }));
    expect(harness.simulator.calls).toEqual([]);
  });

  it('30 000 ids with a token: refused by the shape of the variables, as over HTTP, before any call', async () => {
    const outcomes: Outcome[] = [];
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      await expectHealthPromptDuring(async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          outcomes.push(await wsOutcome(client, { query: NODES, variables: { ids: MANY_IDS } }));
        }
      });
    } finally {
      await client.dispose();
    }
    expect(outcomes).toEqual(Array(3).fill({ code: 'BAD_USER_INPUT', field: 'variables.ids' }));
    const overHttp = await harness.graphql(NODES, { variables: { ids: MANY_IDS } });
    expect(overHttp.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'variables.ids',
    });
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
  /** 1 200 `team { id }`: 4 802 tokens (within MAX_TOKENS), 1 200 fields sharing one response name. */
  const repeated = (attempt: number) => `# ${attempt}\n{ ${'team { id } '.repeat(1_200)} }`;
  /**
   * The control: as large a document (960 aliased fields, 4 802 tokens) whose fields all differ, so that
   * validation has no pairs to compare; it is refused as well (MAX_ALIASES, or MAX_FIELDS_PER_SELECTION).
   */
  const distinct = (attempt: number) =>
    `# ${attempt}\n{ ${Array.from({ length: 960 }, (_, index) => `a${index}: team { id }`).join(' ')} }`;

  /** Four connections sending `document`s (a new one each time: Yoga's validation cache does not help). */
  async function legitimateLatencyUnder(
    document: (attempt: number) => string,
    legitimate: () => Promise<void>,
  ) {
    let done = false;
    let sent = 0;
    const refusals: unknown[] = [];
    const attacker = async () => {
      for (let attempt = 0; attempt < 6; attempt++) {
        const { status, body } = await harness.graphql(document(sent++), { token: null });
        refusals.push({ status, ...body.errors?.[0]?.extensions });
      }
    };
    const attack = Promise.all([attacker(), attacker(), attacker(), attacker()]).finally(() => {
      done = true;
    });
    const latencies = await latenciesWhile(legitimate, () => done);
    await attack;
    return { p50: quantile(latencies, 0.5), refusals };
  }

  it('four connections sending it slow a legitimate client no more than as large a document does', async () => {
    const legitimate = async () => {
      const { body } = await harness.graphql('{ team { name } }');
      expect(body.errors).toBeUndefined();
    };
    await legitimate(); // the team's collections are cached from here on
    const idle = quantile(await latenciesWhile(legitimate, () => true, 20), 0.5);
    const callsBefore = harness.simulator.calls.length;

    const control = await legitimateLatencyUnder(distinct, legitimate);
    const attack = await legitimateLatencyUnder(repeated, legitimate);
    // Unbounded, validation compared the 1 200 fields pairwise until graphql-js's own budget gave up.
    expect(attack.p50).toBeLessThan(Math.max(2 * control.p50, 10 * idle));
    expect(attack.refusals).toEqual(
      Array(24).fill({ status: 400, code: 'GRAPHQL_VALIDATION_FAILED', limit: 'MAX_FIELDS_PER_SELECTION' }),
    );
    expect(harness.simulator.calls.length).toBe(callsBefore);
  });

  it('the same shape at the default MAX_FIELDS_PER_SELECTION (100) runs', async () => {
    const { body } = await harness.graphql(`{ ${'team { id } '.repeat(100)} }`);
    expect(body.errors).toBeUndefined();
  });
});
