import type { ChainableCommander } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Seal } from '../identity/seal.js';
import { inBackground, tracing } from '../observability/hooks.js';
import { OUTAGE_TTL_MS, RedisCommandTimeout, type SharedRedis, withinMs } from '../replicas/redis.js';

/**
 * The cross-request caches as the replicas share them through Redis (REDIS_URL): a second level behind each
 * replica's in-memory caches, and the channel that keeps those in-memory copies fresh.
 *
 * Every value and message is sealed (src/identity/seal.ts) for the key or channel it is written to, with a
 * key derived from FACADE_SECRET that Redis never holds: what does not open, or has not the expected shape,
 * reads as absent. Tokens are named by their HMAC (src/identity/token-key.ts), never themselves.
 *
 * - `token:<hmac>`: a token's own `GET /team` answer, for the proof's lifetime (TOKEN_PROOF_TTL_MS): a
 *   replica that never saw the token trusts it within that time, as the replica that made the call does.
 *   `token-team:<hmac>`: the team id alone, for a day (a token never changes team), to know whose caches
 *   a write makes stale and, for the upstream-call budget, whose calls a token spends.
 *   `rejected:<hmac>`: the upstream refused the token (401), for REJECTED_TOKEN_TTL_MS.
 * - `team:<id>`: a hash of the team's collections (`tags`, `members`...), each stored with the version it
 *   was read at, and the versions: `gen` for whole answers, `gen:<collection>` for each collection.
 *   `answer:<team id>:<sha256>`: a whole answer of a query, for RESPONSE_CACHE_TTL_MS.
 *   A change bumps the versions (and `every-team`, when the writer's team is unknown) in one transaction
 *   with its message: a value read or stored before the change never matches again, even when a slow
 *   reader stores it afterwards.
 * - `apq:<sha256>`: persisted queries, for a day after their last use.
 * - channel `cache-changes`: every change, so that each replica drops its in-memory copies at once.
 *
 * Redis is never needed to answer: every command is bounded in time and any failure reads as a miss. While
 * this replica cannot hear the channel (Redis down or slow, or not yet connected), `ready` is false: nothing
 * is read from or written to Redis, the in-memory caches keep entries for OUTAGE_TTL_MS at most, and its
 * own changes wait to be announced. When it hears the channel again, it drops every in-memory copy (it may
 * have missed changes) and announces the changes it made meanwhile.
 */
export interface CacheChange {
  /** `null`: the team is not known, so every team. */
  teamId: string | null;
  /** Cached collections the change makes stale (every change makes the team's whole answers stale). */
  collections: readonly string[];
  /** An Inbox event that came by webhook: the team's webhooks announce its changes. */
  announcing?: boolean;
}

export interface SharedCachesOptions {
  logger: Logger;
  /** Seals what is written, opens what is read (a key derived from FACADE_SECRET). */
  seal: Seal;
  /** A change announced by another replica: drop the in-memory copies it makes stale. */
  onChange(change: CacheChange): void;
  /** The replica may have missed changes: drop every in-memory copy. */
  onReset(): void;
  /** How long a cut-off replica holds nothing from Redis after a command took too long. */
  suspendMs?: number;
  /** Longest wait for one Redis command; past it, the command reads as failed. */
  commandTimeoutMs?: number;
}

const PROOF_FOR_DAYS_MS = 86_400_000;
const PERSISTED_QUERY_TTL_S = 86_400;
const MAX_PENDING_TEAMS = 10_000;

/** A value read from Redis: `version` is what a value stored now must carry to be valid. */
export interface SharedRead<T> {
  version: string;
  value?: T;
  /** When the value stops being served. */
  expires?: number;
}

