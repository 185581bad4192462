import type { Context } from '../context.js';
import type { AccountLink, Message, MessageHistory, ProspectWithContext, Thread } from '../inbox/types.js';
import { AccountLinkRef } from './account-link.js';
import { builder } from './builder.js';
import { CampaignRef } from './campaign.js';
import { messageNodeId } from './ids.js';
import { MemberRef } from './member.js';
import { decodeCursor, keysetConnection, pageSize } from './pagination.js';
import { ProspectRef } from './prospect.js';
import { ThreadRef } from './thread.js';

export const MessageRef = builder.objectRef<Message>('Message');
/** The inbox-list preview of a thread's newest message, with its thread for author attribution. */
export const MessagePreviewRef = builder.objectRef<{
  preview: NonNullable<Thread['lastMessage']>;
  thread: Thread;
}>('MessagePreview');

/** GET /threads/{id}/messages pages hold 50 messages by default and 100 at most (CONTRACT §4). */
const MESSAGE_PAGE = { default: 50, max: 100 };

const MessageDirectionEnum = builder.enumType('MessageDirection', {
  description: 'Who wrote the message, seen from the team.',
  values: {
    INBOUND: { value: 'inbound', description: 'From the prospect.' },
    OUTBOUND: { value: 'outbound', description: 'From the team’s account link.' },
  } as const,
});

const MessageOriginEnum = builder.enumType('MessageOrigin', {
  description: 'Where a message was written.',
  values: {
    INTERNAL: { value: 'internal', description: 'In the Inbox app, or by a campaign.' },
    EXTERNAL: { value: 'external', description: 'On X directly, then synced.' },
    API: { value: 'api', description: 'Through the Inbox API.' },
  } as const,
});

const DeletionTypeEnum = builder.enumType('MessageDeletionType', {
  description: 'For whom a message was deleted.',
  values: {
    SELF: { value: 'self', description: 'Only on the team’s side.' },
    ALL: { value: 'all', description: 'For everyone (unsent).' },
  } as const,
});

type Author = AccountLink | ProspectWithContext;
const MessageAuthorUnion = builder.unionType('MessageAuthor', {
  description: 'The writer of a message: the team’s account link, or the prospect.',
  types: [AccountLinkRef, ProspectRef],
  resolveType: (author: Author) => ('handle' in author ? ProspectRef : AccountLinkRef),
});

/** `authorId` is the account link id for the team's messages, else the prospect's (CONTRACT §2, contradiction 14). */
async function authorOf(authorId: string, thread: Thread, context: Context): Promise<Author | null> {
  const { prospect } = thread;
  if (
    authorId !== thread.accountLinkId &&
    (authorId === prospect.externalId || authorId === prospect.platformId)
  ) {
    return prospect;
  }
  return context.loaders.accountLinks.byId.load(authorId);
}

const directionOf = (authorId: string, thread: Thread) =>
  authorId === thread.accountLinkId ? ('outbound' as const) : ('inbound' as const);

MessagePreviewRef.implement({
  description: 'The newest message of a thread as the thread list carries it: no message call needed.',
  fields: (t) => ({
    inboxId: t.id({ description: 'Raw Inbox id of the message.', resolve: ({ preview }) => preview.id }),
    content: t.string({ description: 'Text of the message.', resolve: ({ preview }) => preview.content }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was sent.',
      resolve: ({ preview }) => preview.createdAt,
    }),
    direction: t.field({
      type: MessageDirectionEnum,
      description: 'Inbound (from the prospect) or outbound (from the team).',
      resolve: ({ preview, thread }) => directionOf(preview.authorId, thread),
    }),
    author: t.field({
      type: MessageAuthorUnion,
      nullable: true,
      description: 'Who wrote it; `null` for legacy author ids that name neither side.',
      resolve: ({ preview, thread }, _args, context) => authorOf(preview.authorId, thread, context),
    }),
    sentBy: t.field({
      type: MemberRef,
      nullable: true,
      description: 'The member who sent it from Inbox, if one did (from the member collection).',
      resolve: ({ preview }, _args, context) =>
        preview.userId ? context.loaders.memberByUserId.load(preview.userId) : null,
    }),
    campaign: t.field({
      type: CampaignRef,
      nullable: true,
      description: 'The campaign that sent it, if any (`GET /campaigns/{id}`, once per campaign).',
      resolve: ({ preview }, _args, context) =>
        preview.campaignId ? context.loaders.campaign.load(preview.campaignId) : null,
    }),
  }),
});

