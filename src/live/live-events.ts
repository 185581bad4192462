import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors.js';
import { type TraceCause, tracing } from '../observability/hooks.js';
import type { SharedRedis } from '../replicas/redis.js';
import type { InboxApi } from '../upstream/api.js';
import type { InboxEvent } from '../upstream/types.js';
import {
  AnnouncedChanges,
  type AnnouncedEvent,
  type AnnouncedType,
  announcedEvent,
  isAnnounced,
} from './announced.js';
import type { EventBus } from './bus.js';
import { firstDelivery, LocalCoordination, RedisCoordination } from './coordination.js';
import { admittedPage } from './envelope.js';
import {
  type EventPage,
  type LogReader,
  type PollerMembership,
  TeamPollers,
  type WebhookFeed,
} from './pollers.js';
import { RecentIds } from './recent-ids.js';

/** GET /events pages hold 1000 events at most. */
const LOG_PAGE = 1000;
/** How many live events a subscriber that does not read may have waiting; the oldest are dropped beyond. */
const MAX_QUEUED = 1_000;
/** How many recent event ids are remembered to deliver each event once (per team, and per subscriber). */
const RECENT_IDS = 1_000;
/** Teams whose newest `seq` is remembered (for the `seq` of an announced change). */
const REMEMBERED_TEAMS = 10_000;

/** Sent down a subscription in place of an event: its resolver raises the error, then the stream ends. */
export class StreamFailure {
  constructor(readonly error: unknown) {}
}

export type StreamItem = InboxEvent | StreamFailure;

export interface LiveEventsOptions {
  bus: EventBus;
  /** Teams without webhooks are fed by polling GET /events this often (one poller per team). */
  pollIntervalMs?: number;
  /** Teams whose webhooks arrive are not polled meanwhile. */
  webhookFeed?: WebhookFeed;
  maxSubscriptionsPerToken: number;
  logger: Logger;
  /** Shared with the other replicas: webhooks deduplicated across them, one poller per team for all. */
  redis?: SharedRedis;
}

/** A replica that vanished without giving its lease back is taken over after this many poll intervals. */
const LEASE_INTERVALS = 3;

/** What every open subscription receives when the server shuts down, before it ends. */
export const SHUTTING_DOWN_MESSAGE =
  'This server is shutting down: subscribe again with `afterSeq` set to the last `seq` you received, and ' +
  'another replica carries on from there without a gap.';

/** What a subscription asks for. */
export interface StreamOptions {
  /** Replay the log after this `seq` first. */
  afterSeq?: number | null;
  /** Only events of these types. */
  types?: readonly string[] | null;
  /**
   * Also the changes the facade announces from its own writes, before their Inbox events (which this
   * stream then skips). Typed streams only: an announced change has no Inbox `seq` of its own.
   */
  announced?: boolean;
}

/**
 * The team's live events as subscriptions see them. Webhooks (or the team's poller) publish on the bus;
 * each subscription is a Repeater: ending it (client gone, socket closed) runs its clean-up at once, even
 * while it waits for the next event, so nothing outlives the subscriber: no listener, no poller, no slot.
 */
export class LiveEvents {
  readonly pollers: TeamPollers | undefined;
  private readonly subscriptionsOfToken = new Map<string, number>();
  private readonly publishedIds = new Map<string, RecentIds>();
  /** The newest `seq` this process has seen of each team with subscribers (bounded: the oldest go first). */
  private readonly newestSeqs = new Map<string, number>();
  /** How to end each open subscription (on shutdown). */
  private readonly ending = new Set<(failure: StreamFailure) => void>();
  private shuttingDown = false;

  constructor(private readonly options: LiveEventsOptions) {
    const { bus, pollIntervalMs, logger, redis } = options;
    this.pollers =
      pollIntervalMs === undefined
        ? undefined
        : new TeamPollers(
            bus,
            pollIntervalMs,
            logger,
            redis
              ? new RedisCoordination(redis, () => bus.shared(), LEASE_INTERVALS * pollIntervalMs, logger)
              : new LocalCoordination(),
            redis?.replicaId,
            options.webhookFeed,
          );
  }

  get bus(): EventBus {
    return this.options.bus;
  }

  /**
   * A signed webhook's event, for its team's subscribers on every replica; false when this event id was
   * already delivered (to this replica, or, with Redis, to any).
   */
  async publish(event: InboxEvent): Promise<boolean> {
    let seen = this.publishedIds.get(event.teamId);
    if (!seen) {
      seen = new RecentIds(RECENT_IDS);
      this.publishedIds.set(event.teamId, seen);
    }
    if (!seen.add(event.id)) return false;
    if (!(await firstDelivery(this.options.redis, event.teamId, event.id))) return false;
    this.options.bus.publish(event);
    return true;
  }

