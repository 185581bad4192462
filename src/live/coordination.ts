import type { Logger } from 'pino';
import type { SharedRedis } from '../replicas/redis.js';

/** How far a team's log was published: every event up to `seq`, the log read at `polledAt` (ms). */
export interface Cursor {
  seq: number;
  polledAt: number;
}

/** Who reads a team's log now. */
export type Claim =
  /** This replica polls: it holds the team's lease (`shared`), or Redis is down and it polls for itself. */
  | { polls: true; shared: boolean; cursor: Cursor | undefined }
  /** Another replica holds the lease and publishes for every replica. */
  | { polls: false; cursor: Cursor | undefined };

/**
 * Decides which replica polls a team's `GET /events`, and keeps how far it got, so that the next one (a
 * replica taking over, or a poller started again soon after) carries on from there.
 */
export interface PollCoordination {
  /** Takes or renews the team's lease for `holder` (one poller of this replica), and reads the team's cursor. */
  claim(teamId: string, holder: string): Promise<Claim>;
  saveCursor(teamId: string, cursor: Cursor): Promise<void>;
  /** Gives the lease back, if `holder` holds it: another replica with subscribers takes over at its next poll. */
  release(teamId: string, holder: string): Promise<void>;
}

/** Teams whose last cursor is remembered in memory after their last subscriber left. */
const REMEMBERED_TEAMS = 10_000;

/** One process: it always polls for itself, and remembers each team's cursor in memory. */
export class LocalCoordination implements PollCoordination {
  private readonly cursors = new Map<string, Cursor>();

  async claim(teamId: string): Promise<Claim> {
    return { polls: true, shared: false, cursor: this.cursors.get(teamId) };
  }

  async saveCursor(teamId: string, cursor: Cursor): Promise<void> {
    this.cursors.delete(teamId);
    this.cursors.set(teamId, cursor);
    if (this.cursors.size > REMEMBERED_TEAMS) this.cursors.delete(this.cursors.keys().next().value as string);
  }

  async release(): Promise<void> {}
}

/** A Redis command that has not answered by then is taken as failed (a paused or stalled Redis). */
const REDIS_TIMEOUT_MS = 1_000;
/** A team's cursor is kept this long after its last poll (a new poller scans the log when it is older). */
const CURSOR_TTL_MS = 24 * 3_600_000;

/** Takes the lease when it is free, renews it when `holder` has it; answers whether it holds it, and the cursor. */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  holder = ARGV[1]
end
return {holder == ARGV[1] and 1 or 0, redis.call('GET', KEYS[2])}`;

/** Deletes the lease only if `holder` still has it (it may have expired and been taken by another replica). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * One poller per team for the whole deployment: a lease in Redis (a key set if absent, with an expiry, renewed
 * by its holder at each poll, deleted only by its holder: the single-instance pattern Redis documents), and
 * the team's cursor beside it. While Redis is down (or this replica's pub/sub connection is), each replica
 * polls for its own subscribers, as one process does: `local` answers, and keeps the cursor meanwhile.
 */
export class RedisCoordination implements PollCoordination {
  private readonly local = new LocalCoordination();

  constructor(
    private readonly redis: SharedRedis,
    /** Events published here reach the other replicas and theirs reach this one (both connections up). */
    private readonly sharing: () => boolean,
    /** How long a lease lasts unless renewed: a replica that vanished is taken over after this. */
    private readonly leaseMs: number,
    private readonly logger: Logger,
  ) {}

  async claim(teamId: string, holder: string): Promise<Claim> {
    if (!this.sharing()) return this.local.claim(teamId);
    try {
      const [held, cursor] = (await within(
        this.redis.client.eval(CLAIM, 2, this.leaseKey(teamId), this.cursorKey(teamId), holder, this.leaseMs),
      )) as [number, string | null];
      const parsed = cursor === null ? undefined : parseCursor(cursor);
      return held === 1 ? { polls: true, shared: true, cursor: parsed } : { polls: false, cursor: parsed };
    } catch (error) {
      this.failed(error, 'claim');
      return this.local.claim(teamId);
    }
  }

  async saveCursor(teamId: string, cursor: Cursor): Promise<void> {
    await this.local.saveCursor(teamId, cursor);
    if (!this.redis.healthy()) return;
    await within(
      this.redis.client.set(this.cursorKey(teamId), JSON.stringify(cursor), 'PX', CURSOR_TTL_MS),
    ).catch((error: unknown) => this.failed(error, 'save cursor'));
  }

  async release(teamId: string, holder: string): Promise<void> {
    if (!this.redis.healthy()) return;
    await within(this.redis.client.eval(RELEASE, 1, this.leaseKey(teamId), holder)).catch((error: unknown) =>
      this.failed(error, 'release'),
    );
  }

  private failed(error: unknown, command: string): void {
    this.logger.debug(
      { err: (error as Error).message, command },
      'redis lease command failed: polling alone',
    );
  }

  private leaseKey(teamId: string): string {
    return `${this.redis.prefix}events:lease:${teamId}`;
  }

  private cursorKey(teamId: string): string {
    return `${this.redis.prefix}events:cursor:${teamId}`;
  }
}

/** How long an event id is remembered across replicas: longer than any redelivery seen (the Inbox retried for 6 h). */
const SEEN_TTL_SECONDS = 24 * 3_600;

/**
 * True the first time the team's event `id` is seen on any replica (SET NX, remembered a day): a redelivery
 * to another replica is then dropped. While Redis is down, true: this process's own memory of ids decides.
 */
export async function firstDelivery(
  redis: SharedRedis | undefined,
  teamId: string,
  id: string,
): Promise<boolean> {
  if (!redis?.healthy()) return true;
  try {
    const key = `${redis.prefix}events:seen:${teamId}:${id}`;
    return (await within(redis.client.set(key, '1', 'EX', SEEN_TTL_SECONDS, 'NX'))) === 'OK';
  } catch {
    return true;
  }
}

function parseCursor(text: string): Cursor | undefined {
  try {
    const { seq, polledAt } = JSON.parse(text) as Partial<Cursor>;
    return typeof seq === 'number' && typeof polledAt === 'number' ? { seq, polledAt } : undefined;
  } catch {
    return undefined;
  }
}

/** The command's answer, or a failure after REDIS_TIMEOUT_MS. */
function within<T>(command: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('redis did not answer in time')), REDIS_TIMEOUT_MS);
  });
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
}