builder.node(MessageRef, {
  description:
    'A message of a thread. v1 reads messages only through their thread, so the global id carries both; ' +
    'a message not seen in the request is read from its history endpoint.',
  id: { resolve: (message) => messageNodeId(message) },
  loadOne: (id, context) => {
    const [threadId = '', messageId = ''] = id.split(':');
    return context.loaders.message(threadId, messageId);
  },
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'Raw Inbox id of the message.' }),
    thread: t.field({
      type: ThreadRef,
      description: 'The thread of the message.',
      resolve: (message, _args, context) => context.loaders.thread.load(message.threadId),
    }),
    platformId: t.exposeString('platformId', { nullable: true, description: 'X message id, when known.' }),
    content: t.exposeString('content', { description: 'Text of the message (the current version).' }),
    direction: t.field({
      type: MessageDirectionEnum,
      description: 'Inbound or outbound: the author compared with the thread’s account link.',
      resolve: async (message, _args, context) =>
        directionOf(message.authorId, await context.loaders.thread.load(message.threadId)),
    }),
    author: t.field({
      type: MessageAuthorUnion,
      nullable: true,
      description: 'Who wrote it; `null` for legacy author ids that name neither side.',
      resolve: async (message, _args, context) =>
        authorOf(message.authorId, await context.loaders.thread.load(message.threadId), context),
    }),
    sentBy: t.field({
      type: MemberRef,
      nullable: true,
      description:
        'The member who sent it from Inbox; `null` for the prospect’s messages and for ones typed on X.',
      resolve: (message, _args, context) =>
        message.userId ? context.loaders.memberByUserId.load(message.userId) : null,
    }),
    campaign: t.field({
      type: CampaignRef,
      nullable: true,
      description: 'The campaign that sent it, if any.',
      resolve: (message, _args, context) =>
        message.campaignId ? context.loaders.campaign.load(message.campaignId) : null,
    }),
    origin: t.field({
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where it was written, when known.',
      resolve: (message) => message.origin,
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When it was sent.',
      resolve: (message) => message.createdAt,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was last edited, if ever.',
      resolve: (message) => message.updatedAt,
    }),
    isEdited: t.exposeBoolean('isEdited', { description: 'Edited after sending.' }),
    isEncrypted: t.exposeBoolean('isEncrypted', {
      nullable: true,
      description: 'Sent in X Chat, when known.',
    }),
    deletedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was deleted in Inbox, if it was.',
      resolve: (message) => message.deletedAt,
    }),
    platformDeletedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When it was deleted on X, if it was.',
      resolve: (message) => message.platformDeletedAt,
    }),
    reactions: t.field({
      type: ['JSON'],
      description: 'Reactions, as the API sends them (their shape is undocumented).',
      resolve: (message) => message.reactions,
    }),
    attachment: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Attachment, as the API sends it.',
      resolve: (message) => message.attachment ?? null,
    }),
    entities: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Text entities (links, mentions), as the API sends them.',
      resolve: (message) => message.entities ?? null,
    }),
    replyData: t.field({
      type: 'JSON',
      nullable: true,
      description: 'The message this one replies to, as the API sends it.',
      resolve: (message) => message.replyData ?? null,
    }),
    history: t.field({
      type: MessageHistoryRef,
      description: 'Every version and the deletion, oldest first (`GET …/history`; works after deletion).',
      resolve: (message, _args, context) =>
        context.loaders.messageHistory.load(`${message.threadId}/${message.id}`),
    }),
  }),
});

const MessageVersionRef = builder.objectRef<MessageHistory['versions'][number]>('MessageVersion');
MessageVersionRef.implement({
  description: 'One version of a message: the original send or an edit.',
  fields: (t) => ({
    content: t.exposeString('content', { description: 'Text of this version.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'Send time of the original, edit time of an edit.',
      resolve: (version) => version.createdAt,
    }),
    origin: t.field({
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where the message was written.',
      resolve: (version) => version.origin,
    }),
    editOrigin: t.field({
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where this edit was made; `null` on the original.',
      resolve: (version) => version.editOrigin,
    }),
    isEncrypted: t.exposeBoolean('isEncrypted', {
      nullable: true,
      description: 'Sent in X Chat, when known.',
    }),
  }),
});

const MessageDeletionRef = builder.objectRef<NonNullable<MessageHistory['deletion']>>('MessageDeletion');
MessageDeletionRef.implement({
  description: 'How a message was deleted.',
  fields: (t) => ({
    deletedAt: t.field({ type: 'DateTime', description: 'When.', resolve: (deletion) => deletion.deletedAt }),
    deletionType: t.field({
      type: DeletionTypeEnum,
      description: 'For whom.',
      resolve: (deletion) => deletion.deletionType,
    }),
    deletionAuthorPlatformId: t.exposeString('deletionAuthorPlatformId', {
      nullable: true,
      description: 'X user id of who deleted it, when known.',
    }),
    origin: t.field({
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where it was deleted.',
      resolve: (deletion) => deletion.origin,
    }),
  }),
});

const MessageHistoryRef = builder.objectRef<MessageHistory>('MessageHistory');
MessageHistoryRef.implement({
  description: 'The versions of a message and its deletion.',
  fields: (t) => ({
    versions: t.field({
      type: [MessageVersionRef],
      description: 'Oldest first.',
      resolve: (h) => h.versions,
    }),
    deletion: t.field({
      type: MessageDeletionRef,
      nullable: true,
      description: 'Set once the message was deleted.',
      resolve: (history) => history.deletion,
    }),
  }),
});

export const MessageConnectionRef = builder.connectionObject(
  {
    type: MessageRef,
    name: 'MessageConnection',
    description: 'A page of messages, newest first.',
    fields: (t) => ({
      isSyncing: t.boolean({
        description: 'Older history is still being imported from X: more messages may appear later.',
        resolve: (connection) => (connection as unknown as { isSyncing: boolean }).isSyncing,
      }),
    }),
  },
  { name: 'MessageEdge', description: 'A message and its cursor.' },
);

/** One upstream page of a thread's messages; the thread is already known, so `direction` costs nothing. */
export async function messageConnection(
  context: Context,
  thread: Thread,
  args: { first?: number | null; after?: string | null },
) {
  const limit = pageSize(args.first, MESSAGE_PAGE.default, MESSAGE_PAGE.max);
  const cursor = decodeCursor(args.after);
  const page = await context.loaders.messagePage(thread.id, {
    limit,
    ...(cursor && { cursorId: cursor.id, cursorTimestamp: cursor.timestamp }),
  });
  const connection = keysetConnection(page.messages, page.nextCursor, (message) => ({
    id: message.id,
    timestamp: message.createdAt,
  }));
  return { ...connection, isSyncing: page.isSyncing };
}
