import type { Logger } from 'pino';
import { RedisCommandTimeout, type SharedRedis, withinMs } from '../replicas/redis.js';

/**
 * One budget of upstream calls per team (TEAM_CALLS_PER_MINUTE): a sliding window of a minute, so that the
 * team makes at most that many calls in ANY minute, whatever replica makes them.
 *
 * - With Redis, the window is a sorted set per team (a call's member scored by Redis's own clock), checked
 *   and updated by one Lua script, so replicas never race each other past the limit. Each replica announces
 *   itself there (a heartbeat that expires), so each knows how many replicas share the budget.
 * - Only Redis's own slowness counts as Redis being slow: a reply that came in time is read even when the
 *   event loop was held up past the bound (src/replicas/redis.ts, `withinMs`).
 * - While Redis is configured but out of reach (down, or too slow for `suspendMs`), a replica spends at most
 *   its share: the limit divided by the replicas it last saw. Its own calls of the last minute count
 *   against it, and so does its share of the calls the shared window held when it last heard from it. The
 *   calls it makes meanwhile are added to the shared window when Redis answers again (with their age), so
 *   that the minute that follows counts them.
 * - Without Redis, one process is the deployment: it counts its calls in memory, with the whole limit.
 * - The upstream's own count is followed when it sends one (`X-RateLimit-Remaining`/`-Reset`): once the
 *   calls sent after an answer reach the `Remaining` it gave, the team waits for its `Reset`. Its count
 *   includes calls made outside the facade (other integrations of the team), which the window cannot see.
 */

/**
 * A minute, and a second: a call is counted when it leaves, the upstream counts it when it arrives, and the
 * second absorbs the difference (a call held up on its way while a later one is not), so that the upstream
 * too sees at most the limit in any of its minutes.
 */
export const WINDOW_MS = 61_000;

/** How often a replica announces itself in Redis, and how long an announcement lasts. */
const HEARTBEAT_MS = 5_000;
const REPLICA_TTL_MS = 15_000;
/** A team's status as this replica last learnt it serves an answer that made no call for this long. */
const STATUS_REUSE_MS = 1_000;
/** Calls made while Redis was out of reach, kept per team to be added to it (the oldest go first past it). */
const MAX_UNSYNCED = 5_000;

/** A team's budget as it stands: what the cost extension and the rate-limit headers report. */
export interface BudgetStatus {
  /** The calls a minute this count allows: TEAM_CALLS_PER_MINUTE, or this replica's share while it counts alone. */
  limit: number;
  /** Calls that may still be made now (the upstream's own count included, when it is lower). */
  remaining: number;
  /** When `remaining` grows again (ms since the epoch): the oldest counted call leaves the window. */
  resetAt: number;
  /** Counted for the whole deployment (Redis), rather than by this replica alone. */
  shared: boolean;
}

export interface BudgetVerdict {
  allowed: boolean;
  /** When refused: how long until the calls asked for would fit, in ms. */
  waitMs: number;
  /** The team's budget once this verdict is applied. */
  status: BudgetStatus;
}

/** What an upstream answer said of the team's remaining calls. */
export interface UpstreamCount {
  remaining: number;
  /** When the upstream's count frees up again (ms since the epoch, by the upstream's clock). */
  resetAt: number;
  /** When the call that carried it was sent (ms since the epoch, by this replica's clock). */
  sentAt: number;
}

export interface TeamBudgetOptions {
  callsPerMinute: number;
  redis?: SharedRedis;
  logger: Logger;
  /** Longest wait for one Redis command; past it Redis is left alone for `suspendMs`. */
  commandTimeoutMs?: number;
  suspendMs?: number;
  /** How often this replica announces itself in Redis. */
  heartbeatMs?: number;
  /** The local clock (tests of the window use their own). */
  now?: () => number;
  /** Teams counted in memory at most (least recently used first out). */
  maxTeams?: number;
}

