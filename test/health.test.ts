import { expect, it } from 'vitest';
import { startHarness } from './support/harness.js';

it('/readiness follows the upstream while /health stays up', async () => {
  // A harness of its own: the test stops its simulator, which nothing else may share.
  const harness = await startHarness({ transport: 'http' });
  try {
    expect((await harness.fetch('/readiness')).status).toBe(200);
    await harness.simulator.close();
    expect((await harness.fetch('/readiness')).status).toBe(503);
    expect((await harness.fetch('/health')).status).toBe(200);
  } finally {
    await harness.server.close();
  }
});
