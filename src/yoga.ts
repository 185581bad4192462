import './v8-flags.js'; // first: before the schema is built (src/v8-flags.ts says why)
import type { Server, ServerOptions } from 'node:http';
import { useApolloInlineTrace } from '@graphql-yoga/plugin-apollo-inline-trace';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { useCostExtension } from './budget/cost-extension.js';
import { useUpstreamBudget } from './budget/operation-budget-plugin.js';
import { TeamBudget } from './budget/team-budget.js';
import { useTeamBudget } from './budget/team-budget-plugin.js';
import { CollectionCache, collectionsChangedBy } from './caching/collection-cache.js';
import { PersistedQueryStore, useAutomaticPersistedQueries } from './caching/persisted-queries.js';
import { ResponseCache, useResponseCache } from './caching/response-cache.js';
import { SharedCaches } from './caching/shared-caches.js';
import type { Config } from './config.js';
import { createContext } from './context.js';
import { AddressRateLimiter } from './edge/address-rate-limit.js';
import { useBodyLimit } from './edge/body-limit.js';
import { useResponseCompression } from './edge/compression.js';
import { type ConnectionLimits, limitConnectionsPerAddress, serverOptions } from './edge/connections.js';
import { corsOptions } from './edge/cors.js';
import { useCsrfPrevention } from './edge/csrf.js';
import { boundedParseCaches } from './edge/document-cache.js';
import { useLimits } from './edge/document-limits.js';
import { GraphiQLAssets } from './edge/graphiql.js';
import { graphiqlOptions } from './edge/graphiql-options.js';
import { serveGraphQLOverWebSocket, type WebSocketService } from './edge/graphql-ws.js';
import { useInputSizeLimits } from './edge/input-size.js';
import { useReadiness } from './edge/readiness.js';
import { useRequestErrorStatus } from './edge/request-error-status.js';
import { type Enveloped, SingleConnectionStreams } from './edge/sse-single-connection.js';
import { useUnauthenticatedRateLimit } from './edge/unauthenticated-limit.js';
import { callersMistake, maskError } from './errors.js';
import type { Context } from './graphql/context-type.js';
import { useJit } from './graphql/jit.js';
import { Identity } from './identity/identity.js';
import { isAnnounced } from './live/announced.js';
import { EventTargetBus, notifying, SharedEventBus } from './live/bus.js';
import { LiveEvents } from './live/live-events.js';
import { useSubscriptionsEndOnUnserializableEvents } from './live/serializable-events.js';
import { observedBus } from './live/telemetry.js';
import { WebhookActivity } from './live/webhook-activity.js';
import { WebhookTrust } from './live/webhook-trust.js';
import { useInboxWebhooks } from './live/webhooks.js';
import { createInboxMetrics } from './observability/inbox-metrics.js';
import { useMetrics } from './observability/metrics.js';
import { useOperationLog } from './observability/operation-log.js';
import type { Tracing } from './observability/tracing.js';
import { connectRedis, type SharedRedis } from './replicas/redis.js';
import { schema } from './schema/index.js';
import { useLookAhead } from './upstream/look-ahead.js';
import { InboxTransport } from './upstream/rest-client.js';
import { AtMostOnce } from './writes/at-most-once.js';

/** A plugin's log message: its arguments, absent ones left out (a plugin may pass `undefined` details). */
const shown = (args: unknown[]) =>
  args
    .filter((arg) => arg !== undefined)
    .map(String)
    .join(' ');

export interface FacadeOptions {
  config: Config;
  logger: Logger;
  /** Pre-fills GraphiQL's Authorization header (the demo passes the simulator's demo token). */
  graphiqlToken?: string;
  /** OpenTelemetry, when the OTEL_* variables turn it on (src/observability/tracing.ts). */
  tracing?: Tracing;
}

export interface Facade {
  yoga: YogaServerInstance<Record<string, never>, Context>;
  transport: InboxTransport;
  /** Token names (HMAC), proofs of team, tokens refused lately, and the seal on what Redis holds. */
  identity: Identity;
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
  /** UNAUTHENTICATED_REQUESTS_PER_MINUTE: the buckets of client addresses, over every transport. */
  unauthenticated: AddressRateLimiter;
  /** The HTTP server's bounds on receiving requests (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS): for `createServer`. */
  serverOptions: ServerOptions;
  /** Applies MAX_CONNECTIONS_PER_ADDRESS to the server's connections. */
  limitConnections(server: Server): void;
  /** graphql-sse's single-connection streams (reserved with `PUT /graphql`) on this replica. */
  singleConnectionStreams: SingleConnectionStreams;
  /** Serves GraphQL over WebSocket (graphql-ws) on the server's GraphQL endpoint, beside HTTP and SSE. */
  serveWebSocket(server: Server): WebSocketService;
  /**
   * The first step of a graceful shutdown: /readiness answers 503, every subscription ends with
   * `SHUTTING_DOWN`, and the pollers give their leases back; then graphql-sse's single-connection streams end.
   * Resolves once they have.
   */
  shutdown(): Promise<void>;
  close(): void;
}