/** check: is there room (takes nothing); take: a call about to leave; record: one already sent; sync: none. */
type Mode = 'check' | 'take' | 'record' | 'sync';

// KEYS[1]: the team's calls (a sorted set scored by time in ms); KEYS[2]: the upstream's last count (a hash).
// ARGV: limit, window ms, calls needed, mode, member, then the age in ms of each call made while Redis was
// out of reach. Answers {allowed 1|0, ms to wait, remaining, ms until remaining grows, calls in the window}.
const WINDOW_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local limit, window, need, mode, member = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local added = false
for index = 6, #ARGV do
  local age = tonumber(ARGV[index])
  if age and age >= 0 and age < window then
    redis.call('ZADD', KEYS[1], now - age, member .. ':' .. index)
    added = true
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
local upstreamLeft, upstreamReset
local upstream = redis.call('HMGET', KEYS[2], 'remaining', 'resetAt', 'since')
if upstream[1] and tonumber(upstream[2]) > now then
  upstreamLeft = tonumber(upstream[1]) - redis.call('ZCOUNT', KEYS[1], '(' .. upstream[3], '+inf')
  upstreamReset = tonumber(upstream[2])
end
local wait = 0
if mode == 'check' or mode == 'take' then
  if used + need > limit then
    local index = used + need - limit - 1
    local blocking = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
    wait = tonumber(blocking[2]) + window - now
  end
  if upstreamLeft and need > upstreamLeft then wait = math.max(wait, upstreamReset - now) end
end
local allowed = wait <= 0
if allowed and (mode == 'take' or mode == 'record') then
  redis.call('ZADD', KEYS[1], now, member)
  added = true
  used = used + 1
  if upstreamLeft then upstreamLeft = upstreamLeft - 1 end
end
if added then redis.call('PEXPIRE', KEYS[1], window) end
local remaining, resetIn = limit - used, 0
if used > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  resetIn = tonumber(oldest[2]) + window - now
end
if upstreamLeft and upstreamLeft < remaining then remaining, resetIn = upstreamLeft, upstreamReset - now end
return {allowed and 1 or 0, wait, math.max(remaining, 0), math.max(resetIn, 0), used}
`;

// KEYS[1]: the upstream's last count. ARGV: remaining, ms until it resets, ms since the call was sent.
// An older answer (its call sent before the one stored) never replaces a newer one.
const UPSTREAM_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local since = now - tonumber(ARGV[3])
local known = redis.call('HGET', KEYS[1], 'since')
if known and tonumber(known) > since then return 0 end
redis.call('HSET', KEYS[1], 'remaining', ARGV[1], 'resetAt', now + tonumber(ARGV[2]), 'since', since)
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(ARGV[2])))
return 1
`;

