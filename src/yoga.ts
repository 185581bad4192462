import type { Server } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Config } from './config.js';
import { type Context, createContext } from './context.js';
import { maskError } from './errors.js';
import { EventTargetBus } from './events/bus.js';
import { LiveEvents } from './events/live.js';
import { serveGraphQLOverWebSocket } from './graphql-ws.js';
import { CollectionCache } from './inbox/collection-cache.js';
import { InboxTransport } from './inbox/rest-client.js';
import { useAutomaticPersistedQueries } from './plugins/apq.js';
import { CSRF_HEADERS, corsOptions } from './plugins/cors.js';
import { graphiqlOptions, renderGraphiQL } from './plugins/graphiql.js';
import { useLimits } from './plugins/limits.js';
import { useLookAhead } from './plugins/look-ahead.js';
import { useMetrics } from './plugins/metrics.js';
import { useOperationLog } from './plugins/operation-log.js';
import { useRefuseSingleConnectionSSE } from './plugins/sse.js';
import { useInboxWebhooks } from './plugins/webhooks.js';
import { schema } from './schema/index.js';

export interface FacadeOptions {
  config: Config;
  logger: Logger;
  /** Pre-fills GraphiQL's Authorization header (the demo passes the simulator's demo token). */
  graphiqlToken?: string;
}

export interface Facade {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  transport: InboxTransport;
  collectionCache: CollectionCache;
  events: LiveEvents;
  registry: Registry;
  /** Serves GraphQL over WebSocket (graphql-ws) on the server's GraphQL endpoint, beside HTTP and SSE. */
  serveWebSocket(server: Server): { close(): Promise<void> };
  close(): void;
}

/** The facade: the long-lived parts (transport, caches, live events, metrics) wired into one Yoga server. */
export function createFacade({ config, logger, graphiqlToken }: FacadeOptions): Facade {
  const registry = new Registry();
  const metrics = useMetrics(registry);
  const transport = new InboxTransport({
    baseUrl: config.INBOX_API_URL,
    timeoutMs: config.INBOX_TIMEOUT_MS,
    maxRetries: config.INBOX_MAX_RETRIES,
    maxRetryAfterMs: config.INBOX_MAX_RETRY_AFTER_MS,
    logger,
    onAttempt: metrics.onUpstreamAttempt,
  });
  const collectionCache = new CollectionCache(config.COLLECTION_CACHE_TTL_MS);
  const events = new LiveEvents({
    bus: new EventTargetBus(),
    // With a webhook secret, webhooks feed the bus; without, one poller per team does.
    pollIntervalMs: config.INBOX_WEBHOOK_SECRET === undefined ? config.EVENTS_POLL_INTERVAL_MS : undefined,
    maxSubscriptionsPerToken: config.MAX_SUBSCRIPTIONS_PER_TOKEN,
    logger,
  });

  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: ({ request }) =>
      createContext(request, {
        transport,
        collectionCache,
        logger,
        maxUpstreamCalls: config.MAX_UPSTREAM_CALLS,
        events,
      }),
    maskedErrors: { maskError },
    cors: corsOptions(config.CORS_ORIGINS),
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error({ err: args.find((arg) => arg instanceof Error) }, String(args[0])),
    },
    renderGraphiQL,
    graphiql: config.GRAPHIQL_ENABLED && graphiqlOptions(graphiqlToken),
    plugins: [
      ...useLimits(config),
      useRefuseSingleConnectionSSE('/graphql'),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      useInboxWebhooks({ secret: config.INBOX_WEBHOOK_SECRET, events, logger }),
      useAutomaticPersistedQueries(),
      useLookAhead(),
      useOperationLog(),
      useDeferStream(),
      metrics.plugin,
      useReadinessCheck({ endpoint: '/readiness', check: () => transport.isReachable() }),
    ],
  });

  return {
    yoga,
    transport,
    collectionCache,
    events,
    registry,
    serveWebSocket: (server) => serveGraphQLOverWebSocket(server, { yoga, origins: config.CORS_ORIGINS }),
    close: () => {
      events.close();
      transport.close();
    },
  };
}
