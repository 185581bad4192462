import { setPriority } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOKEN } from '../simulator/src/index.js';
import { loadConfig } from '../src/config.js';
import { type Child, type ProcessStats, startChild } from './ipc.js';
import { percentile } from './percentile.js';
import type { SimulatorReady } from './simulator-process.js';
import type { StallAttackName, StallAttackOrder, StallAttackReport } from './stalls-attacker-process.js';

/**
 * What the attacks that once stalled the event loop cost a legitimate client now, in one run: its latency
 * (median, p99, max) idle and while each attack runs, and the ratios during ÷ idle, with how each attack was
 * refused and the upstream calls made meanwhile. The facade runs as `npm start` serves it (HTTP, WebSocket,
 * the connection limits and timeouts; bench/soak-facade-process.ts) with the shipped defaults, pinned to its
 * own CPU; the attackers run in a process of their own (bench/stalls-attacker-process.ts), and the legitimate
 * client in the bench process, one request after the other.
 */
export interface StallsSettings {
  /** How long each flooding attack runs (the slow body runs until the server cuts it). */
  attackSeconds: number;
  /** The legitimate client's idle measurement before each attack. */
  idleSeconds: number;
  /** Concurrent attacking connections of the flooding attacks. */
  connections: number;
  /** The simulator's latency per call. */
  latencyMs: number;
  facadeCpu: number | undefined;
  loadCpu: number | undefined;
}

type Legitimate = 'health' | 'team';

interface StallAttack {
  name: StallAttackName;
  title: string;
  legitimate: Legitimate;
}

export const LEGITIMATE_TITLES: Record<Legitimate, string> = {
  health: '`GET /health`',
  team: '`{ team { name } }` with the demo token (warm)',
};

export const STALL_ATTACKS: readonly StallAttack[] = [
  {
    name: 'ws-ids',
    title: 'graphql-ws, no token: subscribes of `nodes(ids:)` with 30 000 ids',
    legitimate: 'health',
  },
  {
    name: 'ws-ids-token',
    title: 'graphql-ws, the demo token: the same 30 000 ids',
    legitimate: 'health',
  },
  {
    name: 'repeated-fields',
    title: 'HTTP, no token: documents of 1 200 `team { id }` in one selection set, each new',
    legitimate: 'team',
  },
  {
    name: 'distinct-fields',
    title: 'control: as large documents of 960 distinct aliased fields `a0: team { id }`, each new',
    legitimate: 'team',
  },
  {
    name: 'slow-body',
    title: 'a slow body: `Content-Length: 200`, a byte every 250 ms, until the server cuts it',
    legitimate: 'health',
  },
];

export interface Latencies {
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface StallsRun {
  attack: StallAttackName;
  legitimate: Legitimate;
  idle: Latencies;
  during: Latencies;
  /** During ÷ idle. */
  ratios: { p50: number; p99: number; max: number };
  report: StallAttackReport;
  /** Calls the simulator saw while the attack ran (the legitimate client's included). */
  upstreamCalls: number;
  /** The facade process's CPU time over the attack's wall time. */
  facadeCpuPercent: number;
  /** The facade process's CPU time during the attack (the legitimate client's requests included), per attack sent. */
  facadeCpuMsPerAttack: number;
}

export interface StallsResults {
  generatedAt: string;
  setup: StallsSettings & {
    node: string;
    cpus: number;
    pinning: string;
    command: string;
    /** The defaults the attacks run into. */
    limits: Record<string, number>;
  };
  runs: StallsRun[];
}

const here = import.meta.dirname;
const production = { NODE_ENV: 'production' };

function summarise(latencies: number[], failures: number): Latencies {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    failures,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/** The legitimate client: one request after the other, at least `minimum` of them and until `done()`. */
async function legitimateWhile(
  request: () => Promise<boolean>,
  done: () => boolean,
  minimum: number,
): Promise<Latencies> {
  const latencies: number[] = [];
  let failures = 0;
  while (latencies.length < minimum || !done()) {
    const started = performance.now();
    const ok = await request().catch(() => false);
    latencies.push(performance.now() - started);
    if (!ok) failures++;
  }
  return summarise(latencies, failures);
}

function legitimateRequest(baseUrl: string, legitimate: Legitimate): () => Promise<boolean> {
  if (legitimate === 'health') {
    return async () => {
      const response = await fetch(`${baseUrl}/health`);
      await response.arrayBuffer();
      return response.status === 200;
    };
  }
  return async () => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
      body: JSON.stringify({ query: '{ team { name } }' }),
    });
    const body = (await response.json()) as { errors?: unknown; data?: { team?: { name?: unknown } } };
    return response.ok && body.errors === undefined && typeof body.data?.team?.name === 'string';
  };
}

