/** The CPU-bound scenario's results (bench/cpu.ts) and their Markdown rendering. */
export type Contender = 'rest' | 'mesh' | 'ours';
export type TokenMode = 'one-token' | 'new-token';

export const CONTENDER_LABELS: Record<Contender, string> = {
  rest: 'direct REST (no GraphQL)',
  mesh: 'Mesh (generated schema on Yoga)',
  ours: 'ours',
};
export const TOKEN_MODE_LABELS: Record<TokenMode, string> = {
  'one-token': 'one token repeated',
  'new-token': 'a new token per request',
};

export interface CpuRun {
  round: number;
  contender: Contender;
  /** Direct REST sends one token: the stub accepts any, so a new one would change nothing. */
  tokenMode: TokenMode;
  /** Upstream calls of the first page on a fresh process. */
  firstPageUpstreamCalls: number;
  /** What they were ("GET /threads?limit=50"): every contender reads the same recordings. */
  firstPagePaths: string[];
  /** Zero upstream latency, `connections` connections. */
  load: {
    pagesPerSecond: number;
    pages: number;
    durationSeconds: number;
    p50Ms: number;
    p99Ms: number;
    failures: number;
    upstreamCallsPerPage: number;
    /** Stub calls that were not yet recorded and went to the simulator (0 when warm, as intended). */
    recordedDuringLoad: number;
  };
  /** CPU time (user + system) of each process during the load, per completed page and as % of a core. */
  cpuMicrosPerPage: { contender: number; stub: number; loadGenerator: number | null };
  cpuPercent: { contender: number; stub: number; loadGenerator: number | null };
  idleRssMb: number;
  /** Peak RSS of the contender's process over its warm-up and load. */
  peakRssMb: number;
  /** One connection, `latencyMs` added by the stub to every call. */
  unloaded: Unloaded & {
    /**
     * Ours only: the pass-through floor (bench/passthrough-process.ts) in the same mode, measured right after:
     * the least any process in the facade's place adds on this machine.
     */
    floor?: Unloaded;
  };
}

export interface Unloaded {
  p50Ms: number;
  upstreamCallsPerPage: number;
  /** Mean time per page during which at least one upstream call was in flight, seen from the stub. */
  upstreamMsPerPage: number;
  /** The median page's upstream critical path: the in-flight time within the page (bench/critical-path.ts). */
  upstreamP50Ms: number;
  /** The median, over pages, of each page's latency minus its own upstream critical path. */
  overheadMs: number;
}

export interface CpuRatios {
  tokenMode: TokenMode;
  /** ours / Mesh, pages per second. */
  oursOverMeshPagesPerSecond: number;
  /** ours / direct REST, pages per second. */
  oursOverRestPagesPerSecond: number;
  /** ours / Mesh, CPU µs of the serving process per page. */
  oursOverMeshCpuPerPage: number;
  /** ours / Mesh, peak RSS. */
  oursOverMeshPeakRss: number;
}

export interface CpuResults {
  generatedAt: string;
  setup: {
    threads: number;
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    unloadedSeconds: number;
    unloadedLatencyMs: number;
    rounds: number;
    node: string;
    cpus: number;
    pinning: string;
    mesh: string;
  };
  /** Every run of every round, in the order they ran. */
  runs: CpuRun[];
  /** Per round, from runs of the same round. */
  ratios: Array<CpuRatios & { round: number }>;
}

export const median = (values: number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const fixed = (value: number | null, digits = 0) =>
  value !== null && Number.isFinite(value) ? value.toFixed(digits) : '-';

/** The median of the rounds, and their range when there are several. */
function spread(values: number[], digits = 0, unit = ''): string {
  const mid = `${fixed(median(values), digits)}${unit}`;
  if (values.length < 2) return mid;
  return `${mid} (${fixed(Math.min(...values), digits)}–${fixed(Math.max(...values), digits)}${unit})`;
}

const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];