// KEYS[1]: the replicas (a sorted set scored by their last heartbeat). ARGV: this replica, ms a beat lasts.
// Answers how many replicas beat within that time, this one included.
const REPLICAS_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return redis.call('ZCARD', KEYS[1])
`;

interface BudgetCommands {
  teamBudgetWindow(
    calls: string,
    upstream: string,
    limit: number,
    windowMs: number,
    need: number,
    mode: Mode,
    member: string,
    ...unsyncedAgesMs: number[]
  ): Promise<unknown>;
  teamBudgetUpstream(
    upstream: string,
    remaining: number,
    resetInMs: number,
    sentAgoMs: number,
  ): Promise<number>;
  teamBudgetReplicas(replicas: string, replicaId: string, ttlMs: number): Promise<unknown>;
}

/** The rule a local count follows: the whole limit alone, or this replica's share while Redis is away. */
interface LocalRule {
  limit: number;
  /** Only the calls made after this (the last word from Redis) are this replica's own to count. */
  since: number;
  /** The calls the shared window held then, this replica's share of them, until they leave the window. */
  carried: number;
}

export class TeamBudget {
  readonly limit: number;
  private readonly local = new Map<string, LocalWindow>();
  /** The clock the local windows count with (a call's `sentAt` must come from it). */
  readonly now: () => number;
  private readonly commandTimeoutMs: number;
  private readonly suspendMs: number;
  private readonly maxTeams: number;
  private suspendedUntil = 0;
  private calls = 0;
  /** Replicas sharing the budget, as the last heartbeat counted them (this one alone until then). */
  private replicasSeen = 1;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly onReady = () => void this.heartbeat();

  constructor(private readonly options: TeamBudgetOptions) {
    this.limit = options.callsPerMinute;
    this.now = options.now ?? Date.now;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 250;
    this.suspendMs = options.suspendMs ?? 2_000;
    this.maxTeams = options.maxTeams ?? 10_000;
    const redis = options.redis;
    if (!redis) return;
    if (!('teamBudgetWindow' in redis.client)) {
      redis.client.defineCommand('teamBudgetWindow', { numberOfKeys: 2, lua: WINDOW_SCRIPT });
      redis.client.defineCommand('teamBudgetUpstream', { numberOfKeys: 1, lua: UPSTREAM_SCRIPT });
      redis.client.defineCommand('teamBudgetReplicas', { numberOfKeys: 1, lua: REPLICAS_SCRIPT });
    }
    // At every (re)connection: announce this replica, and hand Redis the calls counted here meanwhile.
    redis.client.on('ready', this.onReady);
    this.heartbeatTimer = setInterval(this.onReady, options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    if (redis.client.status === 'ready') this.onReady();
  }

  /** The window is shared with the other replicas right now (else each counts its own calls). */
  get shared(): boolean {
    return this.redisUsable() !== undefined;
  }

  /** How many replicas share the budget, as this one last saw them (1 without Redis). */
  get replicas(): number {
    return this.replicasSeen;
  }

  /** Is there room for `calls` more calls now? Takes nothing: the calls take their slots as they are sent. */
  check(teamId: string, calls: number): Promise<BudgetVerdict> {
    return this.window(teamId, Math.min(calls, this.limit), 'check');
  }

  /** A call about to be sent: takes its slot, or is refused. */
  take(teamId: string): Promise<BudgetVerdict> {
    return this.window(teamId, 1, 'take');
  }

  /** A call already sent, counted once its team is known (a token's first `GET /team`). */
  async record(teamId: string): Promise<BudgetVerdict> {
    return this.window(teamId, 1, 'record');
  }

  /**
   * The team's budget now, for an answer that made no call: counted here without Redis; with it, what this
   * replica learnt in the last second, else one command (concurrent asks share it).
   */
  status(teamId: string): BudgetStatus | Promise<BudgetStatus> {
    const local = this.localWindow(teamId);
    const now = this.now();
    if (!this.options.redis) return local.status(now, this.localRule(local));
    const reported = local.reported;
    if (reported && now - reported.at < STATUS_REUSE_MS) return reported.status;
    if (!this.redisUsable()) return local.status(now, this.localRule(local));
    local.peek ??= this.window(teamId, 0, 'check')
      .then((verdict) => verdict.status)
      .finally(() => {
        local.peek = undefined;
      });
    return local.peek;
  }

  /** The upstream's own count, from an answer's rate-limit headers. Resolves once it is kept. */
  async observe(teamId: string, count: UpstreamCount): Promise<void> {
    const now = this.now();
    const resetInMs = Math.max(0, count.resetAt - Date.now());
    const sentAgoMs = Math.max(0, now - count.sentAt);
    this.localWindow(teamId).observe({
      remaining: count.remaining,
      resetAt: now + resetInMs,
      since: count.sentAt,
    });
    const keys = this.keys(teamId);
    await this.onRedis((commands) =>
      commands.teamBudgetUpstream(keys.upstream, count.remaining, resetInMs, sentAgoMs),
    );
  }

  /** Forgets every local count (tests). */
  clear(): void {
    this.local.clear();
  }

  /** Stops announcing this replica (its announcement expires in Redis on its own). */
  close(): void {
    clearInterval(this.heartbeatTimer);
    this.options.redis?.client.off('ready', this.onReady);
  }

  private async window(teamId: string, need: number, mode: Mode): Promise<BudgetVerdict> {
    const local = this.localWindow(teamId);
    const keys = this.keys(teamId);
    const member = `${this.options.redis?.replicaId ?? 'local'}:${++this.calls}`;
    // Handed over with this command; given back if it fails (a timeout may still have counted them: they
    // may then count twice, which errs on the side of the upstream).
    const unsynced = this.redisUsable() ? local.takeUnsynced() : [];
    const sentAt = this.now();
    const answer = await this.onRedis((commands) =>
      commands.teamBudgetWindow(
        keys.calls,
        keys.upstream,
        this.limit,
        WINDOW_MS,
        need,
        mode,
        member,
        ...unsynced.map((at) => Math.max(0, sentAt - at)),
      ),
    );
    const now = this.now();
    const shared = answer === undefined ? undefined : parseWindowAnswer(answer);
    if (shared === undefined) {
      local.giveBackUnsynced(unsynced);
      const verdict = local.apply(now, need, mode, this.localRule(local));
      // Counted by this replica alone while Redis is configured: Redis is told when it answers again.
      if (this.options.redis && verdict.allowed && (mode === 'take' || mode === 'record')) {
        local.noteUnsynced(now);
      }
      local.reported = { status: verdict.status, at: now };
      return verdict;
    }
    // Kept here too, so that a fallback to local counting starts with this replica's recent calls.
    if (shared.allowed && (mode === 'take' || mode === 'record')) local.add(now);
    local.lastShared = { at: now, used: shared.used };
    const status: BudgetStatus = {
      limit: this.limit,
      remaining: shared.remaining,
      resetAt: now + shared.resetInMs,
      shared: true,
    };
    local.reported = { status, at: now };
    return { allowed: shared.allowed, waitMs: shared.waitMs, status };
  }

  /** The whole limit without Redis; while Redis is configured but out of reach, this replica's share. */
  private localRule(local: LocalWindow): LocalRule {
    if (!this.options.redis) return { limit: this.limit, since: Number.NEGATIVE_INFINITY, carried: 0 };
    const replicas = this.replicasSeen;
    const last = local.lastShared;
    return {
      limit: Math.max(1, Math.floor(this.limit / replicas)),
      since: last?.at ?? Number.NEGATIVE_INFINITY,
      carried: last ? Math.ceil(last.used / replicas) : 0,
    };
  }

  /** Announces this replica, learns how many share the budget, and hands Redis the calls counted alone. */
  private async heartbeat(): Promise<void> {
    const redis = this.options.redis;
    if (!redis) return;
    const count = await this.onRedis((commands) =>
      commands.teamBudgetReplicas(`${redis.prefix}budget:replicas`, redis.replicaId, REPLICA_TTL_MS),
    );
    // Whatever Redis holds: a count of at least this replica, and at most one replica per call of the limit.
    const replicas = Math.min(Math.max(1, Math.floor(Number(count))), this.limit);
    if (count === undefined || !Number.isFinite(replicas)) return;
    if (replicas !== this.replicasSeen) {
      this.options.logger.info({ replicas }, 'redis: replicas sharing the team budget');
    }
    this.replicasSeen = replicas;
    for (const [teamId, window] of [...this.local]) {
      if (window.hasUnsynced() && this.redisUsable()) await this.window(teamId, 0, 'sync');
    }
  }

  private localWindow(teamId: string): LocalWindow {
    let window = this.local.get(teamId);
    if (window) {
      this.local.delete(teamId); // re-inserted: Map order is the least-recently-used order
    } else {
      window = new LocalWindow();
      if (this.local.size >= this.maxTeams) this.local.delete(this.local.keys().next().value as string);
    }
    this.local.set(teamId, window);
    return window;
  }

  private keys(teamId: string) {
    // One hash slot per team ({…}), so the script may touch both keys on a Redis Cluster too.
    const base = `${this.options.redis?.prefix ?? ''}budget:{${teamId}}`;
    return { calls: `${base}:calls`, upstream: `${base}:upstream` };
  }

  private redisUsable(): SharedRedis | undefined {
    const redis = this.options.redis;
    return redis?.healthy() && Date.now() >= this.suspendedUntil ? redis : undefined;
  }

  /** Runs a budget command on Redis; `undefined` when Redis is out of reach, failing or too slow. */
  private async onRedis<T>(command: (commands: BudgetCommands) => Promise<T>): Promise<T | undefined> {
    const redis = this.redisUsable();
    if (!redis) return undefined;
    try {
      return await withinMs(command(redis.client as unknown as BudgetCommands), this.commandTimeoutMs);
    } catch (error) {
      if (!(error instanceof RedisCommandTimeout)) {
        this.options.logger.debug({ err: String(error) }, 'redis: the team budget counts locally');
        return undefined;
      }
      if (Date.now() >= this.suspendedUntil) {
        this.options.logger.warn(
          {
            forMs: this.suspendMs,
            loopLagMs: error.loopLagMs,
            share: Math.max(1, Math.floor(this.limit / this.replicasSeen)),
          },
          'redis too slow: the team budget counts locally for a while',
        );
      }
      this.suspendedUntil = Date.now() + this.suspendMs;
      return undefined;
    }
  }
}

/** The window script's answer, checked: whatever comes out of Redis is read as a failure unless well-formed. */
function parseWindowAnswer(answer: unknown) {
  if (!Array.isArray(answer) || answer.length < 5) return undefined;
  const [allowed, waitMs, remaining, resetInMs, used] = answer.map(Number) as number[];
  const values = [allowed, waitMs, remaining, resetInMs, used] as number[];
  if (!values.every((value) => Number.isFinite(value) && value >= 0)) return undefined;
  return {
    allowed: allowed === 1,
    waitMs: Math.min(waitMs as number, WINDOW_MS * 60),
    remaining: remaining as number,
    resetInMs: Math.min(resetInMs as number, WINDOW_MS * 60),
    used: used as number,
  };
}

/** One team's calls in this process, oldest first, and the upstream's last count; the same rules as the script. */
class LocalWindow {
  private hits: number[] = [];
  private head = 0;
  private upstream: { remaining: number; resetAt: number; since: number } | undefined;
  /** The shared window as Redis last described it: the calls it held, and when (this replica's clock). */
  lastShared: { at: number; used: number } | undefined;
  /** The team's budget as this replica last reported it. */
  reported: { status: BudgetStatus; at: number } | undefined;
  /** A status being read from Redis: concurrent asks share it. */
  peek: Promise<BudgetStatus> | undefined;
  /** Calls counted here alone while Redis was configured but out of reach, oldest first. */
  private unsynced: number[] = [];

  apply(now: number, need: number, mode: Mode, rule: LocalRule): BudgetVerdict {
    const demand = Math.min(need, rule.limit);
    let waitMs = 0;
    if (mode === 'check' || mode === 'take') {
      waitMs = this.waitFor(now, demand, rule);
      const upstream = this.upstream;
      if (
        upstream &&
        upstream.resetAt > now &&
        this.countAfter(upstream.since) + demand > upstream.remaining
      ) {
        waitMs = Math.max(waitMs, upstream.resetAt - now);
      }
    }
    const allowed = waitMs <= 0;
    if (allowed && (mode === 'take' || mode === 'record')) this.add(now);
    return { allowed, waitMs: allowed ? 0 : Math.min(waitMs, WINDOW_MS), status: this.status(now, rule) };
  }

  status(now: number, rule: LocalRule): BudgetStatus {
    const { all, after, carried } = this.usage(now, rule);
    let remaining = rule.limit - Math.max(all, after + carried);
    // Remaining grows when the oldest own call leaves, or when the carried ones do.
    let resetAt = all > 0 ? (this.hits[this.head] as number) + WINDOW_MS : now;
    if (carried > 0) resetAt = Math.min(all > 0 ? resetAt : Number.POSITIVE_INFINITY, rule.since + WINDOW_MS);
    const upstream = this.upstream;
    if (upstream && upstream.resetAt > now) {
      const left = upstream.remaining - this.countAfter(upstream.since);
      if (left < remaining) {
        remaining = left;
        resetAt = upstream.resetAt;
      }
    }
    return { limit: rule.limit, remaining: Math.max(0, remaining), resetAt, shared: false };
  }

  add(now: number): void {
    this.prune(now);
    this.hits.push(now);
  }

  observe(count: { remaining: number; resetAt: number; since: number }): void {
    if (this.upstream && this.upstream.since > count.since) return;
    this.upstream = count;
  }

  noteUnsynced(at: number): void {
    this.unsynced.push(at);
    if (this.unsynced.length > MAX_UNSYNCED) this.unsynced.shift();
  }

  hasUnsynced(): boolean {
    return this.unsynced.length > 0;
  }

  /** The calls counted alone, still within the window, handed over (and forgotten here). */
  takeUnsynced(): number[] {
    if (this.unsynced.length === 0) return this.unsynced;
    const taken = this.unsynced;
    this.unsynced = [];
    return taken;
  }

  giveBackUnsynced(calls: number[]): void {
    if (calls.length === 0) return;
    this.unsynced = [...calls, ...this.unsynced].slice(-MAX_UNSYNCED);
  }

  /**
   * What counts against the rule: this replica's calls in the window (`all`), and, while Redis is away, those
   * made since it last heard from it (`after`) plus its share of the window Redis then held (`carried`,
   * until those calls leave it). The rule holds both `all` and `after + carried` within its limit: the first
   * keeps each replica to its share of what they all made, the second to its share of what the others made
   * that it knows of.
   */
  private usage(now: number, rule: LocalRule) {
    const all = this.prune(now);
    if (rule.since === Number.NEGATIVE_INFINITY) return { all, after: all, carried: 0 };
    const carried = now < rule.since + WINDOW_MS ? rule.carried : 0;
    return { all, after: this.countAfter(rule.since), carried };
  }

  /** How long until `need` more calls fit the rule (ms; 0: they fit now). */
  private waitFor(now: number, need: number, rule: LocalRule): number {
    const { all, after, carried } = this.usage(now, rule);
    /** When the `k` oldest of the last `of` calls will have left the window. */
    const leaving = (k: number, of: number) =>
      k <= 0
        ? 0
        : k <= of
          ? (this.hits[this.hits.length - of + k - 1] as number) + WINDOW_MS - now
          : Number.POSITIVE_INFINITY;
    const mine = leaving(all + need - rule.limit, all);
    const known = after + carried + need - rule.limit;
    // Fits once enough of the calls since leave, or once the carried ones have.
    const shared = known <= 0 ? 0 : Math.min(leaving(known, after), rule.since + WINDOW_MS - now);
    return Math.max(mine, shared);
  }

  /** Drops the calls older than the window; answers how many remain. */
  private prune(now: number): number {
    while (this.head < this.hits.length && (this.hits[this.head] as number) <= now - WINDOW_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > this.hits.length) {
      this.hits = this.hits.slice(this.head);
      this.head = 0;
    }
    while (this.unsynced.length > 0 && (this.unsynced[0] as number) <= now - WINDOW_MS) this.unsynced.shift();
    return this.hits.length - this.head;
  }

  /** Calls counted strictly after `since` (the hits are in time order). */
  private countAfter(since: number): number {
    let low = this.head;
    let high = this.hits.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.hits[middle] as number) <= since) low = middle + 1;
      else high = middle;
    }
    return this.hits.length - low;
  }
}

/** Seconds to tell a client to wait, from a wait in ms: whole seconds, at least one. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
