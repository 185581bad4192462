import { type MessageQuery, messageKey } from '../loaders.js';
import type { Session } from '../session.js';
import type { ProspectKeyQuery } from './threads.js';

/** The newest page of a thread: 50 messages, the size `Thread.messages` asks for by default. */
const NEWEST_PAGE: MessageQuery = { limit: 50 };

export function messageOperations(session: Session) {
  const { loaders } = session;
  const path = (threadId: string, messageId: string) => ({ threadId, messageId });
  return {
    /** One page of `GET /threads/{id}/messages`; its messages prime `byId`. */
    page: (threadId: string, query: MessageQuery) => loaders.messagePage(threadId, query),
    /** v1 has no read by message id: a message seen in a page of this request, else rebuilt from its history. */
    byId: (threadId: string, messageId: string) => loaders.message(threadId, messageId),
    /** `GET …/history`: every version and the deletion. */
    history: (threadId: string, messageId: string) =>
      loaders.messageHistory.load(messageKey(threadId, messageId)),
    /**
     * A message after a write that did not return it (edit, reactions). The newest page usually holds it,
     * complete with reactions, and a `thread { messages }` of default size shares that one GET; an older
     * message is rebuilt from its history.
     */
    async reread(threadId: string, messageId: string) {
      await loaders.messagePage(threadId, NEWEST_PAGE);
      return loaders.message(threadId, messageId);
    },

    send: (threadId: string, content: string, replyToMessageId?: string) =>
      session.write((rest) =>
        rest.post('/threads/{threadId}/messages', {
          path: { threadId },
          body: { content, replyToMessageId },
        }),
      ),
    /** `POST /threads/messages`: sends to a prospect, opening the thread when there is none. */
    quickSend: (accountLinkId: string, prospect: ProspectKeyQuery, content: string) =>
      session.write((rest) =>
        rest.post('/threads/messages', { body: { accountLinkId, content, ...prospect } }),
      ),
    edit: (threadId: string, messageId: string, content: string) =>
      session.write((rest) =>
        rest.patch('/threads/{threadId}/messages/{messageId}', {
          path: path(threadId, messageId),
          body: { content },
        }),
      ),
    delete: async (threadId: string, messageId: string, deleteForAll: boolean | undefined) => {
      await session.write((rest) =>
        rest.delete('/threads/{threadId}/messages/{messageId}', {
          path: path(threadId, messageId),
          body: { deleteForAll },
        }),
      );
    },
    addReaction: (threadId: string, messageId: string, emoji: string) =>
      session.write((rest) =>
        rest.post('/threads/{threadId}/messages/{messageId}/reactions/reactions', {
          path: path(threadId, messageId),
          body: { emoji },
        }),
      ),
    removeReaction: (threadId: string, messageId: string, emoji: string) =>
      session.write((rest) =>
        rest.delete('/threads/{threadId}/messages/{messageId}/reactions/reactions', {
          path: path(threadId, messageId),
          body: { emoji },
        }),
      ),
  };
}
