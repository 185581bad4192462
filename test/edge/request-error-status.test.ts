import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { type Harness, useHarness } from '../support/harness.js';

/**
 * An answer without `data` (a request error: nothing of the operation ran) has a 4xx status (5xx for an
 * upstream failure) with `application/graphql-response+json`, and 200 with `application/json`, as the
 * GraphQL-over-HTTP spec asks; an answer with `data` (even `null` fields) is 200 either way. Apollo Client
 * 4, at its default `Accept`, reads the coded error from such a 4xx.
 */

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const JSON_ONLY = 'application/json';
/** 1 + 100 thread pages + the team: over MAX_UPSTREAM_CALLS (100). */
const OVER_BUDGET = '{ threads(first: 100) { edges { node { messages(first: 1) { edges { cursor } } } } } }';
const ONE_THREAD = '{ threads(first: 1) { edges { cursor } } }';

async function post(harness: Harness, query: string, accept: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${harness.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${DEMO_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: Array<{ extensions?: Record<string, unknown> }>;
  };
  return {
    status: response.status,
    headers: response.headers,
    body,
    codes: body.errors?.map((e) => e.extensions?.code),
  };
}

describe('request errors, by media type', () => {
  const harness = useHarness({ transport: 'http' });

  it('over MAX_UPSTREAM_CALLS: 400 with graphql-response+json, 200 with json, the same coded body', async () => {
    const strict = await post(harness, OVER_BUDGET, GRAPHQL_RESPONSE);
    expect(strict.status).toBe(400);
    expect(strict.headers.get('content-type')).toContain(GRAPHQL_RESPONSE);
    expect(strict.body).toEqual({
      errors: [
        {
          message:
            'This operation could make up to 102 Inbox API calls; the limit is 100 (MAX_UPSTREAM_CALLS). ' +
            'Ask for smaller pages, or split it.',
          extensions: { code: 'UPSTREAM_BUDGET_EXCEEDED', estimate: 102, limit: 100 },
        },
      ],
      extensions: { cost: expect.objectContaining({ requestedQueryCost: 102, actualQueryCost: 0 }) },
    });
    const lenient = await post(harness, OVER_BUDGET, JSON_ONLY);
    expect(lenient.status).toBe(200);
    expect(lenient.body.errors).toEqual(strict.body.errors);
    expect(harness.simulator.calls).toEqual([]);
  });

  it('a variable that does not coerce: 400 / 200, BAD_USER_INPUT', async () => {
    const query = 'query ($first: Int!) { threads(first: $first) { edges { cursor } } }';
    for (const [accept, status] of [
      [GRAPHQL_RESPONSE, 400],
      [JSON_ONLY, 200],
    ] as const) {
      const answer = await post(harness, query, accept, { first: 'many' });
      expect(answer.status, accept).toBe(status);
      expect(answer.codes, accept).toEqual(['BAD_USER_INPUT']);
      expect(answer.body.data, accept).toBeUndefined();
    }
  });

  it('a collection whose size the verdict needs cannot be read: the upstream failure, 502 / 200', async () => {
    harness.simulator.injectFault({ kind: 'status', status: 500, path: '/account-links', times: Infinity });
    const query = '{ accountLinks { threads(first: 2) { edges { cursor } } } }';
    const strict = await post(harness, query, GRAPHQL_RESPONSE);
    expect(strict.status).toBe(502);
    expect(strict.codes).toEqual(['UPSTREAM_ERROR']);
    expect(strict.body.data).toBeUndefined();
    expect((await post(harness, query, JSON_ONLY)).status).toBe(200);
    // Nothing else was sent: the thread pages wait for the verdict.
    expect(new Set(harness.simulator.calls.map((call) => call.path))).toEqual(new Set(['/account-links']));
  });

  it('an answer with data is 200, even when a field failed', async () => {
    for (const accept of [GRAPHQL_RESPONSE, JSON_ONLY]) {
      const answer = await post(harness, '{ thread(id: "nosuchthread0") { id } }', accept);
      expect(answer.status, accept).toBe(200);
      expect(answer.body.data, accept).toEqual({ thread: null });
      expect(answer.codes, accept).toEqual(['NOT_FOUND']);
    }
  });
});

describe('the team’s budget refusal (no data)', () => {
  const harness = useHarness({
    transport: 'http',
    config: { TEAM_CALLS_PER_MINUTE: '2', RESPONSE_CACHE_TTL_MS: '0' },
  });

  it('429 with Retry-After with graphql-response+json, 200 with json', async () => {
    for (let call = 0; call < 2; call++) await post(harness, ONE_THREAD, JSON_ONLY);
    const strict = await post(harness, ONE_THREAD, GRAPHQL_RESPONSE);
    expect(strict.codes).toEqual(['RATE_LIMITED']);
    expect(strict.status).toBe(429);
    const retryAfter = strict.body.errors?.[0]?.extensions?.retryAfter;
    expect(strict.headers.get('retry-after')).toBe(String(retryAfter));
    const lenient = await post(harness, ONE_THREAD, JSON_ONLY);
    expect(lenient.status).toBe(200);
    expect(lenient.codes).toEqual(['RATE_LIMITED']);
    expect(harness.simulator.calls).toHaveLength(2);
  });
});

describe('Apollo Client 4 at its default Accept', () => {
  const harness = useHarness({ transport: 'http' });

  it('gets the coded refusal from the 400 as CombinedGraphQLErrors', async () => {
    const statuses: number[] = [];
    const accepts: Array<string | null> = [];
    const client = new ApolloClient({
      link: new HttpLink({
        uri: `${harness.server.url}/graphql`,
        headers: { authorization: `Bearer ${DEMO_TOKEN}` },
        fetch: async (input, init) => {
          accepts.push(new Headers(init?.headers).get('accept'));
          const response = await fetch(input, init);
          statuses.push(response.status);
          return response;
        },
      }),
      cache: new InMemoryCache(),
    });
    const { data, error } = await client.query({ query: gql(OVER_BUDGET), errorPolicy: 'all' });
    expect(accepts).toEqual(['application/graphql-response+json,application/json;q=0.9']);
    expect(statuses).toEqual([400]);
    expect(data).toBeUndefined();
    expect(CombinedGraphQLErrors.is(error)).toBe(true);
    if (!CombinedGraphQLErrors.is(error)) return;
    expect(error.errors.map((entry) => entry.extensions)).toEqual([
      { code: 'UPSTREAM_BUDGET_EXCEEDED', estimate: 102, limit: 100 },
    ]);
    // The default error policy rejects with the same error.
    await expect(client.query({ query: gql(OVER_BUDGET), fetchPolicy: 'network-only' })).rejects.toSatisfy(
      (rejection) =>
        CombinedGraphQLErrors.is(rejection) &&
        rejection.errors[0]?.extensions?.code === 'UPSTREAM_BUDGET_EXCEEDED',
    );
    expect(harness.simulator.calls).toEqual([]);
  });
});
