import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `npm run bench:startup`: how long the facade takes from process start to "ready", and its resident memory
 * once idle, run as TypeScript through tsx and as the compiled build (`npm run build` first). Prints a table.
 * The median of RUNS starts of each.
 */
const RUNS = Number(process.env.STARTUP_RUNS ?? 5);
const IDLE_MS = 2_000;

const variants: Record<string, string[]> = {
  'tsx (node --import tsx src/main.ts)': ['--import', 'tsx', 'src/main.ts'],
  'compiled (node dist/main.js)': ['dist/main.js'],
};

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function startOnce(args: string[]): Promise<{ readyMs: number; idleRssMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      INBOX_API_URL: 'http://127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyMs = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready`)));
  });
  await sleep(IDLE_MS);
  const idleRssMb = rssMb(child.pid ?? 0);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  return { readyMs, idleRssMb };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

console.log(`| Start | Ready (ms, median of ${RUNS}) | Idle RSS (MB) |\n| --- | --- | --- |`);
for (const [name, args] of Object.entries(variants)) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce(args));
  const ready = median(runs.map((run) => run.readyMs));
  const rss = median(runs.map((run) => run.idleRssMb));
  console.log(`| ${name} | ${ready.toFixed(0)} | ${rss.toFixed(0)} |`);
}
