import type { Clock } from '../clock.js';
import type {
  Member,
  Message,
  MessageHistory,
  MessageVersion,
  PageCursor,
  Team,
  Thread,
  ThreadLastMessage,
} from '../contract.js';
import { unprocessable } from '../errors.js';
import type { Random } from '../random.js';
import type { EventLog } from './events.js';
import type { TeamMembers } from './members.js';
import type { ThreadIndex } from './thread-index.js';

/** X snowflake epoch, so generated message platformIds look and sort like real ones. */
const SNOWFLAKE_EPOCH = 1288834974657n;

/** A new message of a thread, as the API returns it; seed and writes both build messages here. */
export function newMessage(
  thread: Thread,
  fields: Pick<
    Message,
    'id' | 'teamId' | 'content' | 'authorId' | 'userId' | 'origin' | 'campaignId' | 'replyData'
  > & {
    timeMs: number;
    /** 0–4095: tells apart the X ids of messages sent in the same millisecond. */
    sequence: bigint;
  },
): Message {
  const { timeMs, sequence, ...rest } = fields;
  return {
    ...rest,
    platform: thread.platform,
    threadId: thread.id,
    createdAt: new Date(timeMs).toISOString(),
    updatedAt: null,
    platformId: String(((BigInt(timeMs) - SNOWFLAKE_EPOCH) << 22n) | sequence),
    forwardData: null,
    entities: null,
    attachment: null,
    reactions: [],
    isEncrypted: thread.variant === 'xChat',
    isEdited: false,
    deletedAt: null,
    platformDeletedAt: null,
  };
}

export const messageKey = (message: Message): PageCursor => ({
  id: message.id,
  timestamp: message.createdAt,
});

export function versionOf(message: Message): MessageVersion {
  return {
    id: message.id,
    platformId: message.platformId,
    platform: message.platform,
    content: message.content,
    authorId: message.authorId,
    userId: message.userId,
    teamId: message.teamId,
    threadId: message.threadId,
    campaignId: message.campaignId,
    campaignStepId: null,
    origin: message.origin,
    editOrigin: null,
    replyData: message.replyData,
    forwardData: message.forwardData,
    createdAt: message.createdAt,
    isEncrypted: message.isEncrypted,
    expandedData: null,
    entities: message.entities,
    attachment: message.attachment,
    reactions: [],
  };
}

/**
 * The messages of the team's threads: sending, receiving, edits, deletions, reactions and histories. Keeps
 * each thread's preview (`lastMessage`, `lastMessageTimestamp`, `computedSortTimestamp`) and its place in
 * the thread order in step with its newest message that is not deleted.
 */
export class TeamMessages {
  /** Per thread id, oldest first. */
  readonly byThread = new Map<string, Message[]>();
  /** GET .../history bodies of edited or deleted messages. */
  readonly historyByMessage = new Map<string, MessageHistory>();
  private readonly byId = new Map<string, Message>();
  private readonly campaignIdsByThread = new Map<string, Set<string>>();
  private snowflakeSequence = 0n;

  constructor(
    private readonly team: Team,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: EventLog,
    private readonly members: TeamMembers,
    private readonly index: ThreadIndex,
  ) {}

  message(id: string): Message | undefined {
    return this.byId.get(id);
  }

  /** Campaigns whose messages appear in the thread (the GET /threads campaign filter). */
  campaignIdsOf(threadId: string): ReadonlySet<string> {
    return this.campaignIdsByThread.get(threadId) ?? new Set();
  }

  /** GET .../history body: versions oldest first, plus deletion info. */
  history(message: Message): MessageHistory {
    return this.historyByMessage.get(message.id) ?? { versions: [versionOf(message)], deletion: null };
  }

  /** A seeded thread's messages (oldest first) and the histories of those edited or deleted. */
  seed(thread: Thread, messages: Message[], histories: ReadonlyMap<string, MessageHistory>): void {
    this.byThread.set(thread.id, messages);
    for (const message of messages) this.indexMessage(message, histories.get(message.id));
    this.refreshPreview(thread);
  }

