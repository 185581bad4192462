import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { PersistedQueryStore, sha256Hex } from '../../src/caching/persisted-queries.js';
import { useHarness } from '../support/harness.js';

// Persisted queries are an HTTP protocol (GET with the hash in the URL): real HTTP.
const harness = useHarness({ transport: 'http' });

const GRAPHQL_RESPONSE = 'application/graphql-response+json, application/json;q=0.9';
const headers = { authorization: `Bearer ${DEMO_TOKEN}`, accept: GRAPHQL_RESPONSE };

/** A query nobody registered yet: each test gets its own hash. */
let counter = 0;
const freshQuery = () => `query Apq${++counter} { team { name } }`;
const persistedQuery = (query: string, sha256Hash = sha256Hex(query)) => ({
  persistedQuery: { version: 1, sha256Hash },
});

async function post(body: Record<string, unknown>) {
  const response = await fetch(`${harness.server.url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A GET as Apollo's link sends it with useGETForHashedQueries (its content-type satisfies CSRF prevention). */
async function get(parameters: Record<string, unknown>) {
  const search = new URLSearchParams(
    Object.entries(parameters).map(([name, value]) => [name, JSON.stringify(value)]),
  );
  const response = await fetch(`${harness.server.url}/graphql?${search}`, {
    headers: { ...headers, 'content-type': 'application/json' },
  });
  return { status: response.status, body: await response.json() };
}

const teamName = () => harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name;

describe('automatic persisted queries over real HTTP', () => {
  it.each([
    ['POST', post],
    ['GET', get],
  ])('%s: an unknown hash misses, the query registers, then the hash alone runs it', async (_, send) => {
    const query = freshQuery();
    const miss = await send({ extensions: persistedQuery(query) });
    expect(miss.status).toBe(404);
    expect(miss.body).toEqual({
      errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
      extensions: { cost: expect.any(Object) },
    });
    expect(harness.simulator.calls).toHaveLength(0);

    const registered = await post({ query, extensions: persistedQuery(query) });
    expect(registered.body).toEqual({
      data: { team: { name: teamName() } },
      extensions: { cost: expect.any(Object) },
    });

    const hit = await send({ extensions: persistedQuery(query) });
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual({
      data: { team: { name: teamName() } },
      extensions: { cost: expect.any(Object) },
    });
  });

  it('a hash that is not the SHA-256 of the query is BAD_USER_INPUT and registers nothing', async () => {
    const query = freshQuery();
    const otherHash = sha256Hex(`${query} `);
    const mismatch = await post({ query, extensions: persistedQuery(query, otherHash) });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors).toEqual([
      {
        message: expect.stringContaining('not the SHA-256 of the query'),
        extensions: { code: 'BAD_USER_INPUT', field: 'extensions.persistedQuery.sha256Hash' },
      },
    ]);
    expect(harness.simulator.calls).toHaveLength(0);
    const lookup = await post({ extensions: persistedQuery(query, otherHash) });
    expect(lookup.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('an unsupported version or malformed hash is BAD_USER_INPUT', async () => {
    const query = freshQuery();
    for (const extension of [
      { version: 2, sha256Hash: sha256Hex(query) },
      { version: 1, sha256Hash: 'not-a-hash' },
      { version: 1 },
    ]) {
      const { status, body } = await post({ query, extensions: { persistedQuery: extension } });
      expect(status).toBe(400);
      expect(body.errors[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'extensions.persistedQuery',
      });
    }
  });

  it('a query that fails validation is not stored', async () => {
    const query = `query Invalid${++counter} { team { noSuchField } }`;
    const registration = await post({ query, extensions: persistedQuery(query) });
    expect(registration.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const lookup = await post({ extensions: persistedQuery(query) });
    expect(lookup.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('requests without the extension are untouched', async () => {
    const { body } = await post({ query: freshQuery() });
    expect(body).toEqual({ data: { team: { name: teamName() } }, extensions: { cost: expect.any(Object) } });
  });
});

describe('PersistedQueryStore is bounded', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const store = new PersistedQueryStore({ maxEntries: 2 });
    store.set('a', 'query A');
    store.set('b', 'query B');
    expect(store.get('a')).toBe('query A'); // a is now the most recently used
    store.set('c', 'query C');
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe('query A');
    expect(store.get('c')).toBe('query C');
    expect(store.size).toBe(2);
  });

  it('evicts by total size, and never keeps a query larger than the budget', () => {
    const store = new PersistedQueryStore({ maxChars: 10 });
    store.set('a', '123456');
    store.set('b', '123456');
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBe('123456');
    store.set('huge', '12345678901');
    expect(store.get('huge')).toBeUndefined();
    expect(store.get('b')).toBe('123456');
  });
});
