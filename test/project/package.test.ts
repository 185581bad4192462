import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * The package as a client app installs it: built (dist/, which Vitest's global setup builds with
 * `npm run build`), only the files that package.json `files` publishes, resolved through its `exports` from
 * another project by plain Node.
 */
const root = resolve(import.meta.dirname, '../..');
let workspace: string;

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'inbox-facade-package-'));
  const installed = join(workspace, 'app', 'node_modules', 'inbox-graphql-facade');
  mkdirSync(installed, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  for (const entry of manifest.files.filter((file) => !file.startsWith('!'))) {
    cpSync(join(root, entry), join(installed, entry), { recursive: true });
  }
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  // The package's own dependencies resolve from this project's node_modules, as npm would install them.
  symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'));
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

it('publishes the SDL, the typed example documents with possibleTypes, and the embeddable facade', () => {
  const script = join(workspace, 'app', 'check.mjs');
  writeFileSync(
    script,
    `import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InboxPageDocument, possibleTypes } from 'inbox-graphql-facade/client';
import { createFacade, loadConfig } from 'inbox-graphql-facade';
const sdl = readFileSync(fileURLToPath(import.meta.resolve('inbox-graphql-facade/schema.graphql')), 'utf8');
const subgraph = readFileSync(fileURLToPath(import.meta.resolve('inbox-graphql-facade/subgraph.graphql')), 'utf8');
console.log(JSON.stringify({
  operation: InboxPageDocument.definitions[0].name.value,
  messageAuthor: possibleTypes.MessageAuthor,
  sdlHasThreads: sdl.includes('threads('),
  subgraphHasKey: subgraph.includes('@key'),
  facade: typeof createFacade,
  config: loadConfig({}).PORT,
}));`,
  );
  const output = execFileSync(process.execPath, [script], { cwd: join(workspace, 'app') }).toString();
  expect(JSON.parse(output)).toEqual({
    operation: 'InboxPage',
    messageAuthor: ['AccountLink', 'Prospect'],
    sdlHasThreads: true,
    subgraphHasKey: true,
    facade: 'function',
    config: 4000,
  });
}, 60_000);
