import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Bench processes talk over Node's IPC channel: the child announces `{ ready }` once it serves, then
 * answers `{ id, type }` questions with `{ id, answer }`. Both ends are ours, so the shapes are trusted.
 */
type Question = { id: number; type: string; arg?: unknown };
type Message = { ready: unknown } | { id: number; answer: unknown };

export interface Child<Ready> {
  readonly ready: Ready;
  readonly pid: number;
  ask<Answer>(type: string, arg?: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * Milliseconds on the machine's monotonic clock: the same clock in every process (performance.now() counts
 * from each process's own start), so that times taken by the load generator and by the stub compare.
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The CPU a process is pinned to, when the machine has two or more and `taskset` exists. */
export function cpuFor(role: 'facade' | 'load'): number | undefined {
  if (availableParallelism() < 2) return undefined;
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return role === 'facade' ? 1 : 0;
}

/** Pins this process (the load generator) to one CPU. */
export function pinSelf(cpu: number | undefined): void {
  if (cpu !== undefined)
    execFileSync('taskset', ['-cp', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

const bundles = new Map<string, Promise<string>>();

/**
 * Children run on plain Node from a bundle of our TypeScript (packages still load from node_modules,
 * which is why the bundle sits under it), so their memory and CPU include no TypeScript loader.
 */
function bundle(script: string): Promise<string> {
  let outfile = bundles.get(script);
  if (!outfile) {
    // node_modules may be shared by several checkouts (a symlink): each keeps its own bundles.
    const checkout = createHash('sha256')
      .update(import.meta.dirname)
      .digest('hex')
      .slice(0, 12);
    const name = basename(script, '.ts');
    const outdir = resolve(import.meta.dirname, '../node_modules/.cache/inbox-bench', checkout, name);
    // Split: a module imported lazily (OpenTelemetry, only when OTEL_* asks for it) stays a chunk of its own,
    // loaded when imported, as in dist/. In one file, esbuild hoists its packages' imports to the top, and
    // every facade would load the OpenTelemetry SDK at start (about 40 MB of RSS) with tracing off.
    outfile = build({
      entryPoints: [script],
      outdir,
      splitting: true,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outExtension: { '.js': '.mjs' },
      logLevel: 'warning',
    }).then(() => resolve(outdir, `${name}.mjs`));
    bundles.set(script, outfile);
  }
  return outfile;
}

/** Starts `script` (bundled, pinned to `cpu` if given) and waits for its ready message. */
export async function startChild<Ready>(
  script: string,
  options: {
    args?: string[];
    cpu?: number;
    /** Discard its stderr. */
    quiet?: boolean;
    /** Discard its stdout (log lines nobody reads). */
    stdout?: 'ignore' | 'inherit';
    env?: Record<string, string>;
  },
): Promise<Child<Ready>> {
  const node = [process.execPath, await bundle(script), ...(options.args ?? [])];
  const [command, ...args] =
    options.cpu === undefined ? node : ['taskset', '-c', String(options.cpu), ...node];
  const child: ChildProcess = spawn(command as string, args, {
    stdio: ['ignore', options.stdout ?? 'inherit', options.quiet ? 'ignore' : 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  const pending = new Map<number, (answer: unknown) => void>();
  let nextId = 0;
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.on('message', (message: Message) => {
      if ('ready' in message) resolve(message.ready as Ready);
      else pending.get(message.id)?.(message.answer);
    });
  });
  return {
    ready,
    pid: child.pid as number,
    ask: <Answer>(type: string, arg?: unknown) =>
      new Promise<Answer>((resolve) => {
        const id = nextId++;
        pending.set(id, (answer) => {
          pending.delete(id);
          resolve(answer as Answer);
        });
        child.send({ id, type, arg } satisfies Question);
      }),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ProcessStats {
  rssBytes: number;
  /** Peak resident set size of the process so far. */
  maxRssBytes: number;
  /** User + system CPU time since the process started. */
  cpuMicros: number;
  /** The system (kernel) part of it. */
  systemCpuMicros: number;
}

export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  return {
    rssBytes: process.memoryUsage.rss(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMicros: cpu.user + cpu.system,
    systemCpuMicros: cpu.system,
  };
}

/**
 * Child side: announces `ready` and answers the parent's questions (an answer may be a promise, e.g. a
 * load run); exits on SIGTERM or a lost parent.
 */
export function serveParent(ready: unknown, answers: Record<string, (arg: unknown) => unknown>): void {
  const send = (message: Message) => process.send?.(message);
  process.on('message', async (question: Question) => {
    send({ id: question.id, answer: (await answers[question.type]?.(question.arg)) ?? null });
  });
  process.on('disconnect', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
  send({ ready });
}