/** What a replica writes, as it must read back: anything else from Redis reads as absent. */
const collectionShape = z.object({ version: z.string(), expires: z.number(), value: z.unknown() });
const proofShape = z.object({ value: z.looseObject({ id: z.string() }), expires: z.number() });
const tokenTeamShape = z.object({ teamId: z.string() });
const rejectedShape = z.object({ until: z.number() });
const changeShape = z.object({
  from: z.string(),
  teamId: z.string().max(64).nullable(),
  collections: z.array(z.string().max(32)).max(100),
  announcing: z.literal(true).optional(),
  /** The W3C trace context of the write that caused it, so that the invalidation links to it. */
  traceparent: z.string().max(128).optional(),
});

/** A token's proof of team, or its refusal, as read from Redis. */
export interface SharedProof<T> {
  proof?: { value: T; expires: number };
  /** The upstream refused the token until then. */
  rejectedUntil?: number;
}

export class SharedCaches {
  private readonly channel: string;
  private readonly seal: Seal;
  private listening = false;
  /** The barrier the requests of this tick share (`changesHeard`). */
  private nextPing: Promise<void> | undefined;
  /** Messages on the channel that did not open, since the last warning about them. */
  private unsealed = 0;
  private unsealedWarnedAt = 0;
  private suspendedUntil = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  /** Changes made while Redis could not hear them: announced once it can. */
  private readonly pending = new Map<string | null, Set<string>>();
  private readonly suspendMs: number;
  private readonly commandTimeoutMs: number;