export function renderCpuMarkdown(results: CpuResults): string {
  const { setup } = results;
  const groups = (['one-token', 'new-token'] as const).flatMap((tokenMode) =>
    (['rest', 'mesh', 'ours'] as const)
      .filter((contender) => contender !== 'rest' || tokenMode === 'one-token')
      .map((contender) => ({
        contender,
        tokenMode,
        runs: results.runs.filter((run) => run.contender === contender && run.tokenMode === tokenMode),
      })),
  );
  const of = (runs: CpuRun[], pick: (run: CpuRun) => number | null) =>
    runs.map(pick).filter((value): value is number => value !== null);
  const percent = (runs: CpuRun[], pick: (run: CpuRun) => number | null) =>
    `${fixed(median(of(runs, pick)))}%`;
  const lines = [
    `Inbox page of ${setup.threads} threads against a zero-latency upstream stub (bench/upstream-stub-process.ts); ` +
      `${setup.connections} connections for ${setup.durationSeconds} s after a ${setup.warmupSeconds} s warm-up, ` +
      `each contender in a fresh process with NODE_ENV=production; unloaded overhead: 1 connection for ` +
      `${setup.unloadedSeconds} s with ${setup.unloadedLatencyMs} ms added to every upstream call; ` +
      `${setup.rounds} round(s)${setup.rounds > 1 ? ', medians with the range of the rounds in brackets' : ''}; ` +
      `${setup.pinning}; Node ${setup.node}, ${setup.cpus} CPUs; ${setup.mesh}.`,
    '',
    ...header([
      'Contender',
      'Token',
      'Pages/s',
      'Upstream calls per page (first / under load)',
      'CPU µs per page: contender',
      'stub',
      'load generator',
      'CPU % contender / stub / load',
      'p50 ms',
      'p99 ms',
      `RSS MB idle → peak (${setup.connections} conn.)`,
      `Unloaded p50 ms (${setup.unloadedLatencyMs} ms upstream)`,
      'Upstream critical path ms (p50)',
      'Overhead ms (p50 of each page over its own upstream time)',
      'Pass-through floor: overhead ms',
      'Failed',
    ]),
    ...groups.map(({ contender, tokenMode, runs }) =>
      row([
        CONTENDER_LABELS[contender],
        contender === 'rest' ? '-' : TOKEN_MODE_LABELS[tokenMode],
        spread(of(runs, (run) => run.load.pagesPerSecond)),
        `${fixed(median(of(runs, (run) => run.firstPageUpstreamCalls)))} / ${fixed(median(of(runs, (run) => run.load.upstreamCallsPerPage)), 2)}`,
        spread(of(runs, (run) => run.cpuMicrosPerPage.contender)),
        fixed(median(of(runs, (run) => run.cpuMicrosPerPage.stub))),
        contender === 'rest'
          ? 'in the client'
          : fixed(median(of(runs, (run) => run.cpuMicrosPerPage.loadGenerator))),
        [
          percent(runs, (run) => run.cpuPercent.contender),
          percent(runs, (run) => run.cpuPercent.stub),
          contender === 'rest' ? '-' : percent(runs, (run) => run.cpuPercent.loadGenerator),
        ].join(' / '),
        fixed(median(of(runs, (run) => run.load.p50Ms)), 1),
        fixed(median(of(runs, (run) => run.load.p99Ms)), 1),
        `${fixed(median(of(runs, (run) => run.idleRssMb)))} → ${spread(of(runs, (run) => run.peakRssMb))}`,
        fixed(median(of(runs, (run) => run.unloaded.p50Ms)), 2),
        fixed(median(of(runs, (run) => run.unloaded.upstreamP50Ms)), 2),
        spread(
          of(runs, (run) => run.unloaded.overheadMs),
          2,
        ),
        contender === 'ours'
          ? spread(
              of(runs, (run) => run.unloaded.floor?.overheadMs ?? null),
              2,
            )
          : '-',
        runs.reduce((count, run) => count + run.load.failures, 0),
      ]),
    ),
    '',
    '**Ratios, ours / the other, from runs of the same round** (pages/s: higher is better; CPU and RSS: lower is better).',
    '',
    ...header([
      'Token',
      'Pages/s vs Mesh',
      'Pages/s vs direct REST',
      'CPU µs per page vs Mesh',
      'Peak RSS vs Mesh',
    ]),
    ...(['one-token', 'new-token'] as const).map((tokenMode) => {
      const ratios = results.ratios.filter((entry) => entry.tokenMode === tokenMode);
      const cell = (pick: (entry: CpuRatios) => number) => spread(ratios.map(pick), 2, '×');
      return row([
        TOKEN_MODE_LABELS[tokenMode],
        cell((entry) => entry.oursOverMeshPagesPerSecond),
        cell((entry) => entry.oursOverRestPagesPerSecond),
        cell((entry) => entry.oursOverMeshCpuPerPage),
        cell((entry) => entry.oursOverMeshPeakRss),
      ]);
    }),
  ];
  return `${lines.join('\n')}\n`;
}
