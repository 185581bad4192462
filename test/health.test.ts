import { expect, it } from 'vitest';
import { startHarness } from './support/harness.js';

it('/readiness follows the upstream while /health stays up', async () => {
  const harness = await startHarness();
  try {
    expect((await fetch(`${harness.server.url}/readiness`)).status).toBe(200);
    await harness.simulator.close();
    expect((await fetch(`${harness.server.url}/readiness`)).status).toBe(503);
    expect((await fetch(`${harness.server.url}/health`)).status).toBe(200);
  } finally {
    await harness.server.close();
  }
});
