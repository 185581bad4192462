import type { Logger } from 'pino';
import { codeFor, UpstreamError } from '../errors.js';
import { inBackground, type TraceCause } from '../observability/hooks.js';
import type { InboxEvent } from '../upstream/types.js';
import type { EventBus } from './bus.js';
import { type Claim, type Cursor, LocalCoordination, type PollCoordination } from './coordination.js';

/** One page of `GET /events`. */
export interface EventPage {
  events: InboxEvent[];
  hasMore: boolean;
  lastSeq: number | null;
}

/** How a poller reads its team's log: with the token of one of the team's subscribers. */
export interface LogReader {
  read(afterSeq: number | undefined): Promise<EventPage>;
  /** The Inbox API refused this subscriber's token (401/403): its subscription ends with this error. */
  refused(error: UpstreamError): void;
}

export interface PollerMembership {
  /** The `seq` after which every event reaches this process's subscribers; known once the end of the log is found. */
  readonly position: Promise<number>;
  leave(): void;
}

/**
 * While a team's webhooks arrive, the `seq` of its last one (its poller pauses, taking every event up to it
 * as delivered); `undefined` when the team must be polled.
 */
export type WebhookFeed = (teamId: string) => Promise<number | undefined>;

/** While the replica that polls has not yet found the end of the log, a follower asks again this soon. */
const FOLLOW_RETRY_MS = 200;

/**
 * Without webhooks, live events come from `GET /events`: one poller per team, fed by the tokens of the
 * team's subscribers in this process. It runs while at least one of them listens, and stops as soon as the
 * last one leaves. With several replicas, the pollers of a team share one lease (`PollCoordination`): the
 * replica holding it polls every EVENTS_POLL_INTERVAL_MS and publishes on the shared bus for all; the
 * others follow, and take over from the shared cursor when the lease is released or expires.
 */
export class TeamPollers {
  private readonly running = new Map<string, TeamPoller>();
  private pollers = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly coordination: PollCoordination = new LocalCoordination(),
    /** Names this process's leases (one per poller, so that a poller never releases its successor's). */
    private readonly replicaId = 'local',
    /** Teams whose webhooks arrive are not polled meanwhile. */
    private readonly webhookFeed: WebhookFeed = async () => undefined,
  ) {}

  /** `startedBy`: the subscription joining, to which a poller it starts links its polls' traces. */
  join(teamId: string, reader: LogReader, startedBy?: TraceCause): PollerMembership {
    let poller = this.running.get(teamId);
    if (!poller) {
      const holder = `${this.replicaId}/${++this.pollers}`;
      poller = new TeamPoller(teamId, holder, this.bus, this.intervalMs, this.logger, this.coordination);
      poller.startedBy = startedBy;
      poller.webhookFeed = this.webhookFeed;
      this.running.set(teamId, poller);
    }
    const joined = poller;
    joined.readers.add(reader);
    let member = true;
    return {
      position: joined.position,
      leave: () => {
        if (!member) return;
        member = false;
        joined.readers.delete(reader);
        if (joined.readers.size === 0) void this.stop(teamId, joined);
      },
    };
  }

  /** A poller is running for the team in this process: it has subscribers here (tests, metrics). */
  polling(teamId: string): boolean {
    return this.running.has(teamId);
  }

  /** This process reads the team's log now (it holds the team's lease, or polls alone). */
  reading(teamId: string): boolean {
    return this.running.get(teamId)?.polls ?? false;
  }

  /** Stops every poller and gives their leases back. */
  async close(): Promise<void> {
    await Promise.all([...this.running].map(([teamId, poller]) => this.stop(teamId, poller)));
  }

  private async stop(teamId: string, poller: TeamPoller): Promise<void> {
    poller.stop();
    if (this.running.get(teamId) === poller) this.running.delete(teamId);
    await poller.released;
  }
}

