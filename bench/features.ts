import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DEMO_TOKEN } from '../simulator/src/index.js';
import { compressors, RecentlyCompressed } from '../src/edge/compression.js';
import { pageStep, settle } from './cpu.js';
import { median } from './cpu-report.js';
import type { FacadeOptions } from './facade-process.js';
import { type InboxPage, pageFromOurs } from './inbox-page.js';
import { type Child, type ProcessStats, processStats, startChild } from './ipc.js';
import { runLoad } from './load.js';
import type { ReceiverReady } from './otlp-receiver-process.js';
import type { ServerReady } from './server-process.js';
import type { StubCalls, StubReady } from './upstream-stub-process.js';

/**
 * What the features every answer may pay for cost the inbox page: `extensions.cost`, compression (as browsers
 * ask for it) and OpenTelemetry tracing at 100% sampling, each against a baseline without any of them, in one
 * run. The upstream is the zero-latency stub of the CPU-bound scenario, so the facade's CPU is what limits
 * pages per second; every variant runs in a fresh facade process (bench/facade-process.ts: the shipped
 * defaults and logger), once with every page executed and once with the page served by the response cache.
 */
export interface FeaturesSettings {
  threads: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  /** CPUs to pin to (undefined: no pinning). */
  facadeCpu: number | undefined;
  loadCpu: number | undefined;
}

/** What browsers send (Chrome, Firefox, Safari): brotli is chosen. */
export const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br';

export type AnswerMode = 'executed' | 'cached';
export const MODE_LABELS: Record<AnswerMode, string> = {
  executed: 'Executed (`RESPONSE_CACHE_TTL_MS=0`)',
  cached: 'From the response cache (`RESPONSE_CACHE_TTL_MS=1000`, one token)',
};

export interface Variant {
  name: 'baseline' | 'cost' | 'compression' | 'cost+compression' | 'tracing';
  title: string;
  /** COST_EXTENSION. */
  cost: boolean;
  /** The client sends BROWSER_ACCEPT_ENCODING (COMPRESS_ANSWERS is on, the default, in every variant). */
  compression: boolean;
  /** Every request traced (always_on), exported over OTLP/HTTP protobuf to a receiver in another process. */
  tracing: boolean;
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'baseline',
    title: 'baseline: `COST_EXTENSION=false`, no `Accept-Encoding`, tracing off',
    cost: false,
    compression: false,
    tracing: false,
  },
  { name: 'cost', title: '+ `extensions.cost`', cost: true, compression: false, tracing: false },
  {
    name: 'compression',
    title: `+ compression (\`Accept-Encoding: ${BROWSER_ACCEPT_ENCODING}\`)`,
    cost: false,
    compression: true,
    tracing: false,
  },
  {
    name: 'cost+compression',
    title: '+ both: the shipped defaults, as a browser asks',
    cost: true,
    compression: true,
    tracing: false,
  },
  {
    name: 'tracing',
    title: '+ tracing, 100% sampled, exported over loopback',
    cost: false,
    compression: false,
    tracing: true,
  },
];

export interface FeaturesRun {
  round: number;
  mode: AnswerMode;
  variant: Variant['name'];
  /** The checked answer: bytes on the wire and their encoding. */
  answer: { bytes: number; encoding: string; cost: boolean };
  pagesPerSecond: number;
  pages: number;
  durationSeconds: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** Stub calls per page: how many pages executed (each makes one call, its collections cached). */
  upstreamCallsPerPage: number;
  cpuMicrosPerPage: { facade: number; loadGenerator: number; stub: number; receiver: number | null };
  /** Spans the receiver got per page (tracing only). */
  spansPerPage: number | null;
  peakRssMb: number;
}

export interface FeaturesRatio {
  mode: AnswerMode;
  variant: Variant['name'];
  /** Per round, the variant over the baseline of the same round and mode. */
  pagesPerSecond: number[];
  cpuPerPage: number[];
}

/** What compressing the cached answer (`extensions.cost` included) costs, measured alone in the bench process. */
export interface CompressorTiming {
  name: string;
  bytes: number;
  compressedBytes: number;
  cpuMicros: number;
}

export interface FeaturesResults {
  generatedAt: string;
  setup: FeaturesSettings & { node: string; cpus: number; pinning: string; command: string };
  runs: FeaturesRun[];
  ratios: FeaturesRatio[];
  compressors: CompressorTiming[];
}

const MB = 1024 * 1024;
const here = import.meta.dirname;
const production = { NODE_ENV: 'production' };