/** The facade: the long-lived parts (transport, caches, live events, metrics) wired into one Yoga server. */
export function createFacade({ config, logger, graphiqlToken, tracing }: FacadeOptions): Facade {
  const redis =
    config.REDIS_URL === undefined
      ? undefined
      : connectRedis({ url: config.REDIS_URL, prefix: config.REDIS_KEY_PREFIX, logger });
  const registry = new Registry();
  const metrics = useMetrics(registry, config.METRICS_OPERATION_NAMES);
  const inboxMetrics = createInboxMetrics(registry);
  const transport = new InboxTransport({
    baseUrl: config.INBOX_API_URL,
    timeoutMs: config.INBOX_TIMEOUT_MS,
    maxRetries: config.INBOX_MAX_RETRIES,
    maxRetryAfterMs: config.INBOX_MAX_RETRY_AFTER_MS,
    logger,
    onAttempt: metrics.onUpstreamAttempt,
    telemetry: inboxMetrics,
  });
  const identity = new Identity({
    secret: config.FACADE_SECRET,
    proofTtlMs: Math.min(config.TOKEN_PROOF_TTL_MS, config.COLLECTION_CACHE_TTL_MS),
    rejectedTtlMs: config.REJECTED_TOKEN_TTL_MS,
  });
  const collectionCache = new CollectionCache(config.COLLECTION_CACHE_TTL_MS, undefined, {
    proofs: identity.proofs,
    announcedTtlMs: config.announcedCollectionTtlMs,
  });
  // With Redis, the caches have a second level there, and every replica hears of every change.
  const sharedCaches =
    redis &&
    new SharedCaches(redis, {
      logger,
      seal: identity.seal,
      onChange: (change) => collectionCache.apply(change),
      onReset: () => collectionCache.clear(),
    });
  if (sharedCaches) {
    collectionCache.shareThrough(sharedCaches);
    identity.shareThrough(sharedCaches);
  }
  const teamBudget = new TeamBudget({ callsPerMinute: config.TEAM_CALLS_PER_MINUTE, redis, logger });
  const atMostOnce = new AtMostOnce({
    redis,
    seal: identity.seal,
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
  const webhookTrust = new WebhookTrust({
    byTeam: config.INBOX_WEBHOOK_SECRETS,
    shared:
      config.INBOX_WEBHOOK_SECRET === undefined
        ? undefined
        : { secret: config.INBOX_WEBHOOK_SECRET, teams: config.INBOX_WEBHOOK_TEAMS },
  });
  const webhookActivity = new WebhookActivity(config.INBOX_WEBHOOK_QUIET_MS, logger, redis);
  const events = new LiveEvents({
    // Every event of a team (a webhook's or its poller's), published here, makes the team's cached answers
    // and the collections it names stale, on every replica (not a change announced from a write made here:
    // that write has made them stale already). Only a team whose own webhooks arrive has its tags and
    // statuses kept longer (they announce every change of them).
    bus: observedBus(
      notifying(redis ? new SharedEventBus(redis, logger, identity.seal) : new EventTargetBus(), (event) => {
        if (isAnnounced(event)) return;
        void collectionCache.teamChanged(event.teamId, collectionsChangedBy(event.type), {
          byWebhook: webhookActivity.heardRecently(event.teamId),
        });
      }),
      inboxMetrics,
    ),
    // Team by team: its verified webhooks feed the bus while they arrive; else its poller does.
    pollIntervalMs: config.EVENTS_POLL_INTERVAL_MS,
    webhookFeed: (teamId) => webhookActivity.feeding(teamId),
    maxSubscriptionsPerToken: config.MAX_SUBSCRIPTIONS_PER_TOKEN,
    logger,
    redis,
  });
  const graphiql = new GraphiQLAssets('/graphql');
  // graphql-sse's single-connection mode; its operations run through this Yoga's envelop.
  const singleConnectionStreams = new SingleConnectionStreams({
    graphqlEndpoint: '/graphql',
    maxBodyBytes: config.MAX_BODY_BYTES,
    getEnveloped: (initial): Enveloped => yoga.getEnveloped(initial),
    logger,
  });
  let shuttingDown = false;
  const unauthenticated = new AddressRateLimiter(config.UNAUTHENTICATED_REQUESTS_PER_MINUTE);
  const connectionLimits: ConnectionLimits = {
    headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
    trustedProxies: config.TRUST_PROXY,
  };
  const cost = useCostExtension(config.COST_EXTENSION);

  const yoga = createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // MAX_BODY_BYTES is useBodyLimit's (src/edge/body-limit.ts): it counts only the bodies that need it.
    maxRequestBodySize: false,
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: ({ request }) =>
      createContext(request, {
        transport,
        identity,
        collectionCache,
        logger,
        maxUpstreamCalls: config.MAX_UPSTREAM_CALLS,
        events,
        teamBudget,
        atMostOnce,
      }),
    maskedErrors: { maskError },
    // Parsed documents kept by the size of their text, not their number (src/edge/document-cache.ts).
    parserAndValidationCache: boundedParseCaches(),
    // No field takes a file: the GraphQL multipart request format is not read (a form body is refused).
    multipart: false,
    cors: corsOptions(config.CORS_ORIGINS),
    logging: {
      debug: (...args) => logger.debug(shown(args)),
      info: (...args) => logger.info(shown(args)),
      warn: (...args) => logger.warn(shown(args)),
      error: (...args) => {
        const err = args.find((arg) => arg instanceof Error);
        const code = callersMistake(err);
        if (code) logger.debug({ code }, 'the upstream refused the caller’s request');
        else logger.error({ err }, String(args[0]));
      },
    },
    renderGraphiQL: (options) => graphiql.render(options),
    graphiql: config.GRAPHIQL_ENABLED && graphiqlOptions(graphiqlToken),
    plugins: [
      // First: an unauthenticated client over its bound costs nothing more.
      useUnauthenticatedRateLimit({
        limiter: unauthenticated,
        trustedProxies: config.TRUST_PROXY,
        graphqlEndpoint: '/graphql',
      }),
      ...(tracing?.plugins ?? []),
      // `extensions.ftv1` for a federation router that sends `apollo-federation-include-trace: ftv1`, only then.
      useApolloInlineTrace(),
      useBodyLimit(config.MAX_BODY_BYTES),
      useInputSizeLimits(),
      ...useLimits(config),
      singleConnectionStreams.plugin,
      useCsrfPrevention(),
      useInboxWebhooks({
        trust: webhookTrust,
        activity: webhookActivity,
        events,
        logger,
        maxBodyBytes: config.MAX_BODY_BYTES,
      }),
      useAutomaticPersistedQueries(new PersistedQueryStore({ shared: sharedCaches })),
      // The log line and the metrics come before the response cache, so that a cached answer has them too.
      useOperationLog(),
      metrics.plugin,
      inboxMetrics.plugin,
      // Answers without `data` get a 4xx (or 5xx) status with application/graphql-response+json.
      useRequestErrorStatus(),
      // `extensions.cost` around the response cache: its answers are priced as served, the others once
      // it has kept their bare answer (src/budget/cost-extension.ts).
      cost.beforeAnswerCache,
      useResponseCache(responseCache),
      cost.afterAnswerCache,
      useDeferStream(),
      useSubscriptionsEndOnUnserializableEvents(),
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
      // Last: what they answer is final. GraphiQL's page gets its ETag before it is compressed.
      ...(config.GRAPHIQL_ENABLED ? [graphiql.plugin] : []),
      ...(config.COMPRESS_ANSWERS ? [useResponseCompression()] : []),
    ],
  });

  return {
    yoga,
    transport,
    identity,
    collectionCache,
    responseCache,
    events,
    teamBudget,
    atMostOnce,
    redis,
    registry,
    unauthenticated,
    serverOptions: serverOptions(connectionLimits),
    limitConnections: (server) => limitConnectionsPerAddress(server, connectionLimits),
    serveWebSocket: (server) =>
      serveGraphQLOverWebSocket(server, {
        yoga,
        origins: config.CORS_ORIGINS,
        maxMessageBytes: config.MAX_BODY_BYTES,
        unauthenticated,
        trustedProxies: config.TRUST_PROXY,
      }),
    singleConnectionStreams,
    shutdown: async () => {
      shuttingDown = true;
      await events.shutdown();
      await singleConnectionStreams.shutdown();
    },
    close: () => {
      singleConnectionStreams.close();
      events.close();
      teamBudget.close();
      sharedCaches?.close();
      transport.close();
      void redis?.close();
    },
  };
}