  /** A new thread starts empty. */
  open(threadId: string): void {
    this.byThread.set(threadId, []);
  }

  /** A deleted thread's messages go with it. */
  drop(threadId: string): void {
    for (const message of this.byThread.get(threadId) ?? []) {
      this.byId.delete(message.id);
      this.historyByMessage.delete(message.id);
    }
    this.byThread.delete(threadId);
    this.campaignIdsByThread.delete(threadId);
  }

  /** A message sent through the API by `sender` (the token's member). */
  send(thread: Thread, content: string, sender: Member | undefined, replyTo?: Message): Message {
    const accountLink = this.members.accountLink(thread.accountLinkId);
    if (accountLink) this.members.assertCanSend(accountLink);
    return this.append(thread, {
      content,
      authorId: thread.accountLinkId,
      userId: sender?.userId ?? null,
      origin: 'api',
      replyData: replyTo
        ? { messageId: replyTo.id, platformId: replyTo.platformId, content: replyTo.content }
        : null,
    });
  }

  /** The prospect writes a DM (emits message.created like a synced inbound message). */
  receive(thread: Thread, content: string): Message {
    return this.append(thread, {
      content,
      authorId: thread.prospect.externalId ?? thread.prospect.platformId,
      userId: null,
      origin: 'external',
      replyData: null,
    });
  }

  edit(thread: Thread, message: Message, content: string): string {
    this.requireXChat(thread, 'Editing');
    this.requireOwnLiveMessage(thread, message, 'edited');
    const editedAt = this.clock.nowIso();
    const history = this.trackHistory(message);
    message.content = content;
    message.isEdited = true;
    message.updatedAt = editedAt;
    history.versions.push({ ...versionOf(message), createdAt: editedAt, editOrigin: 'api' });
    this.refreshPreview(thread);
    this.log.emit('message.edited', { message, threadId: thread.id });
    return editedAt;
  }

  delete(thread: Thread, message: Message, deleteForAll: boolean): string {
    this.requireXChat(thread, 'Deleting');
    if (deleteForAll) this.requireOwnLiveMessage(thread, message, 'deleted for everyone');
    else if (message.deletedAt !== null) throw unprocessable('MESSAGE_DELETED', 'Message is already deleted');
    const deletedAt = this.clock.nowIso();
    message.deletedAt = deletedAt;
    if (deleteForAll) message.platformDeletedAt = deletedAt;
    this.trackHistory(message).deletion = {
      deletedAt,
      deletionType: deleteForAll ? 'all' : 'self',
      deletionAuthorPlatformId: this.members.accountLink(thread.accountLinkId)?.platformId ?? null,
      origin: 'api',
    };
    this.refreshPreview(thread);
    this.log.emit('message.deleted', { messageId: message.id, threadId: thread.id });
    return deletedAt;
  }

  /** Adds the team's reaction; reacting twice with the same emoji is a no-op. */
  addReaction(thread: Thread, message: Message, emoji: string): void {
    this.requireReactable(thread, message);
    const senderPlatformId = this.members.accountLink(thread.accountLinkId)?.platformId ?? '';
    if (this.teamReactionIndex(message, senderPlatformId, emoji) >= 0) return;
    const reaction = { emoji, senderPlatformId, createdAt: this.clock.nowIso() };
    message.reactions.push(reaction);
    this.log.emit('message.reactionAdded', { messageId: message.id, threadId: thread.id, reaction });
  }

  /** Removes the team's reaction; false when there was none. */
  removeReaction(thread: Thread, message: Message, emoji: string): boolean {
    this.requireReactable(thread, message);
    const senderPlatformId = this.members.accountLink(thread.accountLinkId)?.platformId ?? '';
    const index = this.teamReactionIndex(message, senderPlatformId, emoji);
    if (index < 0) return false;
    message.reactions.splice(index, 1);
    const reaction = { emoji, senderPlatformId, createdAt: this.clock.nowIso() };
    this.log.emit('message.reactionRemoved', { messageId: message.id, threadId: thread.id, reaction });
    return true;
  }

