import { z } from 'zod';
import type { Message, Thread } from '../contract.js';
import { validationError } from '../errors.js';
import { keysetPage } from '../paging.js';
import type { Route } from '../router.js';
import { notFound, type SimulatorStore } from '../store.js';
import { messageKey } from '../team/messages.js';
import type { TeamState } from '../team-state.js';
import { cuid, cursorOf, cursorParams, intParam, parseBody, parseQuery, text } from '../validation.js';
import { accountLinkOf, resolvePerson } from './common.js';

/** X caps DMs at 10 000 characters. */
const content = text(10_000);
const emoji = z.string().min(1).max(32);

const listQuery = z.object({ limit: intParam(1, 100).optional(), ...cursorParams });
const sendBody = z.object({ content, replyToMessageId: cuid.optional() });
const quickSendBody = z.object({
  accountLinkId: cuid,
  content,
  externalPlatformId: z.string().min(1).optional(),
  externalId: cuid.optional(),
});
const editBody = z.object({ content });
const deleteBody = z.object({ deleteForAll: z.boolean().optional() });
const reactionBody = z.object({ emoji });

interface Target {
  thread: Thread;
  message: Message;
}

/** The path's message, which must belong to the path's thread. */
function target(store: SimulatorStore, team: TeamState, params: Record<string, string>): Target {
  const thread = store.owned(team, 'thread', params.threadId ?? '');
  const messageId = params.messageId ?? '';
  const message = store.owned(team, 'message', messageId);
  if (message.threadId !== thread.id) throw notFound('message', messageId);
  return { thread, message };
}

export const messageRoutes: Route[] = [
  {
    method: 'GET',
    path: '/threads/{threadId}/messages',
    handler: ({ store, team, params, query }) => {
      const thread = store.owned(team, 'thread', params.threadId ?? '');
      const input = parseQuery(listQuery, query);
      // Message order is undocumented; newest first mirrors the thread list and chat UIs loading upwards.
      const page = keysetPage(team.messagesByThread.get(thread.id) ?? [], messageKey, {
        order: 'desc',
        after: cursorOf(input),
        limit: input.limit ?? 50,
      });
      return {
        teamId: team.team.id,
        threadId: thread.id,
        messages: page.items,
        nextCursor: page.nextCursor,
        isSyncing: thread.isSyncing,
      };
    },
  },
  {
    method: 'POST',
    path: '/threads/{threadId}/messages',
    handler: ({ store, team, token, params, body }) => {
      const thread = store.owned(team, 'thread', params.threadId ?? '');
      const input = parseBody(sendBody, body);
      let replyTo: Message | undefined;
      if (input.replyToMessageId !== undefined) {
        replyTo = team.message(input.replyToMessageId);
        if (replyTo?.threadId !== thread.id) {
          throw validationError(
            `Invalid field replyToMessageId: no message '${input.replyToMessageId}' in this thread`,
          );
        }
      }
      return team.sendMessage(thread, input.content, team.memberForToken(token), replyTo);
    },
  },
  {
    method: 'POST',
    path: '/threads/messages',
    handler: ({ store, team, token, body }) => {
      const input = parseBody(quickSendBody, body);
      const accountLink = accountLinkOf(store, team, input.accountLinkId);
      team.assertCanSend(accountLink);
      const thread = team.openThread(accountLink, resolvePerson(store, team, input));
      const message = team.sendMessage(thread, input.content, team.memberForToken(token));
      return { message, thread: { id: thread.id, platformId: thread.platformId } };
    },
  },
  {
    method: 'PATCH',
    path: '/threads/{threadId}/messages/{messageId}',
    handler: ({ store, team, params, body }) => {
      const { thread, message } = target(store, team, params);
      const input = parseBody(editBody, body);
      const editedAt = team.editMessage(thread, message, input.content);
      return { success: true, messageId: message.id, content: message.content, editedAt };
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{threadId}/messages/{messageId}',
    handler: ({ store, team, params, body }) => {
      const { thread, message } = target(store, team, params);
      const input = parseBody(deleteBody, body);
      const deletedAt = team.deleteMessage(thread, message, input.deleteForAll ?? true);
      return { success: true, messageId: message.id, deletedAt };
    },
  },
  {
    method: 'GET',
    path: '/threads/{threadId}/messages/{messageId}/history',
    handler: ({ store, team, params }) => {
      return team.history(target(store, team, params).message);
    },
  },
  {
    method: 'POST',
    path: '/threads/{threadId}/messages/{messageId}/reactions/reactions',
    handler: ({ store, team, params, body }) => {
      const { thread, message } = target(store, team, params);
      team.addReaction(thread, message, parseBody(reactionBody, body).emoji);
      return { success: true, messageId: message.id };
    },
  },
  {
    method: 'DELETE',
    path: '/threads/{threadId}/messages/{messageId}/reactions/reactions',
    handler: ({ store, team, params, body }) => {
      const { thread, message } = target(store, team, params);
      // `success: false` when the team had no such reaction (the field is a boolean for a reason).
      const success = team.removeReaction(thread, message, parseBody(reactionBody, body).emoji);
      return { success, messageId: message.id };
    },
  },
];
