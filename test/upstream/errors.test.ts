import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { OnlyTeamNameDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

const TEAM_QUERY = OnlyTeamNameDocument;
// The collection cache is off: each request must reach the upstream to meet its fault.
const harness = useHarness({
  config: { INBOX_TIMEOUT_MS: '300', INBOX_MAX_RETRIES: '2', COLLECTION_CACHE_TTL_MS: '0' },
});

/** Upstream calls the simulator saw for a path. */
const callsTo = (path: string) => harness.simulator.calls.filter((call) => call.path === path);

async function expectHealthy() {
  const health = await harness.fetch('/health');
  expect(health.status).toBe(200);
  const { body } = await harness.graphql(TEAM_QUERY);
  const expected = harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name;
  expect(body).toEqual({ data: { team: { name: expected } }, extensions: { cost: expect.any(Object) } });
}

describe('upstream failures become coded GraphQL errors', () => {
  it.each([
    { status: 403, code: 'FORBIDDEN', upstreamCode: 'FORBIDDEN' },
    { status: 404, code: 'NOT_FOUND', upstreamCode: 'NOT_FOUND' },
    { status: 409, code: 'CONFLICT', upstreamCode: 'CONFLICT' },
    { status: 422, code: 'BAD_USER_INPUT', upstreamCode: 'VALIDATION_ERROR' },
    { status: 400, code: 'BAD_USER_INPUT', upstreamCode: 'BAD_REQUEST' },
  ])(
    '$status → $code, with the upstream body in extensions.upstream',
    async ({ status, code, upstreamCode }) => {
      const message = `simulated ${status}`;
      harness.simulator.injectFault({
        kind: 'status',
        status,
        path: '/team',
        body: { error: { code: upstreamCode, message, status } },
      });
      const { status: httpStatus, body } = await harness.graphql(TEAM_QUERY);
      expect(httpStatus).toBe(200);
      // Only the failed field is lost: `data` stays, with `team` null beside its error.
      expect(body.data).toEqual({ team: null });
      expect(body.errors).toHaveLength(1);
      expect(body.errors?.[0]?.path).toEqual(['team']);
      expect(body.errors?.[0]?.message).toBe(message);
      expect(body.errors?.[0]?.extensions).toEqual({
        code,
        upstream: { status, code: upstreamCode, message, method: 'GET', path: '/team' },
      });
      await expectHealthy();
    },
  );

  it('reads the flat error body shape too', async () => {
    harness.simulator.injectFault({
      kind: 'status',
      status: 403,
      path: '/team',
      body: { error: 'Forbidden', message: 'Insufficient permissions' },
    });
    const { body } = await harness.graphql(TEAM_QUERY);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      upstream: { status: 403, code: 'FORBIDDEN', message: 'Insufficient permissions' },
    });
  });

  it('429 → RATE_LIMITED with retryAfter from Retry-After, not retried past the cap', async () => {
    harness.simulator.injectFault({
      kind: 'status',
      status: 429,
      path: '/team',
      headers: { 'Retry-After': '7' },
    });
    const { status, body } = await harness.graphql(TEAM_QUERY);
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 7,
      upstream: { status: 429, code: 'RATE_LIMITED', method: 'GET', path: '/team' },
    });
    expect(callsTo('/team')).toHaveLength(1);
    await expectHealthy();
  });

  it('a short Retry-After on a GET is waited out once', async () => {
    harness.simulator.injectFault({
      kind: 'status',
      status: 429,
      path: '/team',
      headers: { 'Retry-After': '0' },
    });
    const { body } = await harness.graphql(TEAM_QUERY);
    expect(body.errors).toBeUndefined();
    expect(callsTo('/team')).toHaveLength(2);
  });

  it('500 → UPSTREAM_ERROR after the GET retries are spent', async () => {
    harness.simulator.injectFault({
      kind: 'status',
      status: 500,
      path: '/team',
      times: Number.POSITIVE_INFINITY,
    });
    const { status, body } = await harness.graphql(TEAM_QUERY);
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstream: { status: 500, method: 'GET', path: '/team' },
    });
    expect(callsTo('/team')).toHaveLength(3); // the first try and INBOX_MAX_RETRIES=2 retries
    harness.simulator.clearFaults();
    await expectHealthy();
  });

  it('a GET that fails once with 503 and then succeeds returns data', async () => {
    harness.simulator.injectFault({ kind: 'status', status: 503, path: '/team', times: 1 });
    const { body } = await harness.graphql(TEAM_QUERY);
    expect(body.errors).toBeUndefined();
    expect(body.data?.team).toEqual({ name: harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name });
    expect(callsTo('/team').map((call) => call.status)).toEqual([503, 200]);
  });

  it('a 2xx body that is not JSON → UPSTREAM_ERROR', async () => {
    harness.simulator.injectFault({ kind: 'brokenJson', path: '/team' });
    const { body } = await harness.graphql(TEAM_QUERY);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstream: { status: 200, method: 'GET', path: '/team' },
    });
    await expectHealthy();
  });

  it('a reset connection → UPSTREAM_UNAVAILABLE (after the GET retries)', async () => {
    harness.simulator.injectFault({ kind: 'reset', path: '/team', times: Number.POSITIVE_INFINITY });
    const { status, body } = await harness.graphql(TEAM_QUERY);
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: {
        status: null,
        code: null,
        message: 'Inbox API connection failed',
        method: 'GET',
        path: '/team',
      },
    });
    harness.simulator.clearFaults();
    await expectHealthy();
  });

  it('a reply slower than INBOX_TIMEOUT_MS → UPSTREAM_TIMEOUT within about twice the timeout', async () => {
    harness.simulator.injectFault({ kind: 'slow', delayMs: 5_000, path: '/team' });
    const started = Date.now();
    const { status, body } = await harness.graphql(TEAM_QUERY);
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      upstream: { status: null, method: 'GET', path: '/team' },
    });
    // A bound, not a speed goal: the deadline is 2 × 300 ms; the reply would have taken 5 s.
    expect(Date.now() - started).toBeLessThan(2_500);
    await expectHealthy();
  });

  it('writes are never retried', async () => {
    const store = harness.simulator.store.teamByToken(DEMO_TOKEN);
    const threadId = store?.threads[0]?.id as string;
    harness.simulator.injectFault({
      kind: 'status',
      status: 503,
      method: 'PATCH',
      times: Number.POSITIVE_INFINITY,
    });
    const client = harness.facade.transport.client(DEMO_TOKEN);
    await expect(
      client.patch('/threads/{threadId}', { path: { threadId }, body: { done: true } }),
    ).rejects.toThrow();
    expect(harness.simulator.calls.filter((call) => call.method === 'PATCH')).toHaveLength(1);
  });
});

