import { inBackground, tracing } from '../observability/hooks.js';
import type { InboxMetrics } from '../observability/inbox-metrics.js';
import type { InboxEvent } from '../upstream/types.js';
import { isAnnounced } from './announced.js';
import type { EventBus } from './bus.js';

/**
 * The live-event bus, observed: each event published here fans out to this process's subscribers in a trace
 * of its own (`inbox.events.fanout`), linked to what published it (the webhook's request, the poller's
 * tick); each arrival at a subscriber, from here or from another replica, is counted with its delay.
 */
export function observedBus(bus: EventBus, metrics: InboxMetrics): EventBus {
  return {
    publish: (event) => {
      const cause = tracing.current?.cause();
      inBackground('inbox.events.fanout', eventAttributes(event, bus), [cause], () => bus.publish(event));
    },
    subscribe: (teamId, listener) =>
      bus.subscribe(teamId, (event) => {
        metrics.eventDelivered(event);
        listener(event);
      }),
    ready: (teamId) => bus.ready(teamId),
    shared: () => bus.shared(),
    generation: () => bus.generation(),
    listening: (teamId) => bus.listening(teamId),
    audience: (teamId) => bus.audience(teamId),
  };
}

function eventAttributes(event: InboxEvent, bus: EventBus): Record<string, string | number | boolean> {
  const at = Date.parse(event.timestamp);
  return {
    // A signed sender's text, yet bounded: a webhook body may be MAX_BODY_BYTES long.
    'inbox.event.type': String(event.type).slice(0, 100),
    'inbox.event.seq': event.seq,
    'inbox.team.id': event.teamId,
    'inbox.event.subscribers': bus.listening(event.teamId),
    // A change announced by a write made through the facade, ahead of its Inbox event.
    'inbox.event.announced': isAnnounced(event),
    ...(Number.isFinite(at) && { 'inbox.event.delay_ms': Math.max(0, Date.now() - at) }),
  };
}
