import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { listen, type RunningServer } from '../../src/server.js';
import {
  DEMO_TOKEN,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../src/simulator/index.js';
import { createFacade, type Facade } from '../../src/yoga.js';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface Harness {
  simulator: Simulator;
  facade: Facade;
  server: RunningServer;
  /** Every log line the facade wrote, as raw text. */
  logLines: string[];
  /** POSTs a GraphQL operation over real HTTP; the token defaults to the demo team's. */
  graphql<TData = Record<string, unknown>>(
    query: string,
    options?: {
      variables?: Record<string, unknown>;
      token?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: GraphQLResponse<TData>; text: string }>;
  close(): Promise<void>;
}

/** The real simulator and the real facade, each on its own loopback port. */
export async function startHarness(
  options: { config?: Record<string, string>; simulator?: SimulatorOptions } = {},
): Promise<Harness> {
  const simulator = await startSimulator({ rateLimitPerMinute: 100_000, ...options.simulator });
  const config: Config = loadConfig({ LOG_LEVEL: 'trace', ...options.config, INBOX_API_URL: simulator.url });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const facade = createFacade({ config, logger: createLogger(config.LOG_LEVEL, sink) });
  const server = await listen(facade, 0, '127.0.0.1');
  return {
    simulator,
    facade,
    server,
    logLines,
    async graphql(query, { variables, token = DEMO_TOKEN, headers = {} } = {}) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    },
    async close() {
      await server.close();
      await simulator.close();
    },
  };
}

/**
 * For a test file sharing one harness: starts it before the file's tests and closes it after; before each
 * test, clears injected faults and the simulator's call log. The handle is usable inside tests and hooks.
 */
export function useHarness(options?: Parameters<typeof startHarness>[0]): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  });
  afterAll(() => started?.close());
  beforeEach(() => {
    started?.simulator.clearFaults();
    started?.simulator.resetCalls();
  });
  return new Proxy({} as Harness, {
    get(_target, property) {
      if (!started) throw new Error('the harness starts in beforeAll: use it inside tests and hooks');
      return Reflect.get(started, property);
    },
  });
}