  /**
   * A write this facade has just made, for the typed subscribers of the token's team on every replica,
   * before its Inbox event comes. Only for the team the token is proven to belong to, and only when the
   * team has a subscriber somewhere (`data` may cost a read). Never delays or fails the write.
   */
  announce(inbox: InboxApi, type: AnnouncedType, data: () => unknown | Promise<unknown>): void {
    void (async () => {
      if (this.shuttingDown) return;
      const teamId = inbox.caller.provenTeam() ?? (await inbox.caller.proveTeam());
      if (teamId === undefined || !(await this.options.bus.audience(teamId))) return;
      this.options.bus.publish(announcedEvent(teamId, type, await data()));
    })().catch((error: unknown) =>
      this.options.logger.debug(
        { err: (error as Error).message, type },
        'a write was not announced: its Inbox event brings it',
      ),
    );
  }

  private noteSeq(teamId: string, seq: number): void {
    const newest = this.newestSeqs.get(teamId);
    if (newest !== undefined && newest >= seq) return;
    this.newestSeqs.delete(teamId);
    this.newestSeqs.set(teamId, seq);
    if (this.newestSeqs.size > REMEMBERED_TEAMS)
      this.newestSeqs.delete(this.newestSeqs.keys().next().value as string);
  }

  /** Subscriptions open for a token, by the token's keyed hash (tests, metrics). */
  openFor(tokenKey: string): number {
    return this.subscriptionsOfToken.get(tokenKey) ?? 0;
  }

  close(): void {
    void this.pollers?.close();
  }

