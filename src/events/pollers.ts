import type { Logger } from 'pino';
import { codeFor } from '../errors.js';
import type { InboxEvent } from '../inbox/types.js';
import { UpstreamError } from '../inbox/upstream-error.js';
import type { EventBus } from './bus.js';

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
  /** The `seq` after which the poller publishes every event; known once it has found the end of the log. */
  readonly position: Promise<number>;
  leave(): void;
}

/** Teams whose last poll position is remembered after their last subscriber left. */
const REMEMBERED_TEAMS = 10_000;

interface Stopped {
  cursor: number;
  polledAt: number;
}

/**
 * Without webhooks, live events come from `GET /events`: one poller per team, shared by all the team's
 * subscribers in this process. It polls every EVENTS_POLL_INTERVAL_MS while at least one of them listens,
 * and stops as soon as the last one leaves. (With several replicas, a lease per team would let one
 * replica poll for the whole deployment and publish on a shared bus.)
 */
export class TeamPollers {
  private readonly running = new Map<string, TeamPoller>();
  /** Where each team's last poller stopped: a poller started again soon after resumes there. */
  private readonly stopped = new Map<string, Stopped>();

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  join(teamId: string, reader: LogReader): PollerMembership {
    let poller = this.running.get(teamId);
    if (!poller) {
      poller = new TeamPoller(this.bus, this.intervalMs, this.logger, this.stopped.get(teamId));
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
        if (joined.readers.size === 0) this.stop(teamId, joined);
      },
    };
  }

  /** A poller is running for the team (tests, metrics). */
  polling(teamId: string): boolean {
    return this.running.has(teamId);
  }

  close(): void {
    for (const [teamId, poller] of this.running) this.stop(teamId, poller);
  }

  private stop(teamId: string, poller: TeamPoller): void {
    poller.stop();
    if (this.running.get(teamId) === poller) this.running.delete(teamId);
    if (poller.cursor === undefined) return;
    this.stopped.delete(teamId);
    this.stopped.set(teamId, { cursor: poller.cursor, polledAt: poller.polledAt });
    if (this.stopped.size > REMEMBERED_TEAMS) this.stopped.delete(this.stopped.keys().next().value as string);
  }
}

class TeamPoller {
  /** Subscribers whose tokens can read the log; the first one is used. */
  readonly readers = new Set<LogReader>();
  /** Every event after this `seq` is published; `undefined` until the end of the log is found. */
  cursor: number | undefined;
  polledAt = 0;
  readonly position: Promise<number>;
  private resolvePosition: (seq: number) => void = () => undefined;
  /** While looking for the end of the log: how far it has been read. */
  private scanned: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    resume: Stopped | undefined,
  ) {
    this.position = new Promise((resolve) => {
      this.resolvePosition = resolve;
    });
    if (resume && Date.now() - resume.polledAt <= intervalMs) {
      // Stopped less than an interval ago: carry on as if it never had (subscribers coming and going
      // cost no more than one poll per interval), publishing what happened meanwhile.
      this.cursor = resume.cursor;
      this.polledAt = resume.polledAt;
      this.resolvePosition(resume.cursor);
      this.schedule(resume.polledAt + intervalMs - Date.now());
    } else {
      // Live events start now: read to the end of the log without publishing, from where the last
      // poller of the team stopped if there was one (one call), else from the oldest event kept.
      this.scanned = resume?.cursor;
      this.schedule(0);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), Math.max(0, delayMs));
  }

  private async tick(): Promise<void> {
    const reader: LogReader | undefined = this.readers.values().next().value;
    if (this.stopped || !reader) return;
    let delay = this.intervalMs;
    try {
      await this.readToEnd(reader);
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

  /** Reads the log after the cursor page by page; every page read advances it, so nothing is read twice. */
  private async readToEnd(reader: LogReader): Promise<void> {
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
  }
}
