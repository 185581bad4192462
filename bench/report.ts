import type { LoadResult } from './load.js';
import type { EntityNullability, Mismatches } from './nullability.js';

export type FacadeName = 'ours' | 'ours-no-cache' | 'mesh';

export const FACADE_LABELS: Record<FacadeName | 'mesh-as-generated', string> = {
  ours: 'ours',
  'ours-no-cache': 'ours, cache off',
  mesh: 'Mesh',
  'mesh-as-generated': 'Mesh as generated',
};

/** One screen requested once, as a client would: GraphQL errors counted, failed steps noted. */
export interface ScreenCheck {
  upstreamCalls: number;
  upstreamPaths: string[];
  graphqlErrors: number;
  /** The fields the errors point at (last named segment of each error path). */
  erroredFields: string[];
  /** List entries that came back null (a thread, a message… lost to an error). */
  lostListItems: number;
  /** A step got no usable answer (non-200, or the waterfall could not go on). */
  failed: boolean;
}

export interface Run {
  facade: FacadeName;
  scenario: string;
  httpRequestsPerScreen: number;
  cold: ScreenCheck;
  warm: ScreenCheck;
  /** One connection: the screen's latency without queueing. */
  unloaded: { p50Ms: number; p99Ms: number };
  load: LoadResult & { upstreamCallsPerScreen: number };
  /** Right after start, before any request. */
  idleRssMb: number;
  /** After the measured load. */
  rssMb: number;
  maxRssMb: number;
  /** Facade CPU time during the measured load, as a share of one core. */
  cpuPercent: number;
  /** Facade CPU time per completed screen: the cost of a screen, least sensitive to a noisy machine. */
  cpuMsPerScreen: number;
  /** Simulator + load generator CPU time during the load (near 100% pinned: the load side limits). */
  loadSideCpuPercent: number;
}

export interface Results {
  generatedAt: string;
  setup: {
    latencyMs: number;
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    unloadedSeconds: number;
    node: string;
    cpus: number;
    pinning: string;
    mesh: string;
  };
  scenarios: Array<{ name: string; title: string; description: string }>;
  runs: Run[];
  meshAsGenerated: Array<{ scenario: string } & ScreenCheck>;
  ratios: Array<{
    scenario: string;
    facade: Exclude<FacadeName, 'mesh'>;
    callsWarm: number;
    screensPerSecond: number;
    p99: number;
    cpuPerScreen: number;
    peakRss: number;
  }>;
  nullability: EntityNullability[];
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];

function counts(mismatches: Mismatches, withMissing = false): string {
  const base = `${mismatches.unsafe.length} / ${mismatches.looser.length}`;
  return withMissing ? `${base} / ${mismatches.missing.length}` : base;
}

function sum(entities: EntityNullability[], pick: (entity: EntityNullability) => Mismatches): Mismatches {
  return {
    unsafe: entities.flatMap((entity) => pick(entity).unsafe),
    looser: entities.flatMap((entity) => pick(entity).looser),
    missing: entities.flatMap((entity) => pick(entity).missing),
  };
}

