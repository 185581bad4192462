import { type AuditResult, auditServer, serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { type Harness, useHarness } from '../support/harness.js';

/**
 * GraphQL over HTTP conformance (graphql-http's server audits) against the facade over real HTTP.
 * The audits send operations like `{ __typename }` without a token: they need no upstream call.
 */

/** SHOULD audits passing today (all 23 of graphql-http 1.23.1); raise it when more pass, never lower it. */
const SHOULD_FLOOR = 23;

/**
 * MAY audits refused on purpose: they send GETs with no header that forces a CORS preflight, which CSRF
 * prevention refuses (403). Apollo Client's GETs carry `content-type: application/json`, so they pass.
 */
const MAY_REFUSED_BY_CSRF = ['5A70', 'D6D5', '6A70'];

const harness = useHarness({ transport: 'http' });

const url = () => `${harness.server.url}/graphql`;
const level = (result: Pick<AuditResult, 'name'>) => result.name.split(' ')[0];
const failures = (results: AuditResult[]) =>
  results.filter((result) => result.status !== 'ok').map(({ id, name }) => `${id} ${name}`);

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  const mustAudits = serverAudits({ url }).filter((audit) => level(audit) === 'MUST');

  it('runs every MUST audit', () => {
    expect(mustAudits.length).toBeGreaterThanOrEqual(13);
  });

  it.each(mustAudits.map((audit) => [`${audit.id} ${audit.name}`, audit] as const))(
    '%s',
    async (_, audit) => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    },
  );

  it(`passes at least ${SHOULD_FLOOR} SHOULD audits; only CSRF refuses MAY ones; no upstream call`, async () => {
    harness.simulator.resetCalls();
    const results = await auditServer({ url });
    const should = results.filter((result) => level(result) === 'SHOULD');
    const shouldPassed = should.filter((result) => result.status === 'ok').length;
    console.info(
      `graphql-http audits: SHOULD ${shouldPassed}/${should.length} pass; not passing: ${JSON.stringify(failures(results))}`,
    );
    expect(shouldPassed).toBeGreaterThanOrEqual(SHOULD_FLOOR);
    expect(results.filter((result) => level(result) === 'MUST' && result.status !== 'ok')).toEqual([]);
    const refused = results.filter((result) => result.status !== 'ok' && level(result) === 'MAY');
    expect(refused.map((result) => result.id).sort()).toEqual([...MAY_REFUSED_BY_CSRF].sort());
    for (const result of refused) {
      if (result.status !== 'ok') expect(result.response.status, result.id).toBe(403);
    }
    expect(harness.simulator.calls).toEqual([]);
  });

  it('with the CSRF header on its GETs, every audit passes', async () => {
    const fetchWithCsrfHeader: typeof fetch = (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('x-graphql-yoga-csrf', '1');
      return fetch(input, { ...init, headers });
    };
    const results = await auditServer({ url, fetchFn: fetchWithCsrfHeader });
    expect(failures(results)).toEqual([]);
  });
});

describe('CSRF prevention', () => {
  const query = encodeURIComponent('{ __typename }');

  const refusal = {
    errors: [{ message: 'Required CSRF header(s) not present', extensions: { code: 'CSRF_PREVENTED' } }],
  };

  it.each<Record<string, string>>([
    {},
    // A browser sends remembered HTTP credentials (Basic, Digest…) on a cross-site request by itself.
    { authorization: 'Basic dXNlcjpwYXNz' },
  ])('refuses, with a code, a GET that a browser would send without a preflight: %o', async (headers) => {
    const response = await fetch(`${url()}?query=${query}`, { headers });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      ...refusal,
      extensions: { cost: expect.objectContaining({ actualQueryCost: 0 }) },
    });
  });

  it.each<Record<string, string>>([
    { 'x-graphql-yoga-csrf': '1' },
    { 'apollo-require-preflight': 'true' },
    { 'x-apollo-operation-name': 'Typename' },
    { 'content-type': 'application/json' },
    // urql's GETs: no Content-Type, the token. A bearer token forces a preflight, whatever its case.
    { authorization: 'Bearer some-token' },
    { authorization: 'bearer some-token' },
  ])('accepts a GET with %o', async (headers) => {
    const response = await fetch(`${url()}?query=${query}`, { headers });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { __typename: 'Query' },
      extensions: { cost: expect.objectContaining({ actualQueryCost: 0 }) },
    });
  });

  it('refuses a simple-content-type POST (a form post from another site)', async () => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      ...refusal,
      extensions: { cost: expect.objectContaining({ actualQueryCost: 0 }) },
    });
    expect(harness.simulator.calls).toEqual([]);
  });
});

describe('CORS from CORS_ORIGINS', () => {
  const allowed = ['https://app.example.com', 'https://admin.example.com'];
  const restricted = useHarness({ transport: 'http', config: { CORS_ORIGINS: allowed.join(',') } });

  /** Everything Apollo Client (and our CSRF prevention) may put on a request. */
  const requestHeaders = [
    'authorization',
    'content-type',
    'apollo-require-preflight',
    'x-apollo-operation-name',
    'apollographql-client-name',
    'apollographql-client-version',
    'x-graphql-yoga-csrf',
  ];
  const preflight = (server: Harness, origin: string) =>
    fetch(`${server.server.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': requestHeaders.join(','),
      },
    });

  it.each(allowed)(
    'a preflight from the listed origin %s is allowed, with Apollo’s headers',
    async (origin) => {
      const response = await preflight(restricted, origin);
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
      expect(response.headers.get('access-control-allow-methods')).toContain('POST');
      const allowedHeaders = response.headers
        .get('access-control-allow-headers')
        ?.toLowerCase()
        .split(/\s*,\s*/);
      expect(allowedHeaders).toEqual(expect.arrayContaining(requestHeaders));
      // Bearer tokens, not cookies: no credentialed requests.
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toContain('Origin');
    },
  );

  it.each([
    'https://evil.example.com',
    'null', // sandboxed iframes and file: pages
  ])('a preflight from the unlisted origin %s gets no CORS headers', async (origin) => {
    const response = await preflight(restricted, origin);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('the actual response carries the origin for a listed origin only', async () => {
    const post = (origin: string) =>
      fetch(`${restricted.server.url}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const listed = await post(allowed[0] as string);
    expect(listed.headers.get('access-control-allow-origin')).toBe(allowed[0]);
    // Still answered: the browser, not the server, keeps the response from the page.
    const unlisted = await post('https://evil.example.com');
    expect(unlisted.status).toBe(200);
    expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the default `*` allows any origin (the token, not the origin, authorises)', async () => {
    const response = await preflight(harness, 'https://anywhere.example.org');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://anywhere.example.org');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
