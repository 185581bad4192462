import { z } from 'zod';
import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { builder } from '../../graphql/builder.js';
import type { Context } from '../../graphql/context-type.js';
import { encodeGlobalID, inboxIdOf, messageKeyOf, messageNodeId } from '../../graphql/ids.js';
import {
  inboxId,
  messageContent,
  messageKey,
  refuseNulls,
  text,
  validateWhole,
} from '../../graphql/inputs.js';
import type { Message } from '../../upstream/types.js';
import { atMostOnce, clientMutationIdEcho, clientMutationIdInput } from '../../writes/client-mutation-id.js';
import { DeletePayload } from '../deletion.js';
import { ProspectRefInput } from '../prospect/prospect-ref-input.js';
import { MessageObject, ThreadObject } from '../refs.js';

interface MessagePayloadShape {
  threadId: string;
  messageId: string;
  /** The write's own answer when it is the message; otherwise the message is re-read when selected. */
  message?: Message;
  success: boolean;
  clientMutationId?: string | null;
}

const MessagePayload = builder.objectRef<MessagePayloadShape>('MessagePayload');
MessagePayload.implement({
  description: 'The answer to a message write: the message and its thread as they are now.',
  fields: (t) => ({
    message: t.field({
      type: MessageObject,
      nullable: true,
      complexity: UPSTREAM_COST.reread,
      description:
        'The message, with its global `id`, so client caches update. Sends return it at no cost; after ' +
        'edits and reactions it is re-read (the thread’s newest page, else its history) only when selected.',
      resolve: (payload, _args, context) =>
        payload.message ?? context.inbox.messages.reread(payload.threadId, payload.messageId),
    }),
    thread: t.field({
      type: ThreadObject,
      nullable: true,
      complexity: UPSTREAM_COST.oneCall,
      description:
        'Its thread, whose preview and order the write changed (`GET /threads/{id}` when selected).',
      resolve: (payload, _args, context) => context.inbox.threads.byId(payload.threadId),
    }),
    success: t.exposeBoolean('success', {
      description:
        'The Inbox API applied the change. `false` e.g. when removing a reaction the team never added.',
    }),
    clientMutationId: t.string(clientMutationIdEcho),
  }),
});

const messageIdField = 'Global `id` of the message (it names the thread too).';

/** A reply target: a Message global id (which names its thread too) or a raw Inbox message id. */
const replyTarget = z.string().transform((value, context): { threadId?: string; messageId: string } => {
  const global = messageKeyOf(value);
  if ('value' in global) return global.value;
  const raw = inboxIdOf(value, 'Message');
  if ('value' in raw) return { messageId: raw.value };
  context.issues.push({ code: 'custom', message: raw.refusal, input: value });
  return z.NEVER;
});

const SendMessageInput = validateWhole(
  builder.inputType('SendMessageInput', {
    description: 'A message to send in an existing thread.',
    fields: (t) => ({
      threadId: t
        .id({ required: true, description: 'Global `id` or raw `inboxId` of the thread.' })
        .validate(inboxId('Thread')),
      content: t
        .string({ required: true, description: 'The text, 1–10 000 characters.' })
        .validate(messageContent),
      replyToMessageId: t
        .id({ description: 'The message this one answers: its global `id` or raw `inboxId` (same thread).' })
        .validate(replyTarget.nullish()),
      clientMutationId: clientMutationIdInput(t),
    }),
  }),
  (shape) =>
    shape.superRefine(({ threadId, replyToMessageId }, context) => {
      if (replyToMessageId?.threadId !== undefined && replyToMessageId.threadId !== threadId) {
        context.issues.push({
          code: 'custom',
          path: ['replyToMessageId'],
          message: 'is a message of another thread',
          input: replyToMessageId,
        });
      }
    }),
);

const QuickSendMessageInput = builder.inputType('QuickSendMessageInput', {
  description: 'A message to a prospect, opening the thread when there is none.',
  fields: (t) => ({
    accountLinkId: t
      .id({ required: true, description: 'Global or raw id of the account link that writes.' })
      .validate(inboxId('AccountLink')),
    prospect: t.field({ type: ProspectRefInput, required: true, description: 'The recipient.' }),
    content: t
      .string({ required: true, description: 'The text, 1–10 000 characters.' })
      .validate(messageContent),
    clientMutationId: clientMutationIdInput(t),
  }),
});

const EditMessageInput = builder.inputType('EditMessageInput', {
  description: 'New text for one of the team’s messages (X Chat threads only).',
  fields: (t) => ({
    messageId: t.id({ required: true, description: messageIdField }).validate(messageKey),
    content: t
      .string({ required: true, description: 'The new text, 1–10 000 characters.' })
      .validate(messageContent),
  }),
});

const DeleteMessageInput = refuseNulls(
  builder.inputType('DeleteMessageInput', {
    description: 'Deletes (unsends) a message (X Chat threads only).',
    fields: (t) => ({
      messageId: t.id({ required: true, description: messageIdField }).validate(messageKey),
      deleteForAll: t.boolean({
        defaultValue: true,
        description: 'Unsend for everyone (default, own messages only); `false` hides it on the team’s side.',
      }),
    }),
  }),
  'deleteForAll',
);

