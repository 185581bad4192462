import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { getOperationAST, NoSchemaIntrospectionCustomRule } from 'graphql';
import {
  type CORSOptions,
  createYoga,
  type GraphiQLOptions,
  type Plugin,
  useReadinessCheck,
  type YogaInitialContext,
  type YogaServerInstance,
} from 'graphql-yoga';
import type { Logger } from 'pino';
import { Histogram, Registry } from 'prom-client';
import { useAutomaticPersistedQueries } from './apq.js';
import type { Config } from './config.js';
import { type Context, createContext } from './context.js';
import { codeOf, maskError } from './errors.js';
import { EventHub } from './events/hub.js';
import { useInboxWebhooks } from './events/webhooks.js';
import { EXAMPLES } from './examples.js';
import { InboxTransport } from './inbox/client.js';
import { SharedCache } from './loaders/shared-cache.js';
import { schema } from './schema/index.js';
import { prefetch } from './schema/prefetch.js';

export interface FacadeOptions {
  config: Config;
  logger: Logger;
  /** Pre-fills GraphiQL's Authorization header (the demo passes the simulator's demo token). */
  graphiqlToken?: string;
}

export interface Facade {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  transport: InboxTransport;
  sharedCache: SharedCache;
  hub: EventHub;
  registry: Registry;
  close(): void;
}

/**
 * Headers that mark a GET or form-type POST as not "simple" for CSRF prevention. Apollo Client needs none:
 * it sends `Content-Type: application/json` even on GETs; Apollo iOS/Kotlin send `x-apollo-operation-name`.
 */
const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * CORS for browser apps on the origins of CORS_ORIGINS (`*`: any). Callers authenticate with a bearer
 * token, never cookies, so credentials stay off. An origin not listed gets no CORS headers at all:
 * Yoga would answer `Access-Control-Allow-Origin: null`, which a sandboxed iframe (origin `null`) matches.
 * Preflights are cached for 10 minutes: every Apollo request is preflighted (JSON body, Authorization).
 */
function corsOptions(origins: string[]): (request: Request) => CORSOptions {
  const shared = { methods: ['GET', 'POST', 'OPTIONS'], credentials: false, maxAge: 600 };
  const anyOrigin = origins.includes('*');
  return (request) => {
    const origin = request.headers.get('origin');
    if (anyOrigin) return { ...shared, origin: '*' };
    return origin !== null && origins.includes(origin) ? { ...shared, origin: origins } : false;
  };
}

/** GraphiQL opens with the example operations as tabs, and the demo token pre-filled when there is one. */
function graphiqlOptions(token: string | undefined): GraphiQLOptions {
  const headers = JSON.stringify(
    token ? { Authorization: `Bearer ${token}` } : { Authorization: 'Bearer <your Inbox API token>' },
    null,
    2,
  );
  return {
    title: 'Inbox GraphQL',
    headers,
    defaultHeaders: headers,
    defaultQuery: EXAMPLES[0]?.query,
    defaultTabs: EXAMPLES.map((example) => ({
      query: example.query,
      variables: example.variables ? JSON.stringify(example.variables, null, 2) : null,
      headers,
    })),
    shouldPersistHeaders: false,
  };
}

/** Look-ahead: start the nested fields' upstream calls beside the root ones (src/schema/prefetch.ts). */
const lookAhead: Plugin = {
  onExecute: ({ args }) => {
    // Yoga types the execution context as its initial one; ours was merged in by createContext.
    const context = args.contextValue as YogaInitialContext & Context;
    prefetch(args.schema, args.document, args.operationName, args.variableValues, context);
  },
};

/**
 * One log line per GraphQL operation: its name, duration, the Inbox calls it made and the error codes.
 * Never the token, the variables or the data.
 */
const operationLog: Plugin = {
  onExecute: ({ args }) => {
    const started = performance.now();
    const context = args.contextValue as YogaInitialContext & Context;
    return {
      onExecuteDone: ({ result }) => {
        if (!('errors' in result) && !('data' in result)) return; // a stream (@defer, subscription)
        context.logger.info(
          {
            operation: getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous',
            ms: Math.round(performance.now() - started),
            upstreamCalls: context.inbox.attempts,
            errors: result.errors?.map(codeOf),
          },
          'graphql operation',
        );
      },
    };
  },
};

export function createFacade({ config, logger, graphiqlToken }: FacadeOptions): Facade {
  const registry = new Registry();
  const upstreamDuration = new Histogram({
    name: 'inbox_upstream_request_duration_seconds',
    help: 'Inbox REST calls by method, route template and status (or timeout/network).',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const transport = new InboxTransport({
    baseUrl: config.INBOX_API_URL,
    timeoutMs: config.INBOX_TIMEOUT_MS,
    maxRetries: config.INBOX_MAX_RETRIES,
    maxRetryAfterMs: config.INBOX_MAX_RETRY_AFTER_MS,
    logger,
    onAttempt: ({ method, route, status, ms }) =>
      upstreamDuration.observe({ method, route, status }, ms / 1000),
  });

  const sharedCache = new SharedCache(config.COLLECTION_CACHE_TTL_MS);
  const hub = new EventHub();

  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: config.MAX_DEPTH },
      maxAliases: { n: config.MAX_ALIASES },
      costLimit: { maxCost: config.MAX_COST },
      maxTokens: { n: config.MAX_TOKENS },
      // The schema is public while introspection is on; suggestions only matter when it is off.
      blockFieldSuggestion: { enabled: !config.INTROSPECTION_ENABLED },
    }) as Plugin,
    useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
    useInboxWebhooks({ secret: config.INBOX_WEBHOOK_SECRET, hub, logger }),
    useAutomaticPersistedQueries(),
    lookAhead,
    operationLog,
    useDeferStream(),
    usePrometheus({ endpoint: '/metrics', registry }),
    useReadinessCheck({ endpoint: '/readiness', check: () => transport.isReachable() }),
  ];
  if (!config.INTROSPECTION_ENABLED) {
    plugins.push({
      onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
    });
  }

  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: ({ request }) =>
      createContext(request, {
        transport,
        sharedCache,
        logger,
        maxUpstreamCalls: config.MAX_UPSTREAM_CALLS,
        events: {
          hub,
          live: config.INBOX_WEBHOOK_SECRET !== undefined,
          pollIntervalMs: config.EVENTS_POLL_INTERVAL_MS,
        },
      }),
    maskedErrors: { maskError },
    cors: corsOptions(config.CORS_ORIGINS),
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((arg) => arg instanceof Error) }, String(args[0])),
    },
    // GraphiQL's assets are inlined (nothing loads from a CDN) and weigh ~80 MB of memory once loaded:
    // load them on the first browser visit, not at start-up.
    renderGraphiQL: async (options) =>
      (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    graphiql: config.GRAPHIQL_ENABLED && graphiqlOptions(graphiqlToken),
    plugins,
  });

  return { yoga, transport, sharedCache, hub, registry, close: () => transport.close() };
}
