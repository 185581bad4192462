import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { CollectionCache } from '../../src/caching/collection-cache.js';
import { ResponseCache } from '../../src/caching/response-cache.js';
import { RejectedTokens } from '../../src/identity/rejected-tokens.js';
import { TeamProofs } from '../../src/identity/team-proof.js';
import { signWebhook, WEBHOOK_PATH } from '../../src/live/webhooks.js';
import { type Harness, startHarness } from '../support/harness.js';
import { webhookSecrets } from '../support/live.js';

/** Which team each token belongs to, as the facade's identity would tell the cache. */
const newTeamProofs = () =>
  new TeamProofs({ proofTtlMs: 30_000, rejected: new RejectedTokens({ ttlMs: 0 }) });

const SECRET = 'whsec_response_cache_test';
/** An answer's bytes but for its cost (`extensions.cost`, last, differs from one request to the next). */
const dataOf = (text: string) => text.slice(0, text.lastIndexOf(',"extensions":'));

const PAGE = 'query Page { team { id name } tags { name } threads(first: 5) { edges { node { id done } } } }';

describe('the response cache, over real HTTP', () => {
  let harness: Harness;
  beforeAll(async () => {
    // Long TTLs, so that only the mechanisms under test (not the clock) make an answer stale.
    harness = await startHarness({
      config: {
        RESPONSE_CACHE_TTL_MS: '60000',
        COLLECTION_CACHE_TTL_MS: '60000',
        INBOX_WEBHOOK_SECRETS: webhookSecrets(SECRET),
        METRICS_OPERATION_NAMES: 'Page',
      },
    });
  });
  afterAll(() => harness.close());
  beforeEach(() => {
    harness.clearCollectionCache();
    harness.facade.responseCache.clear();
    harness.simulator.clearFaults();
    harness.simulator.resetCalls();
    harness.logLines.length = 0;
  });

  const calls = () => harness.simulator.calls.length;
  const operationLines = () =>
    harness.logLines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'graphql operation');
  /** Asks three times: the first marks the query, the second stores its answer, the third is served. */
  async function cached(query: string, token = DEMO_TOKEN) {
    for (let round = 0; round < 2; round++) {
      const { body } = await harness.graphql(query, { token });
      expect(body.errors).toBeUndefined();
    }
  }

  it('answers a repeated query with the same bytes and no upstream call, and still logs and counts it', async () => {
    const first = await harness.graphql(PAGE);
    await cached(PAGE);
    harness.simulator.resetCalls();
    harness.logLines.length = 0;
    const requestsBefore = await requestCount(harness);
    const hit = await harness.graphql(PAGE);
    expect(calls()).toBe(0);
    expect(dataOf(hit.text)).toBe(dataOf(first.text));
    expect(operationLines()).toEqual([
      expect.objectContaining({ operation: 'Page', upstreamCalls: 0, cached: true }),
    ]);
    expect(await requestCount(harness)).toBe(requestsBefore + 1);
  });

  it('serves a token new to the facade its team’s answer after its own GET /team, and nothing else', async () => {
    const reference = await harness.graphql(PAGE);
    await cached(PAGE);
    harness.simulator.resetCalls();
    const other = await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN });
    // The token's own call proves its team; the rest of the page is the team's cached answer.
    expect(harness.simulator.calls.map((call) => call.path)).toEqual(['/team']);
    expect(dataOf(other.text)).toBe(dataOf(reference.text));
    expect(operationLines().at(-1)).toEqual(expect.objectContaining({ upstreamCalls: 1, cached: true }));
  });

  it('never serves one team another team’s answer', async () => {
    await cached(PAGE);
    harness.simulator.resetCalls();
    const other = await harness.graphql<{ team: { name: string } }>(PAGE, { token: SECOND_TEAM_TOKEN });
    expect(other.body.data?.team.name).toBe(
      harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN)?.team.name,
    );
    expect(harness.simulator.calls.map((call) => call.path)).toContain('/threads');
    // Once the second team's answer is cached too, each team is still served its own.
    await cached(PAGE, SECOND_TEAM_TOKEN);
    harness.simulator.resetCalls();
    const [ours, theirs] = await Promise.all([
      harness.graphql<{ team: { name: string } }>(PAGE),
      harness.graphql<{ team: { name: string } }>(PAGE, { token: SECOND_TEAM_TOKEN }),
    ]);
    expect(calls()).toBe(0);
    expect(ours.body.data?.team.name).toBe(harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name);
    expect(theirs.body.data?.team.name).toBe(
      harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN)?.team.name,
    );
  });

  it('serves nothing of the team to a token the upstream refuses', async () => {
    await cached(PAGE);
    const teamName = harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name as string;
    for (let round = 0; round < 2; round++) {
      const refused = await harness.graphql(PAGE, { token: 'not-a-valid-token' });
      expect(refused.body.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHENTICATED');
      expect(refused.body.data?.team).toBeNull();
      expect(refused.text).not.toContain(teamName);
      expect(operationLines().at(-1)).not.toHaveProperty('cached');
    }
  });

  it('a write through one token is seen at once by another token of the team, even one never seen', async () => {
    await cached(PAGE, DEMO_ALT_TOKEN);
    const created = await harness.graphql(
      'mutation { createTag(input: { name: "Seen by the team", color: "#123456" }) { tag { name } } }',
      { token: DEMO_ALT_TOKEN },
    );
    expect(created.body.errors).toBeUndefined();
    for (const token of [DEMO_ALT_TOKEN, DEMO_TOKEN]) {
      const after = await harness.graphql<{ tags: Array<{ name: string }> }>(PAGE, { token });
      expect(after.body.data?.tags.map((tag) => tag.name)).toContain('Seen by the team');
    }
  });

  it('a write through another token of the team makes the answer stale at once', async () => {
    await cached(PAGE);
    // The writer's own `team` read tells the facade which team it writes for.
    await harness.graphql('{ team { id } }', { token: DEMO_ALT_TOKEN });
    const created = await harness.graphql(
      'mutation { createTag(input: { name: "Fresh after write", color: "#123456" }) { tag { name } } }',
      { token: DEMO_ALT_TOKEN },
    );
    expect(created.body.errors).toBeUndefined();
    harness.simulator.resetCalls();
    const after = await harness.graphql<{ tags: Array<{ name: string }> }>(PAGE);
    expect(calls()).toBeGreaterThan(0);
    expect(after.body.data?.tags.map((tag) => tag.name)).toContain('Fresh after write');
  });

  it('a write by a token whose team is unknown makes every team’s answers stale', async () => {
    await cached(PAGE);
    const thread = harness.simulator.store.teamByToken(DEMO_TOKEN)?.threads[0];
    const done = !thread?.done;
    const updated = await harness.graphql(
      `mutation { updateThread(input: { id: "${thread?.id}", done: ${done} }) { thread { done } } }`,
      { token: DEMO_ALT_TOKEN },
    );
    expect(updated.body.errors).toBeUndefined();
    harness.simulator.resetCalls();
    await harness.graphql(PAGE);
    expect(calls()).toBeGreaterThan(0);
  });

  it('an Inbox event of the team makes its answers stale; another team’s event does not', async () => {
    await cached(PAGE);
    const teamId = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN)?.team.id as string;
    expect((await postEvent(harness, teamId, 'evt_other')).status).toBe(200);
    harness.simulator.resetCalls();
    await harness.graphql(PAGE);
    expect(calls()).toBe(0);
    const ownTeam = harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.id as string;
    expect((await postEvent(harness, ownTeam, 'evt_own')).status).toBe(200);
    await harness.graphql(PAGE);
    expect(calls()).toBeGreaterThan(0);
  });

  it('never keeps an answer with an error: upstream failures and partial data are read again', async () => {
    harness.simulator.injectFault({ kind: 'status', status: 500, path: '/tags', times: 9 });
    for (let round = 0; round < 3; round++) {
      const { body } = await harness.graphql(PAGE);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    }
    harness.simulator.clearFaults();
    const recovered = await harness.graphql(PAGE);
    expect(recovered.body.errors).toBeUndefined();

    const partial = '{ team { name } thread(id: "zzzzzzzzzzzzzzzzzzzzzzzz") { id } }';
    for (let round = 0; round < 3; round++) {
      harness.simulator.resetCalls();
      const { body } = await harness.graphql(partial);
      expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(calls()).toBeGreaterThan(0);
    }
  });

  it('answers a burst of the same query once, and never hands a failure to the others', async () => {
    await harness.graphql(PAGE); // the team is proven, the collections cached
    harness.simulator.setLatency(150); // the burst arrives while the first one waits for its threads
    try {
      harness.simulator.resetCalls();
      const burst = await Promise.all(Array.from({ length: 5 }, () => harness.graphql(PAGE)));
      expect(burst.map(({ body }) => body.errors)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(new Set(burst.map(({ text }) => dataOf(text))).size).toBe(1);
      expect(harness.simulator.calls.filter((call) => call.path === '/threads')).toHaveLength(1);

      harness.facade.responseCache.clear();
      harness.simulator.injectFault({ kind: 'status', status: 500, path: '/threads', times: 3 });
      harness.simulator.resetCalls();
      const second = await Promise.all(Array.from({ length: 3 }, () => harness.graphql(PAGE)));
      // The first one meets the failure (its GET and both retries); the others run on their own and succeed.
      const codes = second.map(({ body }) => body.errors?.[0]?.extensions?.code ?? 'ok').sort();
      expect(codes).toEqual(['UPSTREAM_ERROR', 'ok', 'ok']);
    } finally {
      harness.simulator.setLatency(0);
    }
  });

  it('caches no mutation and no answer of a token whose team was never proven', async () => {
    const threads = '{ threads(first: 2) { edges { node { id } } } }';
    for (let round = 0; round < 3; round++) {
      harness.simulator.resetCalls();
      await harness.graphql(threads);
      expect(calls()).toBe(1);
    }
    expect(harness.facade.responseCache.size).toBe(0);
  });
});

