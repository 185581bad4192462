import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import { badUserInput } from '../errors.js';
import type { InboxEvent } from '../inbox/types.js';
import { builder } from './builder.js';
import { UPSTREAM_COST } from './cost.js';
import { pageSize } from './pagination.js';

/** GET /events pages hold 100 events by default and 1000 at most (CONTRACT §4). */
const EVENT_PAGE = { default: 100, max: 1000 };

export const InboxEventRef = builder.objectRef<InboxEvent>('InboxEvent');
InboxEventRef.implement({
  description: 'A change in the team (the webhook envelope), kept 7 days by the Inbox API.',
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'Unique id of the event: the key to deduplicate on.' }),
    seq: t.exposeInt('seq', { description: 'Position in the team’s event log: increases with every event.' }),
    type: t.exposeString('type', {
      description: 'Event type, e.g. `message.created` or `prospect.tagsChanged`.',
    }),
    timestamp: t.expose('timestamp', { type: 'DateTime', description: 'When it happened.' }),
    data: t.field({
      type: 'JSON',
      description: 'Payload; its shape depends on `type`.',
      resolve: (event) => event.data ?? null,
    }),
  }),
});

interface EventPageShape {
  edges: Array<{ cursor: string; node: InboxEvent }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  lastSeq: number | null;
}

const EventEdgeRef = builder.objectRef<EventPageShape['edges'][number]>('EventEdge');
EventEdgeRef.implement({
  description: 'An event and its cursor (its `seq`).',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'The event’s `seq`, as a string.' }),
    node: t.expose('node', { type: InboxEventRef, description: 'The event.' }),
  }),
});

const EventPageInfoRef = builder.objectRef<EventPageShape['pageInfo']>('EventPageInfo');
EventPageInfoRef.implement({
  description: 'Where the next page of events starts.',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'More events follow.' }),
    endCursor: t.exposeString('endCursor', {
      nullable: true,
      description: 'The last `seq` of this page; pass it as `after` (as an Int) for the next page.',
    }),
  }),
});

const EventConnectionRef = builder.objectRef<EventPageShape>('EventConnection');
EventConnectionRef.implement({
  description: 'A page of the team’s event log, oldest first.',
  fields: (t) => ({
    edges: t.expose('edges', { type: [EventEdgeRef], description: 'Events of this page.' }),
    pageInfo: t.expose('pageInfo', { type: EventPageInfoRef, description: 'Paging.' }),
    lastSeq: t.exposeInt('lastSeq', {
      nullable: true,
      description: 'The `seq` to resume after; `null` when the log is empty.',
    }),
  }),
});

builder.queryField('events', (t) =>
  t.field({
    type: EventConnectionRef,
    complexity: UPSTREAM_COST.oneCall,
    description: 'The team’s event log (7 days), oldest first. One `GET /events` per page.',
    args: {
      after: t.arg.int({
        description: 'Only events after this `seq` (exclusive); omit for the oldest kept.',
      }),
      first: t.arg.int({ defaultValue: EVENT_PAGE.default, description: 'Page size, 1–1000.' }),
    },
    resolve: async (_root, args, context) => {
      const limit = pageSize(args.first, EVENT_PAGE.default, EVENT_PAGE.max);
      if (args.after !== null && args.after !== undefined && args.after < 0) {
        throw badUserInput('`after` must be a `seq` (0 or more).', 'after');
      }
      const page = await context.inbox.get('/events', {
        query: { afterSeq: args.after ?? undefined, limit },
      });
      return {
        edges: page.events.map((event) => ({ cursor: String(event.seq), node: event })),
        pageInfo: {
          hasNextPage: page.hasMore,
          endCursor: page.lastSeq === null ? null : String(page.lastSeq),
        },
        lastSeq: page.lastSeq,
      };
    },
  }),
);

/** One pass over the team's log after `afterSeq` (omitted: from the oldest kept), page by page. */
async function* readLog(context: Context, afterSeq: number | undefined): AsyncGenerator<InboxEvent> {
  let after = afterSeq;
  for (;;) {
    const page = await context
      .freshInbox()
      .get('/events', { query: { afterSeq: after, limit: EVENT_PAGE.max } });
    yield* page.events;
    if (!page.hasMore || page.lastSeq === null) return;
    after = page.lastSeq;
  }
}

/**
 * The team's events as they happen. With `afterSeq`, the log after it is replayed first (GET /events), so a
 * client that reconnects with the last `seq` it saw misses nothing; live events then follow, deduplicated by
 * `seq`. Live events come from signed webhooks when INBOX_WEBHOOK_SECRET is set, else from polling the log.
 */
async function* inboxEvents(
  context: Context,
  { types, afterSeq }: { types?: readonly string[] | null; afterSeq?: number | null },
): AsyncGenerator<InboxEvent> {
  if (afterSeq !== null && afterSeq !== undefined && afterSeq < 0) {
    throw badUserInput('`afterSeq` must be a `seq` (0 or more).', 'afterSeq');
  }
  const wanted = types?.length ? new Set(types) : undefined;
  const team = await context.loaders.team(); // authenticates the caller and names its team
  // Opened before the replay, so events arriving meanwhile wait in the feed instead of being lost.
  const feed = context.events.live ? context.events.hub.open(team.id) : undefined;
  try {
    let last = afterSeq ?? undefined;
    if (last === undefined && !feed) {
      // Polling starts at the end of the log: read through it once, keeping only where it ends.
      last = 0;
      for await (const event of readLog(context, undefined)) last = event.seq;
    } else if (last !== undefined) {
      for await (const event of readLog(context, last)) {
        last = event.seq;
        if (!wanted || wanted.has(event.type)) yield event;
      }
    }
    const live = feed ? feed.events : poll(context, () => last);
    for await (const event of live) {
      if (last !== undefined && event.seq <= last) continue;
      last = event.seq;
      if (!wanted || wanted.has(event.type)) yield event;
    }
  } finally {
    feed?.close();
  }
}

/** Without webhooks: the log after the last seen `seq`, every EVENTS_POLL_INTERVAL_MS (one call per poll). */
async function* poll(context: Context, lastSeen: () => number | undefined): AsyncGenerator<InboxEvent> {
  for (;;) {
    await sleep(context.events.pollIntervalMs);
    yield* readLog(context, lastSeen());
  }
}

builder.subscriptionType({
  description: 'Live updates, over Server-Sent Events (`Accept: text/event-stream`) at `/graphql`.',
});

builder.subscriptionField('inboxEvents', (t) =>
  t.field({
    type: InboxEventRef,
    description:
      'The team’s Inbox events as they happen (fed by signed webhooks at `/webhooks/inbox`, else by polling ' +
      '`GET /events`). Pass the last `seq` you saw as `afterSeq` to resume without gaps after a reconnect.',
    args: {
      types: t.arg.stringList({ description: 'Only these event types, e.g. `["message.created"]`.' }),
      afterSeq: t.arg.int({ description: 'Replay the log after this `seq` first (the API keeps 7 days).' }),
    },
    subscribe: (_root, args, context) => inboxEvents(context, args),
    resolve: (event) => event,
  }),
);
