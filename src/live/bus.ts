import { setMaxListeners } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Seal } from '../identity/seal.js';
import type { SharedRedis } from '../replicas/redis.js';
import type { InboxEvent } from '../upstream/types.js';
import { admitEvent, MAX_EVENT_BYTES } from './envelope.js';

/**
 * Carries each team's live events to that team's subscribers. `EventTargetBus` dispatches in this process;
 * `SharedEventBus` also carries them through Redis pub/sub (`@graphql-yoga/redis-event-target`) to the
 * subscribers of every other replica, and falls back to the process alone while Redis is down.
 */
export interface EventBus {
  publish(event: InboxEvent): void;
  /** Calls `listener` with every event of the team published from now on, until the returned function runs. */
  subscribe(teamId: string, listener: (event: InboxEvent) => void): () => void;
  /**
   * Resolves once the team's events published on any replica reach this process's listeners (at once in
   * one process, or while Redis is down). A subscriber replays the log only after it: whatever was published
   * before is in the log by then.
   */
  ready(teamId: string): Promise<void>;
  /** Events published on other replicas reach this one (and its own reach them). */
  shared(): boolean;
  /**
   * Changes whenever the connection that brings other replicas' events comes back after a drop: what they
   * published meanwhile did not reach this process.
   */
  generation(): number;
  /** Listeners of the team in this process (tests, metrics). */
  listening(teamId: string): number;
  /** Whether the team has a listener in this process or, when shared, on any replica. */
  audience(teamId: string): Promise<boolean>;
}

const topicOf = (teamId: string) => `inbox-events:${teamId}`;

export class EventTargetBus implements EventBus {
  private readonly counts = new Map<string, number>();

  constructor(private readonly target: EventTarget = new EventTarget()) {
    // One listener per subscriber of a team: a busy team has more than Node's default of 10 (whose warning
    // is for leaks). Subscriptions are bounded by MAX_SUBSCRIPTIONS_PER_TOKEN, and each one removes its own.
    setMaxListeners(0, target);
  }

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

  ready(): Promise<void> {
    return Promise.resolve();
  }

  shared(): boolean {
    return false;
  }

  generation(): number {
    return 0;
  }

  listening(teamId: string): number {
    return this.counts.get(teamId) ?? 0;
  }

  async audience(teamId: string): Promise<boolean> {
    return this.listening(teamId) > 0;
  }

  /** Teams with a listener in this process. */
  teams(): IterableIterator<string> {
    return this.counts.keys();
  }
}

/**
 * What travels on a team's channel: the event and the replica that published it, sealed for the channel
 * (src/identity/seal.ts). A message that does not open (not a replica's), or whose event is of another
 * team, is dropped: whoever can publish on Redis cannot put events into a team's streams.
 */
interface SharedMessage {
  sealed: string;
}
const sharedMessageShape = z.object({
  from: z.string(),
  event: z.looseObject({ id: z.string(), seq: z.number(), teamId: z.string(), type: z.string() }),
});

/**
 * A channel's message as it arrives: its sealed text, or `null` for anything else (not JSON, too large).
 * Redis is hostile like any input: nothing here throws. Parsed once per message, whatever the listeners.
 */
function parseMessage(text: string): SharedMessage | null {
  if (text.length > 3 * MAX_EVENT_BYTES) return null;
  try {
    const { sealed } = JSON.parse(text) as Partial<SharedMessage>;
    return typeof sealed === 'string' ? { sealed } : null;
  } catch {
    return null;
  }
}

/**
 * The event of an opened message, admitted as a webhook's would be (an event too deep for a subscriber's
 * serialiser is dropped). Only a replica marks a change it announced from its own write; webhooks and the
 * log never can (their envelopes are admitted without the mark).
 */
function admittedShared(event: Record<string, unknown>): InboxEvent | undefined {
  const admission = admitEvent(event);
  if (!('event' in admission)) return undefined;
  return event.announced === true ? ({ ...admission.event, announced: true } as InboxEvent) : admission.event;
}

/** How long a subscriber waits for Redis to confirm its channel before it goes on with this process alone. */
const SUBSCRIBE_TIMEOUT_MS = 1_000;

/**
 * The bus of a replica that shares Redis. An event published here is dispatched in this process at once
 * (its subscribers never depend on Redis) and published on the team's channel; the other replicas dispatch
 * it to their subscribers, and each ignores what it published itself. While Redis is down, events stay in
 * the process; when it is back, the channels of every team with a listener here are subscribed again.
 */