it('an answer expires after RESPONSE_CACHE_TTL_MS', async () => {
  const harness = await startHarness({ config: { RESPONSE_CACHE_TTL_MS: '300' } });
  try {
    for (let round = 0; round < 3; round++) await harness.graphql(PAGE);
    harness.simulator.resetCalls();
    await harness.graphql(PAGE);
    expect(harness.simulator.calls).toHaveLength(0);
    await sleep(400);
    await harness.graphql(PAGE);
    expect(harness.simulator.calls.length).toBeGreaterThan(0);
  } finally {
    await harness.close();
  }
});

it('serves a revoked token its team’s answers for the proof’s lifetime at most', async () => {
  const harness = await startHarness({
    config: { RESPONSE_CACHE_TTL_MS: '60000', COLLECTION_CACHE_TTL_MS: '60000', TOKEN_PROOF_TTL_MS: '300' },
  });
  try {
    for (let round = 0; round < 3; round++) await harness.graphql(PAGE);
    await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN }); // proves its team
    // Revoked in the Inbox dashboard: the upstream refuses every call from now on.
    harness.simulator.injectFault({ kind: 'status', status: 401, times: Number.POSITIVE_INFINITY });
    const withinProof = await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN });
    expect(withinProof.body.errors).toBeUndefined();
    await sleep(400);
    const afterProof = await harness.graphql(PAGE, { token: DEMO_ALT_TOKEN });
    expect(afterProof.body.errors?.map((error) => error.extensions?.code)).toContain('UNAUTHENTICATED');
    expect(afterProof.text).not.toContain(harness.simulator.store.teamByToken(DEMO_TOKEN)?.team.name);
  } finally {
    await harness.close();
  }
});

