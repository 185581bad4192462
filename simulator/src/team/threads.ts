import type { Clock } from '../clock.js';
import type { AccountLink, ProspectWithContext, Thread, TypingResult } from '../contract.js';
import type { Random } from '../random.js';
import type { EventLog } from './events.js';
import type { TeamMembers } from './members.js';
import type { TeamMessages } from './messages.js';
import type { ThreadIndex } from './thread-index.js';

const TYPING_INTERVAL_MS = 3_000;

/** X conversation id: both user ids, numerically smaller first. */
export function conversationId(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? `${a}:${b}` : `${b}:${a}`;
}

/** The team's conversations: opening and deleting them, done, assignee and typing. */
export class TeamThreads {
  private readonly typingSentAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly log: EventLog,
    private readonly members: TeamMembers,
    private readonly messages: TeamMessages,
    private readonly index: ThreadIndex,
  ) {}

  /** The (account link, prospect) thread, created when missing (one thread per pair). */
  open(accountLink: AccountLink, prospect: ProspectWithContext): Thread {
    const existing = this.index.threadFor(accountLink.id, prospect.externalId ?? '');
    if (existing) return existing;
    const now = this.clock.nowIso();
    const thread: Thread = {
      id: this.random.cuid(),
      platform: prospect.platform,
      platformId: conversationId(accountLink.platformId, prospect.platformId),
      done: false,
      assigneeId: null,
      lastMessageTimestamp: null,
      computedSortTimestamp: now,
      createdAt: now,
      status: 'active',
      // New conversations start as legacy DMs; the simulator never upgrades them to X Chat.
      variant: 'unencrypted',
      accountLinkId: accountLink.id,
      // History import is instantaneous in the simulator.
      isSyncing: false,
      isRequest: false,
      typingIndicatorsEnabled: null,
      lastMessage: null,
      prospect,
    };
    this.messages.open(thread.id);
    this.index.add(thread);
    this.log.emit('thread.created', { thread, prospect });
    return thread;
  }

  update(thread: Thread, patch: { done?: boolean; assigneeId?: string | null }): void {
    if (patch.assigneeId != null) this.members.requireMember(patch.assigneeId, 'assigneeId');
    if (patch.done !== undefined) this.setDone(thread, patch.done);
    if (patch.assigneeId !== undefined) this.setAssignee(thread, patch.assigneeId);
  }

  delete(thread: Thread): void {
    this.index.remove(thread);
    this.messages.drop(thread.id);
    this.log.emit('thread.deleted', { thread });
  }

  setDone(thread: Thread, done: boolean): boolean {
    if (thread.done === done) return false;
    thread.done = done;
    this.log.emit(done ? 'thread.archived' : 'thread.unarchived', { thread });
    return true;
  }

  /** `thread.assigned`/`unassigned` are deprecated upstream but still emitted. */
  setAssignee(thread: Thread, assigneeId: string | null): boolean {
    if (thread.assigneeId === assigneeId) return false;
    thread.assigneeId = assigneeId;
    this.log.emit(assigneeId === null ? 'thread.unassigned' : 'thread.assigned', { thread });
    return true;
  }

  setTypingIndicators(thread: Thread, enabled: boolean | null): void {
    thread.typingIndicatorsEnabled = enabled;
  }

  /** Typing only reaches X Chat threads; repeated signals within a few seconds are throttled, not rejected. */
  sendTyping(thread: Thread): TypingResult {
    if (thread.variant !== 'xChat') return { status: 'skipped', reason: 'unsupported' };
    if (thread.typingIndicatorsEnabled === false) return { status: 'skipped', reason: 'typingDisabled' };
    const now = this.clock.nowMs();
    const last = this.typingSentAt.get(thread.id);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) {
      return { status: 'skipped', reason: 'rateLimited' };
    }
    this.typingSentAt.set(thread.id, now);
    return { status: 'sent' };
  }
}
