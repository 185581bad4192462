import { z } from 'zod';
import { INBOX_ID } from './graphql/ids.js';

/** Environment variables that start with these prefixes are ours; docs/operations.md lists each. */
const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');
const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const otlpProtocol = z.enum(['http/protobuf', 'http/json', 'grpc']);
/** A comma-separated list, trimmed, empty entries dropped. */
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  );
/** A webhook signing secret: 8 characters or more, none of them a comma or a space (they separate entries). */
const WEBHOOK_SECRET = /^[^\s,]{8,512}$/;
const teamIds = list.pipe(
  z.array(z.string().regex(INBOX_ID, { error: 'must be Inbox team ids, comma-separated' })).max(10_000),
);
/** `teamId:secret,teamId:secret` → each team's secrets (a team may have two while one replaces the other). */
const secretsByTeam = list.transform((entries, context) => {
  const byTeam = new Map<string, string[]>();
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const teamId = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    if (colon < 0 || !INBOX_ID.test(teamId) || !WEBHOOK_SECRET.test(secret)) {
      context.issues.push({
        code: 'custom',
        input: undefined,
        message:
          'must be `teamId:secret` pairs, comma-separated (an Inbox team id, a secret of 8+ characters)',
      });
      return z.NEVER;
    }
    byTeam.set(teamId, [...(byTeam.get(teamId) ?? []), secret]);
  }
  return byTeam as ReadonlyMap<string, readonly string[]>;
});
/** Variables whose values are never repeated in an error message. */
const SECRET_VARIABLES = new Set(['FACADE_SECRET', 'INBOX_WEBHOOK_SECRET', 'INBOX_WEBHOOK_SECRETS']);