describe('ResponseCache', () => {
  const freshness = new CollectionCache(60_000, undefined, { proofs: newTeamProofs() });
  it('stores an answer at its second request within the TTL, so one-off queries cost no memory', () => {
    const cache = new ResponseCache({ ttlMs: 1_000, freshness });
    cache.offer('a', () => '{"data":1}', 'team', freshness.generation('team'), 0);
    expect(cache.answer('a', 1)?.body).toBeUndefined();
    cache.offer('a', () => '{"data":1}', 'team', freshness.generation('team'), 2);
    expect(cache.answer('a', 3)?.body).toBe('{"data":1}');
    expect(cache.answer('a', 1_002)?.body).toBeUndefined();
  });

  it('parses a stored answer’s data once, for every hit, frozen so that no hit can change the next one’s', () => {
    const cache = new ResponseCache({ ttlMs: 1_000, freshness });
    const body = '{"data":{"threads":[{"id":"t1"}]}}';
    cache.offer('a', () => body, 'team', freshness.generation('team'), 0);
    cache.offer('a', () => body, 'team', freshness.generation('team'), 1);
    const first = cache.answer('a', 2)?.data as { threads: Array<{ id: string }> };
    expect(first).toEqual({ threads: [{ id: 't1' }] });
    expect(cache.answer('a', 3)?.data).toBe(first);
    expect(Object.isFrozen(first.threads[0])).toBe(true);
    expect(cache.answer('a', 3)?.body).toBe(body);
  });

  it('is bounded in entries, least recently used first out', () => {
    const cache = new ResponseCache({ ttlMs: 1_000, freshness, maxEntries: 2 });
    const store = (key: string) => {
      cache.offer(key, () => `{"data":"${key}"}`, 'team', freshness.generation('team'), 0);
      cache.offer(key, () => `{"data":"${key}"}`, 'team', freshness.generation('team'), 1);
    };
    store('a');
    store('b');
    expect(cache.answer('a', 2)?.body).toBeDefined(); // a is now the most recently used
    store('c');
    expect(cache.size).toBe(2);
    expect(cache.answer('b', 2)).toBeUndefined();
    expect(cache.answer('a', 2)?.body).toBe('{"data":"a"}');
    expect(cache.answer('c', 2)?.body).toBe('{"data":"c"}');
  });

  it('is bounded in characters, least recently used first out; an answer over the bound is not kept', () => {
    const cache = new ResponseCache({ ttlMs: 1_000, freshness, maxChars: 25 });
    for (const key of ['a', 'b', 'c']) {
      cache.offer(key, () => `{"data":"${key.repeat(5)}"}`, 'team', freshness.generation('team'), 0);
      cache.offer(key, () => `{"data":"${key.repeat(5)}"}`, 'team', freshness.generation('team'), 1);
    }
    expect(cache.size).toBe(1);
    expect(cache.answer('c', 2)?.body).toBeDefined();
    const huge = `{"data":"${'h'.repeat(30)}"}`;
    cache.offer('huge', () => huge, 'team', freshness.generation('team'), 2);
    expect(cache.offer('huge', () => huge, 'team', freshness.generation('team'), 3)).toBeUndefined();
    expect(cache.answer('huge', 4)).toBeUndefined();
    expect(cache.answer('c', 4)?.body).toBeDefined();
  });
});

async function requestCount(harness: Harness): Promise<number> {
  const metrics = await (await fetch(`${harness.server.url}/metrics`)).text();
  const counted = metrics.match(/^graphql_operations_total\{[^}]*operation="Page"[^}]*\} (\d+)$/m);
  return Number(counted?.[1] ?? 0);
}

async function postEvent(harness: Harness, teamId: string, id: string) {
  const body = JSON.stringify({
    id,
    seq: Math.floor(Math.random() * 1e6),
    teamId,
    type: 'thread.updated',
    timestamp: new Date().toISOString(),
    version: '1.0',
    data: {},
  });
  return fetch(`${harness.server.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-inbox-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}
