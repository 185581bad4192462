import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Seal } from '../identity/seal.js';
import { RedisCommandTimeout, type SharedRedis, withinMs } from '../replicas/redis.js';

/**
 * At-most-once writes (a mutation's `clientMutationId`): the same caller retrying the same write with the
 * same id, within `ttlMs` (24 h), gets the first attempt's result and no second upstream write, whichever
 * replica it reaches. The Inbox API v1 has no idempotency key: this is the facade's own record.
 *
 * A record per (caller, mutation, id): `pending` while the first attempt runs, then `done` with its result,
 * or `unknown` when the write may have been applied but its answer was lost (a timeout, a reset, a 5xx).
 * - A retry while the first attempt is pending waits for it (bounded by `settleWithinMs`, the longest an
 *   attempt can last); a record still pending after that reads as unknown (its replica stopped, or lost
 *   Redis, between the write and recording its result).
 * - `unknown` is never retried upstream: every retry with that id gets OutcomeUnknown, until the record
 *   expires.
 * - A definite refusal (nothing was applied: an upstream 4xx, the facade's own refusals) is not recorded:
 *   the same id may be retried, and then runs again.
 * - With Redis (while it answers), records live there, claimed with one atomic script; otherwise in this
 *   process's memory (bounded: least recently used first out). A replica always keeps its own records in
 *   memory too, under the same key (the token's HMAC, from FACADE_SECRET): a Redis that loses its data
 *   loses the records of other replicas, never a replica's own.
 * - Each record in Redis bears a seal (src/identity/seal.ts): one that does not open (written by someone
 *   else) reads as absent, so a Redis writer can make a retry run again on another replica, but never have a
 *   write answered with a result it did not have, nor held back.
 */

/** Who asks (the HMAC key of the token, never the token), which mutation, and the client's id. */
export interface OnceKey {
  caller: () => string;
  mutation: string;
  id: string;
}

