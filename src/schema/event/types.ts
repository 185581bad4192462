import { builder } from '../../graphql/builder.js';
import { encodeGlobalID } from '../../graphql/ids.js';
import { InboxEventObject } from '../refs.js';

InboxEventObject.implement({
  description: 'A change in the team (the webhook envelope), kept 7 days by the Inbox API.',
  fields: (t) => ({
    id: t.id({
      description: 'A stable, opaque id for client caches (not a `node` id: v1 reads no event by id).',
      resolve: (event) => encodeGlobalID('InboxEvent', event.id),
    }),
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

/** A page of the event log as a Relay connection; each cursor is the event's `seq`, as a string. */
export const EventConnection = builder.connectionObject(
  {
    type: InboxEventObject,
    name: 'EventConnection',
    description: 'A page of the team’s event log, oldest first. Cursors are `seq`s, as strings.',
    fields: (t) => ({
      lastSeq: t.int({
        nullable: true,
        description:
          'The `seq` to resume after (e.g. `inboxEvents(afterSeq:)`); `null` when the log is empty.',
        resolve: (connection) => (connection as unknown as { lastSeq: number | null }).lastSeq,
      }),
    }),
  },
  { name: 'EventEdge', description: 'An event and its cursor (its `seq`, as a string).' },
);
