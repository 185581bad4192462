import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import {
  type Cluster,
  describeWithRedis,
  REDIS_URL,
  type Replica,
  startCluster,
  untilRedis,
} from '../support/replicas.js';

/**
 * Read-your-writes across replicas: a read that starts after a write's answer, on any replica, never sees
 * what the write changed as it was before. B reaches Redis through a relay that holds every byte 40 ms (a
 * Redis further away, or a busy one): B hears of A's changes 40 ms after A has answered, so every read in
 * that window would be served B's old copies, unless B waits until it has heard them.
 */

const TAGS = '{ tags { id name } }';
const RENAME = 'mutation ($input: UpdateTagInput!) { updateTag(input: $input) { tag { name } } }';

describeWithRedis('a read on B right after a write on A', () => {
  let cluster: Cluster;
  let proxy: CuttableProxy;
  let a: Replica;
  let b: Replica;
  const ttls = { COLLECTION_CACHE_TTL_MS: '600000', RESPONSE_CACHE_TTL_MS: '60000' };

  beforeAll(async () => {
    cluster = await startCluster(['a'], ttls);
    [a] = cluster.replicas as [Replica];
    proxy = await startCuttableProxy(REDIS_URL as string);
    b = await cluster.start('b', { ...ttls, REDIS_URL: proxy.url });
    await untilRedis([b]);
    proxy.delay(40);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
    await proxy?.close();
  });

  it('sees the new name, every time, for every token of the team (0 stale reads)', async () => {
    const team = cluster.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
    const tag = team.tags[0];
    if (!tag) throw new Error('the team has a tag');
    const stale: string[] = [];
    let reads = 0;
    for (let round = 0; round < 20; round++) {
      // B holds the team's tags (and the answer) in memory.
      for (const token of [DEMO_TOKEN, DEMO_ALT_TOKEN]) await b.graphql(TAGS, { token });
      const name = `Renamed ${round}`;
      const renamed = await a.graphql(RENAME, { variables: { input: { id: tag.id, name } } });
      expect(renamed.body.errors).toBeUndefined();
      const answers = await Promise.all(
        [DEMO_TOKEN, DEMO_ALT_TOKEN, DEMO_TOKEN].map((token) =>
          b.graphql<{ tags: Array<{ id: string; name: string }> }>(TAGS, { token }),
        ),
      );
      for (const answer of answers) {
        reads++;
        const seen = answer.body.data?.tags.find((candidate) => candidate.name.startsWith('Renamed'));
        if (seen?.name !== name) stale.push(`${name}: saw ${seen?.name ?? 'the original name'}`);
      }
    }
    expect(reads).toBe(60);
    expect(stale).toEqual([]);
  }, 120_000);
});
