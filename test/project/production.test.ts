import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../simulator/src/index.js';
import { spawnFacade } from '../support/facade-process.js';

/**
 * The production path from the outside, as an operator deploys the facade: the package as `npm pack` makes
 * it (from the dist/ that `npm run build` wrote), unpacked elsewhere, with the production dependencies only,
 * started by `node dist/main.js` (what `npm start` runs: no compiler, no TypeScript loader, no devDependency).
 *
 * The production dependencies are the lock file's entries that are not `dev`, the very set
 * `npm ci --omit=dev` installs, linked from this project's node_modules: no network, and about a second where
 * a real `npm ci --omit=dev` from the npm cache takes half a minute.
 */
const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

let workspace: string;
/** The unpacked package: the operator's directory. */
let app: string;
/** Every path in the tarball. */
let packed: string[];
let simulator: Simulator;

beforeAll(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'inbox-facade-production-'));
  const [pack] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', workspace], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (!pack) throw new Error('npm pack made no package');
  packed = pack.files.map((file) => file.path);
  execFileSync('tar', ['-xzf', join(workspace, pack.filename), '-C', workspace]);
  app = join(workspace, 'package');

  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [location, entry] of Object.entries(lock.packages)) {
    const name = location.replace(/^node_modules\//, '');
    // Top-level entries only: the nested ones come with their parent's directory.
    if (entry.dev || !location.startsWith('node_modules/') || name.includes('/node_modules/')) continue;
    const target = join(app, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), target, 'dir');
  }
  simulator = await startSimulator();
}, 120_000);

afterAll(async () => {
  await simulator?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

it('the package holds dist/, schema/, package.json and the README: no simulator, bench, test, script or source file', () => {
  expect(packed).toContain('dist/main.js');
  expect(packed).toContain('dist/index.d.ts');
  // What the declarations of the upstream client refer to (a .d.ts source, which tsc does not emit).
  expect(packed).toContain('dist/upstream/openapi.d.ts');
  const unexpected = packed.filter(
    (path) => !/^(dist|schema)\//.test(path) && !['package.json', 'README.md', 'LICENSE'].includes(path),
  );
  expect(unexpected).toEqual([]);
  const strays = packed.filter(
    (path) =>
      /(^|\/)(simulator|bench|test|tests|scripts|src)\//.test(path) ||
      /\.test\.|\.tsbuildinfo$/.test(path) ||
      (path.endsWith('.ts') && !path.endsWith('.d.ts')),
  );
  expect(strays).toEqual([]);
});

it('dist/ imports nothing but Node built-ins, its own files and the dependencies of package.json', () => {
  const outside: string[] = [];
  const missing: string[] = [];
  for (const path of packed.filter((file) => /\.(js|d\.ts)$/.test(file))) {
    const source = readFileSync(join(app, path), 'utf8');
    // TypeScript's own scanner: static and dynamic imports, re-exports, require() and import types.
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      if (specifier.startsWith('.')) {
        // A relative import names the .js file; a declaration's, the .d.ts beside it.
        const target = posix.join(posix.dirname(path), specifier);
        const wanted = path.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target;
        if (!packed.includes(wanted)) missing.push(`${path} -> ${specifier}`);
      } else if (!isBuiltin(specifier)) {
        const name = specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/');
        if (!(name in manifest.dependencies)) outside.push(`${path} -> ${specifier}`);
      }
    }
  }
  expect(missing).toEqual([]);
  expect(outside).toEqual([]);
});

it('unpacked with its production dependencies only, `node dist/main.js` serves queries', async () => {
  // Only what an operator sets: no NODE_OPTIONS, no loader, nothing of the test runner's environment.
  const facade = await spawnFacade(
    'production',
    { PATH: process.env.PATH, INBOX_API_URL: simulator.url, REDIS_URL: '', LOG_LEVEL: 'info' },
    { main: join(app, 'dist/main.js'), cwd: app },
  );
  try {
    expect((await fetch(`${facade.url}/health`)).status).toBe(200);
    const { status, body } = await facade.graphql<{ team: { name: string } }>('{ team { name } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.team.name).toEqual(expect.any(String));
  } finally {
    expect(await facade.stop()).toBe(0);
  }
}, 60_000);
