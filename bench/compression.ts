import { print } from 'graphql';
import { DEMO_TOKEN, startSimulator } from '../simulator/src/index.js';
import { InboxPageDocument } from '../src/client/index.js';
import { loadConfig } from '../src/config.js';
import { compressors as compressorsForBench } from '../src/edge/compression.js';
import { createLogger } from '../src/observability/logger.js';
import { createFacade } from '../src/yoga.js';

/**
 * `npx tsx bench/compression.ts`: what compressing GraphQL answers costs the facade, in process
 * (`yoga.fetch`, no socket): the inbox page query (50 threads) in a loop, one request at a time, with no
 * `Accept-Encoding`, as browsers ask (gzip, deflate, br), and gzip only; the process's CPU time (user + system,
 * simulator included) per request, and bytes per answer. Run twice: with the
 * response cache (the default: most answers come from it, so compression weighs the most) and without
 * (RESPONSE_CACHE_TTL_MS=0: every request executes, its collections cached). COMPRESSION_REQUESTS sets the
 * requests per measure (default 2000), after as many to warm up; the median of 5 rounds is printed, and
 * what the compressors alone take on that answer.
 */
const REQUESTS = Number(process.env.COMPRESSION_REQUESTS ?? 2_000);
const ROUNDS = 5;
const modes = { none: undefined, 'gzip, deflate, br': 'gzip, deflate, br', gzip: 'gzip' } as const;

const simulator = await startSimulator({ rateLimitPerMinute: 100_000_000 });
const body = JSON.stringify({ query: print(InboxPageDocument) });

for (const responseCacheMs of ['1000', '0']) {
  const config = loadConfig({
    INBOX_API_URL: simulator.url,
    LOG_LEVEL: 'silent',
    TEAM_CALLS_PER_MINUTE: '100000000',
    RESPONSE_CACHE_TTL_MS: responseCacheMs,
  });
  const facade = createFacade({ config, logger: createLogger('silent') });
  const send = async (acceptEncoding: string | undefined) => {
    const response = await facade.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${DEMO_TOKEN}`,
        ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }),
      },
      body,
    });
    const bytes = (await response.arrayBuffer()).byteLength;
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    return { bytes, encoding: response.headers.get('content-encoding') ?? 'identity' };
  };
  // Warm-up, then rounds that take the modes in turn, so that a change in the machine's load hits them alike.
  for (const acceptEncoding of Object.values(modes)) {
    for (let index = 0; index < REQUESTS; index += 1) await send(acceptEncoding);
  }
  const timings = new Map<string, number[]>();
  const answers = new Map<string, { bytes: number; encoding: string }>();
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [mode, acceptEncoding] of Object.entries(modes)) {
      const started = process.cpuUsage();
      for (let index = 0; index < REQUESTS; index += 1) answers.set(mode, await send(acceptEncoding));
      const used = process.cpuUsage(started);
      timings.set(mode, [...(timings.get(mode) ?? []), (used.user + used.system) / REQUESTS]);
    }
  }
  const rows = Object.keys(modes).map((mode) => {
    const sorted = [...(timings.get(mode) ?? [])].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const answer = answers.get(mode);
    return `| ${mode} | ${answer?.encoding} | ${answer?.bytes} | ${median.toFixed(0)} |`;
  });
  facade.close();
  console.log(
    `\nRESPONSE_CACHE_TTL_MS=${responseCacheMs}, ${REQUESTS} requests per round, median of ${ROUNDS}`,
  );
  console.log('| Accept-Encoding | answer | bytes | CPU µs/request |');
  console.log('| --- | --- | ---: | ---: |');
  for (const row of rows) console.log(row);
}
// The compressors alone, on the inbox page's answer: the part of the figures above that compression adds.
const answer = Buffer.from(JSON.stringify(await (await fetchInboxPage()).json()));
for (const [name, compress] of Object.entries(compressorsForBench)) {
  for (let index = 0; index < REQUESTS; index += 1) compress(answer);
  const started = process.cpuUsage();
  let compressed = 0;
  for (let index = 0; index < REQUESTS; index += 1) compressed = compress(answer).byteLength;
  const used = process.cpuUsage(started);
  const perCall = (used.user + used.system) / REQUESTS;
  console.log(`${name} alone: ${answer.byteLength} → ${compressed} bytes, ${perCall.toFixed(0)} µs of CPU`);
}
await simulator.close();

async function fetchInboxPage(): Promise<Response> {
  const config = loadConfig({ INBOX_API_URL: simulator.url, LOG_LEVEL: 'silent' });
  const facade = createFacade({ config, logger: createLogger('silent') });
  const response = await facade.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_TOKEN}` },
    body,
  });
  facade.close();
  return response;
}
