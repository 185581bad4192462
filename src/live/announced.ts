import { randomUUID } from 'node:crypto';
import type { EventType, InboxEvent } from '../upstream/types.js';

/**
 * Changes the facade announces itself, from the answer of a write it has just made, before the Inbox event
 * of that write arrives (by the next poll, or by webhook). An announced change travels on the team's bus as
 * the event the Inbox will emit for the write (same `type`, same payload shape), marked `announced`; only
 * the typed subscription (`inboxChanges`) delivers it, and each of its subscribers then skips the Inbox
 * event that matches it (same change key), so that the change arrives once, early.
 */
export interface AnnouncedEvent extends InboxEvent {
  announced: true;
}

/** The write types announced early: each successful write emits exactly one Inbox event of its type. */
export type AnnouncedType = Extract<
  EventType,
  | 'message.created'
  | 'message.deleted'
  | 'tag.created'
  | 'tag.updated'
  | 'tag.deleted'
  | 'status.created'
  | 'status.updated'
  | 'status.deleted'
>;

/** An announced event of the team, as the Inbox would emit it; its `seq` is set per subscriber. */
export function announcedEvent(teamId: string, type: AnnouncedType, data: unknown): AnnouncedEvent {
  return {
    id: `announced:${randomUUID()}`,
    seq: 0,
    teamId,
    type,
    timestamp: new Date().toISOString(),
    version: '1.0',
    data,
    announced: true,
  };
}

export function isAnnounced(event: InboxEvent): event is AnnouncedEvent {
  return (event as Partial<AnnouncedEvent>).announced === true;
}

const MAX_KEY_PART = 300;

/** A short string field of an object, or undefined. */
function field(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[name];
  if (typeof found === 'string' && found.length > 0 && found.length <= MAX_KEY_PART) return found;
  if (found === null) return '';
  return undefined;
}

/**
 * What an announced change and the Inbox event of the same write have in common: the change kind, the
 * object's id and, for updates, the state it was left in (labels carry no version). `undefined` for any
 * event that is never announced, or whose payload lacks what the key needs.
 */
export function changeKey(event: InboxEvent): string | undefined {
  const data = event.data as Record<string, unknown> | undefined;
  const join = (...parts: Array<string | undefined>) =>
    parts.every((part) => part !== undefined) ? [event.type, ...parts].join('\u0000') : undefined;
  switch (event.type) {
    case 'message.created':
      return join(field(data?.message, 'id'));
    case 'message.deleted':
      return join(field(data, 'messageId'));
    case 'tag.created':
    case 'tag.deleted':
      return join(field(data?.tag, 'id'));
    case 'status.created':
    case 'status.deleted':
      return join(field(data?.status, 'id'));
    case 'tag.updated':
      return join(field(data?.tag, 'id'), field(data?.tag, 'name'), field(data?.tag, 'color'));
    case 'status.updated':
      return join(field(data?.status, 'id'), field(data?.status, 'name'), field(data?.status, 'color'));
    default:
      return undefined;
  }
}

/** Counts per key, each forgotten `ttlMs` after it was last counted, and the oldest first beyond `capacity`. */
class ExpiringCounts {
  private readonly counts = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  add(key: string, now: number): void {
    const entry = this.counts.get(key);
    this.counts.delete(key);
    this.counts.set(key, {
      count: (entry && entry.until > now ? entry.count : 0) + 1,
      until: now + this.ttlMs,
    });
    if (this.counts.size > this.capacity) this.counts.delete(this.counts.keys().next().value as string);
  }

  /** True, and one fewer, when `key` is counted (and not expired). */
  take(key: string, now: number): boolean {
    const entry = this.counts.get(key);
    if (!entry || entry.until <= now) {
      this.counts.delete(key);
      return false;
    }
    if (--entry.count === 0) this.counts.delete(key);
    return true;
  }
}

/** How many announced changes, and Inbox events that could match one, a subscriber remembers. */
const REMEMBERED = 1_000;
/**
 * How long an announced change waits for its Inbox event: far longer than the longest poll interval and a
 * lease taken over, or a webhook's retries. Past it, a late Inbox event of the write is delivered (twice
 * rather than never).
 */
const ANNOUNCED_TTL_MS = 60 * 60_000;
/**
 * How long an Inbox event that came before its write's announcement (a fast webhook) is matched against
 * it: an announcement follows its write by milliseconds (one read of a thread at most).
 */
const INBOX_FIRST_TTL_MS = 60_000;

/**
 * One subscriber's memory of announced changes, so that each change reaches it once: the announcement or
 * the Inbox event, whichever comes first, and not the other. Bounded in count and in time.
 */
export class AnnouncedChanges {
  private readonly announced = new ExpiringCounts(REMEMBERED, ANNOUNCED_TTL_MS);
  private readonly inboxFirst = new ExpiringCounts(REMEMBERED, INBOX_FIRST_TTL_MS);

  /** An announced change arrives: true to deliver it, false when its Inbox event came first. */
  announce(event: AnnouncedEvent, now = Date.now()): boolean {
    const key = changeKey(event);
    if (key === undefined) return false;
    if (this.inboxFirst.take(key, now)) return false;
    this.announced.add(key, now);
    return true;
  }

  /** An Inbox event arrives: true to deliver it, false when it was announced to this subscriber already. */
  inbox(event: InboxEvent, now = Date.now()): boolean {
    const key = changeKey(event);
    if (key === undefined) return true;
    if (this.announced.take(key, now)) return false;
    this.inboxFirst.add(key, now);
    return true;
  }
}