async function measureOne(
  attack: StallAttack,
  facade: Child<{ url: string }>,
  attacker: Child<true>,
  simulator: Child<SimulatorReady>,
  settings: StallsSettings,
): Promise<StallsRun> {
  const baseUrl = facade.ready.url;
  const request = legitimateRequest(baseUrl, attack.legitimate);
  // Warm: the first requests pay for what is loaded lazily.
  for (let index = 0; index < 20; index++) await request();
  const idleUntil = performance.now() + settings.idleSeconds * 1000;
  const idle = await legitimateWhile(request, () => performance.now() >= idleUntil, 100);

  await simulator.ask('takeCalls');
  const cpuBefore = (await facade.ask<ProcessStats>('stats')).cpuMicros;
  const started = performance.now();
  let done = false;
  const order: StallAttackOrder = {
    name: attack.name,
    baseUrl,
    durationMs: settings.attackSeconds * 1000,
    connections: settings.connections,
    token: DEMO_TOKEN,
  };
  const attacking = attacker.ask<StallAttackReport>('attack', order).finally(() => {
    done = true;
  });
  const during = await legitimateWhile(request, () => done, 20);
  const report = await attacking;
  const wallMicros = (performance.now() - started) * 1000;
  const cpuAfter = (await facade.ask<ProcessStats>('stats')).cpuMicros;
  const upstreamCalls = (await simulator.ask<string[]>('takeCalls')).length;
  return {
    attack: attack.name,
    legitimate: attack.legitimate,
    idle,
    during,
    ratios: {
      p50: during.p50Ms / idle.p50Ms,
      p99: during.p99Ms / idle.p99Ms,
      max: during.maxMs / idle.maxMs,
    },
    report,
    upstreamCalls,
    facadeCpuPercent: ((cpuAfter - cpuBefore) / wallMicros) * 100,
    facadeCpuMsPerAttack: (cpuAfter - cpuBefore) / 1000 / Math.max(1, report.sent),
  };
}

export async function runStalls(
  settings: StallsSettings,
  describe: { node: string; cpus: number; command: string },
): Promise<StallsResults> {
  const simulator = await startChild<SimulatorReady>(join(here, 'simulator-process.ts'), {
    args: [String(settings.latencyMs)],
    cpu: settings.loadCpu,
  });
  const attacker = await startChild<true>(join(here, 'stalls-attacker-process.ts'), {
    cpu: settings.loadCpu,
    env: production,
  });
  // The attackers share the legitimate client's CPU: at the lowest priority, the client is scheduled first
  // whenever it has something to do, so that its latency is the facade's, not a wait for its own CPU.
  setPriority(attacker.pid, 19);
  // The shipped defaults and logger (info: a line per operation, to stdout, discarded), served as `npm start` does.
  const facade = await startChild<{ url: string }>(join(here, 'soak-facade-process.ts'), {
    args: [simulator.ready.url],
    cpu: settings.facadeCpu,
    env: { ...production, FACADE_LOG_LEVEL: 'info' },
    stdout: 'ignore',
  });
  const defaults = loadConfig({});
  try {
    const runs: StallsRun[] = [];
    for (const attack of STALL_ATTACKS) {
      console.error(`stalls: ${attack.name}…`);
      runs.push(await measureOne(attack, facade, attacker, simulator, settings));
    }
    return {
      generatedAt: new Date().toISOString(),
      setup: {
        ...settings,
        ...describe,
        pinning:
          settings.facadeCpu === undefined
            ? 'no CPU pinning (needs taskset and 2 CPUs)'
            : `the facade in its own process pinned to CPU ${settings.facadeCpu}; the simulator, the attackers (their own process, at nice 19) and the legitimate client (bench process) on CPU ${settings.loadCpu}`,
        limits: {
          MAX_BODY_BYTES: defaults.MAX_BODY_BYTES,
          MAX_FIELDS_PER_SELECTION: defaults.MAX_FIELDS_PER_SELECTION,
          MAX_ALIASES: defaults.MAX_ALIASES,
          MAX_TOKENS: defaults.MAX_TOKENS,
          REQUEST_TIMEOUT_MS: defaults.REQUEST_TIMEOUT_MS,
          UNAUTHENTICATED_REQUESTS_PER_MINUTE: defaults.UNAUTHENTICATED_REQUESTS_PER_MINUTE,
        },
      },
      runs,
    };
  } finally {
    await facade.stop();
    await attacker.stop();
    await simulator.stop();
  }
}

