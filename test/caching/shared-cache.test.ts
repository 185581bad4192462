import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { CollectionCache } from '../../src/caching/collection-cache.js';
import { RejectedTokens } from '../../src/identity/rejected-tokens.js';
import { TeamProofs } from '../../src/identity/team-proof.js';
import { CreateTagDocument, TagNamesDocument, TeamIdAndTagNamesDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

/** Which team each token belongs to, as the facade's identity would tell the cache. */
const newTeamProofs = () =>
  new TeamProofs({ proofTtlMs: 30_000, rejected: new RejectedTokens({ ttlMs: 0 }) });

describe('the cross-request collection cache, request after request', () => {
  const harness = useHarness({ config: { COLLECTION_CACHE_TTL_MS: '400' } });

  const tagCalls = () => harness.simulator.calls.filter((call) => call.path === '/tags').length;

  it('serves a later request of the same token, and of no other token', async () => {
    await harness.graphql(TagNamesDocument);
    await harness.graphql(TagNamesDocument);
    expect(tagCalls()).toBe(1);
    const other = await harness.graphql(TagNamesDocument, { token: SECOND_TEAM_TOKEN });
    expect(tagCalls()).toBe(2);
    const otherNames = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN)?.tags.map((tag) => tag.name);
    expect(other.body.data?.tags?.map((tag) => tag.name)).toEqual(otherNames);
  });

  it('expires after COLLECTION_CACHE_TTL_MS', async () => {
    await harness.graphql(TagNamesDocument);
    await sleep(500);
    await harness.graphql(TagNamesDocument);
    expect(tagCalls()).toBe(2);
  });

  it('never keeps a failure', async () => {
    harness.simulator.injectFault({ kind: 'status', status: 500, path: '/tags', times: 3 });
    const failed = await harness.graphql(TagNamesDocument);
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    const retried = await harness.graphql(TagNamesDocument);
    expect(retried.body.errors).toBeUndefined();
  });

  it('a write through one token refreshes every token of the same team', async () => {
    for (const token of [DEMO_TOKEN, DEMO_ALT_TOKEN])
      await harness.graphql(TeamIdAndTagNamesDocument, { token });
    const created = await harness.graphql(CreateTagDocument, {
      variables: { input: { name: 'Shared cache check', color: '#123456' } },
    });
    expect(created.body.errors).toBeUndefined();
    const seenByOther = await harness.graphql(TagNamesDocument, { token: DEMO_ALT_TOKEN });
    expect(seenByOther.body.data?.tags?.map((tag) => tag.name)).toContain('Shared cache check');
  });
});

describe('CollectionCache', () => {
  it('is bounded: the least recently used entry goes first', async () => {
    const cache = new CollectionCache(60_000, 2, { proofs: newTeamProofs() });
    let loads = 0;
    const load = async () => ++loads;
    await cache.getOrLoad('a', 'tags', load);
    await cache.getOrLoad('b', 'tags', load);
    await cache.getOrLoad('a', 'tags', load); // a is now the most recent
    await cache.getOrLoad('c', 'tags', load); // evicts b
    expect(loads).toBe(3);
    await cache.getOrLoad('a', 'tags', load);
    expect(loads).toBe(3);
    await cache.getOrLoad('b', 'tags', load);
    expect(loads).toBe(4);
  });

  it('keeps a team’s tags longer only once its webhooks have announced a change', async () => {
    const cache = new CollectionCache(100, 100, { proofs: newTeamProofs(), announcedTtlMs: 60_000 });
    let loads = 0;
    const load = async () => ++loads;
    const proven = () => Promise.resolve('team-a');
    const tagsAfterExpiry = async (tokenKey: string) => {
      cache.clear();
      await cache.getOrLoad(tokenKey, 'tags', load, proven);
      await sleep(20); // the copy is kept for the team once the load has settled
      await sleep(150);
      return cache.getOrLoad(tokenKey, 'tags', load, proven);
    };
    await tagsAfterExpiry('token-1');
    expect(loads).toBe(2); // no webhook yet: the base TTL
    await cache.teamChanged('team-b', ['tags'], { byWebhook: true });
    await tagsAfterExpiry('token-2');
    expect(loads).toBe(4); // another team's webhook says nothing of this one
    await cache.teamChanged('team-a', ['tags'], { byWebhook: true });
    await tagsAfterExpiry('token-3');
    expect(loads).toBe(5);
    await cache.teamChanged('team-a', ['tags'], { byWebhook: true }); // and a change still drops it
    await cache.getOrLoad('token-3', 'tags', load, proven);
    expect(loads).toBe(6);
  });

  it('with a TTL of 0 caches nothing', async () => {
    const cache = new CollectionCache(0, undefined, { proofs: newTeamProofs() });
    let loads = 0;
    await cache.getOrLoad('a', 'tags', async () => ++loads);
    await cache.getOrLoad('a', 'tags', async () => ++loads);
    expect(loads).toBe(2);
  });
});