  constructor(
    private readonly redis: SharedRedis,
    private readonly options: SharedCachesOptions,
  ) {
    this.channel = `${redis.channelPrefix}cache-changes`;
    this.seal = options.seal;
    this.suspendMs = options.suspendMs ?? 2_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 250;
    const { client, subscriber } = redis;
    client.on('ready', () => void this.connected());
    client.on('close', () => this.lost());
    subscriber.on('ready', () => void this.connected());
    subscriber.on('close', () => this.lost());
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.heard(message);
    });
    if (client.status === 'ready' && subscriber.status === 'ready') void this.connected();
  }

  /** Redis is shared right now: connected both ways, no command left hanging. */
  get ready(): boolean {
    return this.listening && this.redis.healthy() && Date.now() >= this.suspendedUntil;
  }

  // ------------------------------------------------------------------ collections and proofs

  async readCollection<T>(teamId: string, collection: string): Promise<SharedRead<T> | undefined> {
    const read = await this.run((client) =>
      client
        .multi()
        .get(this.key('every-team'))
        .hmget(this.teamKey(teamId), `gen:${collection}`, collection)
        .exec(),
    );
    const [every, fields] = results(read) as [string | null, [string | null, string | null]];
    if (!fields) return undefined;
    const version = `${every ?? 0}:${fields[0] ?? 0}`;
    const stored = this.seal.open(fields[1], this.fieldContext(teamId, collection), collectionShape);
    return stored?.version === version && stored.expires > Date.now()
      ? { version, value: stored.value as T, expires: stored.expires }
      : { version };
  }

  /** Stores a collection read at `read.version`, until `expires` (a change since makes it a miss). */
  writeCollection(
    teamId: string,
    collection: string,
    read: SharedRead<unknown>,
    value: unknown,
    expires: number,
  ): void {
    const ttlMs = expires - Date.now();
    if (ttlMs <= 0) return;
    const packed = this.seal.seal(
      { version: read.version, expires, value },
      this.fieldContext(teamId, collection),
    );
    const team = this.teamKey(teamId);
    void this.run((client) => {
      const transaction = client.multi().hset(team, collection, packed);
      return keepTeamHash(transaction, team, ttlMs).exec();
    });
  }

  /**
   * A token's own `GET /team` answer, proven on some replica within the proof's lifetime, with its expiry;
   * or the upstream's refusal of the token, within REJECTED_TOKEN_TTL_MS. One round trip.
   */
  async readProof<T extends { id: string }>(tokenKey: string): Promise<SharedProof<T>> {
    const proofKey = this.key(`token:${tokenKey}`);
    const rejectedKey = this.key(`rejected:${tokenKey}`);
    const read = await this.run((client) => client.multi().get(proofKey).get(rejectedKey).exec());
    const [rawProof, rawRejected] = results(read);
    const now = Date.now();
    const proof = this.seal.open(rawProof, proofKey, proofShape);
    const rejected = this.seal.open(rawRejected, rejectedKey, rejectedShape);
    return {
      ...(proof && proof.expires > now && { proof: { value: proof.value as T, expires: proof.expires } }),
      ...(rejected && rejected.until > now && { rejectedUntil: rejected.until }),
    };
  }

  writeProof(tokenKey: string, teamId: string, value: unknown, expires: number): void {
    const ttlMs = expires - Date.now();
    if (ttlMs <= 0) return;
    const proofKey = this.key(`token:${tokenKey}`);
    const teamKey = this.key(`token-team:${tokenKey}`);
    const proof = this.seal.seal({ value, expires }, proofKey);
    const team = this.seal.seal({ teamId }, teamKey);
    void this.run((client) =>
      client.multi().set(proofKey, proof, 'PX', ttlMs).set(teamKey, team, 'PX', PROOF_FOR_DAYS_MS).exec(),
    );
  }

  /** The upstream refused the token: no replica trusts its proof any more, and each refuses it until `until`. */
  writeRejected(tokenKey: string, until: number): void {
    const ttlMs = until - Date.now();
    const rejectedKey = this.key(`rejected:${tokenKey}`);
    const rejected = this.seal.seal({ until }, rejectedKey);
    void this.run((client) => {
      const transaction = client.multi().del(this.key(`token:${tokenKey}`));
      if (ttlMs > 0) transaction.set(rejectedKey, rejected, 'PX', ttlMs);
      return transaction.exec();
    });
  }

  /** The team a token belongs to, as any replica learnt it from the token's `GET /team` (within a day). */
  async teamOf(tokenKey: string): Promise<string | undefined> {
    const teamKey = this.key(`token-team:${tokenKey}`);
    const raw = await this.run((client) => client.get(teamKey));
    return this.seal.open(raw, teamKey, tokenTeamShape)?.teamId;
  }

  // ------------------------------------------------------------------ whole answers

  async readAnswer(teamId: string, answerKey: string): Promise<SharedRead<string> | undefined> {
    const read = await this.run((client) =>
      client
        .multi()
        .get(this.key('every-team'))
        .hget(this.teamKey(teamId), 'gen')
        .get(this.key(`answer:${teamId}:${answerKey}`))
        .exec(),
    );
    if (read === undefined) return undefined;
    const [every, gen, raw] = results(read) as [string | null, string | null, string | null];
    const version = `${every ?? 0}:${gen ?? 0}`;
    // `<version>\n<expires>\n<body>`, sealed: the body as it is, not escaped into another JSON string.
    const opened = this.seal.openText(raw, this.key(`answer:${teamId}:${answerKey}`));
    const [storedVersion, expires, body] = splitTwice(opened ?? '');
    const until = Number(expires);
    return storedVersion === version && until > Date.now() && body !== undefined
      ? { version, value: body, expires: until }
      : { version };
  }

  /** Stores an answer computed from `read.version` on, until `expires`. */
  writeAnswer(
    teamId: string,
    answerKey: string,
    read: SharedRead<string>,
    body: string,
    expires: number,
  ): void {
    const ttlMs = expires - Date.now();
    if (ttlMs <= 0) return;
    const key = this.key(`answer:${teamId}:${answerKey}`);
    const sealed = this.seal.sealText(`${read.version}\n${expires}\n${body}`, key);
    void this.run((client) => client.set(key, sealed, 'PX', ttlMs));
  }

  // ------------------------------------------------------------------ persisted queries

  async persistedQuery(hash: string): Promise<string | undefined> {
    const query = await this.run((client) =>
      client.getex(this.key(`apq:${hash}`), 'EX', PERSISTED_QUERY_TTL_S),
    );
    return typeof query === 'string' ? query : undefined;
  }

  persistQuery(hash: string, query: string): void {
    void this.run((client) => client.set(this.key(`apq:${hash}`), query, 'EX', PERSISTED_QUERY_TTL_S));
  }

  // ------------------------------------------------------------------ changes

  /**
   * Makes a change stale on every replica: bumps the versions in Redis and announces it, in one
   * transaction. Resolves once Redis has delivered the message (or, when it cannot, once the change is
   * queued for the reconnection): a write's answer leaves after the other replicas were told.
   */
  async announce(change: CacheChange, ttlMs: number): Promise<void> {
    if (!this.ready) return this.queue(change);
    // The announcing request's trace travels along: each replica's invalidation links to it.
    const traceparent = tracing.current?.traceparent();
    const message = this.seal.seal(
      {
        from: this.redis.replicaId,
        teamId: change.teamId,
        collections: change.collections,
        ...(change.announcing && { announcing: true }),
        ...(traceparent && { traceparent }),
      },
      this.channel,
    );
    const done = await this.run((client) => {
      const transaction = client.multi();
      if (change.teamId === null) {
        transaction.incr(this.key('every-team'));
      } else {
        const team = this.teamKey(change.teamId);
        transaction.hincrby(team, 'gen', 1);
        for (const collection of change.collections) transaction.hincrby(team, `gen:${collection}`, 1);
        keepTeamHash(transaction, team, ttlMs);
      }
      return transaction.publish(this.channel, message).exec();
    });
    if (done === undefined) this.queue(change);
  }

  /**
   * Resolves once every change announced before this call has been applied here: a PING on the subscriber
   * connection, which Redis answers after every message published before it (one connection is answered in
   * order, messages included). A writer's answer leaves after its change is published (`announce`), so a
   * request that awaits this before reading a cache here sees every write answered before it started, on
   * any replica. One round trip, shared by the requests that ask in the same tick; `undefined` while Redis
   * is not shared (then the caches are local and short-lived, as `ready` says).
   */
  changesHeard(): Promise<void> | undefined {
    if (!this.ready) return undefined;
    this.nextPing ??= Promise.resolve().then(() => {
      this.nextPing = undefined;
      return this.bounded(this.redis.subscriber.ping()).then(
        () => undefined,
        (error: unknown) => {
          // Too slow: Redis is left alone for a while, and the caches here are dropped (`suspend`).
          if (error instanceof RedisCommandTimeout) this.suspend();
        },
      );
    });
    return this.nextPing;
  }

  close(): void {
    clearTimeout(this.resumeTimer);
  }

  private queue(change: CacheChange): void {
    if (this.pending.size >= MAX_PENDING_TEAMS && !this.pending.has(change.teamId)) {
      // Too many teams to name: announce one change for every team instead.
      const all = new Set(change.collections);
      for (const collections of this.pending.values())
        for (const collection of collections) all.add(collection);
      this.pending.clear();
      this.pending.set(null, all);
      return;
    }
    const collections = this.pending.get(change.teamId) ?? new Set<string>();
    for (const collection of change.collections) collections.add(collection);
    this.pending.set(change.teamId, collections);
  }

  /** A change announced on the channel: one that does not open (forged, altered, replayed elsewhere) is ignored. */
  private heard(message: string): void {
    const change = this.seal.open(message, this.channel, changeShape);
    if (change === undefined) {
      this.unsealed++;
      // Once a minute at most: whoever writes to Redis must not be able to flood the logs.
      if (Date.now() - this.unsealedWarnedAt >= 60_000) {
        this.unsealedWarnedAt = Date.now();
        this.options.logger.warn(
          { ignored: this.unsealed },
          'redis: cache changes without a valid seal were ignored (another writer, or another FACADE_SECRET)',
        );
        this.unsealed = 0;
      }
      return;
    }
    if (change.from === this.redis.replicaId) return; // applied here before it was announced
    const heard: CacheChange = {
      teamId: change.teamId,
      collections: change.collections,
      ...(change.announcing && { announcing: true }),
    };
    const cause = tracing.current?.causeFrom(change.traceparent);
    inBackground('inbox.cache.invalidate', { 'inbox.team.id': String(heard.teamId) }, [cause], () =>
      this.options.onChange(heard),
    );
  }

  /** Both connections up: (re)subscribe, drop what may have been missed, catch up. */
  private async connected(): Promise<void> {
    const { client, subscriber } = this.redis;
    if (client.status !== 'ready' || subscriber.status !== 'ready') return;
    try {
      await this.bounded(subscriber.subscribe(this.channel));
      if (client.status !== 'ready' || subscriber.status !== 'ready') return;
    } catch (error) {
      // A slow handshake (a busy Redis or a stalled event loop) is tried again: no 'ready' event would
      // come to retry it, and the replica would stay alone until Redis reconnected.
      this.options.logger.debug({ err: String(error) }, 'redis: shared caches not ready yet');
      clearTimeout(this.resumeTimer);
      this.resumeTimer = setTimeout(() => void this.connected(), this.suspendMs);
      this.resumeTimer.unref();
      return;
    }
    this.listening = true;
    this.suspendedUntil = 0;
    this.options.onReset();
    await this.flushPending();
  }

  private lost(): void {
    if (!this.listening) return;
    this.listening = false;
    this.options.logger.warn('redis: caches are local until it is back');
    this.options.onReset();
  }

  private async flushPending(): Promise<void> {
    const changes = [...this.pending].map(([teamId, collections]) => ({
      teamId,
      collections: [...collections],
    }));
    this.pending.clear();
    for (const change of changes) await this.announce(change, OUTAGE_TTL_MS);
  }

  /** A command that took too long: Redis is treated as down for `suspendMs`, then caught up with. */
  private suspend(): void {
    if (Date.now() < this.suspendedUntil) return;
    this.suspendedUntil = Date.now() + this.suspendMs;
    this.options.logger.warn('redis: too slow, caches are local for a while');
    this.options.onReset();
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      if (this.redis.healthy()) {
        this.options.onReset();
        void this.flushPending();
      }
    }, this.suspendMs);
    this.resumeTimer.unref();
  }

  /** Runs a command while Redis is shared; `undefined` when it is not, or the command fails or hangs. */
  private async run<T>(command: (client: SharedRedis['client']) => Promise<T>): Promise<T | undefined> {
    if (!this.ready) return undefined;
    try {
      return await this.bounded(command(this.redis.client));
    } catch (error) {
      if (error instanceof RedisCommandTimeout) this.suspend();
      return undefined;
    }
  }

  private bounded<T>(command: Promise<T>): Promise<T> {
    return withinMs(command, this.commandTimeoutMs);
  }

  private key(name: string): string {
    return `${this.redis.prefix}${name}`;
  }

  private teamKey(teamId: string): string {
    return this.key(`team:${teamId}`);
  }

  /** What a field of the team's hash is sealed for: the hash and the field. */
  private fieldContext(teamId: string, collection: string): string {
    return `${this.teamKey(teamId)}#${collection}`;
  }
}

/**
 * A team's hash lives a minute past its longest value, never shortened: its versions must outlive any
 * load that read them (a load lasts at most a few upstream deadlines), or a reset version could match again.
 */
function keepTeamHash(transaction: ChainableCommander, team: string, ttlMs: number): ChainableCommander {
  const ms = Math.max(ttlMs, 0) + 60_000;
  return transaction.pexpire(team, ms, 'NX').pexpire(team, ms, 'GT');
}

/** The replies of a transaction, `undefined` where one failed. */
function results(replies: Array<[Error | null, unknown]> | null | undefined): unknown[] {
  return (replies ?? []).map(([error, value]) => (error ? undefined : value));
}

/** `a\nb\nrest` → `[a, b, rest]` (the rest may hold newlines). */
function splitTwice(text: string): [string, string, string | undefined] {
  const first = text.indexOf('\n');
  const second = first < 0 ? -1 : text.indexOf('\n', first + 1);
  if (second < 0) return ['', '', undefined];
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}