  /**
   * Graceful shutdown: every open subscription receives a `SHUTTING_DOWN` error and ends, new ones are refused
   * the same way, and the pollers stop and give their leases back (another replica takes over at its next poll).
   */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const failure = new StreamFailure(shuttingDown());
    for (const end of this.ending) end(failure);
    await this.pollers?.close();
  }

  /**
   * Opens a subscription for the caller: refused at once over the token's cap (no upstream call), then the
   * caller's team is read (which authenticates it). The stream replays the log after `afterSeq` first, then
   * follows live events, each event id once. It takes its slot, listener and poller only when first read,
   * and gives them back when it ends: a stream abandoned unread (the client left during the team lookup)
   * holds nothing.
   */
  async open(
    inbox: InboxApi,
    tokenKey: string | undefined,
    options: StreamOptions,
  ): Promise<AsyncIterable<StreamItem>> {
    if (this.shuttingDown) throw shuttingDown();
    if (tokenKey !== undefined) this.refuseOverCap(tokenKey);
    // The subscribing operation: a poller this subscription starts links each of its polls to it.
    const startedBy = tracing.current?.cause();
    const team = await inbox.team.get();
    return this.stream(team.id, inbox, tokenKey, options, startedBy);
  }

  /** Refuses with TOO_MANY_SUBSCRIPTIONS when the token holds as many subscriptions as allowed. */
  private refuseOverCap(tokenKey: string): void {
    const max = this.options.maxSubscriptionsPerToken;
    const open = this.openFor(tokenKey);
    if (open >= max) {
      throw new GraphQLError(
        `This token already has ${open} open subscriptions, the most allowed (MAX_SUBSCRIPTIONS_PER_TOKEN). ` +
          'Close one first, or share one subscription between the views that need it.',
        { extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, maxSubscriptions: max } },
      );
    }
  }

  /** Takes one of the token's subscription slots (or refuses); returns its release. */
  private takeSlot(tokenKey: string): () => void {
    this.refuseOverCap(tokenKey);
    this.subscriptionsOfToken.set(tokenKey, this.openFor(tokenKey) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const left = this.openFor(tokenKey) - 1;
      if (left > 0) this.subscriptionsOfToken.set(tokenKey, left);
      else this.subscriptionsOfToken.delete(tokenKey);
    };
  }

  private stream(
    teamId: string,
    inbox: InboxApi,
    tokenKey: string | undefined,
    { afterSeq, types, announced }: StreamOptions,
    startedBy: TraceCause | undefined,
  ): Repeater<StreamItem> {
    const wanted = types?.length ? new Set(types) : undefined;
    // Polled events come in `seq` order from one reader of the log: one at or below what the stream has
    // already covered (its `afterSeq`, then its replay) is a repeat, e.g. by a replica that took the lease
    // over. Webhooks may bring a lower `seq` late, and it is delivered.
    const ordered = this.pollers !== undefined;
    return new Repeater<StreamItem>(async (push, stop) => {
      let release: () => void;
      try {
        if (this.shuttingDown) throw shuttingDown();
        // Checked again: subscriptions opened at the same moment all passed the check in `open`.
        release = tokenKey === undefined ? () => undefined : this.takeSlot(tokenKey);
      } catch (error) {
        await push(new StreamFailure(error));
        return stop();
      }
      let stopped = false;
      let failure: StreamFailure | undefined;
      let wake: (() => void) | undefined;
      // Settles when the client leaves or the stream must end with `failure`.
      let halt: () => void = () => undefined;
      const halted = new Promise<void>((resolve) => {
        halt = resolve;
      });
      void stop.then(() => {
        stopped = true;
        halt();
      });
      const fail = (reason: StreamFailure) => {
        failure ??= reason;
        wake?.();
        halt();
      };
      this.ending.add(fail);
      // Live events that arrive while the log is replayed or the client is slow to read wait here, in order.
      const waiting: InboxEvent[] = [];
      const unsubscribe = this.options.bus.subscribe(teamId, (event) => {
        if (!isAnnounced(event)) this.noteSeq(teamId, event.seq);
        waiting.push(event);
        if (waiting.length > MAX_QUEUED) waiting.shift();
        wake?.();
      });
      // A subscription outlives its request: each read gets a fresh API (new deadline, empty memo).
      // The log is hostile like any input: only admitted events of this team are replayed or published.
      const read = async (after: number | undefined) =>
        admittedPage(
          (await inbox.renew().events.page({ afterSeq: after, limit: LOG_PAGE })) as EventPage,
          teamId,
          (refusal) => this.options.logger.warn({ teamId, refusal }, 'dropped an event of GET /events'),
        );
      const reader: LogReader = { read, refused: (error) => fail(new StreamFailure(error)) };
      const membership: PollerMembership | undefined = this.pollers?.join(teamId, reader, startedBy);
      const delivered = new RecentIds(RECENT_IDS);
      const echoes = announced ? new AnnouncedChanges() : undefined;
      /** Every event of the log up to this `seq` was delivered or is not owed: resuming after it misses nothing. */
      let covered = afterSeq ?? undefined;
      /** Events at or below this `seq` are repeats (ordered feeds only). */
      let floor = ordered ? (afterSeq ?? undefined) : undefined;
      let started: number | undefined;
      void membership?.position.then((seq) => {
        started = seq;
      });
      const ending = () => stopped || failure !== undefined;
      const sendAnnounced = async (event: AnnouncedEvent) => {
        if (!echoes || (wanted && !wanted.has(event.type)) || !echoes.announce(event)) return;
        // It has no `seq` of its own: it carries the position to resume after, which its Inbox event follows.
        await push({ ...event, seq: covered ?? started ?? this.newestSeqs.get(teamId) ?? 0 });
      };
      const send = async (event: InboxEvent) => {
        if (ending()) return;
        if (isAnnounced(event)) return sendAnnounced(event);
        if (!delivered.add(event.id) || (floor !== undefined && event.seq <= floor)) return;
        if (covered === undefined || event.seq > covered) covered = event.seq;
        if (echoes && !echoes.inbox(event)) return;
        if (!wanted || wanted.has(event.type)) await push(event);
      };
      try {
        if (afterSeq !== undefined && afterSeq !== null) {
          // Events other replicas publish reach this one first: whatever they published before is in the log.
          await Promise.race([this.options.bus.ready(teamId), halted]);
          let last = await replay(read, afterSeq, Infinity, send, ending);
          // A poller that has just started publishes from where it found the end of the log: replay up to there.
          const position = membership && (await Promise.race([membership.position, halted]));
          if (typeof position === 'number' && position > last) {
            last = await replay(read, last, position, send, ending);
          }
          if (ordered) floor = Math.max(floor ?? last, last);
          covered = Math.max(covered ?? last, last);
        }
        while (!ending()) {
          const next = waiting.shift();
          if (next) await send(next);
          else await Promise.race([new Promise<void>((resolve) => (wake = resolve)), halted]);
        }
      } catch (error) {
        failure ??= new StreamFailure(error);
      } finally {
        this.ending.delete(fail);
        unsubscribe();
        membership?.leave();
        release();
      }
      if (failure && !stopped) await push(failure);
      stop();
    });
  }
}

/** The error a subscription ends with when its server shuts down: the client subscribes again elsewhere. */
function shuttingDown(): GraphQLError {
  return new GraphQLError(SHUTTING_DOWN_MESSAGE, { extensions: { code: ErrorCode.SHUTTING_DOWN } });
}

/**
 * Reads the log after `after` up to `until` (both `seq`s), page by page, handing each event to `send`
 * (which waits while the client is slow to read). Returns the last `seq` read.
 */
async function replay(
  read: (after: number) => Promise<EventPage>,
  after: number,
  until: number,
  send: (event: InboxEvent) => Promise<void>,
  stopped: () => boolean,
): Promise<number> {
  let last = after;
  while (!stopped() && last < until) {
    const page = await read(last);
    for (const event of page.events) await send(event);
    if (page.lastSeq !== null) last = Math.max(last, page.lastSeq);
    if (!page.hasMore || page.lastSeq === null) break;
  }
  return last;
}
