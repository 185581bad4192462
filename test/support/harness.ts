import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  DEMO_ALT_TOKEN,
  DEMO_TOKEN,
  SECOND_TEAM_TOKEN,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../simulator/src/index.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { listen, type RunningServer } from '../../src/server.js';
import { createFacade, type Facade } from '../../src/yoga.js';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface HarnessOptions {
  /** Environment variables for the facade's config (INBOX_API_URL is the simulator's). */
  config?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** Pre-fills GraphiQL's Authorization header, as the demo does. */
  graphiqlToken?: string;
  /**
   * How `graphql()` and `fetch()` reach the facade: `in-process` through `facade.yoga.fetch` (the default,
   * for suites where HTTP is not under test), or `http` over the loopback port. Either way the facade
   * reaches the simulator over real HTTP, and `server.url` serves real HTTP clients.
   */
  transport?: 'in-process' | 'http';
  /**
   * The facade has met the simulator's tokens before: it knows their teams (TeamProofs.noteTeam, as
   * after a token's first `GET /team`), so the calls a test counts are those of every later request.
   * Default true; `false` shows what a token new to the facade costs (its `GET /team`, once).
   */
  tokensKnown?: boolean;
}

/** An operation: a typed document generated from test/operations, or a string for deliberately odd ones. */
export type Operation<TData, TVariables> = TypedDocumentNode<TData, TVariables> | string;

export interface OperationOptions<TVariables> {
  variables?: TVariables;
  /** The bearer token; the demo team's by default, `null` for none. */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface OperationResult<TData> {
  status: number;
  body: GraphQLResponse<TData>;
  text: string;
}

export interface Harness {
  simulator: Simulator;
  facade: Facade;
  server: RunningServer;
  /** Every log line the facade wrote, as raw text. */
  logLines: string[];
  /**
   * POSTs a GraphQL operation through the harness's transport; the token defaults to the demo team's.
   * A typed document types the variables and the data; a string takes `TData` as given.
   */
  graphql<TData = Record<string, unknown>, TVariables = Record<string, unknown>>(
    operation: Operation<TData, TVariables>,
    options?: OperationOptions<TVariables>,
  ): Promise<OperationResult<TData>>;
  /**
   * Empties the collection cache and the proofs of team, as their TTLs would: the tokens the facade has met
   * stay known (a token's team, learnt once, does not expire), unless the harness was started with
   * `tokensKnown: false`.
   */
  clearCollectionCache(): void;
  /** A request to the facade (`/health`, `/metrics`…) through the harness's transport. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Clears what a test may leave behind: faults, the call log, rate limits (the simulator's, the team
   * budget's and the unauthenticated requests'), the caches, the records of `clientMutationId`s, log lines.
   */
  reset(): void;
  close(): Promise<void>;
}

/** The real simulator and the real facade, each on its own loopback port. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const simulator = await startSimulator({ rateLimitPerMinute: 100_000, ...options.simulator });
  // Like the simulator's, the team budget and the bound on unauthenticated requests are lifted out of the
  // way; the suites about them set their own.
  const config: Config = loadConfig({
    LOG_LEVEL: 'trace',
    TEAM_CALLS_PER_MINUTE: '100000',
    UNAUTHENTICATED_REQUESTS_PER_MINUTE: '100000',
    ...options.config,
    INBOX_API_URL: simulator.url,
  });
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const facade = createFacade({
    config,
    logger: createLogger(config.LOG_LEVEL, sink),
    graphiqlToken: options.graphiqlToken,
  });
  const knowTokens = () => {
    if (options.tokensKnown === false) return;
    for (const token of [DEMO_TOKEN, DEMO_ALT_TOKEN, SECOND_TEAM_TOKEN]) {
      const teamId = simulator.store.teamByToken(token)?.team.id;
      if (teamId) facade.identity.proofs.noteTeam(facade.identity.keyOf(token), teamId);
    }
  };
  knowTokens();
  const server = await listen(facade, 0, '127.0.0.1');
  const overHttp = options.transport === 'http';
  const send = async (path: string, init: RequestInit = {}): Promise<Response> =>
    overHttp ? fetch(`${server.url}${path}`, init) : facade.yoga.fetch(`http://localhost${path}`, init);

  return {
    simulator,
    facade,
    server,
    logLines,
    async graphql<TData, TVariables>(
      operation: Operation<TData, TVariables>,
      { variables, token = DEMO_TOKEN, headers = {} }: OperationOptions<TVariables> = {},
    ) {
      const response = await send('/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...headers,
        },
        body: JSON.stringify({
          query: typeof operation === 'string' ? operation : print(operation),
          variables,
        }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text) as GraphQLResponse<TData>, text };
    },
    fetch: send,
    clearCollectionCache() {
      facade.collectionCache.clear();
      facade.identity.proofs.clear();
      knowTokens();
    },
    reset() {
      simulator.clearFaults();
      simulator.resetCalls();
      simulator.resetRateLimits();
      facade.collectionCache.clear();
      facade.identity.proofs.clear();
      facade.responseCache.clear();
      facade.teamBudget.clear();
      facade.atMostOnce.clear();
      facade.unauthenticated.clear();
      knowTokens();
      logLines.length = 0;
    },
    async close() {
      await server.close();
      await simulator.close();
    },
  };
}

/**
 * For a test file (or a describe block) sharing one harness: starts it before the first test and closes it
 * after the last; before each test, `reset()`s it. The handle is usable inside tests and hooks.
 */
export function useHarness(options?: HarnessOptions): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  });
  afterAll(() => started?.close());
  beforeEach(() => started?.reset());
  return new Proxy({} as Harness, {
    get(_target, property) {
      if (!started) throw new Error('the harness starts in beforeAll: use it inside tests and hooks');
      return Reflect.get(started, property);
    },
  });
}
