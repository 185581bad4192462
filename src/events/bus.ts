import type { InboxEvent } from '../inbox/types.js';

/**
 * Carries each team's live events to that team's subscribers. This is the seam for running several
 * replicas: `EventTargetBus` dispatches on an in-process EventTarget, and handed the EventTarget of
 * `@graphql-yoga/redis-event-target` instead, it reaches the subscribers of every replica (events are
 * plain JSON, so they survive the trip).
 */
export interface EventBus {
  publish(event: InboxEvent): void;
  /** Calls `listener` with every event of the team published from now on, until the returned function runs. */
  subscribe(teamId: string, listener: (event: InboxEvent) => void): () => void;
  /** Listeners of the team in this process (tests, metrics). */
  listening(teamId: string): number;
}

const topicOf = (teamId: string) => `inbox-events:${teamId}`;

export class EventTargetBus implements EventBus {
  private readonly counts = new Map<string, number>();

  constructor(private readonly target: EventTarget = new EventTarget()) {}

  publish(event: InboxEvent): void {
    this.target.dispatchEvent(new CustomEvent(topicOf(event.teamId), { detail: event }));
  }

  subscribe(teamId: string, listener: (event: InboxEvent) => void): () => void {
    const topic = topicOf(teamId);
    const handler = (event: Event) => listener((event as CustomEvent<InboxEvent>).detail);
    this.target.addEventListener(topic, handler);
    this.counts.set(teamId, this.listening(teamId) + 1);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.target.removeEventListener(topic, handler);
      const left = this.listening(teamId) - 1;
      if (left > 0) this.counts.set(teamId, left);
      else this.counts.delete(teamId);
    };
  }

  listening(teamId: string): number {
    return this.counts.get(teamId) ?? 0;
  }
}

/** The same bus, calling `onEvent` with every event published through it (in this process). */
export function notifying(bus: EventBus, onEvent: (event: InboxEvent) => void): EventBus {
  return {
    publish: (event) => {
      bus.publish(event);
      onEvent(event);
    },
    subscribe: (teamId, listener) => bus.subscribe(teamId, listener),
    listening: (teamId) => bus.listening(teamId),
  };
}
