import type { Server } from 'node:http';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { useCostExtension } from './budget/cost-extension.js';
import { AtMostOnce } from './cluster/at-most-once.js';
import { connectRedis, type SharedRedis } from './cluster/redis.js';
import { SharedCaches } from './cluster/shared-caches.js';
import { TeamBudget } from './cluster/team-budget.js';
import type { Config } from './config.js';
import { type Context, createContext } from './context.js';
import { callersMistake, maskError } from './errors.js';
import { EventTargetBus, notifying, SharedEventBus } from './events/bus.js';
import { LiveEvents } from './events/live.js';
import { serveGraphQLOverWebSocket, type WebSocketService } from './graphql-ws.js';
import { CollectionCache, collectionsChangedBy } from './inbox/collection-cache.js';
import { InboxTransport } from './inbox/rest-client.js';
import { PersistedQueryStore, useAutomaticPersistedQueries } from './plugins/apq.js';
import { useBodyLimit } from './plugins/body-limit.js';
import { useUpstreamBudget } from './plugins/budget.js';
import { CSRF_HEADERS, corsOptions } from './plugins/cors.js';
import { graphiqlOptions, renderGraphiQL } from './plugins/graphiql.js';
import { useInputSizeLimits } from './plugins/input-size.js';
import { useJit } from './plugins/jit.js';
import { useLimits } from './plugins/limits.js';
import { useLookAhead } from './plugins/look-ahead.js';
import { useMetrics } from './plugins/metrics.js';
import { useOperationLog } from './plugins/operation-log.js';
import { useReadiness } from './plugins/readiness.js';
import { ResponseCache, useResponseCache } from './plugins/response-cache.js';
import { useRefuseSingleConnectionSSE } from './plugins/sse.js';
import { useTeamBudget } from './plugins/team-budget.js';
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
  responseCache: ResponseCache;
  events: LiveEvents;
  /** Upstream calls per team and minute (TEAM_CALLS_PER_MINUTE), shared through Redis when there is one. */
  teamBudget: TeamBudget;
  /** Writes sent with a `clientMutationId`, so that a retry never sends them twice. */
  atMostOnce: AtMostOnce;
  /** The Redis shared with other replicas (REDIS_URL), if any. */
  redis: SharedRedis | undefined;
  registry: Registry;
  /** Serves GraphQL over WebSocket (graphql-ws) on the server's GraphQL endpoint, beside HTTP and SSE. */
  serveWebSocket(server: Server): WebSocketService;
  /**
   * The first step of a graceful shutdown: /readiness answers 503, every subscription ends with
   * `SHUTTING_DOWN`, and the pollers give their leases back. Resolves once they have.
   */
  shutdown(): Promise<void>;
  close(): void;
}

