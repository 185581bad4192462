import { z } from 'zod';
import type { Context } from '../context.js';
import { badUserInput, nullIfNotFound } from '../errors.js';
import type { AccountLink, Message, MessageHistory, ProspectWithContext, Thread } from '../inbox/types.js';
import type { MessageQuery } from '../loaders/index.js';
import { AccountLinkRef } from './account-link.js';
import { builder } from './builder.js';
import { CampaignRef } from './campaign.js';
import { UPSTREAM_COST } from './cost.js';
import { encodeGlobalID, messageNodeId, parseInboxId, parseMessageId } from './ids.js';
import { MemberRef } from './member.js';
import { decodeCursor, keysetConnection, pageSize } from './pagination.js';
import { DeletePayloadRef, write } from './payloads.js';
import { ProspectRef, ProspectRefInput, prospectRefQuery } from './prospect.js';
import { ThreadRef } from './thread.js';
import { inboxId, messageContent, NOT_NULL, parsedId, text, validate } from './validation.js';

export const MessageRef = builder.objectRef<Message>('Message');
/** The inbox-list preview of a thread's newest message, with its thread for author attribution. */
export const MessagePreviewRef = builder.objectRef<{
  preview: NonNullable<Thread['lastMessage']>;
  thread: Thread;
}>('MessagePreview');

/** GET /threads/{id}/messages pages hold 50 messages by default and 100 at most (CONTRACT §4). */
export const MESSAGE_PAGE = { default: 50, max: 100 };

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
    return nullIfNotFound(context.loaders.message(threadId, messageId));
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
    origin: t.expose('origin', {
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where it was written, when known.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was sent.' }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last edited, if ever.',
    }),
    isEdited: t.exposeBoolean('isEdited', { description: 'Edited after sending.' }),
    isEncrypted: t.exposeBoolean('isEncrypted', {
      nullable: true,
      description: 'Sent in X Chat, when known.',
    }),
    deletedAt: t.expose('deletedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was deleted in Inbox, if it was.',
    }),
    platformDeletedAt: t.expose('platformDeletedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was deleted on X, if it was.',
    }),
    reactions: t.expose('reactions', {
      type: ['JSON'],
      description: 'Reactions, as the API sends them (their shape is undocumented).',
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
      complexity: UPSTREAM_COST.oneCall,
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
    createdAt: t.expose('createdAt', {
      type: 'DateTime',
      description: 'Send time of the original, edit time of an edit.',
    }),
    origin: t.expose('origin', {
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where the message was written.',
    }),
    editOrigin: t.expose('editOrigin', {
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where this edit was made; `null` on the original.',
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
    deletedAt: t.expose('deletedAt', { type: 'DateTime', description: 'When.' }),
    deletionType: t.expose('deletionType', { type: DeletionTypeEnum, description: 'For whom.' }),
    deletionAuthorPlatformId: t.exposeString('deletionAuthorPlatformId', {
      nullable: true,
      description: 'X user id of who deleted it, when known.',
    }),
    origin: t.expose('origin', {
      type: MessageOriginEnum,
      nullable: true,
      description: 'Where it was deleted.',
    }),
  }),
});

