import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { keyMaterial } from '../../src/identity/key-material.js';
import { Seal } from '../../src/identity/seal.js';
import type { InboxEvent } from '../../src/upstream/types.js';
import { type Harness, startHarness } from '../support/harness.js';
import {
  DEMO_TEAM_ID,
  eventReads,
  lastEvent,
  postWebhook,
  postWebhookBody,
  SECOND_TEAM_ID,
  sleep,
  sseSubscribe,
  teamOf,
  until,
  webhookSecrets,
  wsClient,
} from '../support/live.js';
import {
  type Cluster,
  describeWithRedis,
  REDIS_URL,
  type Replica,
  startCluster,
  untilRedis,
} from '../support/replicas.js';

/**
 * Redis is shared, and hostile like any input: deployments on one Redis never hear each other (apart by key
 * prefix, or by database alone), whatever comes out of a channel is checked before a subscriber sees it, and
 * what one replica learns of a team's webhooks counts for the replica that polls it.
 */

const EVENTS = 'subscription { inboxEvents { inboxId seq } }';
const TAGS = '{ tags { id name } }';
const served = (replica: Replica) => ({ server: { url: replica.url } });
const inboxIds = (subscription: ReturnType<typeof sseSubscribe>) =>
  subscription.payloads.map(
    (payload) => (payload.data?.inboxEvents as { inboxId: string } | undefined)?.inboxId,
  );

/** REDIS_URL with another database number. */
function onDatabase(database: number): string {
  const url = new URL(REDIS_URL ?? '');
  url.pathname = `/${database}`;
  return url.toString();
}

