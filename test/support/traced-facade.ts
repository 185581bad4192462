import { type ChildProcess, spawn } from 'node:child_process';
import { DEMO_TOKEN } from '../../simulator/src/index.js';

/**
 * The facade as `npm start` runs it (a real process, `src/main.ts`), with the environment a test gives it:
 * for the tracing suites, the OTEL_* variables as an operator sets them. Never the test runner's own OTEL_*.
 */
export interface FacadeProcess {
  url: string;
  process: ChildProcess;
  /** Every line it wrote to stdout (JSON log lines). */
  logLines: string[];
  /** What it wrote to stderr. */
  stderr(): string;
  /** POSTs an operation over real HTTP with the demo token (and `headers`). */
  graphql<TData = Record<string, unknown>>(
    query: string,
    options?: { headers?: Record<string, string>; variables?: Record<string, unknown> },
  ): Promise<{ status: number; body: { data?: TData | null; errors?: Array<{ message: string }> } }>;
  /** SIGTERM (a graceful shutdown, which flushes pending spans), then the exit code. */
  stop(): Promise<number | null>;
}

const mainScript = new URL('../../src/main.ts', import.meta.url).pathname;

export async function startFacadeProcess(env: Record<string, string>): Promise<FacadeProcess> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && name !== 'NODE_DEBUG'),
  );
  // One process alone: the suite's REDIS_URL (the multi-replica suites') is not for it.
  inherited.REDIS_URL = '';
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript], {
    env: { ...inherited, LOG_LEVEL: 'info', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        logLines.push(line);
        const graphql = /"graphql":"(http:\/\/[^"]+\/graphql)"/.exec(line)?.[1];
        if (graphql) resolve(graphql);
      }
    });
    child.once('exit', (code) => reject(new Error(`the facade exited (${code}): ${stderr.slice(-2000)}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    process: child,
    logLines,
    stderr: () => stderr,
    async graphql(query, { headers = {}, variables } = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${DEMO_TOKEN}`,
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: await response.json() };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
