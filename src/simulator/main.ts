import { DEMO_TOKEN, SECOND_TEAM_TOKEN, startSimulator } from './index.js';

/** Standalone simulator: `npx tsx src/simulator/main.ts`. */

function integerFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    console.error(`Invalid ${name}: "${raw}" (expected an integer from ${min} to ${max})`);
    process.exit(1);
  }
  return value;
}

const simulator = await startSimulator({
  port: integerFromEnv('SIMULATOR_PORT', 4010, 0, 65_535),
  host: process.env.SIMULATOR_HOST || '127.0.0.1',
  rateLimitPerMinute: integerFromEnv('SIMULATOR_RATE_LIMIT', 300, 1, 1_000_000_000),
  latencyMs: integerFromEnv('SIMULATOR_LATENCY_MS', 0, 0, 600_000),
});

console.log(`Inbox API simulator listening on ${simulator.url}
  Demo team token:   ${DEMO_TOKEN}
  Second team token: ${SECOND_TEAM_TOKEN}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
