import type { Logger } from 'pino';
import { RedisCommandTimeout, type SharedRedis, withinMs } from './redis.js';

/**
 * One budget of upstream calls per team (TEAM_CALLS_PER_MINUTE): a sliding window of a minute, so that the
 * team makes at most that many calls in ANY minute, whatever replica makes them.
 *
 * - With Redis, the window is a sorted set per team (a call's member scored by Redis's own clock), checked
 *   and updated by one Lua script, so replicas never race each other past the limit.
 * - Without Redis, or while it is out of reach or slow, each replica counts its own calls in memory (it
 *   always keeps that count too, so a fallback starts with its recent calls). Nothing ever waits on Redis
 *   for longer than `commandTimeoutMs`.
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

export interface BudgetVerdict {
  allowed: boolean;
  /** When refused: how long until the calls asked for would fit, in ms. */
  waitMs: number;
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
  /** The local clock (tests of the window use their own). */
  now?: () => number;
  /** Teams counted in memory at most (least recently used first out). */
  maxTeams?: number;
}

type Mode = 'check' | 'take' | 'record';

// KEYS[1]: the team's calls (a sorted set scored by time in ms); KEYS[2]: the upstream's last count (a hash).
// ARGV: limit, window ms, calls needed, mode, member. Answers {1, 0} (allowed) or {0, ms to wait}.
const WINDOW_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local limit, window, need, mode = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
if mode ~= 'record' then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
  local used = redis.call('ZCARD', KEYS[1])
  local wait = 0
  if used + need > limit then
    local index = used + need - limit - 1
    local blocking = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
    wait = tonumber(blocking[2]) + window - now
  end
  local upstream = redis.call('HMGET', KEYS[2], 'remaining', 'resetAt', 'since')
  if upstream[1] and tonumber(upstream[2]) > now then
    local spent = redis.call('ZCOUNT', KEYS[1], '(' .. upstream[3], '+inf')
    if spent + need > tonumber(upstream[1]) then wait = math.max(wait, tonumber(upstream[2]) - now) end
  end
  if wait > 0 then return {0, wait} end
end
if mode ~= 'check' then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], window)
end
return {1, 0}
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

interface BudgetCommands {
  teamBudgetWindow(
    calls: string,
    upstream: string,
    limit: number,
    windowMs: number,
    need: number,
    mode: Mode,
    member: string,
  ): Promise<[number, number]>;
  teamBudgetUpstream(
    upstream: string,
    remaining: number,
    resetInMs: number,
    sentAgoMs: number,
  ): Promise<number>;
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

  constructor(private readonly options: TeamBudgetOptions) {
    this.limit = options.callsPerMinute;
    this.now = options.now ?? Date.now;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 250;
    this.suspendMs = options.suspendMs ?? 2_000;
    this.maxTeams = options.maxTeams ?? 10_000;
    const client = options.redis?.client;
    if (client && !('teamBudgetWindow' in client)) {
      client.defineCommand('teamBudgetWindow', { numberOfKeys: 2, lua: WINDOW_SCRIPT });
      client.defineCommand('teamBudgetUpstream', { numberOfKeys: 1, lua: UPSTREAM_SCRIPT });
    }
  }

  /** The window is shared with the other replicas right now (else each counts its own calls). */
  get shared(): boolean {
    return this.redisUsable() !== undefined;
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
  async record(teamId: string): Promise<void> {
    await this.window(teamId, 1, 'record');
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

  private async window(teamId: string, need: number, mode: Mode): Promise<BudgetVerdict> {
    const local = this.localWindow(teamId);
    const keys = this.keys(teamId);
    const member = `${this.options.redis?.replicaId ?? 'local'}:${++this.calls}`;
    const answer = await this.onRedis((commands) =>
      commands.teamBudgetWindow(keys.calls, keys.upstream, this.limit, WINDOW_MS, need, mode, member),
    );
    const now = this.now();
    if (answer === undefined) return local.apply(now, this.limit, need, mode);
    const [allowed, waitMs] = answer;
    // Kept here too, so that a fallback to local counting starts with this replica's recent calls.
    if (allowed === 1 && mode !== 'check') local.add(now);
    return { allowed: allowed === 1, waitMs: Number(waitMs) };
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
          { forMs: this.suspendMs },
          'redis too slow: the team budget counts locally for a while',
        );
      }
      this.suspendedUntil = Date.now() + this.suspendMs;
      return undefined;
    }
  }
}

/** One team's calls in this process, oldest first, and the upstream's last count; the same rules as the script. */
class LocalWindow {
  private hits: number[] = [];
  private head = 0;
  private upstream: { remaining: number; resetAt: number; since: number } | undefined;

  apply(now: number, limit: number, need: number, mode: Mode): BudgetVerdict {
    if (mode !== 'record') {
      const used = this.prune(now);
      let waitMs = 0;
      if (used + need > limit) {
        waitMs = (this.hits[this.head + used + need - limit - 1] as number) + WINDOW_MS - now;
      }
      const upstream = this.upstream;
      if (upstream && upstream.resetAt > now && this.countAfter(upstream.since) + need > upstream.remaining) {
        waitMs = Math.max(waitMs, upstream.resetAt - now);
      }
      if (waitMs > 0) return { allowed: false, waitMs };
    }
    if (mode !== 'check') this.add(now);
    return { allowed: true, waitMs: 0 };
  }

  add(now: number): void {
    this.prune(now);
    this.hits.push(now);
  }

  observe(count: { remaining: number; resetAt: number; since: number }): void {
    if (this.upstream && this.upstream.since > count.since) return;
    this.upstream = count;
  }

  /** Drops the calls older than the window; answers how many remain. */
  private prune(now: number): number {
    while (this.head < this.hits.length && (this.hits[this.head] as number) <= now - WINDOW_MS) this.head++;
    if (this.head > 1024 && this.head * 2 > this.hits.length) {
      this.hits = this.hits.slice(this.head);
      this.head = 0;
    }
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
