import { builder } from '../../graphql/builder.js';
import type { InboxEvent } from '../../inbox/types.js';
import { InboxEventObject } from '../refs.js';

InboxEventObject.implement({
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

const EventEdgeObject = builder.objectRef<EventPageShape['edges'][number]>('EventEdge');
EventEdgeObject.implement({
  description: 'An event and its cursor (its `seq`).',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'The event’s `seq`, as a string.' }),
    node: t.expose('node', { type: InboxEventObject, description: 'The event.' }),
  }),
});

const EventPageInfoObject = builder.objectRef<EventPageShape['pageInfo']>('EventPageInfo');
EventPageInfoObject.implement({
  description: 'Where the next page of events starts.',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', { description: 'More events follow.' }),
    endCursor: t.exposeString('endCursor', {
      nullable: true,
      description: 'The last `seq` of this page; pass it as `after` (as an Int) for the next page.',
    }),
  }),
});

export const EventConnection = builder.objectRef<EventPageShape>('EventConnection');
EventConnection.implement({
  description: 'A page of the team’s event log, oldest first.',
  fields: (t) => ({
    edges: t.expose('edges', { type: [EventEdgeObject], description: 'Events of this page.' }),
    pageInfo: t.expose('pageInfo', { type: EventPageInfoObject, description: 'Paging.' }),
    lastSeq: t.exposeInt('lastSeq', {
      nullable: true,
      description: 'The `seq` to resume after; `null` when the log is empty.',
    }),
  }),
});