const ReactionInput = builder.inputType('ReactionInput', {
  description: 'The team’s reaction on a message (not in sandbox threads).',
  fields: (t) => ({
    messageId: t.id({ required: true, description: messageIdField }).validate(messageKey),
    emoji: t.string({ required: true, description: 'The emoji, e.g. `👍`.' }).validate(text(32)),
  }),
});

/**
 * The `message.created` the Inbox will emit, announced to the team's typed subscribers now: the message as
 * answered, and its thread as read after the send (the read the payload's `thread` shares, if selected).
 */
function announceSent(context: Context, message: Message): Message {
  context.events.announce(context.inbox, 'message.created', async () => ({
    message,
    thread: await context.inbox.threads.byId(message.threadId),
  }));
  return message;
}

const sent = (message: Message): MessagePayloadShape => ({
  threadId: message.threadId,
  messageId: message.id,
  message,
  success: true,
});

builder.mutationFields((t) => ({
  sendMessage: t.field({
    type: MessagePayload,
    nullable: true,
    description:
      'Sends a message in a thread (`POST /threads/{id}/messages`). The first message to someone who never ' +
      'wrote to the team needs the Outbound add-on; an offline account link cannot send.',
    args: { input: t.arg({ type: SendMessageInput, required: true, description: 'The message.' }) },
    resolve: async (_root, { input }, context) => {
      const message = await atMostOnce(context, 'sendMessage', input, async () =>
        announceSent(
          context,
          await context.inbox.messages.send(input.threadId, input.content, input.replyToMessageId?.messageId),
        ),
      );
      return { ...sent(message), clientMutationId: input.clientMutationId };
    },
  }),
  quickSendMessage: t.field({
    type: MessagePayload,
    nullable: true,
    description:
      'Sends a message to a prospect, opening the thread if needed (`POST /threads/messages`): one call ' +
      'instead of `createThread` + `sendMessage`.',
    args: { input: t.arg({ type: QuickSendMessageInput, required: true, description: 'The message.' }) },
    resolve: async (_root, { input }, context) => {
      const result = await atMostOnce(context, 'quickSendMessage', input, async () => {
        const answer = await context.inbox.messages.quickSend(
          input.accountLinkId,
          input.prospect,
          input.content,
        );
        announceSent(context, answer.message);
        return answer;
      });
      return { ...sent(result.message), clientMutationId: input.clientMutationId };
    },
  }),
  editMessage: t.field({
    type: MessagePayload,
    nullable: true,
    description:
      'Edits one of the team’s messages (`PATCH /threads/{id}/messages/{id}`). X Chat threads only: ' +
      'elsewhere the Inbox API refuses, which comes back as BAD_USER_INPUT with its message.',
    args: { input: t.arg({ type: EditMessageInput, required: true, description: 'The new text.' }) },
    resolve: async (_root, { input: { messageId: key, content } }, context) => {
      const result = await context.inbox.messages.edit(key.threadId, key.messageId, content);
      return { ...key, success: result.success };
    },
  }),
  deleteMessage: t.field({
    type: DeletePayload,
    nullable: true,
    description:
      'Deletes a message (`DELETE /threads/{id}/messages/{id}`). X Chat threads only (BAD_USER_INPUT ' +
      'elsewhere). The message stays readable with `deletedAt` set.',
    args: { input: t.arg({ type: DeleteMessageInput, required: true, description: 'The message.' }) },
    resolve: async (_root, { input: { messageId: key, deleteForAll } }, context) => {
      await context.inbox.messages.delete(key.threadId, key.messageId, deleteForAll);
      context.events.announce(context.inbox, 'message.deleted', () => ({
        messageId: key.messageId,
        threadId: key.threadId,
      }));
      return {
        deletedId: encodeGlobalID('Message', messageNodeId({ threadId: key.threadId, id: key.messageId })),
      };
    },
  }),
  addReaction: t.field({
    type: MessagePayload,
    nullable: true,
    description:
      'Adds the team’s reaction (`POST …/reactions/reactions`); reacting twice with one emoji changes nothing.',
    args: { input: t.arg({ type: ReactionInput, required: true, description: 'The reaction.' }) },
    resolve: async (_root, { input: { messageId: key, emoji } }, context) => {
      const result = await context.inbox.messages.addReaction(key.threadId, key.messageId, emoji);
      return { ...key, success: result.success };
    },
  }),
  removeReaction: t.field({
    type: MessagePayload,
    nullable: true,
    description:
      'Removes the team’s reaction (`DELETE …/reactions/reactions`); `success` is false when there was none.',
    args: { input: t.arg({ type: ReactionInput, required: true, description: 'The reaction.' }) },
    resolve: async (_root, { input: { messageId: key, emoji } }, context) => {
      const result = await context.inbox.messages.removeReaction(key.threadId, key.messageId, emoji);
      return { ...key, success: result.success };
    },
  }),
}));
