import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { z } from 'zod';
import { DEMO_TOKEN } from '../simulator/src/index.js';
import { runCpuScenario } from './cpu.js';
import { renderCpuMarkdown } from './cpu-report.js';
import { type FeaturesResults, renderFeaturesMarkdown, runFeatures } from './features.js';
import { type Child, cpuFor, type ProcessStats, pinSelf, processStats, startChild } from './ipc.js';
import { runLoad } from './load.js';
import { composeMeshSupergraph, type MeshVariant } from './mesh.js';
import { compareNullability } from './nullability.js';
import { type FacadeName, type Results, type Run, renderMarkdown, type ScreenCheck } from './report.js';
import { SCREEN_NAMES, type Scenario, type Step, scenarios } from './scenarios.js';
import type { ServerReady } from './server-process.js';
import type { SimulatorReady } from './simulator-process.js';
import { renderStallsMarkdown, runStalls } from './stalls.js';

/**
 * `npm run bench`: our facade against a GraphQL Mesh facade generated from the same OpenAPI file,
 * both in front of the same simulator, in one run. Writes bench/results/latest.{json,md}. Then the
 * CPU-bound scenario (bench/cpu.ts) against a zero-latency upstream stub: bench/results/cpu.{json,md}. Last,
 * what extensions.cost, compression and tracing cost the inbox page (bench/features.ts):
 * bench/results/features.{json,md}. Then a legitimate client's latency during each attack that once stalled the
 * event loop (bench/stalls.ts): bench/results/stalls.{json,md}.
 */
const settings = z
  .object({
    BENCH_LATENCY_MS: z.coerce.number().int().min(0).default(20),
    BENCH_CONNECTIONS: z.coerce.number().int().min(1).default(32),
    BENCH_DURATION_S: z.coerce.number().int().min(1).default(10),
    BENCH_WARMUP_S: z.coerce.number().int().min(0).default(2),
    /** One connection, one screen at a time: latency without queueing (the upstream round trips). */
    BENCH_UNLOADED_S: z.coerce.number().int().min(1).default(3),
    /** The CPU-bound scenario: connections, threads per inbox page, rounds of all its runs. */
    BENCH_CPU_CONNECTIONS: z.coerce.number().int().min(1).default(100),
    BENCH_CPU_THREADS: z.coerce.number().int().min(1).max(100).default(50),
    BENCH_CPU_ROUNDS: z.coerce.number().int().min(1).default(1),
    /** The features section (bench/features.ts): connections, rounds of all its runs; the page is BENCH_CPU_THREADS. */
    BENCH_FEATURES_CONNECTIONS: z.coerce.number().int().min(1).default(32),
    BENCH_FEATURES_ROUNDS: z.coerce.number().int().min(1).default(3),
    /** The stalls section (bench/stalls.ts): seconds each flooding attack runs, and its connections. */
    BENCH_STALLS_ATTACK_S: z.coerce.number().int().min(1).default(8),
    BENCH_STALLS_CONNECTIONS: z.coerce.number().int().min(1).default(4),
    /**
     * Comma-separated names (inbox,thread,prospect screens; cpu for the CPU-bound scenario; features for what
     * extensions.cost, compression and tracing cost; stalls for a legitimate client's latency during each
     * attack that once stalled the event loop) to run only those.
     */
    BENCH_ONLY: z
      .string()
      .optional()
      .transform((names) => names?.split(',').map((name) => name.trim())),
  })
  .parse(process.env);

const here = import.meta.dirname;
const cpus = availableParallelism(); // before pinning, which narrows what this process sees
const resultsDir = join(here, 'results');
const facadeCpu = cpuFor('facade');
const loadCpu = cpuFor('load');
const MB = 1024 * 1024;
const supergraphPath = (variant: MeshVariant) =>
  join(tmpdir(), `inbox-mesh-supergraph-${variant}-${process.pid}.graphql`);

