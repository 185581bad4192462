import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { DIST_MAIN } from '../support/facade-process.js';
import { describeWithOwnRedis, type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { type Cluster, type Replica, startCluster, untilRedis } from '../support/replicas.js';

/**
 * A Redis that loses its data (FLUSHALL and a restart) between a send and its retry: the replica that sent
 * still knows the `clientMutationId` (its records are keyed by the token's HMAC, whose key derives from
 * FACADE_SECRET and never lived in Redis), so the retry sends nothing. A Redis of the test's own.
 */

const SEND = `mutation ($input: SendMessageInput!) {
  sendMessage(input: $input) { clientMutationId message { id content } }
}`;
const SEND_PATH = /^\/threads\/[^/]+\/messages$/;

describeWithOwnRedis('at-most-once sends when Redis loses its data', () => {
  let redis: OwnRedis;
  let cluster: Cluster;
  let a: Replica;
  let team: TeamState;

  beforeAll(async () => {
    redis = await startOwnRedis();
    cluster = await startCluster(['a', 'b'], {}, {}, redis.url);
    [a] = cluster.replicas as [Replica, Replica];
    team = cluster.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  const sends = () =>
    cluster.simulator.calls.filter((call) => call.method === 'POST' && SEND_PATH.test(call.path));

  it('a retry on the same replica after FLUSHALL and a restart sends nothing and answers the first result', async () => {
    const active = new Set(
      team.accountLinks.filter((link) => link.status === 'active').map((link) => link.id),
    );
    const thread = team.threads.find((candidate) => active.has(candidate.accountLinkId));
    if (!thread) throw new Error('no thread to write in');
    const before = team.messagesByThread.get(thread.id)?.length ?? 0;
    const variables = {
      input: {
        threadId: encodeGlobalID('Thread', thread.id),
        content: 'Once',
        clientMutationId: 'lost-redis',
      },
    };
    cluster.simulator.resetCalls();
    const first = await a.graphql(SEND, { variables });
    expect(first.body.errors).toBeUndefined();
    expect(await redis.client.keys(`${cluster.prefix}once:*`)).toHaveLength(1);

    await redis.restart();
    expect(await redis.client.dbsize()).toBe(0);
    await untilRedis(cluster.replicas, 'ok', 30_000); // both replicas reconnected and share again

    const retry = await a.graphql(SEND, { variables });
    // The first result again (its cost extension is the retry's own).
    expect(retry.body.data).toEqual(first.body.data);
    expect(retry.body.errors).toBeUndefined();
    expect(sends()).toHaveLength(1);
    expect(team.messagesByThread.get(thread.id)?.length).toBe(before + 1);
  }, 60_000);
});

it('with REDIS_URL and no FACADE_SECRET, the facade does not start, and says why in one line', () => {
  const run = spawnSync(process.execPath, [DIST_MAIN], {
    env: { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:6379', PORT: '0' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    'Missing FACADE_SECRET: required when REDIS_URL is set (the replicas derive their shared keys from it)',
  ]);
});
