import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { startTracing } from '../src/observability/tracing.js';
import { createFacade } from '../src/yoga.js';
import { processStats, serveParent } from './ipc.js';
import type { ServerReady } from './server-process.js';

/**
 * Our facade alone in its process, as an operator runs it: the shipped defaults and logger, only the
 * upstream and the team budget set (its log lines, one per operation at the default level, go to stdout, which the bench
 * discards). It imports nothing of Mesh, so its memory is its own. `profile` starts and stops a CPU
 * profile (bench/profile.ts). Usage: facade-process.ts <INBOX_API_URL> [FacadeOptions as JSON]
 */
export interface FacadeOptions {
  /** More configuration variables (bench/features.ts turns features on and off). */
  config?: Record<string, string>;
  /** Start OpenTelemetry as src/main.ts does (the OTEL_* variables of this process say where to). */
  tracing?: boolean;
}

const options = JSON.parse(process.argv[3] ?? '{}') as FacadeOptions;
// The upstream stub does not limit calls, and the load makes thousands a minute for one team: the team budget
// (the one setting changed) would refuse them, and the profile would be of refusals.
const config = loadConfig({
  INBOX_API_URL: process.argv[2],
  TEAM_CALLS_PER_MINUTE: '100000000',
  ...options.config,
});
// Never from the caller's OTEL_* variables alone: only a run that asks for tracing traces.
const tracing = options.tracing ? await startTracing() : undefined;
if (options.tracing && !tracing) throw new Error('tracing asked for, but no OTEL_* variable turns it on');
const facade = createFacade({ config, logger: createLogger(config.LOG_LEVEL), tracing });
const server = createServer(facade.yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

let inspector: Session | undefined;
serveParent({ url: `http://127.0.0.1:${port}/graphql` } satisfies ServerReady, {
  stats: processStats,
  /** `{ start: true }` starts profiling; `{ stopTo: path }` writes the .cpuprofile there. */
  profile: async (arg) => {
    const { start, stopTo } = arg as { start?: boolean; stopTo?: string };
    if (start) {
      inspector = new Session();
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
      await inspector.post('Profiler.start');
    } else if (stopTo && inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      writeFileSync(stopTo, JSON.stringify(profile));
      inspector.disconnect();
    }
    return true;
  },
});