const packageJson = z
  .object({
    dependencies: z.record(z.string(), z.string()),
    devDependencies: z.record(z.string(), z.string()),
  })
  .parse(JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8')));
const versions = (names: string[]) =>
  names
    .map((name) => `${name} ${packageJson.devDependencies[name] ?? packageJson.dependencies[name]}`)
    .join(', ');
const meshVersions = versions([
  '@omnigraph/openapi',
  '@graphql-mesh/compose-cli',
  '@graphql-hive/gateway-runtime',
]);
const only = (name: string) => !settings.BENCH_ONLY || settings.BENCH_ONLY.includes(name);

/** Writes a result as JSON and Markdown (formatted as the project's formatter wants) and prints it. */
function writeResults(name: string, results: unknown, markdown: string): void {
  mkdirSync(resultsDir, { recursive: true });
  const files = { json: join(resultsDir, `${name}.json`), markdown: join(resultsDir, `${name}.md`) };
  // Each screen's start and end times are for the figures, not the record (megabytes per run).
  const record = JSON.stringify(results, (key, value) => (key === 'screenSpans' ? undefined : value), 2);
  writeFileSync(files.json, `${record}\n`);
  writeFileSync(files.markdown, markdown);
  // Committed JSON passes `npm run lint` as written: the project's formatter has the last word (it leaves
  // Markdown alone).
  execFileSync('npx', ['biome', 'format', '--write', files.json], { stdio: 'ignore' });
  console.log(readFileSync(files.markdown, 'utf8'));
}

const graphqlBody = z.object({
  errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])).optional() })).optional(),
});

type ScreenOutcome = Pick<ScreenCheck, 'graphqlErrors' | 'erroredFields' | 'lostListItems' | 'failed'>;

/** List entries that came back null: entities a null-propagating error took out of the screen. */
function countNullListItems(value: unknown): number {
  if (Array.isArray(value)) {
    return value.reduce((count: number, item) => count + (item === null ? 1 : countNullListItems(item)), 0);
  }
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce((count: number, item) => count + countNullListItems(item), 0);
}