const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => fixed(value, value < 10 ? 2 : 1);
const ratio = (value: number) => `${fixed(value, value < 10 ? 2 : 1)}×`;

export function renderStallsMarkdown(results: StallsResults): string {
  const { setup, runs } = results;
  const limits = Object.entries(setup.limits)
    .map(([name, value]) => `\`${name}\` ${fixed(value)}`)
    .join(', ');
  const lines = [
    '# Stalls: a legitimate client during each attack',
    '',
    `Generated ${results.generatedAt} by \`${setup.command}\`: the facade with the shipped defaults (${limits}), served as \`npm start\` serves it; each flooding attack ${setup.attackSeconds} s over ${setup.connections} connections, each from its own loopback address (fewer operations per address than \`UNAUTHENTICATED_REQUESTS_PER_MINUTE\`); the legitimate client one request after the other, ${setup.idleSeconds} s idle right before each attack, then until the attack ends; Node ${setup.node}, ${setup.cpus} CPUs, ${setup.pinning}.`,
    '',
    'Latencies in ms. Ratios: during the attack ÷ idle, of the same statistic. Upstream calls: what the simulator saw while the attack ran, the legitimate client’s included. Facade CPU: its process’s CPU time over the attack’s wall time, and per attack sent (the legitimate client’s requests included).',
    '',
    '| Attack | Legitimate client | Idle p50 / p99 / max | During p50 / p99 / max | p50 ratio | p99 ratio | max ratio | Requests idle / during |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const title = (name: StallAttackName) =>
    STALL_ATTACKS.find((attack) => attack.name === name)?.title ?? name;
  for (const run of runs) {
    lines.push(
      `| ${[
        title(run.attack),
        LEGITIMATE_TITLES[run.legitimate],
        `${ms(run.idle.p50Ms)} / ${ms(run.idle.p99Ms)} / ${ms(run.idle.maxMs)}`,
        `${ms(run.during.p50Ms)} / ${ms(run.during.p99Ms)} / ${ms(run.during.maxMs)}`,
        ratio(run.ratios.p50),
        ratio(run.ratios.p99),
        ratio(run.ratios.max),
        `${fixed(run.idle.requests)} / ${fixed(run.during.requests)}`,
      ].join(' | ')} |`,
    );
  }
  lines.push(
    '',
    '## How each attack was refused',
    '',
    '| Attack | Bytes each | Sent | Addresses | Seconds | Refusals | Upstream calls | Facade CPU | Facade CPU ms per attack |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
  );
  for (const run of runs) {
    const refusals = Object.entries(run.report.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([outcome, times]) => `${outcome} × ${fixed(times)}`)
      .join('; ');
    lines.push(
      `| ${[
        title(run.attack),
        fixed(run.report.bytes),
        fixed(run.report.sent),
        fixed(run.report.addresses),
        fixed(run.report.durationMs / 1000, 1),
        refusals,
        fixed(run.upstreamCalls),
        `${fixed(run.facadeCpuPercent)}%`,
        // The slow body's one request: the phase's CPU is the legitimate client's.
        run.attack === 'slow-body' ? '–' : fixed(run.facadeCpuMsPerAttack, 1),
      ].join(' | ')} |`,
    );
  }
  const failures = runs.filter((run) => run.idle.failures + run.during.failures > 0);
  if (failures.length > 0) lines.push('');
  for (const run of failures)
    lines.push(
      `- WARNING: ${run.attack}: the legitimate client failed ${run.idle.failures} idle and ${run.during.failures} during.`,
    );
  return `${lines.join('\n')}\n`;
}
