import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import { until } from '../support/live.js';
import { type Cluster, describeWithRedis, REDIS_URL, startCluster, untilRedis } from '../support/replicas.js';

describeWithRedis('replicas sharing one Redis', () => {
  let cluster: Cluster;
  let proxy: CuttableProxy | undefined;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b']);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await cluster?.close();
  });

  it('each replica answers, and reports the shared Redis as up', async () => {
    for (const replica of cluster.replicas) {
      const { body } = await replica.graphql('{ team { name } }');
      expect(body.data?.team).toEqual({ name: cluster.simulator.store.teamByToken('demo-token')?.team.name });
      const readiness = await fetch(`${replica.url}/readiness`);
      expect(await readiness.json()).toEqual({ upstream: 'ok', redis: 'ok' });
    }
  });

  it('a replica whose first Redis handshake is too slow serves alone, then shares once Redis answers in time', async () => {
    // Every Redis reply held 600 ms: longer than a shared-cache command may take (250 ms), shorter than a
    // connection attempt may (ioredis's 10 s), so the connection comes up and the handshake times out.
    proxy = await startCuttableProxy(REDIS_URL as string);
    proxy.delay(600);
    const slow = await cluster.start('slow', { REDIS_URL: proxy.url });
    const readiness = async () => (await (await fetch(`${slow.url}/readiness`)).json()) as { redis: string };
    await until(() => slow.logLines.some((line) => line.includes('redis connected')), 'it connected', 5_000);
    expect(await readiness()).toEqual({ upstream: 'ok', redis: 'degraded' });
    const { body } = await slow.graphql('{ team { name } }');
    expect(body).toEqual({
      data: { team: { name: cluster.simulator.store.teamByToken('demo-token')?.team.name } },
      extensions: { cost: expect.any(Object) },
    });

    // Redis answers in time again, over the same connections: the handshake is tried again on its own.
    proxy.delay(0);
    await untilRedis([slow], 'ok', 10_000);
    expect(await readiness()).toEqual({ upstream: 'ok', redis: 'ok' });
  });
});