describeWithRedis('deployments sharing one Redis', () => {
  const samePrefix = `test-${randomUUID()}:`;
  const otherPrefix = `test-${randomUUID()}:`;
  /** `x1` and `x2` are one deployment (database 1); `byDatabase` has its prefix on database 2; `byPrefix` another prefix on database 1. */
  const deployments: Record<'x1' | 'x2' | 'byDatabase' | 'byPrefix', Harness> = {} as never;
  const start = (database: number, prefix: string) =>
    startHarness({
      transport: 'http',
      config: {
        REDIS_URL: onDatabase(database),
        REDIS_KEY_PREFIX: prefix,
        // One secret for all: only the database and the prefix keep the deployments apart here.
        FACADE_SECRET: 'one-facade-secret-for-every-deployment-of-this-suite',
        INBOX_WEBHOOK_SECRETS: webhookSecrets(),
        COLLECTION_CACHE_TTL_MS: '600000',
        RESPONSE_CACHE_TTL_MS: '0',
      },
    });
  beforeAll(async () => {
    deployments.x1 = await start(1, samePrefix);
    deployments.x2 = await start(1, samePrefix);
    deployments.byDatabase = await start(2, samePrefix);
    deployments.byPrefix = await start(1, otherPrefix);
    for (const harness of Object.values(deployments)) {
      await until(() => harness.facade.redis?.healthy() === true, 'connected to Redis');
      await untilRedis([harness.server]);
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled(Object.values(deployments).map((harness) => harness.close()));
    for (const [database, prefix] of [
      [1, samePrefix],
      [2, samePrefix],
      [1, otherPrefix],
    ] as const) {
      const redis = new Redis(onDatabase(database));
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('a webhook reaches its own deployment’s replicas only: not one apart by database, nor by prefix', async () => {
    const { x1, x2, byDatabase, byPrefix } = deployments;
    const subscriptions = [x2, byDatabase, byPrefix].map((harness) => sseSubscribe(harness, EVENTS));
    try {
      for (const harness of [x2, byDatabase, byPrefix]) {
        await until(() => harness.facade.events.bus.listening(DEMO_TEAM_ID) === 1, 'subscribed');
      }
      // An event no log holds: only the webhook can bring it, to x1's deployment.
      const event: InboxEvent = { ...lastEvent(x1), id: `crossing${Date.now()}`, seq: 50_000_000 };
      expect((await postWebhook(x1, event)).status).toBe(200);
      const [sameDeployment, apartByDatabase, apartByPrefix] = subscriptions as [
        ReturnType<typeof sseSubscribe>,
        ReturnType<typeof sseSubscribe>,
        ReturnType<typeof sseSubscribe>,
      ];
      await until(() => sameDeployment.payloads.length >= 1, 'the replica of the same deployment got it');
      // Redis has delivered it to every subscriber of its channel by now; a little slack for the others.
      await sleep(500);
      expect(inboxIds(sameDeployment)).toEqual([event.id]);
      expect(inboxIds(apartByDatabase)).toEqual([]);
      expect(inboxIds(apartByPrefix)).toEqual([]);
    } finally {
      for (const subscription of subscriptions) subscription.leave();
    }
  });

  it('a write’s cache invalidation reaches its own deployment’s replicas only', async () => {
    const { x1, x2, byDatabase, byPrefix } = deployments;
    const tagReads = (harness: Harness) =>
      harness.simulator.calls.filter((call) => call.path === '/tags' && call.method === 'GET').length;
    // Every change a facade applies, its own or heard from Redis, counts here (its cached answers drop).
    const changesHeard = (harness: Harness) => harness.facade.collectionCache.writes;
    for (const harness of [x2, byDatabase, byPrefix]) {
      expect((await harness.graphql(TAGS)).body.errors).toBeUndefined();
    }
    const reads = new Map([x2, byDatabase, byPrefix].map((harness) => [harness, tagReads(harness)]));
    const heard = new Map([byDatabase, byPrefix].map((harness) => [harness, changesHeard(harness)]));
    const created = await x1.graphql(
      `mutation { createTag(input: { name: "Invalidation ${Date.now()}" }) { tag { id } } }`,
    );
    expect(created.body.errors).toBeUndefined();
    // x2 hears of it and reads its tags again (the control: the invalidation travels)...
    const deadline = Date.now() + 15_000;
    while (tagReads(x2) === reads.get(x2)) {
      if (Date.now() > deadline) throw new Error('x2 never read its tags again');
      expect((await x2.graphql(TAGS)).body.errors).toBeUndefined();
      await sleep(50);
    }
    // ...the other deployments hear nothing, and keep theirs.
    await sleep(500);
    for (const harness of [byDatabase, byPrefix]) {
      expect(changesHeard(harness)).toBe(heard.get(harness));
      expect((await harness.graphql(TAGS)).body.errors).toBeUndefined();
      expect(tagReads(harness)).toBe(reads.get(harness));
    }
  });
});

describeWithRedis('what comes out of Redis', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(['a'], { INBOX_WEBHOOK_SECRETS: webhookSecrets() });
  }, 60_000);
  afterAll(() => cluster?.close());

  it('junk, another team’s event or one 8 000 levels deep on a channel: dropped, the replica serves on', async () => {
    const [replica] = cluster.replicas as [Replica];
    const sse = sseSubscribe(served(replica), EVENTS);
    const ws = wsClient(served(replica), { authorization: `Bearer ${DEMO_TOKEN}` });
    const overWs: string[] = [];
    const unsubscribe = ws.subscribe(
      { query: EVENTS },
      {
        next: (value) =>
          overWs.push(String((value.data?.inboxEvents as { inboxId?: string } | undefined)?.inboxId)),
        error() {},
        complete() {},
      },
    );
    try {
      // Subscribed once a webhook reaches both.
      const deadline = Date.now() + 15_000;
      while (sse.payloads.length === 0 || overWs.length === 0) {
        if (Date.now() > deadline) throw new Error('the subscribers never received a webhook');
        const probe = teamOf(cluster).emit('thread.typing', { threadId: 'abc', senderPlatformId: '1' });
        expect((await postWebhook(served(replica), probe)).status).toBe(200);
        await sleep(100);
      }
      const before = { sse: sse.payloads.length, ws: overWs.length };
      const channel = `${cluster.prefix}events:${DEMO_TEAM_ID}`;
      const event = (id: string, teamId = DEMO_TEAM_ID) => ({
        ...lastEvent(cluster),
        id,
        teamId,
        seq: 60_000_000,
      });
      const envelopeText = (id: string, dataText: string) => {
        const { data: _replaced, ...rest } = event(id);
        return `${JSON.stringify(rest).slice(0, -1)},"data":${dataText}}`;
      };
      const hostile = [
        'not json',
        'null',
        '42',
        '{"from":"elsewhere"}',
        JSON.stringify({ from: 'elsewhere', event: { id: 'no-envelope' } }),
        JSON.stringify({ from: 'elsewhere', event: event('another-team', SECOND_TEAM_ID) }),
        `{"from":"elsewhere","event":${envelopeText('deep', `${'['.repeat(8_000)}1${']'.repeat(8_000)}`)}}`,
        `{"from":"elsewhere","event":${envelopeText('huge', JSON.stringify('x'.repeat(3_000_000)))}}`,
      ];
      for (const message of hostile) await cluster.redis.publish(channel, message);
      for (const message of ['not json', 'null', '[]', '{"teamId":5,"collections":"tags"}']) {
        await cluster.redis.publish(`${cluster.prefix}cache-changes`, message);
      }
      // A replica's own message, sealed under the cluster's FACADE_SECRET, still gets through.
      const genuine = event(`genuine${Date.now()}`);
      const seal = new Seal(keyMaterial(cluster.secret).sealKey);
      await cluster.redis.publish(
        channel,
        JSON.stringify({ sealed: seal.seal({ from: 'elsewhere', event: genuine }, channel) }),
      );
      await until(() => sse.payloads.length > before.sse && overWs.length > before.ws, 'the genuine event');
      expect(inboxIds(sse).slice(before.sse)).toEqual([genuine.id]);
      expect(overWs.slice(before.ws)).toEqual([genuine.id]);
      expect(replica.process.exitCode).toBeNull();
      expect((await fetch(`${replica.url}/health`)).status).toBe(200);
      expect((await replica.graphql(TAGS)).body.errors).toBeUndefined();
    } finally {
      sse.leave();
      unsubscribe();
      await ws.dispose();
    }
  });
});

describeWithRedis('a team’s webhooks, across replicas', () => {
  const INTERVAL_MS = 1_000;
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b'], {
      INBOX_WEBHOOK_SECRETS: webhookSecrets(),
      EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS),
    });
  }, 60_000);
  afterAll(() => cluster?.close());

  it('a webhook received by one replica pauses the team’s polling on the replica that polls it', async () => {
    const [a, b] = cluster.replicas as [Replica, Replica];
    const reads = () => eventReads(cluster, DEMO_TEAM_ID);
    // Only b has a subscriber: b polls the team (its webhooks have not come yet).
    const subscriber = sseSubscribe(served(b), EVENTS);
    try {
      await until(() => reads() >= 2, 'b polls');
      // The load balancer sends the team's webhook to a.
      const event = teamOf(cluster).emit('thread.typing', { threadId: 'abc', senderPlatformId: '1' });
      expect((await postWebhookBody(served(a), JSON.stringify(event))).status).toBe(200);
      await until(() => subscriber.payloads.length >= 1, 'b’s subscriber got it');
      const paused = reads();
      await sleep(4 * INTERVAL_MS);
      expect(reads()).toBeLessThanOrEqual(paused + 1);
      expect(inboxIds(subscriber)).toEqual([event.id]);
    } finally {
      subscriber.leave();
    }
  });
});
