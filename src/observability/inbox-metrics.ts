import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from 'graphql-yoga';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { EventType, InboxEvent } from '../upstream/types.js';

/** What the REST client and the loaders report, beside each HTTP attempt (`onAttempt`). */
export interface UpstreamTelemetry {
  /** A cross-request collection read: `hit` when this request made no call for it. */
  collectionRead(collection: string, outcome: 'hit' | 'miss'): void;
  /** How long a call waited at its team's budget gate before it left. */
  budgetGate(ms: number): void;
  /** The team budget refused a call before it was sent, or a whole operation before it ran. */
  budgetRefused(scope: 'call' | 'operation'): void;
}

export interface InboxMetrics extends UpstreamTelemetry {
  /** A live event reached a subscriber of this process. */
  eventDelivered(event: InboxEvent): void;
  /** Counts the subscriptions open on every transport. */
  plugin: Plugin;
}

type EventFamily = EventType extends `${infer Family}.${string}` ? Family : never;
/** Every family of the contract's event types: a label holds one of these or `other`, never what a sender wrote. */
const FAMILIES: Record<EventFamily, true> = {
  thread: true,
  message: true,
  prospect: true,
  tag: true,
  status: true,
  campaign: true,
  target: true,
};
const familyOf = (type: unknown): string => {
  const family = typeof type === 'string' ? type.slice(0, type.indexOf('.')) : '';
  return Object.hasOwn(FAMILIES, family) ? family : 'other';
};

/** The collections a label may name (CachedCollection); anything else is `other`. */
const COLLECTIONS = new Set([
  'team',
  'members',
  'account-links',
  'tags',
  'statuses',
  'colors',
  'tags/colors',
  'statuses/colors',
]);

/**
 * The metrics that answer what a platform team asks of the facade beyond Yoga's own (src/observability/metrics.ts):
 * what the collection cache spared, how the team budget held calls back, how late live events arrive, how
 * many subscriptions are open. Every label comes from a fixed set: no token, URL, id or sender's text.
 */
export function createInboxMetrics(registry: Registry): InboxMetrics {
  const cacheReads = new Counter({
    name: 'inbox_collection_cache_reads_total',
    help: 'Team collection reads by collection and result: hit (no call made for it) or miss (one call).',
    labelNames: ['collection', 'result'],
    registers: [registry],
  });
  const gateSeconds = new Histogram({
    name: 'inbox_team_budget_wait_seconds',
    help: 'Time each upstream call waited at its team budget gate (proof of team, shared count) before it left.',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'inbox_team_budget_refusals_total',
    help: 'Refused to keep the team within TEAM_CALLS_PER_MINUTE: one call before it was sent, or a whole operation.',
    labelNames: ['scope'],
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'inbox_events_delivered_total',
    help: 'Live Inbox events that reached a subscriber of this replica, by event family (thread, message...).',
    labelNames: ['family'],
    registers: [registry],
  });
  const delay = new Histogram({
    name: 'inbox_event_delivery_delay_seconds',
    help: 'From the Inbox event’s timestamp to its arrival at a subscriber of this replica.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const open = new Gauge({
    name: 'graphql_subscriptions_open',
    help: 'Subscriptions open on this replica (HTTP/SSE and WebSocket).',
    registers: [registry],
  });
  for (const scope of ['call', 'operation']) refusals.inc({ scope }, 0);

  return {
    collectionRead: (collection, outcome) =>
      cacheReads.inc({ collection: COLLECTIONS.has(collection) ? collection : 'other', result: outcome }),
    budgetGate: (ms) => gateSeconds.observe(ms / 1000),
    budgetRefused: (scope) => refusals.inc({ scope }),
    eventDelivered: (event) => {
      delivered.inc({ family: familyOf(event.type) });
      const at = Date.parse(event.timestamp);
      if (Number.isFinite(at)) delay.observe(Math.max(0, Date.now() - at) / 1000);
    },
    plugin: {
      onSubscribe: () => ({
        onSubscribeResult: ({ result }) => {
          if (!isAsyncIterable(result)) return;
          open.inc();
          let ended = false;
          return {
            onEnd: () => {
              if (ended) return;
              ended = true;
              open.dec();
            },
          };
        },
      }),
    },
  };
}