/** Requests one screen step by step, as a client would. */
async function requestScreen(url: string, steps: Step[]): Promise<ScreenOutcome> {
  let previous: unknown;
  const errors: string[] = [];
  let lostListItems = 0;
  const outcome = (failed: boolean): ScreenOutcome => ({
    graphqlErrors: errors.length,
    erroredFields: [...new Set(errors)].sort(),
    lostListItems,
    failed,
  });
  for (const step of steps) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${DEMO_TOKEN}`,
        },
        body: JSON.stringify(step(previous)),
      });
      previous = await response.json();
      lostListItems += countNullListItems(previous);
      for (const error of graphqlBody.parse(previous).errors ?? []) {
        errors.push(error.path?.filter((segment) => typeof segment === 'string').at(-1) ?? '(request)');
      }
      if (!response.ok) return outcome(true);
    } catch {
      return outcome(true);
    }
  }
  return outcome(false);
}

async function checkScreen(
  simulator: Child<SimulatorReady>,
  url: string,
  steps: Step[],
): Promise<ScreenCheck> {
  const outcome = await requestScreen(url, steps);
  const upstreamPaths = await simulator.ask<string[]>('takeCalls');
  return { ...outcome, upstreamCalls: upstreamPaths.length, upstreamPaths };
}

function startFacade(
  facade: FacadeName | 'mesh-as-generated',
  simulatorUrl: string,
  supergraphs: Record<MeshVariant, string>,
) {
  const script = join(here, 'server-process.ts');
  const args =
    facade === 'ours' || facade === 'ours-no-cache'
      ? ['ours', simulatorUrl, ...(facade === 'ours' ? [] : ['0'])]
      : ['mesh', supergraphs[facade === 'mesh' ? 'nullable-workaround' : 'as-generated']];
  // Mesh as generated logs every null it refuses; that output is the finding, not something to read.
  return startChild<ServerReady>(script, { args, cpu: facadeCpu, quiet: facade === 'mesh-as-generated' });
}

async function measure(
  facade: FacadeName,
  scenario: Scenario,
  simulator: Child<SimulatorReady>,
  supergraphs: Record<MeshVariant, string>,
): Promise<Run> {
  const steps = facade === 'mesh' ? scenario.mesh : scenario.ours;
  const server = await startFacade(facade, simulator.ready.url, supergraphs);
  try {
    const { url } = server.ready;
    const idle = await server.ask<ProcessStats>('stats');
    await simulator.ask('takeCalls');
    const cold = await checkScreen(simulator, url, steps);
    const warm = await checkScreen(simulator, url, steps);
    const load = { url, token: DEMO_TOKEN, connections: settings.BENCH_CONNECTIONS };
    const unloaded = await runLoad(steps, {
      ...load,
      connections: 1,
      durationSeconds: settings.BENCH_UNLOADED_S,
    });
    if (settings.BENCH_WARMUP_S > 0)
      await runLoad(steps, { ...load, durationSeconds: settings.BENCH_WARMUP_S });
    await simulator.ask('takeCalls');
    const loadSide = async () =>
      (await simulator.ask<ProcessStats>('stats')).cpuMicros + processStats().cpuMicros;
    const before = { facade: await server.ask<ProcessStats>('stats'), loadSide: await loadSide() };
    const result = await runLoad(steps, { ...load, durationSeconds: settings.BENCH_DURATION_S });
    const after = { facade: await server.ask<ProcessStats>('stats'), loadSide: await loadSide() };
    const cpuPercent = (micros: number) => (micros / (result.durationSeconds * 1e6)) * 100;
    // Screens still in flight when autocannon stopped finish their upstream calls first.
    await setTimeout(1000);
    const callsUnderLoad = (await simulator.ask<string[]>('takeCalls')).length;
    return {
      facade,
      scenario: scenario.name,
      httpRequestsPerScreen: steps.length,
      cold,
      warm,
      unloaded: { p50Ms: unloaded.p50Ms, p99Ms: unloaded.p99Ms },
      load: { ...result, upstreamCallsPerScreen: callsUnderLoad / Math.max(1, result.screensStarted) },
      idleRssMb: idle.rssBytes / MB,
      rssMb: after.facade.rssBytes / MB,
      maxRssMb: after.facade.maxRssBytes / MB,
      cpuPercent: cpuPercent(after.facade.cpuMicros - before.facade.cpuMicros),
      cpuMsPerScreen: (after.facade.cpuMicros - before.facade.cpuMicros) / 1000 / Math.max(1, result.screens),
      loadSideCpuPercent: cpuPercent(after.loadSide - before.loadSide),
    };
  } finally {
    await server.stop();
  }
}

function ratios(runs: Run[]): Results['ratios'] {
  return runs
    .filter((run) => run.facade !== 'mesh')
    .flatMap((run) => {
      const mesh = runs.find((other) => other.facade === 'mesh' && other.scenario === run.scenario);
      if (!mesh || run.facade === 'mesh') return [];
      return [
        {
          scenario: run.scenario,
          facade: run.facade,
          callsWarm: run.warm.upstreamCalls / mesh.warm.upstreamCalls,
          screensPerSecond: run.load.screensPerSecond / mesh.load.screensPerSecond,
          p99: run.load.p99Ms / mesh.load.p99Ms,
          cpuPerScreen: run.cpuMsPerScreen / mesh.cpuMsPerScreen,
          peakRss: run.maxRssMb / mesh.maxRssMb,
        },
      ];
    });
}

/** The screens at `BENCH_LATENCY_MS` against the simulator, ours against Mesh on Hive Gateway. */
async function runScreens(): Promise<void> {
  const simulator = await startChild<SimulatorReady>(join(here, 'simulator-process.ts'), {
    args: [String(settings.BENCH_LATENCY_MS)],
    cpu: loadCpu,
  });
  try {
    const screens = scenarios(simulator.ready.ids).filter((scenario) => only(scenario.name));
    console.error(`Composing the Mesh supergraph from src/upstream/openapi.yaml (${meshVersions})…`);
    const supergraphs = {} as Record<MeshVariant, string>;
    const supergraphSdl = {} as Record<MeshVariant, string>;
    for (const variant of ['as-generated', 'nullable-workaround'] as const) {
      supergraphSdl[variant] = await composeMeshSupergraph(simulator.ready.url, variant);
      supergraphs[variant] = supergraphPath(variant);
      writeFileSync(supergraphs[variant], supergraphSdl[variant]);
    }

    const runs: Run[] = [];
    for (const scenario of screens) {
      for (const facade of ['ours', 'ours-no-cache', 'mesh'] as const) {
        console.error(`${scenario.name}: ${facade}…`);
        runs.push(await measure(facade, scenario, simulator, supergraphs));
      }
    }

    console.error('Mesh as generated: one request per screen…');
    const asGenerated = await startFacade('mesh-as-generated', simulator.ready.url, supergraphs);
    const meshAsGenerated: Results['meshAsGenerated'] = [];
    try {
      for (const scenario of screens) {
        meshAsGenerated.push({
          scenario: scenario.name,
          ...(await checkScreen(simulator, asGenerated.ready.url, scenario.mesh)),
        });
      }
    } finally {
      await asGenerated.stop();
    }

    const results: Results = {
      generatedAt: new Date().toISOString(),
      setup: {
        latencyMs: settings.BENCH_LATENCY_MS,
        connections: settings.BENCH_CONNECTIONS,
        durationSeconds: settings.BENCH_DURATION_S,
        warmupSeconds: settings.BENCH_WARMUP_S,
        unloadedSeconds: settings.BENCH_UNLOADED_S,
        node: process.versions.node,
        cpus,
        pinning:
          facadeCpu === undefined
            ? 'no CPU pinning (needs taskset and 2 CPUs)'
            : `each facade in its own process pinned to CPU ${facadeCpu}, the simulator process and autocannon (bench process) on CPU ${loadCpu}`,
        mesh: meshVersions,
      },
      scenarios: screens.map(({ name, title, description }) => ({ name, title, description })),
      runs,
      meshAsGenerated,
      ratios: ratios(runs),
      nullability: compareNullability(supergraphSdl['as-generated'], supergraphSdl['nullable-workaround']),
    };
    writeResults('latest', results, renderMarkdown(results));
    const failing = runs.filter((run) => run.load.failures > 0 || run.cold.failed || run.warm.failed);
    for (const run of failing) console.error(`WARNING: ${run.facade} failed responses on ${run.scenario}`);
    if (failing.length > 0) process.exitCode = 1;
  } finally {
    await simulator.stop();
    for (const variant of ['as-generated', 'nullable-workaround'] as const) {
      rmSync(supergraphPath(variant), { force: true });
    }
  }
}

/** The CPU-bound scenario: zero-latency upstream stub, direct REST vs Mesh on Yoga vs ours, two token modes. */
async function runCpu(): Promise<void> {
  const results = await runCpuScenario(
    {
      threads: settings.BENCH_CPU_THREADS,
      connections: settings.BENCH_CPU_CONNECTIONS,
      durationSeconds: settings.BENCH_DURATION_S,
      // The warm-up also measures how many pages fill BENCH_DURATION_S: it cannot be skipped here.
      warmupSeconds: Math.max(1, settings.BENCH_WARMUP_S),
      unloadedSeconds: settings.BENCH_UNLOADED_S,
      unloadedLatencyMs: settings.BENCH_LATENCY_MS,
      rounds: settings.BENCH_CPU_ROUNDS,
      contenderCpu: facadeCpu,
      loadCpu,
    },
    { node: process.versions.node, cpus, mesh: versions(['@omnigraph/openapi', 'graphql-yoga']) },
  );
  writeResults('cpu', results, renderCpuMarkdown(results));
  const failing = results.runs.filter((run) => run.load.failures > 0);
  for (const run of failing)
    console.error(`WARNING: ${run.contender} (${run.tokenMode}) failed ${run.load.failures} pages`);
  if (failing.length > 0) process.exitCode = 1;
}

/** The command as run: `npm run bench` with the BENCH_* variables set. */
function benchCommand(): string {
  const set = Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_'))
    .map(([name, value]) => `${name}=${value} `)
    .sort()
    .join('');
  return `${set}npm run bench`;
}

/** What extensions.cost, compression and tracing cost the inbox page, each against none of them. */
async function runFeatureCosts(): Promise<void> {
  const results: FeaturesResults = await runFeatures(
    {
      threads: settings.BENCH_CPU_THREADS,
      connections: settings.BENCH_FEATURES_CONNECTIONS,
      durationSeconds: settings.BENCH_DURATION_S,
      // The warm-up also measures how many pages fill BENCH_DURATION_S: it cannot be skipped here.
      warmupSeconds: Math.max(1, settings.BENCH_WARMUP_S),
      rounds: settings.BENCH_FEATURES_ROUNDS,
      facadeCpu,
      loadCpu,
    },
    { node: process.versions.node, cpus, command: benchCommand() },
  );
  writeResults('features', results, renderFeaturesMarkdown(results));
  if (results.runs.some((run) => run.failures > 0)) process.exitCode = 1;
}

/** A legitimate client's latency idle and during each attack that once stalled the event loop. */
async function runStallCosts(): Promise<void> {
  const results = await runStalls(
    {
      attackSeconds: settings.BENCH_STALLS_ATTACK_S,
      idleSeconds: 2,
      connections: settings.BENCH_STALLS_CONNECTIONS,
      latencyMs: settings.BENCH_LATENCY_MS,
      facadeCpu,
      loadCpu,
    },
    { node: process.versions.node, cpus, command: benchCommand() },
  );
  writeResults('stalls', results, renderStallsMarkdown(results));
  const failing = results.runs.filter(
    (run) => run.idle.failures + run.during.failures > 0 || 'not refused' in run.report.outcomes,
  );
  for (const run of failing)
    console.error(`WARNING: ${run.attack}: a failed legitimate request, or not refused`);
  if (failing.length > 0) process.exitCode = 1;
}

pinSelf(loadCpu);
if (SCREEN_NAMES.some(only)) await runScreens();
if (only('cpu')) await runCpu();
if (only('features')) await runFeatureCosts();
if (only('stalls')) await runStallCosts();
