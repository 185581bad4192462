import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../../context.js';
import { builder } from '../../graphql/builder.js';
import type { InboxEvent } from '../../inbox/types.js';
import { InboxEventObject } from '../refs.js';
import { EVENT_PAGE, eventSeq } from './log.js';

/** One pass over the team's log after `afterSeq` (omitted: from the oldest kept), page by page. */
async function* readLog(context: Context, afterSeq: number | undefined): AsyncGenerator<InboxEvent> {
  let after = afterSeq;
  for (;;) {
    // A subscription outlives its request: each read gets a fresh deadline.
    const page = await context.inbox.renew().events.page({ afterSeq: after, limit: EVENT_PAGE.max });
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
  const wanted = types?.length ? new Set(types) : undefined;
  const team = await context.inbox.team.get(); // authenticates the caller and names its team
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

builder.subscriptionField('inboxEvents', (t) =>
  t.field({
    type: InboxEventObject,
    description:
      'The team’s Inbox events as they happen (fed by signed webhooks at `/webhooks/inbox`, else by polling ' +
      '`GET /events`). Pass the last `seq` you saw as `afterSeq` to resume without gaps after a reconnect.',
    args: {
      types: t.arg.stringList({ description: 'Only these event types, e.g. `["message.created"]`.' }),
      afterSeq: t.arg
        .int({ description: 'Replay the log after this `seq` first (the API keeps 7 days).' })
        .validate(eventSeq.nullish()),
    },
    subscribe: (_root, args, context) => inboxEvents(context, args),
    resolve: (event) => event,
  }),
);
