import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { type Outcome, outcomeOf, sseOutcome, wsOutcome } from '../support/edge.js';
import { useHarness } from '../support/harness.js';
import { wsClient } from '../support/live.js';

/**
 * Every limit, on every transport: each abusive input below is sent over HTTP GET, HTTP POST, SSE and
 * WebSocket (graphql-ws's client), with a valid token, and must be refused the same way, before any upstream
 * call. Small limits, so that every input also fits a GET's URL.
 */

const MAX_BODY_BYTES = 12_000;
const harness = useHarness({
  transport: 'http',
  config: {
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    MAX_DEPTH: '6',
    MAX_ALIASES: '5',
    MAX_DIRECTIVES: '3',
    MAX_COST: '10000',
    MAX_TOKENS: '800',
    MAX_FIELDS_PER_SELECTION: '20',
  },
});

interface AbusiveInput {
  query: string;
  variables?: Record<string, unknown>;
}

const validation = (limit: string): Outcome => ({ code: 'GRAPHQL_VALIDATION_FAILED', limit });

/** A value nested `levels` lists deep. */
const nested = (levels: number): unknown => (levels === 0 ? 1 : [nested(levels - 1)]);

const fields = (count: number, field: (index: number) => string) =>
  Array.from({ length: count }, (_, index) => field(index)).join(' ');

const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';

const rows: Array<[string, AbusiveInput, Outcome, Outcome?]> = [
  [
    'a request larger than MAX_BODY_BYTES',
    { query: '{ team { id } }', variables: { padding: 'x'.repeat(MAX_BODY_BYTES + 100) } },
    { code: 'REQUEST_ENTITY_TOO_LARGE' },
    { close: 1009 }, // over WebSocket: ws's maxPayload, "Message Too Big"
  ],
  ['more tokens than MAX_TOKENS', { query: `{ team { ${'id '.repeat(900)} } }` }, validation('MAX_TOKENS')],
  [
    'deeper than MAX_DEPTH',
    {
      query: `{ threads(first: 1) { edges { node { ${'prospect { threads { '.repeat(2)} id ${'} } '.repeat(2)} } } } }`,
    },
    validation('MAX_DEPTH'),
  ],
  [
    'more aliases than MAX_ALIASES',
    { query: `{ ${fields(6, (i) => `t${i}: team { name }`)} }` },
    validation('MAX_ALIASES'),
  ],
  [
    '`__typename` aliases count toward MAX_ALIASES',
    { query: `{ ${fields(6, (i) => `n${i}: __typename`)} }` },
    validation('MAX_ALIASES'),
  ],
  [
    'more directives than MAX_DIRECTIVES',
    { query: `{ team { ${fields(4, () => 'name @include(if: true)')} } }` },
    validation('MAX_DIRECTIVES'),
  ],
  [
    'costlier than MAX_COST',
    { query: '{ threads(first: 10) { edges { node { messages(first: 50) { edges { node { id } } } } } } }' },
    validation('MAX_COST'),
  ],
  [
    'more fields in one selection set than MAX_FIELDS_PER_SELECTION',
    { query: `{ ${'team { id } '.repeat(21)} }` },
    validation('MAX_FIELDS_PER_SELECTION'),
  ],
  [
    'more fields than MAX_FIELDS_PER_SELECTION collected through fragments',
    {
      query: `{ team { ...A ...B ... on Team { id } } }
        fragment A on Team { ${'id '.repeat(10)} } fragment B on Team { ${'name '.repeat(10)} }`,
    },
    validation('MAX_FIELDS_PER_SELECTION'),
  ],
  [
    'a list variable longer than any the API takes',
    { query: NODES, variables: { ids: Array.from({ length: 2_001 }, () => 0) } },
    { code: 'BAD_USER_INPUT', field: 'variables.ids' },
  ],
  [
    'variables nested deeper than any input',
    { query: NODES, variables: { ids: ['x'], extra: nested(20) } },
    { code: 'BAD_USER_INPUT', field: `variables.extra${'[0]'.repeat(16)}` },
  ],
];

const headers = {
  authorization: `Bearer ${DEMO_TOKEN}`,
  accept: 'application/graphql-response+json, application/json;q=0.9',
};

const transports: Record<string, (input: AbusiveInput) => Promise<Outcome>> = {
  'HTTP GET': async ({ query, variables }) => {
    const search = new URLSearchParams({ query });
    if (variables) search.set('variables', JSON.stringify(variables));
    // A GET needs a CSRF-prevention header (a browser's simple GET carries none).
    const response = await fetch(`${harness.server.url}/graphql?${search}`, {
      headers: { ...headers, 'x-graphql-yoga-csrf': '1' },
    });
    return outcomeOf(await response.json());
  },
  'HTTP POST': async (input) => {
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    return outcomeOf(await response.json());
  },
  SSE: async (input) => {
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        authorization: headers.authorization,
        accept: 'text/event-stream',
        'content-type': 'application/json',
      },
      body: JSON.stringify(input),
    });
    return sseOutcome(response);
  },
  WebSocket: async (input) => {
    const client = wsClient(harness, { authorization: `Bearer ${DEMO_TOKEN}` });
    try {
      return await wsOutcome(client, input);
    } finally {
      await client.dispose();
    }
  },
};

describe('every limit is enforced identically over HTTP GET, HTTP POST, SSE and WebSocket', () => {
  for (const [label, input, expected, overWebSocket] of rows) {
    it.each(Object.keys(transports))(
      `${label}: refused over %s, before any upstream call`,
      async (transport) => {
        const send = transports[transport];
        if (!send) throw new Error(transport);
        const outcome = await send(input);
        expect(outcome).toEqual(transport === 'WebSocket' && overWebSocket ? overWebSocket : expected);
        expect(harness.simulator.calls).toEqual([]);
      },
    );
  }

  it.each(Object.keys(transports))('within every limit, an operation runs over %s', async (transport) => {
    const send = transports[transport];
    if (!send) throw new Error(transport);
    // No error: an outcome without a code.
    expect(await send({ query: `{ ${fields(5, (i) => `t${i}: __typename`)} team { name } }` })).toEqual({
      code: undefined,
    });
  });
});
