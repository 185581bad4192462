import { z } from 'zod';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import { encodeGlobalID, INBOX_ID, messageNodeId, PLATFORM, PLATFORM_ID } from '../../graphql/ids.js';
import { isAnnounced } from '../../live/announced.js';
import type { InboxEvent, Message, ProspectWithContext, Status, Tag, Thread } from '../../upstream/types.js';
import { MessageObject, ProspectObject, StatusObject, TagObject, ThreadObject } from '../refs.js';
import { eventOrThrow, streamArguments } from './subscription.js';

/**
 * Typed live events: each event with the objects it changed, as the schema's own types with their global
 * ids, so a normalising cache (Apollo Client, urql Graphcache, Relay) updates every view of them from the
 * event alone. The objects come from the event's payload (no upstream call) where it carries them; the
 * others are read once per event, the reads of one event batched together.
 */
type Change =
  | { kind: 'MessageCreated'; event: InboxEvent; message: Message; thread: Thread }
  | {
      kind: 'MessageChanged';
      event: InboxEvent;
      message: Message | undefined;
      threadId: string;
      messageId: string;
    }
  | { kind: 'MessageDeleted'; event: InboxEvent; threadId: string; messageId: string }
  | { kind: 'ThreadChanged'; event: InboxEvent; thread: Thread }
  | { kind: 'ThreadDeleted'; event: InboxEvent; threadId: string }
  | { kind: 'ProspectChanged'; event: InboxEvent; prospect: ProspectWithContext }
  | { kind: 'TagChanged'; event: InboxEvent; tag: Tag }
  | { kind: 'TagDeleted'; event: InboxEvent; tagId: string }
  | { kind: 'StatusChanged'; event: InboxEvent; status: Status }
  | { kind: 'StatusDeleted'; event: InboxEvent; statusId: string }
  | { kind: 'OtherInboxChange'; event: InboxEvent };
type ChangeOf<K extends Change['kind']> = Extract<Change, { kind: K }>;

// What the payloads must hold for the objects to be built from them (the documented shapes; see
// src/upstream/openapi.yaml, Event). A payload without them is passed on as an OtherInboxChange. Payloads are
// hostile like arguments (a webhook's, or the log's): every id that a field may put in a REST path, or in a
// global id, must be an Inbox id as arguments must (src/graphql/ids.ts), else the payload is not typed.
const id = z.string().regex(INBOX_ID);
const optionalId = id.nullish();
const prospectKey = {
  platform: z.string().regex(PLATFORM),
  platformId: z.string().regex(PLATFORM_ID),
  externalId: optionalId,
};
// A prospect's threads are read by id (`Prospect.threads`).
const context = z.looseObject({ threads: z.array(z.looseObject({ id })).nullish() });
const thread = z.looseObject({
  id,
  prospect: z.looseObject({ ...prospectKey, context: context.optional() }),
  lastMessage: z.looseObject({ campaignId: optionalId }).nullish(),
});
const message = z.looseObject({ id, threadId: id, campaignId: optionalId });
const prospect = z.looseObject({ ...prospectKey, context });
const label = z.looseObject({ id, name: z.string() });
const payloads = {
  messageCreated: z.object({ message, thread }),
  messageEdited: z.object({ message, threadId: id }),
  messageRef: z.object({ messageId: id, threadId: id }),
  thread: z.object({ thread }),
  prospect: z.object({ prospect }),
  tag: z.object({ tag: label }),
  status: z.object({ status: label }),
};