describe('the token', () => {
  it('missing: UNAUTHENTICATED with zero upstream calls', async () => {
    const { status, body } = await harness.graphql(TEAM_QUERY, { token: null });
    expect(status).toBe(200);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it.each(['Basic abc', 'Bearer', 'Bearer  two-spaces', 'Bearer a b', 'demo-token'])(
    'malformed header %j: UNAUTHENTICATED with zero upstream calls',
    async (authorization) => {
      const { body } = await harness.graphql(TEAM_QUERY, { token: null, headers: { authorization } });
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(harness.simulator.calls).toHaveLength(0);
    },
  );

  it('wrong: UNAUTHENTICATED from the upstream 401', async () => {
    const { body } = await harness.graphql(TEAM_QUERY, { token: 'not-a-real-token' });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      upstream: { status: 401, code: 'UNAUTHORIZED', method: 'GET', path: '/team' },
    });
    expect(callsTo('/team')).toHaveLength(1);
  });

  it('introspection needs no token and calls nothing upstream', async () => {
    const { body } = await harness.graphql('{ __schema { queryType { name } } }', { token: null });
    expect(body).toEqual({
      data: { __schema: { queryType: { name: 'Query' } } },
      extensions: { cost: expect.objectContaining({ actualQueryCost: 0 }) },
    });
    expect(harness.simulator.calls).toHaveLength(0);
  });

  it('is forwarded unchanged', async () => {
    await harness.graphql(TEAM_QUERY);
    expect(callsTo('/team')[0]?.teamId).toBe(harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.id);
  });

  it('never appears in a response, with no stack or URL either', async () => {
    const faults = [
      { kind: 'status', status: 500, times: 3 },
      { kind: 'reset', times: 3 },
      { kind: 'brokenJson' },
    ] as const;
    for (const fault of faults) {
      harness.simulator.injectFault({ ...fault, path: '/team' });
      const { text } = await harness.graphql(TEAM_QUERY);
      expect(text).not.toContain(DEMO_TOKEN);
      expect(text).not.toContain(harness.simulator.url);
      expect(text).not.toMatch(/stack|at .*\.ts:\d+|Bearer/);
    }
  });
});

describe('identical GETs within one request', () => {
  it('run once', async () => {
    const { body } = await harness.graphql('{ a: team { name } b: team { slug } c: team { id } }');
    expect(body.errors).toBeUndefined();
    expect(callsTo('/team')).toHaveLength(1);
  });

  it('run again in the next request (nothing is cached across requests)', async () => {
    await harness.graphql(TEAM_QUERY);
    await harness.graphql(TEAM_QUERY);
    expect(callsTo('/team')).toHaveLength(2);
  });
});