const MessageHistoryRef = builder.objectRef<MessageHistory>('MessageHistory');
MessageHistoryRef.implement({
  description: 'The versions of a message and its deletion.',
  fields: (t) => ({
    versions: t.expose('versions', { type: [MessageVersionRef], description: 'Oldest first.' }),
    deletion: t.expose('deletion', {
      type: MessageDeletionRef,
      nullable: true,
      description: 'Set once the message was deleted.',
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

/** The upstream query of a message page: `first`/`after` checked and turned into `limit` and the keyset cursor. */
export function messagePageQuery(args: { first?: number | null; after?: string | null }): MessageQuery {
  const limit = pageSize(args.first, MESSAGE_PAGE.default, MESSAGE_PAGE.max);
  const cursor = decodeCursor(args.after);
  return { limit, ...(cursor && { cursorId: cursor.id, cursorTimestamp: cursor.timestamp }) };
}

/** One upstream page of a thread's messages; the thread is already known, so `direction` costs nothing. */
export async function messageConnection(
  context: Context,
  thread: Thread,
  args: { first?: number | null; after?: string | null },
) {
  const page = await context.loaders.messagePage(thread.id, messagePageQuery(args));
  const connection = keysetConnection(page.messages, page.nextCursor, (message) => ({
    id: message.id,
    timestamp: message.createdAt,
  }));
  return { ...connection, isSyncing: page.isSyncing };
}

// ---------------------------------------------------------------- mutations

interface MessagePayload {
  threadId: string;
  messageId: string;
  /** The write's own answer when it is the message; otherwise the message is re-read when selected. */
  message?: Message;
  success: boolean;
}

/**
 * A message after a write that did not return it (edit, reactions). The newest page usually holds it,
 * complete with reactions, and a selected `thread { messages }` of default size shares that one GET;
 * an older message is rebuilt from its history.
 */
async function freshMessage(context: Context, threadId: string, messageId: string) {
  await context.loaders.messagePage(threadId, { limit: MESSAGE_PAGE.default });
  return context.loaders.message(threadId, messageId);
}

const MessagePayloadRef = builder.objectRef<MessagePayload>('MessagePayload');
MessagePayloadRef.implement({
  description: 'The answer to a message write: the message and its thread as they are now.',
  fields: (t) => ({
    message: t.field({
      type: MessageRef,
      nullable: true,
      description:
        'The message, with its global `id`, so client caches update. Sends return it at no cost; after ' +
        'edits and reactions it is re-read (the thread’s newest page, else its history) only when selected.',
      resolve: (payload, _args, context) =>
        payload.message ?? freshMessage(context, payload.threadId, payload.messageId),
    }),
    thread: t.field({
      type: ThreadRef,
      nullable: true,
      description:
        'Its thread, whose preview and order the write changed (`GET /threads/{id}` when selected).',
      resolve: (payload, _args, context) => context.loaders.thread.load(payload.threadId),
    }),
    success: t.exposeBoolean('success', {
      description:
        'The Inbox API applied the change. `false` e.g. when removing a reaction the team never added.',
    }),
  }),
});

const SendMessageInputRef = builder.inputType('SendMessageInput', {
  description: 'A message to send in an existing thread.',
  fields: (t) => ({
    threadId: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the thread.' }),
    content: t.string({ required: true, description: 'The text, 1–10 000 characters.' }),
    replyToMessageId: t.id({
      description: 'The message this one answers: its global `id` or raw `inboxId` (same thread).',
    }),
  }),
});

const QuickSendMessageInputRef = builder.inputType('QuickSendMessageInput', {
  description: 'A message to a prospect, opening the thread when there is none.',
  fields: (t) => ({
    accountLinkId: t.id({ required: true, description: 'Global or raw id of the account link that writes.' }),
    prospect: t.field({ type: ProspectRefInput, required: true, description: 'The recipient.' }),
    content: t.string({ required: true, description: 'The text, 1–10 000 characters.' }),
  }),
});

const EditMessageInputRef = builder.inputType('EditMessageInput', {
  description: 'New text for one of the team’s messages (X Chat threads only).',
  fields: (t) => ({
    messageId: t.id({ required: true, description: 'Global `id` of the message (it names the thread too).' }),
    content: t.string({ required: true, description: 'The new text, 1–10 000 characters.' }),
  }),
});

const DeleteMessageInputRef = builder.inputType('DeleteMessageInput', {
  description: 'Deletes (unsends) a message (X Chat threads only).',
  fields: (t) => ({
    messageId: t.id({ required: true, description: 'Global `id` of the message (it names the thread too).' }),
    deleteForAll: t.boolean({
      defaultValue: true,
      description: 'Unsend for everyone (default, own messages only); `false` hides it on the team’s side.',
    }),
  }),
});

const ReactionInputRef = builder.inputType('ReactionInput', {
  description: 'The team’s reaction on a message (not in sandbox threads).',
  fields: (t) => ({
    messageId: t.id({ required: true, description: 'Global `id` of the message (it names the thread too).' }),
    emoji: t.string({ required: true, description: 'The emoji, e.g. `👍`.' }),
  }),
});

const messageKey = parsedId(parseMessageId);
/** A reply target: a Message global id (which names its thread) or a raw Inbox message id. */
const replyTarget = parsedId((value, field): { threadId?: string; messageId: string } => {
  try {
    return parseMessageId(value, field);
  } catch {
    return { messageId: parseInboxId(value, 'Message', field) };
  }
});

const sendInput = z.object({
  threadId: inboxId('Thread'),
  content: messageContent,
  replyToMessageId: replyTarget.nullable().optional(),
});
const quickSendInput = z.object({ accountLinkId: inboxId('AccountLink'), content: messageContent });
const editInput = z.object({ messageId: messageKey, content: messageContent });
const deleteInput = z.object({ messageId: messageKey, deleteForAll: z.boolean(NOT_NULL).optional() });
const reactionInput = z.object({ messageId: messageKey, emoji: text(32) });

const sent = (message: Message): MessagePayload => ({
  threadId: message.threadId,
  messageId: message.id,
  message,
  success: true,
});

builder.mutationFields((t) => ({
  sendMessage: t.field({
    type: MessagePayloadRef,
    description:
      'Sends a message in a thread (`POST /threads/{id}/messages`). The first message to someone who never ' +
      'wrote to the team needs the Outbound add-on; an offline account link cannot send.',
    args: { input: t.arg({ type: SendMessageInputRef, required: true, description: 'The message.' }) },
    resolve: async (_root, { input }, context) => {
      const { threadId, content, replyToMessageId } = validate(sendInput, input);
      if (replyToMessageId?.threadId !== undefined && replyToMessageId.threadId !== threadId) {
        throw badUserInput(
          '`input.replyToMessageId` is a message of another thread.',
          'input.replyToMessageId',
        );
      }
      const message = await write(context, () =>
        context.inbox.post('/threads/{threadId}/messages', {
          path: { threadId },
          body: { content, replyToMessageId: replyToMessageId?.messageId },
        }),
      );
      return sent(message);
    },
  }),
  quickSendMessage: t.field({
    type: MessagePayloadRef,
    description:
      'Sends a message to a prospect, opening the thread if needed (`POST /threads/messages`): one call ' +
      'instead of `createThread` + `sendMessage`.',
    args: { input: t.arg({ type: QuickSendMessageInputRef, required: true, description: 'The message.' }) },
    resolve: async (_root, { input }, context) => {
      const { accountLinkId, content } = validate(quickSendInput, input);
      const prospect = prospectRefQuery(input.prospect, 'input.prospect');
      const result = await write(context, () =>
        context.inbox.post('/threads/messages', { body: { accountLinkId, content, ...prospect } }),
      );
      return sent(result.message);
    },
  }),
  editMessage: t.field({
    type: MessagePayloadRef,
    description:
      'Edits one of the team’s messages (`PATCH /threads/{id}/messages/{id}`). X Chat threads only: ' +
      'elsewhere the Inbox API refuses, which comes back as BAD_USER_INPUT with its message.',
    args: { input: t.arg({ type: EditMessageInputRef, required: true, description: 'The new text.' }) },
    resolve: async (_root, { input }, context) => {
      const { messageId: key, content } = validate(editInput, input);
      const result = await write(context, () =>
        context.inbox.patch('/threads/{threadId}/messages/{messageId}', { path: key, body: { content } }),
      );
      return { ...key, success: result.success };
    },
  }),
  deleteMessage: t.field({
    type: DeletePayloadRef,
    description:
      'Deletes a message (`DELETE /threads/{id}/messages/{id}`). X Chat threads only (BAD_USER_INPUT ' +
      'elsewhere). The message stays readable with `deletedAt` set.',
    args: { input: t.arg({ type: DeleteMessageInputRef, required: true, description: 'The message.' }) },
    resolve: async (_root, { input }, context) => {
      const { messageId: key, deleteForAll } = validate(deleteInput, input);
      await write(context, () =>
        context.inbox.delete('/threads/{threadId}/messages/{messageId}', {
          path: key,
          body: { deleteForAll },
        }),
      );
      return {
        deletedId: encodeGlobalID('Message', messageNodeId({ threadId: key.threadId, id: key.messageId })),
      };
    },
  }),
  addReaction: t.field({
    type: MessagePayloadRef,
    description:
      'Adds the team’s reaction (`POST …/reactions/reactions`); reacting twice with one emoji changes nothing.',
    args: { input: t.arg({ type: ReactionInputRef, required: true, description: 'The reaction.' }) },
    resolve: async (_root, { input }, context) => {
      const { messageId: key, emoji } = validate(reactionInput, input);
      const result = await write(context, () =>
        context.inbox.post('/threads/{threadId}/messages/{messageId}/reactions/reactions', {
          path: key,
          body: { emoji },
        }),
      );
      return { ...key, success: result.success };
    },
  }),
  removeReaction: t.field({
    type: MessagePayloadRef,
    description:
      'Removes the team’s reaction (`DELETE …/reactions/reactions`); `success` is false when there was none.',
    args: { input: t.arg({ type: ReactionInputRef, required: true, description: 'The reaction.' }) },
    resolve: async (_root, { input }, context) => {
      const { messageId: key, emoji } = validate(reactionInput, input);
      const result = await write(context, () =>
        context.inbox.delete('/threads/{threadId}/messages/{messageId}/reactions/reactions', {
          path: key,
          body: { emoji },
        }),
      );
      return { ...key, success: result.success };
    },
  }),
}));
