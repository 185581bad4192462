import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Cluster, describeWithRedis, startCluster } from './support/replicas.js';

describeWithRedis('replicas sharing one Redis', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b']);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('each replica answers, and reports the shared Redis as up', async () => {
    for (const replica of cluster.replicas) {
      const { body } = await replica.graphql('{ team { name } }');
      expect(body.data?.team).toEqual({ name: cluster.simulator.store.teamByToken('demo-token')?.team.name });
      const readiness = await fetch(`${replica.url}/readiness`);
      expect(await readiness.json()).toEqual({ upstream: 'ok', redis: 'ok' });
    }
  });
});
