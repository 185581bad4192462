import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { nullIfNotFound } from '../../errors.js';
import { builder } from '../../graphql/builder.js';
import { messageKeyOf, messageNodeId, messageNodeKeyOf } from '../../graphql/ids.js';
import { parsedOrRefused } from '../../graphql/inputs.js';
import { lookAhead } from '../../graphql/look-ahead-hints.js';
import type { MessageHistory, MessageVersion } from '../../upstream/types.js';
import { CampaignObject, MemberObject, MessageObject, ThreadObject } from '../refs.js';
import { authorOf, directionOf, MessageAuthorUnion, MessageDirectionEnum } from './author.js';

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

builder.node(MessageObject, {
  description:
    'A message of a thread. v1 reads messages only through their thread, so the global id carries both; ' +
    'a message not seen in the request is read from its history endpoint.',
  id: { resolve: (message) => messageNodeId(message) },
  loadOne: (id, context) => {
    const { threadId, messageId } = parsedOrRefused(messageNodeKeyOf(id), 'id');
    return nullIfNotFound(context.inbox.messages.byId(threadId, messageId));
  },
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'Raw Inbox id of the message.' }),
    thread: t.field({
      type: ThreadObject,
      complexity: UPSTREAM_COST.threadOfMessage(),
      description: 'The thread of the message.',
      resolve: (message, _args, context) => context.inbox.threads.byId(message.threadId),
    }),
    platformId: t.exposeString('platformId', { nullable: true, description: 'X message id, when known.' }),
    content: t.exposeString('content', { description: 'Text of the message (the current version).' }),
    direction: t.field({
      type: MessageDirectionEnum,
      complexity: UPSTREAM_COST.threadOfMessage(),
      description: 'Inbound or outbound: the author compared with the thread’s account link.',
      resolve: async (message, _args, context) =>
        directionOf(message.authorId, await context.inbox.threads.byId(message.threadId)),
    }),
    author: t.field({
      type: MessageAuthorUnion,
      nullable: true,
      complexity: UPSTREAM_COST.author(true),
      description: 'Who wrote it; `null` for legacy author ids that name neither side.',
      resolve: async (message, _args, context) =>
        authorOf(message.authorId, await context.inbox.threads.byId(message.threadId), context),
    }),
    sentBy: t.field({
      type: MemberObject,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('members'),
      extensions: lookAhead({ warms: ['members'] }),
      description:
        'The member who sent it from Inbox; `null` for the prospect’s messages and for ones typed on X.',
      resolve: (message, _args, context) =>
        message.userId ? context.inbox.members.byUserId(message.userId) : null,
    }),
    campaign: t.field({
      type: CampaignObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description: 'The campaign that sent it, if any (`GET /campaigns/{id}`, once per campaign).',
      resolve: (message, _args, context) =>
        message.campaignId ? context.inbox.campaigns.byId(message.campaignId) : null,
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
      type: MessageHistoryObject,
      nullable: true,
      complexity: UPSTREAM_COST.history,
      description: 'Every version and the deletion, oldest first (`GET …/history`; works after deletion).',
      resolve: (message, _args, context) => context.inbox.messages.history(message.threadId, message.id),
    }),
  }),
});

const MessageVersionObject = builder.objectRef<MessageVersion>('MessageVersion');
MessageVersionObject.implement({
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

const MessageDeletionObject = builder.objectRef<NonNullable<MessageHistory['deletion']>>('MessageDeletion');
MessageDeletionObject.implement({
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

const MessageHistoryObject = builder.objectRef<MessageHistory>('MessageHistory');
MessageHistoryObject.implement({
  description: 'The versions of a message and its deletion.',
  fields: (t) => ({
    versions: t.expose('versions', { type: [MessageVersionObject], description: 'Oldest first.' }),
    deletion: t.expose('deletion', {
      type: MessageDeletionObject,
      nullable: true,
      description: 'Set once the message was deleted.',
    }),
  }),
});

builder.asEntity(MessageObject, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }: { id: string }, context) => {
    const { threadId, messageId } = parsedOrRefused(messageKeyOf(id), 'id');
    return context.inbox.messages.byId(threadId, messageId);
  },
});