class TeamPoller {
  /** Subscribers whose tokens can read the log; the first one is used. */
  readonly readers = new Set<LogReader>();
  /** Every event after this `seq` reaches this process's subscribers; `undefined` until the end of the log is found. */
  cursor: number | undefined;
  polledAt = 0;
  /** This process reads the log (holds the lease, or polls alone); false while it follows another replica. */
  polls = false;
  readonly position: Promise<number>;
  /** Resolves once the lease is given back after `stop`. */
  released: Promise<void> = Promise.resolve();
  webhookFeed: WebhookFeed = async () => undefined;
  /** The team's webhooks bring its events: this poller does not read the log. */
  private paused = false;
  private resolvePosition: (seq: number) => void = () => undefined;
  /** While looking for the end of the log: how far it has been read. */
  private scanned: number | undefined;
  /** Polled without Redis: the shared channel may have missed what the replica holding the lease published. */
  private alone = false;
  /** The bus's connection generation at the last poll as a follower. */
  private generation = 0;
  private readonly since = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The subscription whose arrival started this poller: each poll's trace links to it. */
  startedBy: TraceCause | undefined;

  constructor(
    private readonly teamId: string,
    private readonly holder: string,
    private readonly bus: EventBus,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly coordination: PollCoordination,
  ) {
    this.position = new Promise((resolve) => {
      this.resolvePosition = resolve;
    });
    this.schedule(0);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.released = this.coordination.release(this.teamId, this.holder);
  }

  private schedule(delayMs: number): void {
    if (!this.stopped) {
      this.timer = setTimeout(
        () =>
          void inBackground('inbox.events.poll', { 'inbox.team.id': this.teamId }, [this.startedBy], () =>
            this.tick(),
          ),
        Math.max(0, delayMs),
      );
    }
  }

