import { builder } from '../../graphql/builder.js';
import { StreamFailure, type StreamItem } from '../../live/live-events.js';
import type { InboxEvent } from '../../upstream/types.js';
import { InboxEventObject } from '../refs.js';
import { eventSeq } from './log.js';

/** A stream item as the event it is; a failure sent down the stream becomes this event's error. */
export function eventOrThrow(item: StreamItem): InboxEvent {
  if (item instanceof StreamFailure) throw item.error;
  return item;
}

/** The arguments every live-event subscription takes. */
export const streamArguments = () =>
  builder.args((t) => ({
    types: t.stringList({ description: 'Only these event types, e.g. `["message.created"]`.' }),
    afterSeq: t
      .int({ description: 'Replay the log after this `seq` first (the API keeps 7 days).' })
      .validate(eventSeq.nullish()),
  }));

builder.subscriptionField('inboxEvents', (t) =>
  t.field({
    type: InboxEventObject,
    description:
      'The team’s Inbox events as they happen (fed by signed webhooks at `/webhooks/inbox`, else by polling ' +
      '`GET /events`), each event once. Pass the last `seq` you saw as `afterSeq` to resume without gaps ' +
      'after a reconnect. `inboxChanges` gives the same events typed, with the changed objects.',
    args: streamArguments(),
    subscribe: (_root, args, context) => context.events.open(context.inbox, context.tokenKey, args),
    resolve: eventOrThrow,
  }),
);