  private indexMessage(message: Message, history?: MessageHistory): void {
    this.byId.set(message.id, message);
    if (history) this.historyByMessage.set(message.id, history);
    if (message.campaignId) {
      const campaigns = this.campaignIdsByThread.get(message.threadId);
      if (campaigns) campaigns.add(message.campaignId);
      else this.campaignIdsByThread.set(message.threadId, new Set([message.campaignId]));
    }
  }

  private append(
    thread: Thread,
    fields: Pick<Message, 'content' | 'authorId' | 'userId' | 'origin' | 'replyData'>,
  ): Message {
    const nowMs = this.clock.nowMs();
    this.snowflakeSequence = (this.snowflakeSequence + 1n) % 4096n;
    const message = newMessage(thread, {
      id: this.random.cuid(),
      teamId: this.team.id,
      timeMs: nowMs,
      sequence: this.snowflakeSequence,
      content: fields.content,
      authorId: fields.authorId,
      userId: fields.userId,
      origin: fields.origin,
      campaignId: null,
      replyData: fields.replyData,
    });
    // The clock is monotonic, so appending keeps the thread's messages sorted.
    this.byThread.get(thread.id)?.push(message);
    this.indexMessage(message);
    this.refreshPreview(thread);
    this.log.emit('message.created', { message, thread });
    return message;
  }

  /**
   * Keeps `lastMessage`, `lastMessageTimestamp` and `computedSortTimestamp` consistent with the newest
   * message that is not deleted (a deleted last message falls back to the previous one).
   */
  private refreshPreview(thread: Thread): void {
    const messages = this.byThread.get(thread.id) ?? [];
    let last: Message | undefined;
    for (let i = messages.length - 1; i >= 0 && !last; i--) {
      const candidate = messages[i];
      if (candidate && candidate.deletedAt === null) last = candidate;
    }
    const preview: ThreadLastMessage | null = last
      ? {
          id: last.id,
          content: last.content,
          authorId: last.authorId,
          createdAt: last.createdAt,
          userId: last.userId,
          campaignId: last.campaignId,
        }
      : null;
    thread.lastMessage = preview;
    thread.lastMessageTimestamp = preview?.createdAt ?? null;
    const sortTimestamp = thread.lastMessageTimestamp ?? thread.createdAt;
    if (sortTimestamp !== thread.computedSortTimestamp) this.index.reorder(thread, sortTimestamp);
  }

  /** The stored history, created from the message's current state before its first edit or deletion. */
  private trackHistory(message: Message): MessageHistory {
    let history = this.historyByMessage.get(message.id);
    if (!history) {
      history = { versions: [versionOf(message)], deletion: null };
      this.historyByMessage.set(message.id, history);
    }
    return history;
  }

  private requireXChat(thread: Thread, action: string): void {
    if (thread.variant !== 'xChat') {
      throw unprocessable(
        'UNSUPPORTED_THREAD_VARIANT',
        `${action} messages is only supported in X Chat (encrypted) threads`,
      );
    }
  }

  private requireOwnLiveMessage(thread: Thread, message: Message, action: string): void {
    if (message.deletedAt !== null) throw unprocessable('MESSAGE_DELETED', 'Message is already deleted');
    if (message.authorId !== thread.accountLinkId) {
      throw unprocessable('MESSAGE_NOT_OWNED', `Only messages sent by the team can be ${action}`);
    }
  }

  private requireReactable(thread: Thread, message: Message): void {
    if (thread.platform === 'sandbox') {
      throw unprocessable('UNSUPPORTED_PLATFORM', 'Reactions are not available in sandbox threads');
    }
    if (message.deletedAt !== null) {
      throw unprocessable('MESSAGE_DELETED', 'Cannot react to a deleted message');
    }
  }

  private teamReactionIndex(message: Message, senderPlatformId: string, emoji: string): number {
    return message.reactions.findIndex((item) => {
      const reaction = item as { emoji?: unknown; senderPlatformId?: unknown };
      return reaction.emoji === emoji && reaction.senderPlatformId === senderPlatformId;
    });
  }
}
