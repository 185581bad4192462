import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Vitest's global setup: `npm run build` before any test file runs (and before each rerun in watch mode), so
 * that the suites that start `dist/main.js`, as `npm start` does, never run a dist/ older than src/. The
 * build is incremental (tsc -b): about a second when dist/ is up to date.
 */
const root = resolve(import.meta.dirname, '../..');

function build(): void {
  const run = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`npm run build failed (${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
  }
}

export default function setup(project: TestProject): void {
  build();
  project.onTestsRerun(build);
}