export class SharedEventBus implements EventBus {
  private readonly local = new EventTargetBus();
  private readonly target: EventTarget;
  private connections = 0;

  constructor(
    private readonly redis: SharedRedis,
    logger: Logger,
    private readonly seal: Seal,
  ) {
    const failed = (command: string) => (error: Error) =>
      logger.debug(
        { err: error.message, command },
        'redis pub/sub command failed: events stay in the process',
      );
    // redis-event-target does not wait for its PUBLISH/SUBSCRIBE/UNSUBSCRIBE: their failures (Redis down)
    // are handled here, so that an outage cannot crash the process.
    const { client, subscriber } = redis;
    const handled = {
      publish: (channel: string, message: string) =>
        client.publish(channel, message).catch(failed('publish')),
      subscribe: (channel: string) => subscriber.subscribe(channel).catch(failed('subscribe')),
      unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(failed('unsubscribe')),
      on: (event: 'message', listener: (channel: string, message: string) => void) =>
        subscriber.on(event, listener),
    } as unknown as Redis;
    this.target = createRedisEventTarget({
      publishClient: handled,
      subscribeClient: handled,
      serializer: { stringify: JSON.stringify, parse: parseMessage },
    });
    // ioredis subscribes again to the channels it had when the connection dropped; a channel first asked for
    // during the outage was refused then, so every channel with a listener here is asked for again.
    subscriber.on('ready', () => {
      this.connections++;
      for (const teamId of this.local.teams())
        subscriber.subscribe(this.channelOf(teamId)).catch(failed('subscribe'));
    });
  }

  publish(event: InboxEvent): void {
    this.local.publish(event);
    if (!this.redis.healthy()) return;
    const channel = this.channelOf(event.teamId);
    const detail: SharedMessage = { sealed: this.seal.seal({ from: this.redis.replicaId, event }, channel) };
    this.target.dispatchEvent(new CustomEvent(channel, { detail }));
  }

  subscribe(teamId: string, listener: (event: InboxEvent) => void): () => void {
    const unsubscribeLocal = this.local.subscribe(teamId, listener);
    const channel = this.channelOf(teamId);
    const fromOthers = (message: Event) => {
      const detail = (message as CustomEvent<Partial<SharedMessage> | null>).detail;
      const opened = this.seal.open(detail?.sealed, channel, sharedMessageShape);
      // Only the channel's own team: an event naming another is dropped.
      if (opened === undefined || opened.event.teamId !== teamId || opened.from === this.redis.replicaId)
        return;
      const event = admittedShared(opened.event);
      if (event) listener(event);
    };
    this.target.addEventListener(channel, fromOthers);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      unsubscribeLocal();
      this.target.removeEventListener(channel, fromOthers);
    };
  }

  async ready(teamId: string): Promise<void> {
    if (!this.shared()) return;
    // Replies come in order on the connection: once this SUBSCRIBE is answered, so is the listener's.
    const confirmed = this.redis.subscriber.subscribe(this.channelOf(teamId)).then(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SUBSCRIBE_TIMEOUT_MS);
    });
    await Promise.race([confirmed, timeout]).catch(() => undefined);
    clearTimeout(timer);
  }

  shared(): boolean {
    return this.redis.healthy() && this.redis.subscriber.status === 'ready';
  }

  generation(): number {
    return this.connections;
  }

  listening(teamId: string): number {
    return this.local.listening(teamId);
  }

  async audience(teamId: string): Promise<boolean> {
    if (this.local.listening(teamId) > 0) return true;
    if (!this.shared()) return false;
    // Replicas subscribe to a team's channel while they have a listener of it: Redis counts them.
    const counted = this.redis.client.pubsub('NUMSUB', this.channelOf(teamId)) as Promise<unknown>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), SUBSCRIBE_TIMEOUT_MS);
    });
    const answer = await Promise.race([counted, timeout]).catch(() => undefined);
    clearTimeout(timer);
    // Unknown (Redis slow or down) counts as listened to: the announcement is then only published for nothing.
    return !Array.isArray(answer) || Number(answer[1]) > 0;
  }

  private channelOf(teamId: string): string {
    return `${this.redis.channelPrefix}events:${teamId}`;
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
    ready: (teamId) => bus.ready(teamId),
    shared: () => bus.shared(),
    generation: () => bus.generation(),
    listening: (teamId) => bus.listening(teamId),
    audience: (teamId) => bus.audience(teamId),
  };
}