  private async tick(): Promise<void> {
    const reader: LogReader | undefined = this.readers.values().next().value;
    if (this.stopped || !reader) return;
    let delay = this.intervalMs;
    try {
      const fedUpTo = await this.webhookFeed(this.teamId);
      if (this.stopped) return;
      if (fedUpTo !== undefined) {
        await this.pause(fedUpTo);
        return this.schedule(delay);
      }
      if (this.paused)
        this.logger.info({ teamId: this.teamId }, 'no webhook of the team lately: polling again');
      this.paused = false;
      const claim = await this.coordination.claim(this.teamId, this.holder);
      if (this.stopped) {
        // Stopped while the lease was being claimed: give back what the claim may have taken.
        if (claim.polls && claim.shared) await this.coordination.release(this.teamId, this.holder);
        return;
      }
      delay = claim.polls ? await this.poll(reader, claim) : await this.follow(reader, claim.cursor);
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof UpstreamError && (error.details.status === 401 || error.details.status === 403)) {
        // This token cannot read the log any more: its subscriber is told, the next one's token takes over.
        this.readers.delete(reader);
        reader.refused(error);
        delay = 0;
      } else {
        const details = error instanceof UpstreamError ? error.details : undefined;
        if (details?.retryAfter) delay = Math.max(delay, details.retryAfter * 1000);
        this.logger.warn(
          { code: details ? codeFor(details) : 'INTERNAL', status: details?.status, retryInMs: delay },
          'polling GET /events failed; the next poll resumes from the same seq',
        );
      }
    }
    this.schedule(delay);
  }

  /** Reads the log for every subscriber (of this process, and of every replica when shared); the next delay. */
  private async poll(reader: LogReader, claim: Claim & { polls: true }): Promise<number> {
    if (!this.polls && claim.shared)
      this.logger.info({ teamId: this.teamId }, 'this replica polls the team’s events');
    this.polls = true;
    this.alone = !claim.shared;
    const saved = claim.cursor;
    if (this.cursor === undefined && this.scanned === undefined) {
      if (saved && saved.polledAt >= this.since - this.intervalMs) {
        // The log was read while this poller's subscribers were listening (here, or by another replica
        // before this one took over): carry on from there, publishing what happened since, and keep to one
        // call per interval for the team.
        this.cursor = saved.seq;
        this.polledAt = saved.polledAt;
        this.resolvePosition(saved.seq);
        const wait = saved.polledAt + this.intervalMs - Date.now();
        if (wait > 0) return wait;
      } else {
        // Live events start now: read to the end of the log without publishing, from where the last poller
        // of the team stopped if there was one, else from the oldest event kept.
        this.scanned = saved?.seq;
      }
    } else if (claim.shared && saved && this.cursor !== undefined && saved.seq < this.cursor) {
      // The replica that polled before this one took over got less far than this one's subscribers (which
      // polled alone meanwhile): publish from there, so that the other replicas' subscribers miss nothing
      // either (each subscriber drops what it already had).
      this.cursor = saved.seq;
    } else if (claim.shared && saved && this.cursor !== undefined && saved.seq > this.cursor) {
      // Taking over from a replica that published after this one last looked at the shared cursor (a follower
      // refreshes it once per interval): every replica has those events already, this one included as long
      // as its channel stayed up. Publishing them again would hand subscribers that moved here with
      // `afterSeq` old events after newer ones. Only if this process may have missed them (it polled alone,
      // or its channel dropped since it last followed) does it read them again from its own cursor.
      if (!this.alone && this.generation === this.bus.generation()) this.cursor = saved.seq;
    }
    await this.readToEnd(reader, true);
    return this.intervalMs;
  }

  /**
   * The team's webhooks bring its events, up to `seq` at least: no read, and the lease is given back. The
   * cursor moves up to there, for this poller and (saved) for whichever polls next, so that polling resumes
   * from the last webhook when they stop: what came after it is published then, nothing older again.
   */
  private async pause(seq: number): Promise<void> {
    if (!this.paused)
      this.logger.info({ teamId: this.teamId }, 'the team’s webhooks arrive: its poller pauses');
    if (this.polls) await this.coordination.release(this.teamId, this.holder);
    this.paused = true;
    this.polls = false;
    this.scanned = undefined;
    this.cursor = Math.max(this.cursor ?? seq, seq);
    this.polledAt = Date.now();
    this.resolvePosition(this.cursor);
    await this.coordination.saveCursor(this.teamId, { seq: this.cursor, polledAt: this.polledAt });
  }

  /** Another replica polls and publishes for this one: keep its cursor, ready to take over. */
  private async follow(reader: LogReader, saved: Cursor | undefined): Promise<number> {
    if (this.polls) this.logger.info({ teamId: this.teamId }, 'another replica polls the team’s events');
    const generation = this.bus.generation();
    const missed = this.alone || (!this.polls && this.generation !== 0 && generation !== this.generation);
    this.polls = false;
    this.alone = false;
    this.generation = generation;
    await this.bus.ready(this.teamId);
    if (missed && this.cursor !== undefined) {
      // Redis was out of reach for this process: what the polling replica published meanwhile never came.
      // Now that the channel is back, one read of the log from this process's cursor brings it.
      await this.readToEnd(reader, false);
    }
    if (saved && (this.cursor === undefined || saved.seq > this.cursor)) this.cursor = saved.seq;
    if (this.cursor === undefined) return Math.min(this.intervalMs, FOLLOW_RETRY_MS);
    this.resolvePosition(this.cursor);
    return this.intervalMs;
  }

  /**
   * Reads the log after the cursor page by page; every page read advances it, so nothing is read twice. `share`:
   * the cursor is saved for the next poller (this one polls for the team).
   */
  private async readToEnd(reader: LogReader, share: boolean): Promise<void> {
    for (;;) {
      const publishing = this.cursor !== undefined;
      const after = this.cursor ?? this.scanned;
      const page = await reader.read(after);
      if (this.stopped) return;
      const end = page.lastSeq ?? after;
      if (publishing) {
        for (const event of page.events) this.bus.publish(event);
        this.cursor = end;
      } else {
        this.scanned = end;
      }
      if (!page.hasMore || page.lastSeq === null) break;
    }
    this.polledAt = Date.now();
    if (this.cursor === undefined) {
      this.cursor = this.scanned ?? 0;
      this.resolvePosition(this.cursor);
    }
    if (share) await this.coordination.saveCursor(this.teamId, { seq: this.cursor, polledAt: this.polledAt });
  }
}