const environmentSchema = z.object({
  PORT: integer(0, 65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  INBOX_API_URL: z
    .url({ protocol: /^https?$/ })
    .default('https://inboxapp.com/api/v1')
    .transform((url) => url.replace(/\/+$/, '')),
  INBOX_TIMEOUT_MS: integer(100, 120_000).default(10_000),
  INBOX_MAX_RETRIES: integer(0, 5).default(2),
  /** A 429 whose Retry-After is at most this is waited out once (GETs only); longer ones surface as RATE_LIMITED. */
  INBOX_MAX_RETRY_AFTER_MS: integer(0, 60_000).default(2_000),
  /**
   * How long team, members, account links, tags, statuses and colors are reused across requests; 0 = never.
   * Unset: 30 s, and 5 minutes for tags and statuses when webhooks announce their changes.
   */
  COLLECTION_CACHE_TTL_MS: integer(0, 3_600_000).optional(),
  /** How long a token's own GET /team proves its team, so that its team's cached data may serve it. */
  TOKEN_PROOF_TTL_MS: integer(0, 3_600_000).default(30_000),
  /** How long a token the Inbox API refused (401) is refused again without any call; 0 = never. */
  REJECTED_TOKEN_TTL_MS: integer(0, 3_600_000).default(60_000),
  /** How long a complete query answer is reused for the same token, query and variables; 0 = never. */
  RESPONSE_CACHE_TTL_MS: integer(0, 60_000).default(1_000),
  /**
   * Each team's webhook signing secret (its dashboard, Settings → Webhooks), `teamId:secret,…`; turns on
   * POST /webhooks/inbox. A secret verifies only the envelopes that name its team.
   */
  INBOX_WEBHOOK_SECRETS: secretsByTeam,
  /** One signing secret for several teams: it verifies only envelopes naming one of INBOX_WEBHOOK_TEAMS. */
  INBOX_WEBHOOK_SECRET: z.string().regex(WEBHOOK_SECRET).optional(),
  /** The team ids INBOX_WEBHOOK_SECRET may speak for; required with it. */
  INBOX_WEBHOOK_TEAMS: teamIds,
  /** A team whose verified webhook has not come for this long is polled again (until its next webhook). */
  INBOX_WEBHOOK_QUIET_MS: integer(1_000, 86_400_000).default(300_000),
  /** Each team's poller reads GET /events this often while it has subscribers and no webhook (one call). */
  EVENTS_POLL_INTERVAL_MS: integer(1_000, 600_000).default(10_000),
  /** Most subscriptions one token may hold open at once (every transport counted); more are refused. */
  MAX_SUBSCRIPTIONS_PER_TOKEN: integer(1, 10_000).default(100),
  /**
   * On SIGTERM/SIGINT, how long operations in flight may take to finish; what still runs then is cut off.
   * Keep it below the orchestrator's grace period (Kubernetes: 30 s).
   */
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHIQL_ENABLED: booleanFlag.default(true),
  /** Compress GraphQL answers of 1 KiB or more as Accept-Encoding asks (off: a proxy in front does it). */
  COMPRESS_ANSWERS: booleanFlag.default(true),
  /** `extensions.cost` on every answer (src/budget/cost-extension.ts); off, the rate-limit headers still go. */
  COST_EXTENSION: booleanFlag.default(true),
  INTROSPECTION_ENABLED: booleanFlag.default(true),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  MAX_DEPTH: integer(1, 100).default(12),
  MAX_ALIASES: integer(0, 1000).default(30),
  MAX_DIRECTIVES: integer(1, 1000).default(50),
  MAX_COST: integer(1, 1_000_000).default(50_000),
  MAX_TOKENS: integer(10, 1_000_000).default(5_000),
  /**
   * Most fields one selection set may collect (its inline fragments and spread fragments counted in), checked
   * before validation: repeating a field makes validation's overlap check quadratic.
   */
  MAX_FIELDS_PER_SELECTION: integer(1, 10_000).default(100),
  /** The most Inbox API calls an operation (a subscription: each event) may make, estimated first (src/budget/). */
  MAX_UPSTREAM_CALLS: integer(1, 10_000).default(100),
  /**
   * The calls one team may make in any minute, counted by the facade for all of the team's tokens (with
   * Redis, across the replicas); past it, operations are refused before any call (src/budget/team-budget.ts).
   */
  TEAM_CALLS_PER_MINUTE: integer(1, 100_000_000).default(300),
  /** Largest request body read on /graphql and /webhooks/inbox; reading stops there (chunked bodies too). */
  MAX_BODY_BYTES: integer(1_024, 100_000_000).default(262_144),
  /** How long a client may take to send a request's headers; then the connection is answered 408 and closed. */
  HEADERS_TIMEOUT_MS: integer(1_000, 600_000).default(10_000),
  /**
   * How long a client may take to send a whole request (headers and body); then 408 and the connection is
   * closed. Answers are not bounded by it: SSE and WebSocket streams last as long as they need.
   */
  REQUEST_TIMEOUT_MS: integer(1_000, 3_600_000).default(30_000),
  /** Most TCP connections open at once from one client address (an IPv6 /64); more are closed at once. 0: no cap. */
  MAX_CONNECTIONS_PER_ADDRESS: integer(0, 1_000_000).default(256),
  /**
   * Operations without a well-formed token (HTTP, SSE, WebSocket) and WebSocket connections that never send one,
   * per client address and minute; past it, 429 RATE_LIMITED.
   */
  UNAUTHENTICATED_REQUESTS_PER_MINUTE: integer(1, 1_000_000).default(60),
  /**
   * How many reverse proxies in front of the facade append to X-Forwarded-For; the client address is the entry
   * that many hops back. 0: the header is ignored and the socket's address is the client's.
   */
  TRUST_PROXY: integer(0, 10).default(0),
  /** How long /readiness reuses its answer, so that probing it cannot load the upstream. */
  READINESS_CACHE_MS: integer(0, 600_000).default(5_000),
  /**
   * Redis shared by several replicas (e.g. `redis://127.0.0.1:6379`): caches, persisted queries, the team's
   * call budget, live events and at-most-once sends. Unset: everything stays in this process.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * The secret the token HMAC and the seal of everything shared through Redis derive from (32+ characters,
   * the same on every replica). Required with REDIS_URL; unset without Redis: random keys per process.
   */
  FACADE_SECRET: z.string().min(32).optional(),
  /** Prefix of every Redis key and channel: deployments sharing one Redis keep apart. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/)
    .default('inbox-facade:'),
  /** Operation names that /metrics labels by name; any other operation is labelled `other`. */
  METRICS_OPERATION_NAMES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]{0,99}$/)).max(200)),
  /** OpenTelemetry's own (docs/observability.md), read by its SDK: a value it would silently ignore stops the start. */
  OTEL_TRACES_EXPORTER: z
    .string()
    .regex(
      /^\s*(otlp|console|zipkin|none)\s*(,\s*(otlp|console|zipkin|none)\s*)*$/,
      'otlp, console, zipkin or none',
    )
    .optional(),
  /** The OTLP encoding: `http/protobuf` (the SDK's default), `http/json` or `grpc`. */
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
});

