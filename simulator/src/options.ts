import { z } from 'zod';
import type { SimulatorOptions } from './index.js';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const simulatorEnvironment = z.object({
  SIMULATOR_PORT: integer(0, 65_535).optional(),
  SIMULATOR_HOST: z.string().min(1).optional(),
  SIMULATOR_RATE_LIMIT: integer(1, 1_000_000_000).default(300),
  SIMULATOR_LATENCY_MS: integer(0, 600_000).default(0),
});

/**
 * Simulator options from SIMULATOR_* variables (used by `npm run simulator` and `npm run demo`).
 * Throws an Error whose message is one line naming the bad variable.
 */
export function simulatorOptionsFromEnv(
  environment: Record<string, string | undefined>,
  defaultPort: number,
): SimulatorOptions {
  const provided = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const result = simulatorEnvironment.safeParse(provided);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0]);
    throw new Error(`Invalid ${variable}=${JSON.stringify(environment[variable])}: ${issue?.message}`);
  }
  const { SIMULATOR_PORT, SIMULATOR_HOST, SIMULATOR_RATE_LIMIT, SIMULATOR_LATENCY_MS } = result.data;
  return {
    port: SIMULATOR_PORT ?? defaultPort,
    host: SIMULATOR_HOST ?? '127.0.0.1',
    rateLimitPerMinute: SIMULATOR_RATE_LIMIT,
    latencyMs: SIMULATOR_LATENCY_MS,
  };
}
