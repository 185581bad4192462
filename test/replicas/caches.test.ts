import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN } from '../../simulator/src/index.js';
import { TAG } from '../../simulator/src/label-kinds.js';
import { sha256Hex } from '../../src/caching/persisted-queries.js';
import { signWebhook, WEBHOOK_PATH } from '../../src/live/webhooks.js';
import { webhookSecrets } from '../support/live.js';
import {
  type Cluster,
  describeWithRedis,
  REDIS_URL,
  type Replica,
  startCluster,
  untilRedis,
} from '../support/replicas.js';

/**
 * The cross-request caches, shared by replicas through one Redis: with TTLs long enough that only a change
 * (a write through any replica, an Inbox event received by any replica) can make a replica read again.
 */
const SECRET = 'whsec_replicas_caches_test';
const LONG_TTLS = {
  COLLECTION_CACHE_TTL_MS: '600000',
  RESPONSE_CACHE_TTL_MS: '60000',
  INBOX_WEBHOOK_SECRETS: webhookSecrets(SECRET),
};
const TAGS = '{ team { id } tags { name } }';

type TagsAnswer = { tags: Array<{ name: string }> };
const tagNames = async (replica: Replica, token = DEMO_TOKEN) => {
  const { body } = await replica.graphql<TagsAnswer>(TAGS, { token });
  expect(body.errors).toBeUndefined();
  return body.data?.tags.map((tag) => tag.name) ?? [];
};

describeWithRedis('replicas share their caches through Redis', () => {
  let cluster: Cluster;
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b'], LONG_TTLS);
    [a, b] = cluster.replicas as [Replica, Replica];
    await untilRedis(cluster.replicas);
  }, 60_000);
  afterAll(() => cluster?.close());

  const calls = () => cluster.simulator.calls.length;
  const team = () => {
    const state = cluster.simulator.store.teamByToken(DEMO_TOKEN);
    if (!state) throw new Error('no demo team');
    return state;
  };

  it('a replica serves what another one cached: the collections, the proof of a token, the answer', async () => {
    // Repeated on A: the answer is kept (the second identical request), here and in Redis.
    for (let round = 0; round < 3; round++) await tagNames(a, DEMO_ALT_TOKEN);
    cluster.simulator.resetCalls();
    expect(await tagNames(b, DEMO_ALT_TOKEN)).toEqual(team().tags.map((tag) => tag.name));
    expect(calls()).toBe(0);
  });

  it('createTag through A: B, with a long TTL, shows the new tag at once, to every token of the team', async () => {
    for (const token of [DEMO_TOKEN, DEMO_ALT_TOKEN])
      for (let round = 0; round < 3; round++) await tagNames(b, token);
    cluster.simulator.resetCalls();
    await tagNames(b);
    expect(calls()).toBe(0); // B serves the tags from its cache

    const created = await a.graphql(
      'mutation { createTag(input: { name: "Written through A", color: "#123456" }) { tag { name } } }',
    );
    expect(created.body.errors).toBeUndefined();
    expect(await tagNames(b)).toContain('Written through A');
    expect(await tagNames(b, DEMO_ALT_TOKEN)).toContain('Written through A');
  });

  it('an Inbox tag.created event, as a webhook to A, does the same without any facade write', async () => {
    for (let round = 0; round < 3; round++) await tagNames(b);
    // A tag made in the Inbox app: the facade learns of it only by the event.
    team().createLabel(TAG, 'Made in the Inbox app', null);
    expect(await tagNames(b)).not.toContain('Made in the Inbox app');
    const event = team().events.at(-1);
    expect(event?.type).toBe('tag.created');
    expect((await postWebhook(a, JSON.stringify(event))).status).toBe(200);
    expect(await tagNames(b)).toContain('Made in the Inbox app');
    expect(await tagNames(b, DEMO_ALT_TOKEN)).toContain('Made in the Inbox app');
  });

  it('a query persisted (APQ) on A is found on B', async () => {
    const query = '{ team { name } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    const unknownOnB = await persisted(b, { extensions });
    expect(unknownOnB.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await persisted(a, { query, extensions });
    expect(registered.errors).toBeUndefined();
    const foundOnB = await persisted(b, { extensions });
    expect(foundOnB).toEqual({
      data: { team: { name: team().team.name } },
      extensions: { cost: expect.any(Object) },
    });
  });

  it('a replica cut off from Redis still answers, says it is degraded, and shares again once Redis is back', async () => {
    const proxy = await redisProxy(new URL(REDIS_URL as string));
    const c = await cluster.start('c', { REDIS_URL: proxy.url });
    try {
      await untilRedis([c], 'ok', 10_000);
      for (let round = 0; round < 3; round++) await tagNames(b);

      proxy.cut();
      await untilRedis([c], 'degraded', 10_000);
      expect(await tagNames(c)).toEqual(team().tags.map((tag) => tag.name));
      // A write through the cut-off replica: the others hear of it when it is back.
      const created = await c.graphql(
        'mutation { createTag(input: { name: "Written while cut off", color: "#654321" }) { tag { name } } }',
      );
      expect(created.body.errors).toBeUndefined();
      expect(await tagNames(c)).toContain('Written while cut off');

      proxy.restore();
      await untilRedis([c], 'ok', 10_000);
      await waitUntil(async () => (await tagNames(b)).includes('Written while cut off'));
      // And what A persists, C finds again.
      const query = '{ team { id name } }';
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
      expect((await persisted(a, { query, extensions })).errors).toBeUndefined();
      expect((await persisted(c, { extensions })).data).toEqual({
        team: expect.objectContaining({ name: team().team.name }),
      });
    } finally {
      await c.stop();
      await proxy.close();
    }
  }, 30_000);
});

async function persisted(replica: Replica, body: Record<string, unknown>) {
  const response = await fetch(`${replica.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
    body: JSON.stringify(body),
  });
  return (await response.json()) as {
    data?: unknown;
    errors?: Array<{ extensions?: Record<string, unknown> }>;
  };
}

function postWebhook(replica: Replica, body: string) {
  return fetch(`${replica.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-inbox-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

/** A TCP relay to Redis that the test can cut and restore: one replica loses Redis, the others keep it. */
async function redisProxy(target: URL) {
  let open = true;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