const withDefaults = environmentSchema
  .refine((environment) => environment.REDIS_URL === undefined || environment.FACADE_SECRET !== undefined, {
    path: ['FACADE_SECRET'],
    message: 'required when REDIS_URL is set (the replicas derive their shared keys from it)',
  })
  .refine((environment) => environment.HEADERS_TIMEOUT_MS <= environment.REQUEST_TIMEOUT_MS, {
    path: ['HEADERS_TIMEOUT_MS'],
    message: 'must not exceed REQUEST_TIMEOUT_MS',
  })
  .superRefine((environment, context) => {
    // One secret for the whole deployment once let any team's envelope through: it must name its teams.
    const secret = environment.INBOX_WEBHOOK_SECRET !== undefined;
    if (secret !== environment.INBOX_WEBHOOK_TEAMS.length > 0) {
      context.addIssue({
        code: 'custom',
        path: [secret ? 'INBOX_WEBHOOK_SECRET' : 'INBOX_WEBHOOK_TEAMS'],
        message: secret
          ? 'set INBOX_WEBHOOK_TEAMS to the team ids this secret may speak for, or use INBOX_WEBHOOK_SECRETS=teamId:secret,…'
          : 'names the teams of INBOX_WEBHOOK_SECRET, which is not set',
      });
    }
  })
  .transform(({ COLLECTION_CACHE_TTL_MS: explicit, ...environment }) => {
    const webhookTeams = new Set([
      ...environment.INBOX_WEBHOOK_SECRETS.keys(),
      ...environment.INBOX_WEBHOOK_TEAMS,
    ]);
    return {
      ...environment,
      COLLECTION_CACHE_TTL_MS: explicit ?? 30_000,
      /**
       * Derived, not a variable: how long tags and statuses are kept for a team whose webhooks arrive. Inbox
       * events announce their changes, so with webhooks (which bring every event of the team) they are kept 5
       * minutes unless COLLECTION_CACHE_TTL_MS says otherwise. No v1 event announces the other collections'
       * changes.
       */
      announcedCollectionTtlMs: explicit ?? (webhookTeams.size === 0 ? 30_000 : 300_000),
    };
  });

export type Config = z.infer<typeof withDefaults>;

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError whose message is one line naming the bad variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const provided = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const result = withDefaults.safeParse(provided);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = String(issue?.path[0] ?? 'environment');
  const value = environment[variable];
  const named =
    value === undefined || value === ''
      ? `Missing ${variable}`
      : `Invalid ${variable}=${SECRET_VARIABLES.has(variable) ? '(hidden)' : JSON.stringify(value)}`;
  throw new ConfigError(`${named}: ${issue?.message}`);
}

/** For entry points: a bad value stops the start with one line naming the variable. */
export function loadConfigOrExit(environment: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
