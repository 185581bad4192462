import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { nullIfNotFound } from '../../errors.js';
import { builder } from '../../graphql/builder.js';
import { lookAhead } from '../../graphql/look-ahead-hints.js';
import { byIdOrInboxId, type IdOrInboxId, referencedInboxId } from '../entities.js';
import {
  MESSAGE_PAGE,
  MessageConnection,
  messageConnection,
  messagePageArguments,
  messagePageLookAhead,
} from '../message/connection.js';
import { MessagePreviewObject } from '../message/preview.js';
import { AccountLinkObject, MemberObject, PlatformEnum, ProspectObject, ThreadObject } from '../refs.js';

const ThreadStatusEnum = builder.enumType('ThreadStatus', {
  description: 'Whether the conversation shows in the inbox.',
  values: {
    ACTIVE: { value: 'active', description: 'A normal conversation.' },
    IDLE: { value: 'idle', description: 'Hidden from the inbox (e.g. a quick-peek preview).' },
  } as const,
});

const ThreadVariantEnum = builder.enumType('ThreadVariant', {
  description: 'The kind of X conversation; edits, deletes and typing indicators need X Chat.',
  values: {
    UNENCRYPTED: { value: 'unencrypted', description: 'A classic DM conversation.' },
    X_CHAT: { value: 'xChat', description: 'An encrypted X Chat conversation (both sides have written).' },
  } as const,
});

builder.node(ThreadObject, {
  description: 'A DM conversation between one of the team’s account links and one prospect.',
  id: { resolve: (thread) => thread.id },
  loadOne: (id, context) => nullIfNotFound(context.inbox.threads.byId(id)),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'The raw Inbox id of the thread.' }),
    platform: t.expose('platform', { type: PlatformEnum, description: 'Platform of the conversation.' }),
    platformId: t.exposeString('platformId', {
      description: 'X conversation id, `<smaller user id>:<larger user id>`.',
    }),
    url: t.string({
      description: 'The conversation on X.',
      resolve: (thread) => `https://x.com/i/chat/${thread.platformId}`,
    }),
    done: t.exposeBoolean('done', { description: 'Marked done (archived).' }),
    status: t.expose('status', { type: ThreadStatusEnum, description: 'Whether it shows in the inbox.' }),
    variant: t.expose('variant', { type: ThreadVariantEnum, description: 'Classic DM or X Chat.' }),
    isRequest: t.exposeBoolean('isRequest', { description: 'A message request not yet accepted.' }),
    isSyncing: t.exposeBoolean('isSyncing', {
      description: 'History is still being imported from X: more messages may appear.',
    }),
    typingIndicatorsEnabled: t.exposeBoolean('typingIndicatorsEnabled', {
      nullable: true,
      description: 'Typing-indicator override for this thread; `null` follows the team default.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the thread was created.' }),
    lastMessageAt: t.expose('lastMessageTimestamp', {
      type: 'DateTime',
      nullable: true,
      description: 'When the last message was sent, if any.',
    }),
    sortTimestamp: t.expose('computedSortTimestamp', {
      type: 'DateTime',
      nullable: true,
      description: 'The recency the inbox sorts by: the last message, else the creation.',
    }),
    accountLink: t.field({
      type: AccountLinkObject,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('account-links'),
      extensions: lookAhead({ warms: ['accountLinks'] }),
      description:
        'The team’s X account in this conversation (from the account-link collection, no extra call).',
      resolve: (thread, _args, context) => context.inbox.accountLinks.byId(thread.accountLinkId),
    }),
    assignee: t.field({
      type: MemberObject,
      nullable: true,
      complexity: UPSTREAM_COST.fromCollection('members'),
      extensions: lookAhead({ warms: ['members'] }),
      description: 'The member assigned to the thread, if any (from the member collection).',
      resolve: (thread, _args, context) =>
        thread.assigneeId ? context.inbox.members.byId(thread.assigneeId) : null,
    }),
    prospect: t.expose('prospect', {
      type: ProspectObject,
      complexity: UPSTREAM_COST.embedded,
      description: 'The other person, with the team’s CRM data. Embedded in the thread: no extra call.',
    }),
    lastMessage: t.field({
      type: MessagePreviewObject,
      nullable: true,
      description: 'A preview of the newest message, enough for inbox lists (no message call).',
      resolve: (thread) => (thread.lastMessage ? { preview: thread.lastMessage, thread } : null),
    }),
    messages: t.field({
      type: MessageConnection,
      nullable: true,
      // A page's messages come with their thread: their `thread`, `direction` and `author` need no read.
      complexity: UPSTREAM_COST.page(MESSAGE_PAGE, ['thread']),
      extensions: lookAhead(messagePageLookAhead),
      description: 'Messages, newest first. One `GET /threads/{id}/messages` per page.',
      args: messagePageArguments(t.arg),
      resolve: (thread, args, context) => messageConnection(context, thread, args),
    }),
  }),
});

builder.asEntity(ThreadObject, {
  key: byIdOrInboxId,
  resolveReference: async (reference: IdOrInboxId, context) =>
    context.inbox.threads.byId(referencedInboxId(reference, 'Thread')),
});
