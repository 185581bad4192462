import type { InboxEvent } from '../inbox/types.js';

/** A subscriber's live feed: buffered from the moment it was opened, so nothing slips in between. */
export interface EventFeed {
  events: AsyncGenerator<InboxEvent>;
  close(): void;
}

/** How many events a slow subscriber may have waiting before the oldest are dropped (it can replay by seq). */
const MAX_QUEUED = 1_000;
/** How many recent event ids per team are remembered to drop webhook redeliveries. */
const RECENT_IDS = 1_000;

/**
 * Live Inbox events of each team, fed by signed webhooks (src/events/webhooks.ts) and read by the
 * `inboxEvents` subscription. Events are routed by the `teamId` of their envelope, so a subscriber only ever
 * sees its own team's events; redeliveries (same `id`) are dropped.
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<(event: InboxEvent) => void>>();
  private readonly recentIds = new Map<string, Set<string>>();

  publish(event: InboxEvent): boolean {
    const seen = this.recentIds.get(event.teamId) ?? new Set<string>();
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    if (seen.size > RECENT_IDS) seen.delete(seen.values().next().value as string);
    this.recentIds.set(event.teamId, seen);
    for (const listener of this.listeners.get(event.teamId) ?? []) listener(event);
    return true;
  }

  open(teamId: string): EventFeed {
    const queue: InboxEvent[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const listener = (event: InboxEvent) => {
      queue.push(event);
      if (queue.length > MAX_QUEUED) queue.shift();
      wake?.();
    };
    const team = this.listeners.get(teamId) ?? new Set();
    team.add(listener);
    this.listeners.set(teamId, team);
    const close = () => {
      closed = true;
      team.delete(listener);
      if (team.size === 0) this.listeners.delete(teamId);
      wake?.();
    };
    async function* events(): AsyncGenerator<InboxEvent> {
      try {
        while (!closed) {
          const next = queue.shift();
          if (next) yield next;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        close();
      }
    }
    return { events: events(), close };
  }

  /** Subscribers listening now, per team (for tests and metrics). */
  listening(teamId: string): number {
    return this.listeners.get(teamId)?.size ?? 0;
  }
}
