import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';

it('/readiness follows the upstream while /health stays up', async () => {
  // A harness of its own: the test stops its simulator, which nothing else may share.
  const harness = await startHarness({ transport: 'http', config: { READINESS_CACHE_MS: '0' } });
  try {
    expect((await harness.fetch('/readiness')).status).toBe(200);
    await harness.simulator.close();
    expect((await harness.fetch('/readiness')).status).toBe(503);
    expect((await harness.fetch('/health')).status).toBe(200);
  } finally {
    await harness.server.close();
  }
});

it('/readiness reuses its answer for READINESS_CACHE_MS: probing it cannot load the upstream', async () => {
  const harness = await startHarness({ config: { READINESS_CACHE_MS: '1500' } });
  try {
    const probes = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${harness.server.url}/readiness`)),
    );
    expect(probes.map((probe) => probe.status)).toEqual(probes.map(() => 200));
    for (let probe = 0; probe < 20; probe++) await fetch(`${harness.server.url}/readiness`);
    expect(harness.simulator.calls).toHaveLength(1);

    await harness.simulator.close();
    await sleep(1600); // past the period, the next probe asks again
    expect((await fetch(`${harness.server.url}/readiness`)).status).toBe(503);
  } finally {
    await harness.server.close();
  }
});

it('an unreachable Redis degrades, never fails: queries answer and /readiness says so', async () => {
  // Nothing listens on port 9 (discard): a Redis that is down from the start.
  const harness = await startHarness({
    transport: 'http',
    config: {
      READINESS_CACHE_MS: '0',
      REDIS_URL: 'redis://127.0.0.1:9',
      FACADE_SECRET: 'a-secret-for-this-test-only-32-chars-long',
    },
  });
  try {
    const readiness = await harness.fetch('/readiness');
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({ upstream: 'ok', redis: 'degraded' });
    const { body } = await harness.graphql('{ team { name } tags { id } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.team).toBeTruthy();
  } finally {
    await harness.close();
  }
});
