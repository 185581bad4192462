import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { DEMO_TOKEN } from '../simulator/src/index.js';
import {
  type Contender,
  type CpuResults,
  type CpuRun,
  median,
  type TokenMode,
  type Unloaded,
} from './cpu-report.js';
import { pagesOverUpstream } from './critical-path.js';
import {
  type InboxPage,
  joinInboxPage,
  pageFromMesh,
  pageFromOurs,
  type RestInboxParts,
} from './inbox-page.js';
import { type Child, type ProcessStats, processStats, startChild } from './ipc.js';
import { type LoadResult, runLoad } from './load.js';
import { specFor } from './mesh.js';
import type { RestRunOptions, RestRunResult } from './rest-client-process.js';
import { inboxPage, type Step } from './scenarios.js';
import type { ServerReady } from './server-process.js';
import type { StubCalls, StubReady } from './upstream-stub-process.js';

/**
 * The CPU-bound scenario: with a zero-latency upstream, the GraphQL layer (not the network) is what limits
 * pages per second. Compares, in one run, a client calling REST directly, the lightest Mesh deployment
 * (its generated schema served by Yoga) and our facade, with one token repeated and with a new token on
 * every request, and records the CPU each process spends per page.
 */
export interface CpuSettings {
  threads: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  unloadedSeconds: number;
  unloadedLatencyMs: number;
  rounds: number;
  /** CPUs to pin to (undefined: no pinning). */
  contenderCpu: number | undefined;
  loadCpu: number | undefined;
}

const MB = 1024 * 1024;
const here = import.meta.dirname;
/** Children run as in production: some libraries (graphql-js among them) skip development checks then. */
const production = { NODE_ENV: 'production' };
const sequence: Array<{ contender: Contender; tokenMode: TokenMode }> = [
  { contender: 'rest', tokenMode: 'one-token' },
  { contender: 'mesh', tokenMode: 'one-token' },
  { contender: 'ours', tokenMode: 'one-token' },
  { contender: 'mesh', tokenMode: 'new-token' },
  { contender: 'ours', tokenMode: 'new-token' },
];

/** The same load, whoever drives it: autocannon for a GraphQL server, the client itself for REST. */
interface Driver {
  child: Child<ServerReady>;
  /** Requests one page with the mode's token and returns what it shows; throws on errors. */
  page(): Promise<InboxPage>;
  /** `amount`: exactly that many pages, every one finished (see LoadOptions.amount). */
  load(connections: number, durationSeconds: number, amount?: number): Promise<LoadResult>;
}

/** The inbox page's one request, as Mesh's users or ours write it. */
export function pageStep(schema: 'mesh' | 'ours', threads: number): Step {
  const [step] = inboxPage(threads, 'inbox-cpu')[schema];
  if (!step) throw new Error('the inbox screen has no request');
  return step;
}

