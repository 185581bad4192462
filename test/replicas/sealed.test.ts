import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { keyMaterial } from '../../src/identity/key-material.js';
import { TokenKeys } from '../../src/identity/token-key.js';
import { lastEvent, postWebhook, sseSubscribe, until, webhookSecrets } from '../support/live.js';
import { describeWithOwnRedis, type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { type Cluster, type Replica, startCluster } from '../support/replicas.js';

/**
 * Whoever can write to Redis, without FACADE_SECRET: what it writes there (a proof of team, a cached
 * collection, a record of a write) or publishes (a cache change, a live event) does not bear a replica's
 * seal, and the replicas take it for absent. A Redis of the test's own, written to with a raw client.
 */

const PAGE = '{ team { id name } tags { name } statuses { name } }';
const EVENTS = 'subscription { inboxEvents { inboxId type } }';
/** A seal's shape, with a MAC that is not one. */
const fakeSeal = (payload: unknown) => `s1.${'A'.repeat(43)}.${JSON.stringify(payload)}`;
type Answer = { body: { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> } };
const codes = (answer: Answer) => answer.body.errors?.map((error) => error.extensions?.code);

describeWithOwnRedis('what a Redis writer without FACADE_SECRET can put in Redis', () => {
  let redis: OwnRedis;
  let cluster: Cluster;
  let a: Replica;
  let b: Replica;
  let keys: TokenKeys;
  const served = (replica: Replica) => ({ server: { url: replica.url } });
  const team = (token = DEMO_TOKEN) => cluster.simulator.store.teamByToken(token) as TeamState;
  const key = (name: string) => `${cluster.prefix}${name}`;

  beforeAll(async () => {
    redis = await startOwnRedis();
    cluster = await startCluster(
      ['a', 'b'],
      {
        COLLECTION_CACHE_TTL_MS: '600000',
        RESPONSE_CACHE_TTL_MS: '60000',
        INBOX_WEBHOOK_SECRETS: webhookSecrets(),
      },
      {},
      redis.url,
    );
    [a, b] = cluster.replicas as [Replica, Replica];
    // The writer is shown the keys' names (it could watch them): it still lacks the key of the seal.
    keys = new TokenKeys(keyMaterial(cluster.secret).tokenKey);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it('a forged or moved proof of team serves nothing to an unknown token', async () => {
    for (let round = 0; round < 3; round++) expect(codes(await b.graphql(PAGE))).toBeUndefined();
    const real = await redis.client.get(key(`token:${keys.keyOf(DEMO_TOKEN)}`));
    expect(real).toMatch(/^s1\./); // sealed by the replica that proved it
    const forged = { value: team().team, expires: Date.now() + 60_000 };
    const attempts = {
      'unknown-token-plain-json': JSON.stringify(forged),
      'unknown-token-fake-seal': fakeSeal(forged),
      'unknown-token-moved-proof': real as string,
    };
    for (const [token, proof] of Object.entries(attempts)) {
      await redis.client.set(key(`token:${keys.keyOf(token)}`), proof, 'PX', 60_000);
      await redis.client.set(
        key(`token-team:${keys.keyOf(token)}`),
        JSON.stringify({ teamId: team().team.id }),
      );
    }
    for (const token of Object.keys(attempts)) {
      cluster.simulator.resetCalls();
      const answer = await b.graphql(PAGE, { token });
      expect(codes(answer)).toContain('UNAUTHENTICATED');
      expect(JSON.stringify(answer.body)).not.toContain(team().team.name);
      // It made its own proof of team, which the upstream refused: nothing else.
      expect(cluster.simulator.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
        'GET /team 401',
      ]);
    }
  });

  it('a forged cached collection is not served: the replica reads the team’s tags itself', async () => {
    const second = team(SECOND_TEAM_TOKEN);
    const hash = key(`team:${second.team.id}`);
    const version = `${(await redis.client.get(key('every-team'))) ?? 0}:${(await redis.client.hget(hash, 'gen:tags')) ?? 0}`;
    const forged = {
      version,
      expires: Date.now() + 60_000,
      value: [{ id: 'forged', name: 'Forged tag', color: '#000000', createdAt: new Date().toISOString() }],
    };
    await redis.client.hset(hash, 'tags', JSON.stringify(forged));
    await redis.client.hset(hash, 'statuses', fakeSeal({ ...forged, value: [] }));
    cluster.simulator.resetCalls();
    const answer = await a.graphql<{ tags: Array<{ name: string }> }>(PAGE, { token: SECOND_TEAM_TOKEN });
    expect(answer.body.data?.tags.map((tag) => tag.name)).toEqual(second.tags.map((tag) => tag.name));
    const paths = cluster.simulator.calls.map((call) => call.path);
    expect(paths).toContain('/tags');
    expect(paths).toContain('/statuses');
  });

  it('a forged cache change is ignored: the team’s page stays warm, and the replica says so once', async () => {
    for (let round = 0; round < 3; round++) expect(codes(await b.graphql(PAGE))).toBeUndefined();
    // The writer empties the Redis level too: only B's own copies could now spare the upstream calls.
    const shared = await redis.client.keys(key(`*${team().team.id}*`));
    await redis.client.del(...shared);
    const change = { from: 'forger', teamId: team().team.id, collections: ['tags', 'statuses'] };
    await redis.client.publish(key('cache-changes'), JSON.stringify(change));
    await redis.client.publish(key('cache-changes'), fakeSeal(change));
    cluster.simulator.resetCalls();
    // The read waits until B has heard every message published before it (the forged ones too).
    expect(codes(await b.graphql(PAGE))).toBeUndefined();
    expect(cluster.simulator.calls).toHaveLength(0);
    await until(() => b.logLines.some((line) => line.includes('without a valid seal')), 'B warns');
  });

  it('a forged event reaches no subscriber; a real one does', async () => {
    const subscriber = sseSubscribe(served(b), EVENTS);
    try {
      const channel = key(`events:${team().team.id}`);
      const deadline = Date.now() + 15_000;
      while (((await redis.client.pubsub('NUMSUB', channel)) as [string, number])[1] < 1) {
        if (Date.now() > deadline) throw new Error('B never listened to the team’s channel');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const event = {
        id: 'forged-event',
        seq: 1_000_000,
        teamId: team().team.id,
        type: 'thread.updated',
        timestamp: new Date().toISOString(),
        version: '1.0',
        data: {},
      };
      await redis.client.publish(channel, JSON.stringify({ from: 'forger', event }));
      await redis.client.publish(channel, JSON.stringify({ sealed: fakeSeal({ from: 'forger', event }) }));
      // A real event, by webhook to A, published after the forged ones: once it arrives, they would have.
      const created = await a.graphql('mutation { createTag(input: { name: "Real event" }) { tag { id } } }');
      expect(created.body.errors).toBeUndefined();
      const real = lastEvent(cluster);
      expect((await postWebhook(served(a), real)).status).toBe(200);
      await until(() => subscriber.payloads.length >= 1, 'the real event reaches B’s subscriber');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const received = subscriber.payloads.map(
        (payload) => (payload.data as { inboxEvents: { inboxId: string } }).inboxEvents.inboxId,
      );
      expect(received).toEqual([real.id]);
    } finally {
      subscriber.leave();
      await subscriber.done;
    }
  });

  it('a forged record of a clientMutationId neither answers for the write nor holds it back', async () => {
    const name = 'Written once, really';
    const input = createHash('sha256').update(JSON.stringify({ name })).digest('base64url');
    const result = JSON.stringify({ id: 'forged', name: 'Forged', color: '#000000' });
    const record = key(`once:${keys.keyOf(DEMO_TOKEN)}:createTag:forged-record`);
    await redis.client.hset(record, {
      state: 'done',
      owner: 'forger',
      input,
      value: result,
      sealed: fakeSeal({ state: 'done', input, value: result }),
    });
    cluster.simulator.resetCalls();
    const answer = await b.graphql<{ createTag: { tag: { name: string } } }>(
      `mutation { createTag(input: { name: "${name}", clientMutationId: "forged-record" }) { tag { name } } }`,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.createTag.tag.name).toBe(name);
    expect(
      cluster.simulator.calls.filter((call) => call.method === 'POST' && call.path === '/tags'),
    ).toHaveLength(1);
    expect(team().tags.map((tag) => tag.name)).toContain(name);
  });
});
