import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DEMO_TOKEN } from '../../simulator/src/index.js';

/**
 * The facade as `npm start` runs it: `node dist/main.js`, plain Node with no TypeScript loader (dist/ is
 * built by Vitest's global setup, test/support/build.ts), on a free loopback port.
 */
export const DIST_MAIN = resolve(import.meta.dirname, '../../dist/main.js');

export interface FacadeProcess {
  name: string;
  /** Its base URL (`${url}/graphql`, `${url}/readiness`...). */
  url: string;
  process: ChildProcess;
  /** Every line it wrote (stdout's JSON log lines, then stderr's lines as they came). */
  logLines: string[];
  /** What it wrote to stderr. */
  stderr(): string;
  /** POSTs a GraphQL operation over real HTTP, with the demo token unless `token` says otherwise. */
  graphql<TData = Record<string, unknown>>(
    query: string,
    options?: {
      variables?: Record<string, unknown>;
      token?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<{
    status: number;
    body: {
      data?: TData | null;
      errors?: Array<{
        message: string;
        extensions?: Record<string, unknown>;
        path?: Array<string | number>;
      }>;
    };
  }>;
  /** SIGTERM (a graceful shutdown) unless told otherwise, then the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `main` (dist/main.js) with exactly `env` (plus PORT=0 and HOST=127.0.0.1) from `cwd`; resolves once
 * it logged its GraphQL URL, rejects if it exits first.
 */
export async function spawnFacade(
  name: string,
  env: NodeJS.ProcessEnv,
  { main = DIST_MAIN, cwd }: { main?: string; cwd?: string } = {},
): Promise<FacadeProcess> {
  const child = spawn(process.execPath, [main], {
    cwd,
    env: { ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    logLines.push(chunk.toString());
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        logLines.push(line);
        const graphql = /"graphql":"(http:\/\/[^"]+)\/graphql"/.exec(line)?.[1];
        if (graphql) resolve(graphql);
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`facade ${name} exited (${code}): ${logLines.join('\n').slice(-2000)}`)),
    );
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    url,
    process: child,
    logLines,
    stderr: () => stderr,
    async graphql(query, { variables, token = DEMO_TOKEN, headers = {} } = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
