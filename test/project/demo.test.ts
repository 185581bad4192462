import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';

/** `npm run demo` as a newcomer runs it: a real process, the simulator and the facade on real ports. */
let demo: ChildProcess;
let graphqlUrl: string;

beforeAll(async () => {
  demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    env: { ...process.env, REDIS_URL: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  graphqlUrl = await new Promise<string>((resolve, reject) => {
    demo.stdout?.on('data', (chunk) => {
      output += chunk;
      const url = output.match(/GraphiQL:\s+(http:\/\/\S+\/graphql)/)?.[1];
      if (url) resolve(url);
    });
    demo.once('exit', (code) => reject(new Error(`demo exited with ${code}: ${output}`)));
  });
}, 60_000);

afterAll(async () => {
  if (demo.exitCode === null) {
    demo.kill('SIGTERM');
    await once(demo, 'exit');
  }
});

it('answers { team { name } } with the demo token', async () => {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer demo-token' },
    body: JSON.stringify({ query: '{ team { name } }' }),
  });
  const body = await response.json();
  expect(body.errors).toBeUndefined();
  expect(typeof body.data.team.name).toBe('string');
  expect(body.data.team.name.length).toBeGreaterThan(0);
});

it('answers /health and /readiness', async () => {
  const origin = new URL(graphqlUrl).origin;
  expect((await fetch(`${origin}/health`)).status).toBe(200);
  expect((await fetch(`${origin}/readiness`)).status).toBe(200);
});

it('serves GraphiQL with the demo token pre-filled', async () => {
  const page = await (await fetch(graphqlUrl, { headers: { accept: 'text/html' } })).text();
  expect(page).toContain('Bearer demo-token');
});

it('stops cleanly on SIGTERM', async () => {
  demo.kill('SIGTERM');
  const [code] = await once(demo, 'exit');
  expect(code).toBe(0);
});