/** The facade: the long-lived parts (transport, caches, live events, metrics) wired into one Yoga server. */
export function createFacade({ config, logger, graphiqlToken }: FacadeOptions): Facade {
  const redis =
    config.REDIS_URL === undefined
      ? undefined
      : connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger });
  const registry = new Registry();
  const metrics = useMetrics(registry, config.METRICS_OPERATION_NAMES);
  const transport = new InboxTransport({
    baseUrl: config.INBOX_API_URL,
    timeoutMs: config.INBOX_TIMEOUT_MS,
    maxRetries: config.INBOX_MAX_RETRIES,
    maxRetryAfterMs: config.INBOX_MAX_RETRY_AFTER_MS,
    logger,
    onAttempt: metrics.onUpstreamAttempt,
  });
  const collectionCache = new CollectionCache(config.COLLECTION_CACHE_TTL_MS, undefined, {
    proofTtlMs: config.TOKEN_PROOF_TTL_MS,
    announcedTtlMs: config.announcedCollectionTtlMs,
  });
  // With Redis, the caches have a second level there, and every replica hears of every change.
  const sharedCaches =
    redis &&
    new SharedCaches(redis, {
      logger,
      onChange: (change) => collectionCache.apply(change),
      onReset: () => collectionCache.clear(),
      onSecret: (secret) => collectionCache.useSecret(secret),
    });
  if (sharedCaches) collectionCache.shareThrough(sharedCaches);
  const teamBudget = new TeamBudget({ callsPerMinute: config.TEAM_CALLS_PER_MINUTE, redis, logger });
  const atMostOnce = new AtMostOnce({
    redis,
    // Records are keyed by token HMAC: shared only once this replica uses the cluster's HMAC key.
    keysShared: async () => sharedCaches?.ready === true,
    logger,
    // A write's answer comes within its request's upstream deadline (twice INBOX_TIMEOUT_MS); then it is recorded.
    settleWithinMs: config.INBOX_TIMEOUT_MS * 2 + 2_000,
  });
  // An answer holds collection data (tag names, members...): it is never kept longer than they may be.
  const responseCache = new ResponseCache({
    ttlMs: Math.min(config.RESPONSE_CACHE_TTL_MS, config.COLLECTION_CACHE_TTL_MS),
    freshness: collectionCache,
    shared: sharedCaches,
  });
  const events = new LiveEvents({
    // Every event of a team (a webhook's or its poller's), published here, makes the team's cached answers
    // and the collections it names stale, on every replica.
    bus: notifying(redis ? new SharedEventBus(redis, logger) : new EventTargetBus(), (event) => {
      void collectionCache.teamChanged(event.teamId, collectionsChangedBy(event.type), {
        byWebhook: config.INBOX_WEBHOOK_SECRET !== undefined,
      });
    }),
    // With a webhook secret, webhooks feed the bus; without, one poller per team does.
    pollIntervalMs: config.INBOX_WEBHOOK_SECRET === undefined ? config.EVENTS_POLL_INTERVAL_MS : undefined,
    maxSubscriptionsPerToken: config.MAX_SUBSCRIPTIONS_PER_TOKEN,
    logger,
    redis,
  });
  let shuttingDown = false;
  const cost = useCostExtension();

  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // MAX_BODY_BYTES is useBodyLimit's (src/plugins/body-limit.ts): it counts only the bodies that need it.
    maxRequestBodySize: false,
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: ({ request }) =>
      createContext(request, {
        transport,
        collectionCache,
        logger,
        maxUpstreamCalls: config.MAX_UPSTREAM_CALLS,
        events,
        teamBudget,
        atMostOnce,
      }),
    maskedErrors: { maskError },
    cors: corsOptions(config.CORS_ORIGINS),
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => {
        const err = args.find((arg) => arg instanceof Error);
        const code = callersMistake(err);
        if (code) logger.debug({ code }, 'the upstream refused the caller’s request');
        else logger.error({ err }, String(args[0]));
      },
    },
    renderGraphiQL,
    graphiql: config.GRAPHIQL_ENABLED && graphiqlOptions(graphiqlToken),
    plugins: [
      useBodyLimit(config.MAX_BODY_BYTES),
      useInputSizeLimits(),
      ...useLimits(config),
      useRefuseSingleConnectionSSE('/graphql'),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      useInboxWebhooks({
        secret: config.INBOX_WEBHOOK_SECRET,
        events,
        logger,
        maxBodyBytes: config.MAX_BODY_BYTES,
      }),
      useAutomaticPersistedQueries(new PersistedQueryStore({ shared: sharedCaches })),
      // The log line and the metrics come before the response cache, so that a cached answer has them too.
      useOperationLog(),
      metrics.plugin,
      // `extensions.cost` around the response cache: its answers are priced as served, the others once
      // it has kept their bare answer (src/budget/cost-extension.ts).
      cost.beforeAnswerCache,
      useResponseCache(responseCache),
      cost.afterAnswerCache,
      useDeferStream(),
      useJit(),
      useReadiness(
        {
          upstream: () => transport.isReachable(),
          // Degraded as long as the caches are not shared (not yet, or no longer).
          redis: redis && (() => redis.healthy() && sharedCaches?.ready === true),
          shuttingDown: () => shuttingDown,
        },
        config.READINESS_CACHE_MS,
      ),
      // Last, in this order: an operation over budget (its own, then its team's) stops here, before the
      // look-ahead starts any call.
      useUpstreamBudget(),
      useTeamBudget(),
      useLookAhead(),
    ],
  });

  return {
    yoga,
    transport,
    collectionCache,
    responseCache,
    events,
    teamBudget,
    atMostOnce,
    redis,
    registry,
    serveWebSocket: (server) => serveGraphQLOverWebSocket(server, { yoga, origins: config.CORS_ORIGINS }),
    shutdown: () => {
      shuttingDown = true;
      return events.shutdown();
    },
    close: () => {
      events.close();
      teamBudget.close();
      sharedCaches?.close();
      transport.close();
      void redis?.close();
    },
  };
}