/** The typed change of an event, from its type and payload. */
export function changeOf(event: InboxEvent): Change {
  const parsed = <T>(schema: z.ZodType<T>) => {
    const result = schema.safeParse(event.data);
    return result.success ? result.data : undefined;
  };
  const other = { kind: 'OtherInboxChange', event } as const;
  const [entity, action = ''] = event.type.split('.');
  switch (entity) {
    case 'message': {
      if (action === 'created') {
        const data = parsed(payloads.messageCreated);
        if (!data) return other;
        return {
          kind: 'MessageCreated',
          event,
          message: data.message as Message,
          thread: data.thread as Thread,
        };
      }
      if (action === 'edited') {
        const data = parsed(payloads.messageEdited);
        if (!data) return other;
        const edited = data.message as Message;
        return {
          kind: 'MessageChanged',
          event,
          message: edited,
          threadId: data.threadId,
          messageId: edited.id,
        };
      }
      const data = parsed(payloads.messageRef);
      if (!data) return other;
      if (action === 'deleted') return { kind: 'MessageDeleted', event, ...data };
      if (action === 'reactionAdded' || action === 'reactionRemoved') {
        return { kind: 'MessageChanged', event, message: undefined, ...data };
      }
      return other;
    }
    case 'thread': {
      if (action === 'typing') return other;
      const data = parsed(payloads.thread);
      if (!data) return other;
      if (action === 'deleted') return { kind: 'ThreadDeleted', event, threadId: data.thread.id };
      return { kind: 'ThreadChanged', event, thread: data.thread as Thread };
    }
    case 'prospect': {
      const data = parsed(payloads.prospect);
      return data
        ? { kind: 'ProspectChanged', event, prospect: data.prospect as ProspectWithContext }
        : other;
    }
    case 'tag': {
      const data = parsed(payloads.tag);
      if (!data) return other;
      if (action === 'deleted') return { kind: 'TagDeleted', event, tagId: data.tag.id };
      return { kind: 'TagChanged', event, tag: data.tag as Tag };
    }
    case 'status': {
      const data = parsed(payloads.status);
      if (!data) return other;
      if (action === 'deleted') return { kind: 'StatusDeleted', event, statusId: data.status.id };
      return { kind: 'StatusChanged', event, status: data.status as Status };
    }
    default:
      return other;
  }
}

const InboxChangeInterface = builder.interfaceRef<Change>('InboxChange').implement({
  description:
    'A change in the team, typed, with the objects it changed (their global `id`s let a client cache update ' +
    'every view of them). Payloads are as of the event: replayed events come oldest first.',
  resolveType: (change) => change.kind,
  fields: (t) => ({
    id: t.id({
      description: 'A stable, opaque id of the event (the same as `InboxEvent.id`).',
      resolve: (change) => encodeGlobalID('InboxEvent', change.event.id),
    }),
    inboxId: t.id({
      description: 'Unique id of the event: the key to deduplicate on.',
      resolve: (change) => change.event.id,
    }),
    seq: t.int({ description: 'Position in the team’s event log.', resolve: (change) => change.event.seq }),
    type: t.string({
      description: 'The Inbox event type, e.g. `message.created`.',
      resolve: (change) => change.event.type,
    }),
    timestamp: t.field({
      type: 'DateTime',
      description: 'When it happened.',
      resolve: (change) => change.event.timestamp,
    }),
    announced: t.boolean({
      description:
        'True for a change made through this facade, announced from the write’s answer before the Inbox ' +
        'event arrives (that event is then not delivered to this subscription). `id` and `inboxId` are then ' +
        'the facade’s, and `seq` is the position to resume after: the Inbox event of the write comes later ' +
        'in the log.',
      resolve: (change) => isAnnounced(change.event),
    }),
  }),
});

/** The object type of one kind of change; each implements InboxChange. */
const changeRef = <K extends Change['kind']>(kind: K) => builder.objectRef<ChangeOf<K>>(kind);

changeRef('MessageCreated').implement({
  description: '`message.created`: a message was sent or received.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    // Nullable like `message` and `thread` of the other changes, so one selection can ask for them all.
    message: t.field({
      type: MessageObject,
      nullable: true,
      complexity: UPSTREAM_COST.withThread,
      description: 'The new message (from the payload).',
      resolve: (change) => change.message,
    }),
    thread: t.field({
      type: ThreadObject,
      nullable: true,
      description: 'Its thread, with the new `lastMessage` and `lastMessageAt` (from the payload).',
      resolve: (change) => change.thread,
    }),
  }),
});

changeRef('MessageChanged').implement({
  description: '`message.edited`, `message.reactionAdded`, `message.reactionRemoved`: a message changed.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    message: t.field({
      type: MessageObject,
      nullable: true,
      complexity: UPSTREAM_COST.reread,
      description:
        'The message as it is now. An edit carries it; after a reaction it is read again (the thread’s ' +
        'newest page, one call, and its history when it is older than that page). `null` if it is gone.',
      resolve: (change, _args, context) =>
        change.message ?? context.inbox.messages.reread(change.threadId, change.messageId),
    }),
    thread: t.field({
      type: ThreadObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description: 'Its thread: one `GET /threads/{id}`, shared with the message’s fields that need it.',
      resolve: (change, _args, context) => context.inbox.threads.byId(change.threadId),
    }),
  }),
});