export function renderMarkdown(results: Results): string {
  const { setup } = results;
  const title = (name: string) => results.scenarios.find((scenario) => scenario.name === name)?.title ?? name;
  const lines = [
    `Simulated upstream latency ${setup.latencyMs} ms per call; ${setup.connections} connections for ` +
      `${setup.durationSeconds} s per screen and facade after a ${setup.warmupSeconds} s warm-up ` +
      `(unloaded latency: 1 connection for ${setup.unloadedSeconds} s); ` +
      `${setup.pinning}; Node ${setup.node}, ${setup.cpus} CPUs; ${setup.mesh}.`,
    '',
    ...results.scenarios.map((scenario) => `- **${scenario.title}**: ${scenario.description}.`),
    '',
    '**Per screen.** Upstream calls for one screen on a fresh process (cold) and right after (warm); ' +
      'latency covers the whole screen (every request of a client waterfall); unloaded p50 is one screen ' +
      'at a time (the upstream round trips in sequence), p50/p99 are under the load.',
    '',
    ...header([
      'Screen',
      'Facade',
      'Upstream calls cold / warm / under load',
      'HTTP requests',
      'Unloaded p50 ms',
      'Screens/s',
      'p50 ms',
      'p99 ms',
      'RSS MB idle → after load (peak)',
      'Facade CPU ms/screen',
      'CPU facade / sim+load',
      'Failed',
    ]),
    ...results.runs.map((run) =>
      row([
        title(run.scenario),
        FACADE_LABELS[run.facade],
        `${run.cold.upstreamCalls} / ${run.warm.upstreamCalls} / ${fixed(run.load.upstreamCallsPerScreen, 1)}`,
        run.httpRequestsPerScreen,
        fixed(run.unloaded.p50Ms, 1),
        fixed(run.load.screensPerSecond),
        fixed(run.load.p50Ms, 1),
        fixed(run.load.p99Ms, 1),
        `${fixed(run.idleRssMb)} → ${fixed(run.rssMb)} (${fixed(run.maxRssMb)})`,
        fixed(run.cpuMsPerScreen, 2),
        `${fixed(run.cpuPercent)}% / ${fixed(run.loadSideCpuPercent)}%`,
        run.load.failures +
          [run.cold, run.warm].filter((check) => check.failed || check.graphqlErrors > 0).length,
      ]),
    ),
    '',
    '**Ratios, ours / Mesh** (calls, p99, CPU and RSS: lower is better; screens/s: higher is better).',
    '',
    ...header([
      'Screen',
      'Facade',
      'Upstream calls (warm)',
      'Screens/s',
      'p99',
      'CPU per screen',
      'Peak RSS',
    ]),
    ...results.ratios.map((entry) =>
      row([
        title(entry.scenario),
        FACADE_LABELS[entry.facade],
        ratio(entry.callsWarm),
        ratio(entry.screensPerSecond),
        ratio(entry.p99),
        ratio(entry.cpuPerScreen),
        ratio(entry.peakRss),
      ]),
    ),
    '',
    '**Mesh as generated** (without the nullable workaround), each screen requested once:',
    '',
    ...header([
      'Screen',
      'GraphQL errors',
      'Fields that errored',
      'List items lost (null)',
      'Screen completed',
    ]),
    ...results.meshAsGenerated.map((check) =>
      row([
        title(check.scenario),
        check.graphqlErrors,
        check.erroredFields.join(', ') || '-',
        check.lostListItems,
        check.failed ? 'no' : 'yes',
      ]),
    ),
    '',
    '**Nullability against the REST contract**: unsafe = nullable in REST but non-null in GraphQL ' +
      '(a null errors the field and nulls its parent); looser = guaranteed in REST but nullable in GraphQL; ' +
      'not exposed = REST field with no counterpart in our schema.',
    '',
    ...header([
      'Entity',
      'REST fields',
      'Mesh as generated: unsafe / looser',
      'Mesh + workaround: unsafe / looser',
      'ours: unsafe / looser / not exposed',
    ]),
    ...results.nullability.map((entity) =>
      row([
        entity.entity,
        entity.restFields,
        counts(entity.mesh),
        counts(entity.meshWorkaround),
        counts(entity.ours, true),
      ]),
    ),
  ];
  const total = (pick: (entity: EntityNullability) => Mismatches) => sum(results.nullability, pick);
  const restTotal = results.nullability.reduce((count, entity) => count + entity.restFields, 0);
  lines.push(
    row([
      '**Total**',
      restTotal,
      counts(total((entity) => entity.mesh)),
      counts(total((entity) => entity.meshWorkaround)),
      counts(
        total((entity) => entity.ours),
        true,
      ),
    ]),
    '',
    `Unsafe in Mesh even with the workaround: ${total((entity) => entity.meshWorkaround).unsafe.join(', ') || 'none'}. ` +
      `Unsafe in ours: ${total((entity) => entity.ours).unsafe.join(', ') || 'none'}; ` +
      `looser in ours: ${total((entity) => entity.ours).looser.join(', ') || 'none'}.`,
  );
  return `${lines.join('\n')}\n`;
}