async function graphqlPage(url: string, step: Step, token: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(step(undefined)),
  });
  const body = (await response.json()) as { errors?: unknown };
  if (!response.ok || body.errors)
    throw new Error(`${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

async function startDriver(
  contender: Contender,
  tokenMode: TokenMode,
  upstreamUrl: string,
  settings: CpuSettings,
  meshSpecPath: string,
): Promise<Driver> {
  const options = { cpu: settings.contenderCpu, env: production };
  const newToken = tokenMode === 'new-token';
  const token = () => (newToken ? `bench-${randomUUID()}` : DEMO_TOKEN);
  if (contender === 'rest') {
    const child = await startChild<ServerReady>(join(here, 'rest-client-process.ts'), {
      ...options,
      args: [upstreamUrl, String(settings.threads)],
    });
    const run = (connections: number, durationSeconds: number, pages?: number) =>
      child.ask<RestRunResult>('run', {
        connections,
        durationSeconds,
        pages,
        token: token(),
      } satisfies RestRunOptions);
    return {
      child,
      page: async () => {
        const { sample, failures } = await run(1, 0);
        if (!sample || failures > 0) throw new Error('direct REST could not build the page');
        return sample;
      },
      load: async (connections, durationSeconds, amount) => {
        const result = await run(connections, durationSeconds, amount);
        return {
          screensPerSecond: result.pages / result.durationSeconds,
          steadyScreensPerSecond: result.steadyPagesPerSecond,
          requestsPerSecond: (result.pages * 6) / result.durationSeconds,
          p50Ms: result.p50Ms,
          p99Ms: result.p99Ms,
          durationSeconds: result.durationSeconds,
          screens: result.pages,
          screensStarted: result.pagesStarted,
          failures: result.failures,
          screenSpans: result.pageSpans,
        };
      },
    };
  }
  const step = pageStep(contender === 'mesh' ? 'mesh' : 'ours', settings.threads);
  const child =
    contender === 'mesh'
      ? await startChild<ServerReady>(join(here, 'mesh-yoga-process.ts'), {
          ...options,
          args: [meshSpecPath, upstreamUrl],
        })
      : await startChild<ServerReady>(join(here, 'facade-process.ts'), {
          ...options,
          args: [upstreamUrl],
          // The operation log line (info, the default level) is written as shipped, then discarded.
          stdout: 'ignore',
        });
  const { url } = child.ready;
  return {
    child,
    page: async () => {
      const body = await graphqlPage(url, step, token());
      return contender === 'mesh' ? pageFromMesh(body) : pageFromOurs(body);
    },
    load: (connections, durationSeconds, amount) =>
      runLoad([step], {
        url,
        token: DEMO_TOKEN,
        connections,
        durationSeconds,
        amount,
        newTokenPerRequest: newToken,
      }),
  };
}

/**
 * Waits until a process has stopped working (under 5% of a core over 200 ms): autocannon stops a timed
 * run with requests in flight, and the server finishes them after it has gone.
 */
export async function settle(child: Child<unknown>): Promise<void> {
  const deadline = performance.now() + 15_000;
  let last = (await child.ask<ProcessStats>('stats')).cpuMicros;
  while (performance.now() < deadline) {
    await setTimeout(200);
    const now = (await child.ask<ProcessStats>('stats')).cpuMicros;
    if (now - last < 10_000) return;
    last = now;
  }
}

/** The page as the REST API serves it, joined in this process: what every contender must show. */
async function referencePage(upstreamUrl: string, threads: number): Promise<InboxPage> {
  const get = async (path: string) =>
    (await fetch(`${upstreamUrl}${path}`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } })).json();
  const [team, members, accountLinks, tags, statuses, page] = await Promise.all(
    ['/team', '/members', '/account-links', '/tags', '/statuses', `/threads?limit=${threads}`].map(get),
  );
  return joinInboxPage({
    team,
    members,
    accountLinks,
    tags,
    statuses,
    threads: (page as { threads: RestInboxParts['threads'] }).threads,
  } as RestInboxParts);
}

async function measureOne(
  round: number,
  contender: Contender,
  tokenMode: TokenMode,
  stub: Child<StubReady>,
  reference: InboxPage,
  settings: CpuSettings,
  meshSpecPath: string,
): Promise<CpuRun> {
  const driver = await startDriver(contender, tokenMode, stub.ready.url, settings, meshSpecPath);
  try {
    const idle = await driver.child.ask<ProcessStats>('stats');
    await stub.ask('takeCalls');
    const shown = await driver.page();
    if (!isDeepStrictEqual(shown, reference)) {
      throw new Error(
        `${contender} shows another page than the REST API serves: ${JSON.stringify(shown).slice(0, 500)}`,
      );
    }
    const firstPage = await stub.ask<StubCalls>('takeCalls');
    // The warm-up also tells how many pages fill the measured duration.
    const warmup = await driver.load(settings.connections, settings.warmupSeconds);
    await settle(driver.child);
    const amount = Math.max(
      settings.connections,
      Math.round(warmup.steadyScreensPerSecond * settings.durationSeconds) || settings.connections,
    );

    await stub.ask('takeCalls');
    const cpu = async () => ({
      contender: (await driver.child.ask<ProcessStats>('stats')).cpuMicros,
      stub: (await stub.ask<ProcessStats>('stats')).cpuMicros,
      loadGenerator: processStats().cpuMicros,
    });
    const before = await cpu();
    // A fixed number of pages, each one finished: CPU, pages and upstream calls cover the same pages.
    const load = await driver.load(settings.connections, settings.durationSeconds, amount);
    const after = await cpu();
    const peak = await driver.child.ask<ProcessStats>('stats');
    const loadCalls = await stub.ask<StubCalls>('takeCalls');
    const spent = (process: keyof typeof before) => after[process] - before[process];
    const perPage = (micros: number) => micros / Math.max(1, load.screens);
    const percent = (micros: number) => (micros / (load.durationSeconds * 1e6)) * 100;
    const generatesLoad = contender !== 'rest';

    await stub.ask('setLatency', settings.unloadedLatencyMs);
    const unloaded = await measureUnloaded(driver, stub, settings);
    const floor =
      contender === 'ours'
        ? await measureFloor(
            stub,
            tokenMode,
            await rawPage(driver.child.ready.url, tokenMode, settings),
            settings,
          )
        : undefined;
    await stub.ask('setLatency', 0);

    return {
      round,
      contender,
      tokenMode,
      firstPageUpstreamCalls: firstPage.total,
      firstPagePaths: Object.keys(firstPage.byPath).sort(),
      load: {
        pagesPerSecond: load.screensPerSecond,
        pages: load.screens,
        durationSeconds: load.durationSeconds,
        p50Ms: load.p50Ms,
        p99Ms: load.p99Ms,
        failures: load.failures,
        upstreamCallsPerPage: loadCalls.total / Math.max(1, load.screensStarted),
        recordedDuringLoad: loadCalls.recorded,
      },
      cpuMicrosPerPage: {
        contender: perPage(spent('contender')),
        stub: perPage(spent('stub')),
        loadGenerator: generatesLoad ? perPage(spent('loadGenerator')) : null,
      },
      cpuPercent: {
        contender: percent(spent('contender')),
        stub: percent(spent('stub')),
        loadGenerator: generatesLoad ? percent(spent('loadGenerator')) : null,
      },
      idleRssMb: idle.rssBytes / MB,
      peakRssMb: peak.maxRssBytes / MB,
      unloaded: floor ? { ...unloaded, floor } : unloaded,
    };
  } finally {
    await driver.child.stop();
  }
}

/** One connection against the slowed stub: what each page adds to its own upstream critical path. */
async function measureUnloaded(
  driver: Pick<Driver, 'child' | 'load'>,
  stub: Child<StubReady>,
  settings: CpuSettings,
): Promise<Unloaded> {
  await driver.load(1, 1); // new sockets and the slower rhythm settle before measuring
  await settle(driver.child);
  await stub.ask('takeCalls');
  const load = await driver.load(1, settings.unloadedSeconds);
  await settle(driver.child);
  const calls = await stub.ask<StubCalls>('takeCalls');
  const pages = [...load.screenSpans].sort((a, b) => a[0] - b[0]);
  const { overheadMs, upstreamMs } = pagesOverUpstream(pages, calls.busySpans);
  return {
    p50Ms: load.p50Ms,
    upstreamCallsPerPage: calls.total / Math.max(1, load.screensStarted),
    upstreamMsPerPage: calls.busyMs / Math.max(1, load.screensStarted),
    upstreamP50Ms: median(upstreamMs),
    overheadMs: median(overheadMs),
  };
}

/** Our answer to the page, as bytes, for the pass-through floor to send. */
async function rawPage(url: string, tokenMode: TokenMode, settings: CpuSettings): Promise<string> {
  const step = pageStep('ours', settings.threads);
  const token = tokenMode === 'new-token' ? `bench-${randomUUID()}` : DEMO_TOKEN;
  return JSON.stringify(await graphqlPage(url, step, token));
}

/** The pass-through floor (bench/passthrough-process.ts) in the same mode, measured as the contenders are. */
async function measureFloor(
  stub: Child<StubReady>,
  tokenMode: TokenMode,
  answer: string,
  settings: CpuSettings,
): Promise<Unloaded> {
  const child = await startChild<ServerReady>(join(here, 'passthrough-process.ts'), {
    cpu: settings.contenderCpu,
    env: production,
    args: [stub.ready.url, tokenMode],
  });
  try {
    await child.ask('setAnswer', answer);
    const step = pageStep('ours', settings.threads);
    return await measureUnloaded(
      {
        child,
        load: (connections, durationSeconds) =>
          runLoad([step], {
            url: child.ready.url,
            token: DEMO_TOKEN,
            connections,
            durationSeconds,
            newTokenPerRequest: tokenMode === 'new-token',
          }),
      },
      stub,
      settings,
    );
  } finally {
    await child.stop();
  }
}

function ratios(runs: CpuRun[], round: number): CpuResults['ratios'] {
  const find = (contender: Contender, tokenMode: TokenMode) =>
    runs.find((run) => run.round === round && run.contender === contender && run.tokenMode === tokenMode);
  const rest = find('rest', 'one-token');
  return (['one-token', 'new-token'] as const).flatMap((tokenMode) => {
    const ours = find('ours', tokenMode);
    const mesh = find('mesh', tokenMode);
    if (!ours || !mesh || !rest) return [];
    return [
      {
        round,
        tokenMode,
        oursOverMeshPagesPerSecond: ours.load.pagesPerSecond / mesh.load.pagesPerSecond,
        oursOverRestPagesPerSecond: ours.load.pagesPerSecond / rest.load.pagesPerSecond,
        oursOverMeshCpuPerPage: ours.cpuMicrosPerPage.contender / mesh.cpuMicrosPerPage.contender,
        oursOverMeshPeakRss: ours.peakRssMb / mesh.peakRssMb,
      },
    ];
  });
}

export async function runCpuScenario(
  settings: CpuSettings,
  describe: { node: string; cpus: number; mesh: string },
): Promise<CpuResults> {
  const stub = await startChild<StubReady>(join(here, 'upstream-stub-process.ts'), {
    cpu: settings.loadCpu,
    env: production,
  });
  const meshSpec = specFor('nullable-workaround');
  try {
    const reference = await referencePage(stub.ready.url, settings.threads);
    if (reference.rows.length !== settings.threads)
      throw new Error(`the seed has fewer than ${settings.threads} threads`);
    const runs: CpuRun[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      for (const { contender, tokenMode } of sequence) {
        console.error(`cpu (round ${round}/${settings.rounds}): ${contender}, ${tokenMode}…`);
        runs.push(await measureOne(round, contender, tokenMode, stub, reference, settings, meshSpec.path));
      }
    }
    return {
      generatedAt: new Date().toISOString(),
      setup: {
        threads: settings.threads,
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        warmupSeconds: settings.warmupSeconds,
        unloadedSeconds: settings.unloadedSeconds,
        unloadedLatencyMs: settings.unloadedLatencyMs,
        rounds: settings.rounds,
        ...describe,
        pinning:
          settings.contenderCpu === undefined
            ? 'no CPU pinning (needs taskset and 2 CPUs)'
            : `each contender in its own process pinned to CPU ${settings.contenderCpu}, the upstream stub and the load generator (bench process) on CPU ${settings.loadCpu}`,
      },
      runs,
      ratios: Array.from({ length: settings.rounds }, (_, index) => ratios(runs, index + 1)).flat(),
    };
  } finally {
    meshSpec.dispose();
    await stub.stop();
  }
}