changeRef('MessageDeleted').implement({
  description: '`message.deleted`: a message was deleted.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    deletedId: t.id({
      description: 'Global `id` of the deleted message: evict it from client caches.',
      resolve: (change) =>
        encodeGlobalID('Message', messageNodeId({ threadId: change.threadId, id: change.messageId })),
    }),
    thread: t.field({
      type: ThreadObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description: 'Its thread, whose `lastMessage` may have changed: one `GET /threads/{id}`.',
      resolve: (change, _args, context) => context.inbox.threads.byId(change.threadId),
    }),
  }),
});

changeRef('ThreadChanged').implement({
  description:
    '`thread.created`, `thread.archived`, `thread.unarchived`, `thread.assigned`, `thread.unassigned`.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    thread: t.field({
      type: ThreadObject,
      nullable: true,
      description: 'The thread as of the event (from the payload).',
      resolve: (change) => change.thread,
    }),
  }),
});

changeRef('ThreadDeleted').implement({
  description: '`thread.deleted`: a thread was deleted.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    deletedId: t.id({
      description: 'Global `id` of the deleted thread: evict it from client caches.',
      resolve: (change) => encodeGlobalID('Thread', change.threadId),
    }),
  }),
});

changeRef('ProspectChanged').implement({
  description:
    '`prospect.created`, `.tagsChanged`, `.statusChanged`, `.notesChanged`, `.valuationChanged`, ' +
    '`.assigneeChanged`, `.enriched`: the prospect or the team’s CRM data about it changed.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    prospect: t.field({
      type: ProspectObject,
      description: 'The prospect as it is now, with its CRM data.',
      resolve: (change) => change.prospect,
    }),
  }),
});

changeRef('TagChanged').implement({
  description: '`tag.created`, `tag.updated`.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    tag: t.field({ type: TagObject, description: 'The tag as it is now.', resolve: (change) => change.tag }),
  }),
});

changeRef('TagDeleted').implement({
  description: '`tag.deleted`: the tag is gone, and off every prospect.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    deletedId: t.id({
      description: 'Global `id` of the deleted tag: evict it from client caches.',
      resolve: (change) => encodeGlobalID('Tag', change.tagId),
    }),
  }),
});

changeRef('StatusChanged').implement({
  description: '`status.created`, `status.updated`.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    status: t.field({
      type: StatusObject,
      description: 'The status as it is now.',
      resolve: (change) => change.status,
    }),
  }),
});

changeRef('StatusDeleted').implement({
  description: '`status.deleted`: the status is gone, and cleared wherever it was set.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    deletedId: t.id({
      description: 'Global `id` of the deleted status: evict it from client caches.',
      resolve: (change) => encodeGlobalID('Status', change.statusId),
    }),
  }),
});

changeRef('OtherInboxChange').implement({
  description:
    'Any other event (`thread.typing`, campaigns, campaign targets, types added later): its payload as is.',
  interfaces: [InboxChangeInterface],
  fields: (t) => ({
    data: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Payload; its shape depends on `type`.',
      resolve: (change) => change.event.data ?? null,
    }),
  }),
});

builder.subscriptionField('inboxChanges', (t) =>
  t.field({
    type: InboxChangeInterface,
    description:
      'The team’s events as they happen, like `inboxEvents`, but typed, each with the objects it changed: ' +
      'a normalising client cache updates from the event alone. Objects in the payload cost no call; ' +
      'the others one call per event (see each field). Messages sent and deleted, and tags and statuses ' +
      'written, through this facade arrive at once (`announced: true`), each once.',
    args: streamArguments(),
    subscribe: (_root, args, context) =>
      context.events.open(context.inbox, context.tokenKey, { ...args, announced: true }),
    resolve: (item, _args, context) => {
      const change = changeOf(eventOrThrow(item));
      // Each event gets a fresh API: its reads are batched together, none is served from an earlier
      // event's memo, and each has its own deadline. Objects the payload carries are known without a call.
      context.inbox = context.inbox.renew();
      if (change.kind === 'MessageCreated' || change.kind === 'ThreadChanged') {
        context.inbox.threads.remember(change.thread);
      }
      return change;
    },
  }),
);