async function startFacade(
  variant: Variant,
  mode: AnswerMode,
  upstreamUrl: string,
  receiverUrl: string,
  settings: FeaturesSettings,
): Promise<Child<ServerReady>> {
  const options: FacadeOptions = {
    config: {
      COST_EXTENSION: String(variant.cost),
      RESPONSE_CACHE_TTL_MS: mode === 'executed' ? '0' : '1000',
    },
    tracing: variant.tracing,
  };
  const tracingEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'always_on',
  };
  return startChild<ServerReady>(join(here, 'facade-process.ts'), {
    args: [upstreamUrl, JSON.stringify(options)],
    cpu: settings.facadeCpu,
    env: { ...production, ...(variant.tracing ? tracingEnv : {}) },
    // The operation log line (info, the default level) is written as shipped, then discarded.
    stdout: 'ignore',
  });
}

/** One page as the variant's client asks for it; checks what the variant promises. */
async function checkedPage(url: string, variant: Variant, mode: AnswerMode, threads: number) {
  const ask = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${DEMO_TOKEN}`,
        // Without it, Node's fetch would send its own `gzip, deflate`.
        'accept-encoding': variant.compression ? BROWSER_ACCEPT_ENCODING : 'identity',
      },
      body: JSON.stringify(pageStep('ours', threads)(undefined)),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      errors?: unknown;
      extensions?: { cost?: { servedFromCache: { answer: boolean } } };
    };
    if (!response.ok || body.errors)
      throw new Error(`${variant.name}: ${JSON.stringify(body).slice(0, 500)}`);
    return { response, body, text };
  };
  // The second identical request stores the answer, the third is served it.
  let answer = await ask();
  if (mode === 'cached') for (let index = 0; index < 2; index++) answer = await ask();
  const { response, body, text } = answer;
  const encoding = response.headers.get('content-encoding') ?? 'identity';
  if ((encoding !== 'identity') !== variant.compression)
    throw new Error(`${variant.name}: answered with content-encoding ${encoding}`);
  if ((body.extensions?.cost !== undefined) !== variant.cost)
    throw new Error(`${variant.name}: extensions ${JSON.stringify(body.extensions)}`);
  if (variant.cost && body.extensions?.cost?.servedFromCache.answer !== (mode === 'cached'))
    throw new Error(`${variant.name} (${mode}): ${JSON.stringify(body.extensions)}`);
  const page = pageFromOurs(body);
  if (page.rows.length !== threads) throw new Error(`${variant.name}: ${page.rows.length} rows`);
  const bytes = Number(response.headers.get('content-length') ?? Number.NaN);
  return { page, text, answer: { bytes, encoding, cost: body.extensions?.cost !== undefined } };
}

async function measureOne(
  round: number,
  mode: AnswerMode,
  variant: Variant,
  stub: Child<StubReady>,
  receiver: Child<ReceiverReady>,
  settings: FeaturesSettings,
  reference: { page?: InboxPage; answer?: string },
): Promise<FeaturesRun> {
  const facade = await startFacade(variant, mode, stub.ready.url, receiver.ready.url, settings);
  try {
    const { url } = facade.ready;
    const { page, text, answer } = await checkedPage(url, variant, mode, settings.threads);
    reference.page ??= page;
    if (variant.name === 'cost' && mode === 'cached') reference.answer = text;
    if (!isDeepStrictEqual(page, reference.page)) throw new Error(`${variant.name} shows another page`);
    const load = (durationSeconds: number, amount?: number) =>
      runLoad([pageStep('ours', settings.threads)], {
        url,
        token: DEMO_TOKEN,
        connections: settings.connections,
        durationSeconds,
        amount,
        headers: variant.compression ? { 'accept-encoding': BROWSER_ACCEPT_ENCODING } : {},
      });
    // The warm-up also tells how many pages fill the measured duration.
    const warmup = await load(settings.warmupSeconds);
    await settle(facade);
    const amount = Math.max(
      settings.connections,
      Math.round(warmup.steadyScreensPerSecond * settings.durationSeconds) || settings.connections,
    );
    await stub.ask('takeCalls');
    await receiver.ask('takeSpans');
    const cpu = async () => ({
      facade: (await facade.ask<ProcessStats>('stats')).cpuMicros,
      stub: (await stub.ask<ProcessStats>('stats')).cpuMicros,
      receiver: (await receiver.ask<ProcessStats>('stats')).cpuMicros,
      loadGenerator: processStats().cpuMicros,
    });
    const before = await cpu();
    const result = await load(settings.durationSeconds, amount);
    const after = await cpu();
    const peak = await facade.ask<ProcessStats>('stats');
    const calls = await stub.ask<StubCalls>('takeCalls');
    const spans = await receiver.ask<number>('takeSpans');
    const perPage = (process: keyof typeof before) =>
      (after[process] - before[process]) / Math.max(1, result.screens);
    return {
      round,
      mode,
      variant: variant.name,
      answer,
      pagesPerSecond: result.screensPerSecond,
      pages: result.screens,
      durationSeconds: result.durationSeconds,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      failures: result.failures,
      upstreamCallsPerPage: calls.total / Math.max(1, result.screensStarted),
      cpuMicrosPerPage: {
        facade: perPage('facade'),
        loadGenerator: perPage('loadGenerator'),
        stub: perPage('stub'),
        receiver: variant.tracing ? perPage('receiver') : null,
      },
      spansPerPage: variant.tracing ? spans / Math.max(1, result.screens) : null,
      peakRssMb: peak.maxRssBytes / MB,
    };
  } finally {
    await facade.stop();
  }
}

function ratios(runs: FeaturesRun[]): FeaturesRatio[] {
  return (['executed', 'cached'] as const).flatMap((mode) =>
    VARIANTS.filter((variant) => variant.name !== 'baseline').map((variant) => {
      const pairs = runs
        .filter((run) => run.mode === mode && run.variant === variant.name)
        .flatMap((run) => {
          const base = runs.find(
            (other) => other.mode === mode && other.round === run.round && other.variant === 'baseline',
          );
          return base ? [{ run, base }] : [];
        });
      return {
        mode,
        variant: variant.name,
        pagesPerSecond: pairs.map(({ run, base }) => run.pagesPerSecond / base.pagesPerSecond),
        cpuPerPage: pairs.map(({ run, base }) => run.cpuMicrosPerPage.facade / base.cpuMicrosPerPage.facade),
      };
    }),
  );
}

/**
 * The compressors of src/edge/compression.ts alone on the answer, and a repeat of it answered by
 * RecentlyCompressed (one whole-answer comparison): the floor of what compressing costs when the answer
 * changed, and what it costs when it did not.
 */
function timeCompressors(answer: Buffer): CompressorTiming[] {
  const recent = new RecentlyCompressed();
  const again = Buffer.from(answer);
  const timed = (name: string, compress: (plain: Buffer) => Buffer): CompressorTiming => {
    const calls = 2_000;
    let compressedBytes = 0;
    for (let call = 0; call < calls / 4; call++) compress(answer);
    const started = process.cpuUsage();
    for (let call = 0; call < calls; call++) compressedBytes = compress(answer).byteLength;
    const spent = process.cpuUsage(started);
    return {
      name,
      bytes: answer.byteLength,
      compressedBytes,
      cpuMicros: (spent.user + spent.system) / calls,
    };
  };
  return [
    timed('brotli, quality 1', compressors.br),
    timed('gzip, level 1', compressors.gzip),
    // Another buffer of the same bytes, as each response brings its own: one comparison, then the reuse.
    timed('brotli, the same bytes again (RecentlyCompressed)', () => recent.compress('br', again)),
  ];
}

export async function runFeatures(
  settings: FeaturesSettings,
  describe: { node: string; cpus: number; command: string },
): Promise<FeaturesResults> {
  const stub = await startChild<StubReady>(join(here, 'upstream-stub-process.ts'), {
    cpu: settings.loadCpu,
    env: production,
  });
  const receiver = await startChild<ReceiverReady>(join(here, 'otlp-receiver-process.ts'), {
    cpu: settings.loadCpu,
    env: production,
  });
  try {
    const runs: FeaturesRun[] = [];
    const reference: { page?: InboxPage; answer?: string } = {};
    for (let round = 1; round <= settings.rounds; round++) {
      // Every other round in reverse, so that a drift of the machine's speed favours no variant.
      const order = round % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
      for (const mode of ['executed', 'cached'] as const) {
        for (const variant of order) {
          console.error(`features (round ${round}/${settings.rounds}): ${mode}, ${variant.name}…`);
          runs.push(await measureOne(round, mode, variant, stub, receiver, settings, reference));
        }
      }
    }
    return {
      generatedAt: new Date().toISOString(),
      setup: {
        ...settings,
        ...describe,
        pinning:
          settings.facadeCpu === undefined
            ? 'no CPU pinning (needs taskset and 2 CPUs)'
            : `each facade in its own process pinned to CPU ${settings.facadeCpu}; the upstream stub, the OTLP receiver and the load generator (bench process) on CPU ${settings.loadCpu}`,
      },
      runs,
      ratios: ratios(runs),
      compressors: reference.answer === undefined ? [] : timeCompressors(Buffer.from(reference.answer)),
    };
  } finally {
    await receiver.stop();
    await stub.stop();
  }
}

const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** The median, with the range in brackets when there are several values. */
const spread = (values: number[], digits = 0, suffix = '') => {
  if (values.length === 0) return '–';
  const middle = `${fixed(median(values), digits)}${suffix}`;
  if (values.length === 1) return middle;
  return `${middle} [${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)}]`;
};

export function renderFeaturesMarkdown(results: FeaturesResults): string {
  const { setup, runs } = results;
  const lines = [
    '# Features: what each costs the inbox page',
    '',
    `Generated ${results.generatedAt} by \`${setup.command}\`: the inbox page (${setup.threads} threads), zero upstream latency, ${setup.connections} connections, ${setup.durationSeconds} s measured after ${setup.warmupSeconds} s of warm-up, ${setup.rounds} round(s); Node ${setup.node}, ${setup.cpus} CPUs, ${setup.pinning}.`,
    '',
    'Cells: the median over the rounds, the range in brackets. CPU: the facade process’s user + system time per page. Ratios: the variant over the baseline of the same round.',
  ];
  for (const mode of ['executed', 'cached'] as const) {
    lines.push(
      '',
      `## ${MODE_LABELS[mode]}`,
      '',
      '| Variant | Pages/s | Facade CPU µs/page | Pages/s ÷ baseline | CPU ÷ baseline | Answer bytes | p99 ms | Upstream calls/page | Load generator CPU µs/page |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const variant of VARIANTS) {
      const mine = runs.filter((run) => run.mode === mode && run.variant === variant.name);
      if (mine.length === 0) continue;
      const ratio = results.ratios.find((entry) => entry.mode === mode && entry.variant === variant.name);
      const [first] = mine;
      const spans = mine.flatMap((run) => (run.spansPerPage === null ? [] : [run.spansPerPage]));
      const title = spans.length > 0 ? `${variant.title} (${spread(spans, 1)} spans/page)` : variant.title;
      lines.push(
        `| ${[
          title,
          spread(mine.map((run) => run.pagesPerSecond)),
          spread(mine.map((run) => run.cpuMicrosPerPage.facade)),
          ratio ? spread(ratio.pagesPerSecond, 2) : '1',
          ratio ? spread(ratio.cpuPerPage, 2) : '1',
          first ? `${fixed(first.answer.bytes)} (${first.answer.encoding})` : '–',
          spread(
            mine.map((run) => run.p99Ms),
            1,
          ),
          spread(
            mine.map((run) => run.upstreamCallsPerPage),
            3,
          ),
          spread(mine.map((run) => run.cpuMicrosPerPage.loadGenerator)),
        ].join(' | ')} |`,
      );
    }
  }
  const baseline = (mode: AnswerMode) =>
    runs.filter((run) => run.mode === mode && run.variant === 'baseline').map((run) => run.pagesPerSecond);
  lines.push('', '## Noise', '');
  for (const mode of ['executed', 'cached'] as const) {
    const values = baseline(mode);
    if (values.length < 2) continue;
    lines.push(
      `- ${mode}: the baseline's pages/s moved by ${fixed((Math.max(...values) / Math.min(...values) - 1) * 100)}% between rounds.`,
    );
  }
  if (results.compressors.length > 0) {
    lines.push(
      '',
      '## Compressors alone',
      '',
      'On the cached answer with `extensions.cost`, in the bench process:',
      '',
      '| Compressor | Bytes | Compressed | CPU µs |',
      '| --- | ---: | ---: | ---: |',
      ...results.compressors.map(
        (entry) =>
          `| ${entry.name} | ${fixed(entry.bytes)} | ${fixed(entry.compressedBytes)} | ${fixed(entry.cpuMicros)} |`,
      ),
    );
  }
  const failures = runs.filter((run) => run.failures > 0);
  for (const run of failures)
    lines.push(`- WARNING: ${run.variant} (${run.mode}, round ${run.round}): ${run.failures} failed pages.`);
  return `${lines.join('\n')}\n`;
}
