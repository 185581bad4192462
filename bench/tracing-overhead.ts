import { pathToFileURL } from 'node:url';

/**
 * What tracing costs per request: the inbox page (20 threads, warm: one upstream call) through
 * `facade.yoga.fetch` in this process, against the simulator over loopback HTTP, one request at a time.
 *
 *   npx tsx bench/tracing-overhead.ts off   # no OTEL_* variable: the default
 *   npx tsx bench/tracing-overhead.ts on    # every request traced (always_on) to an in-process OTLP receiver
 *   FACADE_ROOT=/path/to/other/checkout npx tsx bench/tracing-overhead.ts off   # another version, same load
 *
 * Prints one JSON line: µs per request (wall clock) and CPU µs per request (this process: the facade, the
 * simulator and, when on, the exporter and the receiver). Run each mode in its own process, several rounds,
 * alternating: the machine's load moves the figures more than the difference looked for.
 */
const mode = process.argv[2] === 'on' ? 'on' : 'off';
const root = new URL(`${process.env.FACADE_ROOT ?? new URL('..', import.meta.url).pathname}/`, 'file:///');
const requests = Number(process.env.REQUESTS ?? 2_000);
const warmup = Number(process.env.WARMUP ?? 500);

const load = (path: string) => import(pathToFileURL(new URL(path, root).pathname).href);
const { loadConfig } = await load('src/config.ts');
const { createLogger } = await load('src/observability/logger.ts');
const { createFacade } = await load('src/yoga.ts');
const { DEMO_TOKEN, startSimulator } = await load('simulator/src/index.ts');

const simulator = await startSimulator({ rateLimitPerMinute: 100_000_000 });
let receiver: { url: string; spans(): unknown[]; close(): Promise<void> } | undefined;
let tracing: { plugins: unknown[]; shutdown(): Promise<void> } | undefined;
if (mode === 'on') {
  const { startOtlpReceiver } = await import('../scripts/otlp-receiver.js');
  receiver = await startOtlpReceiver();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_TRACES_SAMPLER = 'always_on';
  const { startTracing } = await load('src/observability/tracing.ts');
  tracing = await startTracing();
  if (!tracing) throw new Error('tracing did not start');
}
const config = loadConfig({
  INBOX_API_URL: simulator.url,
  RESPONSE_CACHE_TTL_MS: '0',
  TEAM_CALLS_PER_MINUTE: '100000000',
  LOG_LEVEL: 'warn',
});
const facade = createFacade({ config, logger: createLogger('warn'), tracing });

const query = `query InboxPage {
  team { name }
  threads(first: 20) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id done isRequest lastMessageAt
      lastMessage { content createdAt direction sentBy { name } }
      accountLink { username imageUrl }
      assignee { name imageUrl }
      prospect { displayName username imageUrl status { name color } tags { name color } }
    } }
  }
}`;
const page = async () => {
  const response: Response = await facade.yoga.fetch('http://facade/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
};

for (let index = 0; index < warmup; index++) await page();
const cpuBefore = process.cpuUsage();
const started = performance.now();
for (let index = 0; index < requests; index++) await page();
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await tracing?.shutdown();
console.log(
  JSON.stringify({
    mode,
    root: root.pathname,
    requests,
    usPerRequest: Math.round((elapsedMs * 1000) / requests),
    cpuUsPerRequest: Math.round((cpu.user + cpu.system) / requests),
    spansExported: receiver?.spans().length,
  }),
);
facade.close();
await receiver?.close();
await simulator.close();
process.exit(0);
