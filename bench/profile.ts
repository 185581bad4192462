import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import { z } from 'zod';
import { cpuFor, type ProcessStats, pinSelf, startChild } from './ipc.js';
import { runLoad } from './load.js';
import { inboxPage } from './scenarios.js';
import type { ServerReady } from './server-process.js';
import type { StubCalls, StubReady } from './upstream-stub-process.js';

/**
 * `npx tsx bench/profile.ts [one-token|new-token] [seconds] [measure]`: the CPU-bound scenario's facade (bundled,
 * NODE_ENV=production, pinned) under 100 connections of inbox pages (50 threads) against the zero-latency
 * stub, CPU-profiled over the measured seconds only (after a warm-up). Writes the .cpuprofile to
 * bench/results/profiles/ (open it in Chrome DevTools) and prints where the time went, in µs per page.
 */
const [mode = 'one-token', seconds = '8', profiling = 'profile'] = process.argv.slice(2);
/** `measure` as a third argument: the same run without the profiler (whose sampling doubles the CPU). */
const profiled = profiling !== 'measure';
const tokenMode = z.enum(['one-token', 'new-token']).parse(mode);
const durationSeconds = Number(seconds);
const here = import.meta.dirname;
const outDir = resolve(here, 'results/profiles');
mkdirSync(outDir, { recursive: true });
const env = { NODE_ENV: 'production' };
const loadCpu = cpuFor('load');
pinSelf(loadCpu);

const stub = await startChild<StubReady>(join(here, 'upstream-stub-process.ts'), { cpu: loadCpu, env });
const facade = await startChild<ServerReady>(join(here, 'facade-process.ts'), {
  cpu: cpuFor('facade'),
  env,
  args: [stub.ready.url],
  stdout: 'ignore',
});
const steps = inboxPage(50, 'inbox-cpu').ours;
const load = (connections: number, duration: number) =>
  runLoad(steps, {
    url: facade.ready.url,
    token: 'demo-token',
    connections,
    durationSeconds: duration,
    newTokenPerRequest: tokenMode === 'new-token',
  });
try {
  await load(100, 3);
  await setTimeout(1000);
  const path = join(outDir, `${tokenMode}-${Date.now()}.cpuprofile`);
  const before = await facade.ask<ProcessStats>('stats');
  await stub.ask('takeCalls');
  if (profiled) await facade.ask('profile', { start: true });
  const started = performance.now();
  const result = await load(100, durationSeconds);
  if (profiled) await facade.ask('profile', { stopTo: path });
  const after = await facade.ask<ProcessStats>('stats');
  const calls = await stub.ask<StubCalls>('takeCalls');
  const pages = result.screens;
  console.log(
    `${tokenMode}: ${pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
      `${(pages / result.durationSeconds).toFixed(0)} pages/s, ${((after.cpuMicros - before.cpuMicros) / pages).toFixed(0)} CPU µs/page ` +
      `(system ${((after.systemCpuMicros - before.systemCpuMicros) / pages).toFixed(0)}), ` +
      `${(calls.total / pages).toFixed(2)} upstream calls/page, failures ${result.failures}, peak RSS ${(after.maxRssBytes / 2 ** 20).toFixed(0)} MB\n${path}`,
  );
  if (profiled) summarise(path, pages);
} finally {
  await facade.stop();
  await stub.stop();
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time by area (package, Node internals, our code) and the heaviest functions, in µs per page. */
function summarise(path: string, pages: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, micros: number) =>
    map.set(key, (map.get(key) ?? 0) + micros);
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)?.callFrame ?? {
      functionName: '?',
      url: '',
      lineNumber: 0,
    };
    add(areas, areaOf(url, functionName), micros);
    const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
    add(functions, `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`, micros);
  }
  const print = (title: string, map: Map<string, number>, top: number) => {
    console.log(`\n${title} (µs per page)`);
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${(micros / pages).toFixed(0).padStart(7)}  ${key}`);
    }
  };
  print('By area', areas, 40);
  print('Heaviest functions', functions, 60);
}

function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\//, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const nodeModules = url.lastIndexOf('node_modules/');
  if (url.includes('/.cache/inbox-bench/')) return 'ours (bundle)';
  if (nodeModules >= 0) {
    const parts = url.slice(nodeModules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  return url;
}