/** The first attempt may have been applied upstream, but its outcome is not known: it is never re-sent. */
export class OutcomeUnknown extends Error {
  constructor(
    /** Why: the first attempt's error code (`UPSTREAM_TIMEOUT`…), or `NOT_SETTLED`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      'The first attempt with this clientMutationId may have been applied, but its outcome is unknown; it ' +
        'will not be sent again. Check the Inbox before writing again with a new clientMutationId.',
      options,
    );
    this.name = 'OutcomeUnknown';
  }
}

/** The id was used for another input of the same mutation (by the same caller) within the TTL. */
export class ClientMutationIdReused extends Error {
  constructor() {
    super('This clientMutationId was used for a different input within the last 24 hours.');
    this.name = 'ClientMutationIdReused';
  }
}

export interface AtMostOnceOptions {
  redis?: SharedRedis;
  /** Seals the records kept in Redis (required with `redis`). */
  seal?: Seal;
  logger: Logger;
  /** How long a record is kept (24 h). */
  ttlMs?: number;
  /** The longest an attempt may last before its outcome is recorded (its upstream deadline and a margin). */
  settleWithinMs: number;
  /** Records kept in memory at most. */
  maxEntries?: number;
  /** How often a retry reads a record another replica holds pending. */
  pollMs?: number;
  /** Longest wait for one Redis command; past it the command reads as failed. */
  commandTimeoutMs?: number;
}

export interface Attempt<T> {
  /** The caller's input, in a stable form: a retry must send the same one. */
  input: string;
  /** The upstream write. */
  write: () => Promise<T>;
  /** The error is a definite refusal: nothing was applied upstream, a retry may run again. */
  refused: (error: unknown) => boolean;
  /** The code a failure is reported with (the reason of an unknown outcome). */
  codeOf: (error: unknown) => string;
}

type Outcome =
  | { state: 'done'; result: unknown }
  | { state: 'unknown'; reason: string }
  /** Released after a definite refusal, or its record disappeared: whoever waited may run it. */
  | { state: 'released' };

interface LocalRecord {
  input: string;
  expires: number;
  /** Set once the attempt has an outcome. */
  outcome?: Outcome;
  settled: Promise<void>;
}

const DAY_MS = 86_400_000;
/** The reason of an outcome that is unknown because the first attempt did not record one in time. */
const NOT_SETTLED = 'NOT_SETTLED';

// A record is a hash: `owner` (for the scripts) and `sealed`, the record itself, sealed by its owner for its
// key. Readers trust `sealed` alone.

// KEYS[1]: the record. ARGV: owner, sealed record, ttl (ms).
// Claims it when free (answers nil), else answers the record as it is.
const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'sealed', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return false
`;

// KEYS[1]: the record. ARGV: owner, state (done | unknown | released), sealed record, ttl (ms).
// Only its owner settles a record (or anyone, if it is gone: a claim made while Redis was out of reach).
const SETTLE_SCRIPT = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] == 'released' then return 1 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'sealed', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`;

/** A record as its owner sealed it. */
const recordShape = z.object({
  state: z.enum(['pending', 'done', 'unknown']),
  input: z.string(),
  settleBy: z.number().optional(),
  value: z.string().optional(),
});
type StoredRecord = z.infer<typeof recordShape>;

interface OnceCommands {
  atMostOnceClaim(key: string, owner: string, sealed: string, ttlMs: number): Promise<string[] | null>;
  atMostOnceSettle(
    key: string,
    owner: string,
    state: Outcome['state'],
    sealed: string,
    ttlMs: number,
  ): Promise<number>;
}

export class AtMostOnce {
  private readonly local = new Map<string, LocalRecord>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly pollMs: number;
  private readonly commandTimeoutMs: number;

  constructor(private readonly options: AtMostOnceOptions) {
    this.ttlMs = options.ttlMs ?? DAY_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.pollMs = options.pollMs ?? 100;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 500;
    const client = options.redis?.client;
    if (client && !('atMostOnceClaim' in client)) {
      client.defineCommand('atMostOnceClaim', { numberOfKeys: 1, lua: CLAIM_SCRIPT });
      client.defineCommand('atMostOnceSettle', { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    }
  }

  /** Runs `attempt.write` at most once for `key`, or answers (or throws) what its first run did. */
  async run<T>(key: OnceKey, attempt: Attempt<T>): Promise<T> {
    await this.shared();
    const name = this.keyOf(key);
    for (;;) {
      const known = this.localRecord(name);
      if (known) {
        if (known.input !== attempt.input) throw new ClientMutationIdReused();
        await known.settled;
        const outcome = known.outcome;
        if (outcome?.state === 'released' || outcome === undefined) continue;
        return answer(outcome) as T;
      }
      // Claimed here first, synchronously: the same caller's concurrent attempts in this process wait on it.
      const mine = this.claimLocally(name, attempt.input);
      const owner = `${this.options.redis?.replicaId ?? 'local'}:${randomUUID()}`;
      const settleBy = Date.now() + this.options.settleWithinMs;
      const pending = this.sealed(name, { state: 'pending', input: attempt.input, settleBy });
      const claim = await this.onRedis((commands) =>
        commands.atMostOnceClaim(name, owner, pending, this.ttlMs),
      );
      const held = claim ? this.opened(name, claim) : undefined;
      if (claim && !held) {
        // A record this replica cannot open (not a replica's): as if absent, the write runs, recorded here.
        this.options.logger.warn('at-most-once: a record without a valid seal was ignored');
      }
      if (held) {
        // Another attempt holds it (on another replica, or in an earlier life of this one).
        let outcome: Outcome;
        try {
          outcome = await this.follow(name, attempt.input, held);
        } catch (error) {
          mine.settle({ state: 'released' });
          throw error;
        }
        // Not known yet is not kept: a later retry asks Redis again, and may find the outcome by then.
        const keep =
          outcome.state === 'done' || (outcome.state === 'unknown' && outcome.reason !== NOT_SETTLED);
        mine.settle(keep ? outcome : { state: 'released' });
        if (outcome.state === 'released') continue;
        return answer(outcome) as T;
      }
      return this.own(name, owner, mine, attempt);
    }
  }

  /** Forgets the records kept in memory (tests). */
  clear(): void {
    this.local.clear();
  }

  private async own<T>(
    name: string,
    owner: string,
    mine: { settle(outcome: Outcome): void },
    attempt: Attempt<T>,
  ): Promise<T> {
    let outcome: Outcome;
    let failure: unknown;
    try {
      outcome = { state: 'done', result: await attempt.write() };
    } catch (error) {
      failure = error;
      outcome = attempt.refused(error)
        ? { state: 'released' }
        : { state: 'unknown', reason: attempt.codeOf(error) };
    }
    mine.settle(outcome);
    const sealed =
      outcome.state === 'released'
        ? ''
        : this.sealed(name, {
            state: outcome.state,
            input: attempt.input,
            value: outcome.state === 'done' ? JSON.stringify(outcome.result ?? null) : outcome.reason,
          });
    const stored = await this.onRedis((commands) =>
      commands.atMostOnceSettle(name, owner, outcome.state, sealed, this.ttlMs),
    );
    if (stored === undefined && outcome.state !== 'released' && this.options.redis) {
      // Recorded in this process only: a retry on another replica finds the claim pending, and after
      // settleWithinMs reads it as unknown; never as free.
      this.options.logger.warn(
        { state: outcome.state },
        'at-most-once: the outcome is kept in this replica only',
      );
    }
    if (outcome.state === 'unknown') throw new OutcomeUnknown(outcome.reason, { cause: failure });
    if (outcome.state === 'released') throw failure;
    return outcome.result as T;
  }

  /**
   * Waits for another attempt's outcome (polling its record), at most until it must have settled. A record
   * gone, or replaced by one that does not open, is released: whoever waits may run the write.
   */
  private async follow(name: string, input: string, record: StoredRecord): Promise<Outcome> {
    for (let current: StoredRecord | null | undefined = record; ; ) {
      if (current === undefined) return { state: 'unknown', reason: NOT_SETTLED }; // Redis is out of reach
      if (current === null) return { state: 'released' };
      if (current.input !== input) throw new ClientMutationIdReused();
      if (current.state === 'done') return { state: 'done', result: JSON.parse(current.value ?? 'null') };
      if (current.state === 'unknown') return { state: 'unknown', reason: current.value ?? NOT_SETTLED };
      if (Date.now() >= (current.settleBy ?? 0)) return { state: 'unknown', reason: NOT_SETTLED };
      await sleep(this.pollMs);
      const fields = await this.onRedis((_, client) => client.hgetall(name));
      current = fields === undefined ? undefined : (this.opened(name, fields) ?? null);
    }
  }

  private claimLocally(name: string, input: string): { settle(outcome: Outcome): void } {
    let settle!: () => void;
    const record: LocalRecord = {
      input,
      expires: Date.now() + this.ttlMs,
      settled: new Promise<void>((resolve) => {
        settle = resolve;
      }),
    };
    this.local.set(name, record);
    while (this.local.size > this.maxEntries) this.local.delete(this.local.keys().next().value as string);
    return {
      settle: (outcome) => {
        record.outcome = outcome;
        if (outcome.state === 'released' && this.local.get(name) === record) this.local.delete(name);
        settle();
      },
    };
  }

  private localRecord(name: string): LocalRecord | undefined {
    const record = this.local.get(name);
    if (record && record.expires <= Date.now()) {
      this.local.delete(name);
      return undefined;
    }
    return record;
  }

  private keyOf({ caller, mutation, id }: OnceKey): string {
    // The caller is an HMAC of its token; the client's id is bounded in length by the schema.
    return `${this.options.redis?.prefix ?? ''}once:${caller()}:${mutation}:${id}`;
  }

  /** Redis, while it answers (and records can be sealed). */
  private async shared(): Promise<SharedRedis | undefined> {
    const redis = this.options.redis;
    return redis?.healthy() && this.options.seal ? redis : undefined;
  }

  private sealed(name: string, record: StoredRecord): string {
    return this.options.seal?.seal(record, name) ?? '';
  }

  /** The record as its owner sealed it; `undefined` for anything else (absent, unsealed, altered). */
  private opened(name: string, fields: string[] | Record<string, string>): StoredRecord | undefined {
    return this.options.seal?.open(fieldsOf(fields).sealed, name, recordShape);
  }

  /** A command on Redis while it is shared; `undefined` when it is not, fails or hangs. */
  private async onRedis<T>(
    command: (commands: OnceCommands, client: SharedRedis['client']) => Promise<T>,
  ): Promise<T | undefined> {
    const redis = await this.shared();
    if (!redis) return undefined;
    try {
      return await withinMs(
        command(redis.client as unknown as OnceCommands, redis.client),
        this.commandTimeoutMs,
      );
    } catch (error) {
      if (!(error instanceof RedisCommandTimeout)) {
        this.options.logger.debug({ err: String(error) }, 'redis: at-most-once record kept locally');
      }
      return undefined;
    }
  }
}

/** A hash's fields, from HGETALL's answer (an object) or a script's (a flat list). */
function fieldsOf(fields: string[] | Record<string, string>): Record<string, string> {
  if (!Array.isArray(fields)) return fields;
  const entries: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) {
    entries[fields[index] as string] = fields[index + 1] as string;
  }
  return entries;
}

function answer(outcome: Exclude<Outcome, { state: 'released' }>): unknown {
  if (outcome.state === 'unknown') throw new OutcomeUnknown(outcome.reason);
  return outcome.result;
}
