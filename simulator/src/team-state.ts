import type { Clock } from './clock.js';
import type {
  AccountLink,
  Campaign,
  CampaignColumn,
  CampaignSequence,
  EventType,
  ImportJob,
  InboxEvent,
  Member,
  Message,
  MessageHistory,
  MessageVersion,
  PageCursor,
  ProspectThreadRef,
  ProspectWithContext,
  Status,
  Tag,
  Team,
  Thread,
  ThreadLastMessage,
  TypingResult,
} from './contract.js';
import { conflict, unprocessable, validationError } from './errors.js';
import type { Label, LabelEntity, LabelKind } from './label-kinds.js';
import { compareKeys } from './paging.js';
import { makeProfile, type Person } from './profiles.js';
import type { Random } from './random.js';

export interface ListLead {
  platformId: string;
  data: Record<string, unknown>;
  addedAt: string;
}

/** A lead list. Lists have no documented REST shape in v1; only their leads and import jobs are reachable. */
export interface ContactList {
  id: string;
  name: string;
  createdAt: string;
  leads: Map<string, ListLead>;
  importJobs: ImportJob[];
}

export type CampaignLeadStage = 'pending' | 'contacted' | 'replied' | 'canceled';

export interface CampaignLead {
  platformId: string;
  username: string | null;
  externalId: string | null;
  stage: CampaignLeadStage;
  data: Record<string, unknown>;
}

export interface CampaignRules {
  syncedLists: { listId: string; listName: string; columnMapping: Record<string, string> }[];
  excludedLists: { listId: string; listName: string }[];
  excludeContacted: boolean;
  excludeMutuals: boolean;
  detachBehavior: string;
}

/** `campaign` is exactly what GET /campaigns/{id} returns; the rest feeds the /campaigns/v2 endpoints. */
export interface CampaignState {
  campaign: Campaign;
  rules: CampaignRules;
  sequence: CampaignSequence;
  columns: CampaignColumn[];
  leads: Map<string, CampaignLead>;
}

/** Everything the seed produces for one team. Derived thread fields (lastMessage, timestamps) are recomputed. */
export interface TeamSeed {
  /** API token -> id of the member who created it (API sends are attributed to that member's userId). */
  tokens: Record<string, string>;
  team: Team;
  members: Member[];
  accountLinks: AccountLink[];
  tags: Tag[];
  statuses: Status[];
  prospects: ProspectWithContext[];
  threads: Thread[];
  /** Per thread, oldest first. */
  messages: Map<string, Message[]>;
  /** Only for messages that were edited or deleted; the others' history is their single original version. */
  histories: Map<string, MessageHistory>;
  campaigns: CampaignState[];
  lists: ContactList[];
}

export interface ProspectContextPatch {
  notes?: string | null;
  valuation?: number | null;
  statusId?: string | null;
  addTags?: string[];
  removeTags?: string[];
  assigneeId?: string | null;
  done?: boolean;
}

const TYPING_INTERVAL_MS = 3_000;
/**
 * The real API keeps events 7 days; the simulator keeps the newest ones by count so write-heavy benchmarks
 * don't exhaust memory (each event snapshots its thread and prospect).
 */
const MAX_EVENTS = 20_000;
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

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const threadKey = (thread: Thread): PageCursor => ({
  id: thread.id,
  timestamp: thread.computedSortTimestamp ?? thread.createdAt,
});

export const messageKey = (message: Message): PageCursor => ({
  id: message.id,
  timestamp: message.createdAt,
});

/** X conversation id: both user ids, numerically smaller first. */
export function conversationId(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? `${a}:${b}` : `${b}:${a}`;
}

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
 * One team's state. Collections hold the raw REST objects exactly as the API serves them (the same object
 * instances are serialized by the HTTP handlers), so tests can compare facade output with them directly:
 *
 * - `team`, `members`, `accountLinks`, `tags`, `statuses`: what the matching GET endpoints return.
 * - `prospects`: ProspectWithContext as embedded in threads (context without `threads`); each thread's
 *   `prospect` is the very same object. `prospectView()` adds `context.threads` like /prospects/* does.
 * - `threads`: live threads, newest first by computedSortTimestamp (ties by id desc) - the GET /threads order.
 * - `messagesByThread`: per thread id, **oldest first** (GET .../messages pages newest first).
 * - `historyByMessage`: GET .../history bodies of edited or deleted messages (`history()` covers all).
 * - `events`: the GET /events log, ascending seq (the newest 20 000 are kept).
 * - `campaigns`, `lists`: campaign and list state (see CampaignState / ContactList).
 *
 * Change state through the methods below: they keep indexes, ordering, previews and the event log in sync.
 * Editing plain fields of the objects directly also works, except fields that drive ordering
 * (computedSortTimestamp, message createdAt).
 */
export class TeamState {
  readonly team: Team;
  readonly tokens: ReadonlyMap<string, string>;
  readonly members: Member[];
  readonly accountLinks: AccountLink[];
  readonly tags: Tag[];
  readonly statuses: Status[];
  private readonly labelsByEntity: { [K in LabelEntity]: Label<K>[] };
  readonly prospects: ProspectWithContext[];
  readonly messagesByThread = new Map<string, Message[]>();
  readonly historyByMessage = new Map<string, MessageHistory>();
  readonly events: InboxEvent[] = [];
  readonly campaigns: CampaignState[];
  readonly lists: ContactList[];

  /** Threads sorted ascending by (computedSortTimestamp, id); GET /threads reads it from either end. */
  readonly threadsAscending: Thread[] = [];
  private readonly threadById = new Map<string, Thread>();
  private readonly threadByPair = new Map<string, Thread>();
  private readonly threadsByProspect = new Map<string, Thread[]>();
  private readonly campaignIdsByThread = new Map<string, Set<string>>();
  private readonly messageById = new Map<string, Message>();
  private readonly prospectByExternalId = new Map<string, ProspectWithContext>();
  private readonly prospectByPlatformId = new Map<string, ProspectWithContext>();
  private readonly typingSentAt = new Map<string, number>();
  private snowflakeSequence = 0n;

  constructor(
    seed: TeamSeed,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    this.team = seed.team;
    this.tokens = new Map(Object.entries(seed.tokens));
    this.members = seed.members;
    this.accountLinks = seed.accountLinks;
    this.tags = seed.tags;
    this.statuses = seed.statuses;
    this.labelsByEntity = { tag: this.tags, status: this.statuses };
    this.prospects = [];
    this.campaigns = seed.campaigns;
    this.lists = seed.lists;
    for (const prospect of seed.prospects) this.addProspect(prospect);
    for (const thread of seed.threads) {
      const messages = seed.messages.get(thread.id) ?? [];
      this.messagesByThread.set(thread.id, messages);
      for (const message of messages) this.indexMessage(message, seed.histories.get(message.id));
      this.refreshPreview(thread);
      this.indexThread(thread);
    }
    this.threadsAscending.push(...seed.threads);
    this.threadsAscending.sort((a, b) => compareKeys(threadKey(a), threadKey(b)));
  }

  // ------------------------------------------------------------------ reads

  /** Live threads, newest first (the default GET /threads order). */
  get threads(): Thread[] {
    return [...this.threadsAscending].reverse();
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  thread(id: string): Thread | undefined {
    return this.threadById.get(id);
  }

  message(id: string): Message | undefined {
    return this.messageById.get(id);
  }

  prospect(externalId: string): ProspectWithContext | undefined {
    return this.prospectByExternalId.get(externalId);
  }

  prospectByPlatform(platformId: string): ProspectWithContext | undefined {
    return this.prospectByPlatformId.get(platformId);
  }

  prospectByUsername(username: string): ProspectWithContext | undefined {
    const wanted = username.toLowerCase();
    return this.prospects.find((prospect) => prospect.username.toLowerCase() === wanted);
  }

  member(id: string): Member | undefined {
    return this.members.find((member) => member.id === id);
  }

  accountLink(id: string): AccountLink | undefined {
    return this.accountLinks.find((link) => link.id === id);
  }

  tag(id: string): Tag | undefined {
    return this.tags.find((tag) => tag.id === id);
  }

  status(id: string): Status | undefined {
    return this.statuses.find((status) => status.id === id);
  }

  campaign(id: string): CampaignState | undefined {
    return this.campaigns.find((state) => state.campaign.id === id);
  }

  list(id: string): ContactList | undefined {
    return this.lists.find((list) => list.id === id);
  }

  threadFor(accountLinkId: string, externalId: string): Thread | undefined {
    return this.threadByPair.get(`${accountLinkId}:${externalId}`);
  }

  /** The prospect's live threads (one per account link at most). */
  threadsOf(externalId: string): readonly Thread[] {
    return this.threadsByProspect.get(externalId) ?? [];
  }

  /** Campaigns whose messages appear in the thread (the GET /threads campaign filter). */
  campaignIdsOf(threadId: string): ReadonlySet<string> {
    return this.campaignIdsByThread.get(threadId) ?? new Set();
  }

  /** The prospect as /prospects/* return it: context plus `threads`. */
  prospectView(prospect: ProspectWithContext): ProspectWithContext {
    const threads: ProspectThreadRef[] = this.threadsOf(prospect.externalId ?? '').map((thread) => ({
      id: thread.id,
      accountLinkId: thread.accountLinkId,
      lastMessageTimestamp: thread.lastMessageTimestamp,
      createdAt: thread.createdAt,
    }));
    return { ...prospect, context: { ...prospect.context, threads } };
  }

  /** Member behind an API token: API sends carry this member's userId. */
  memberForToken(token: string): Member | undefined {
    const memberId = this.tokens.get(token);
    return memberId === undefined ? undefined : this.member(memberId);
  }

  /** GET .../history body: versions oldest first, plus deletion info. */
  history(message: Message): MessageHistory {
    return this.historyByMessage.get(message.id) ?? { versions: [versionOf(message)], deletion: null };
  }

  // ------------------------------------------------------------------ threads

  /** The (account link, person) thread, created with its prospect when missing (one thread per pair). */
  openThread(accountLink: AccountLink, person: ProspectWithContext | Person): Thread {
    const prospect = 'context' in person ? person : this.importProspect(person);
    const existing = this.threadFor(accountLink.id, prospect.externalId ?? '');
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
    this.indexThread(thread);
    this.messagesByThread.set(thread.id, []);
    this.insertOrdered(thread);
    this.emit('thread.created', { thread, prospect });
    return thread;
  }

  updateThread(thread: Thread, patch: { done?: boolean; assigneeId?: string | null }): void {
    if (patch.assigneeId != null) this.requireMember(patch.assigneeId, 'assigneeId');
    if (patch.done !== undefined) this.setDone(thread, patch.done);
    if (patch.assigneeId !== undefined) this.setAssignee(thread, patch.assigneeId);
  }

  deleteThread(thread: Thread): void {
    this.removeOrdered(thread);
    this.threadById.delete(thread.id);
    this.threadByPair.delete(`${thread.accountLinkId}:${thread.prospect.externalId}`);
    const externalId = thread.prospect.externalId ?? '';
    this.threadsByProspect.set(
      externalId,
      this.threadsOf(externalId).filter((sibling) => sibling !== thread),
    );
    for (const message of this.messagesByThread.get(thread.id) ?? []) {
      this.messageById.delete(message.id);
      this.historyByMessage.delete(message.id);
    }
    this.messagesByThread.delete(thread.id);
    this.campaignIdsByThread.delete(thread.id);
    this.emit('thread.deleted', { thread });
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

  // ------------------------------------------------------------------ messages

  /** A message sent through the API by `sender` (the token's member). */
  sendMessage(thread: Thread, content: string, sender: Member | undefined, replyTo?: Message): Message {
    const accountLink = this.accountLink(thread.accountLinkId);
    if (accountLink) this.assertCanSend(accountLink);
    return this.appendMessage(thread, {
      content,
      authorId: thread.accountLinkId,
      userId: sender?.userId ?? null,
      origin: 'api',
      replyData: replyTo
        ? { messageId: replyTo.id, platformId: replyTo.platformId, content: replyTo.content }
        : null,
    });
  }

  /** An offline or paused X account cannot send (the contract is silent; 422 is the closest documented fit). */
  assertCanSend(accountLink: AccountLink): void {
    if (accountLink.status !== 'active') {
      throw unprocessable(
        'ACCOUNT_LINK_UNAVAILABLE',
        `Account link @${accountLink.username} is ${accountLink.status}; reconnect it in Inbox to send messages`,
      );
    }
  }

  /** Test helper: the prospect writes a DM (emits message.created like a synced inbound message). */
  receiveMessage(thread: Thread, content: string): Message {
    return this.appendMessage(thread, {
      content,
      authorId: thread.prospect.externalId ?? thread.prospect.platformId,
      userId: null,
      origin: 'external',
      replyData: null,
    });
  }

  editMessage(thread: Thread, message: Message, content: string): string {
    this.requireXChat(thread, 'Editing');
    this.requireOwnLiveMessage(thread, message, 'edited');
    const editedAt = this.clock.nowIso();
    const history = this.trackHistory(message);
    message.content = content;
    message.isEdited = true;
    message.updatedAt = editedAt;
    history.versions.push({ ...versionOf(message), createdAt: editedAt, editOrigin: 'api' });
    this.refreshPreview(thread);
    this.emit('message.edited', { message, threadId: thread.id });
    return editedAt;
  }

  deleteMessage(thread: Thread, message: Message, deleteForAll: boolean): string {
    this.requireXChat(thread, 'Deleting');
    if (deleteForAll) this.requireOwnLiveMessage(thread, message, 'deleted for everyone');
    else if (message.deletedAt !== null) throw unprocessable('MESSAGE_DELETED', 'Message is already deleted');
    const deletedAt = this.clock.nowIso();
    message.deletedAt = deletedAt;
    if (deleteForAll) message.platformDeletedAt = deletedAt;
    this.trackHistory(message).deletion = {
      deletedAt,
      deletionType: deleteForAll ? 'all' : 'self',
      deletionAuthorPlatformId: this.accountLink(thread.accountLinkId)?.platformId ?? null,
      origin: 'api',
    };
    this.refreshPreview(thread);
    this.emit('message.deleted', { messageId: message.id, threadId: thread.id });
    return deletedAt;
  }

  /** Adds the team's reaction; reacting twice with the same emoji is a no-op. */
  addReaction(thread: Thread, message: Message, emoji: string): void {
    this.requireReactable(thread, message);
    const senderPlatformId = this.accountLink(thread.accountLinkId)?.platformId ?? '';
    if (this.teamReactionIndex(message, senderPlatformId, emoji) >= 0) return;
    const reaction = { emoji, senderPlatformId, createdAt: this.clock.nowIso() };
    message.reactions.push(reaction);
    this.emit('message.reactionAdded', { messageId: message.id, threadId: thread.id, reaction });
  }

  /** Removes the team's reaction; false when there was none. */
  removeReaction(thread: Thread, message: Message, emoji: string): boolean {
    this.requireReactable(thread, message);
    const senderPlatformId = this.accountLink(thread.accountLinkId)?.platformId ?? '';
    const index = this.teamReactionIndex(message, senderPlatformId, emoji);
    if (index < 0) return false;
    message.reactions.splice(index, 1);
    const reaction = { emoji, senderPlatformId, createdAt: this.clock.nowIso() };
    this.emit('message.reactionRemoved', { messageId: message.id, threadId: thread.id, reaction });
    return true;
  }

  // ------------------------------------------------------------------ prospects

  /** Applies a context patch atomically: every referenced id is checked before anything changes. */
  updateProspectContext(prospect: ProspectWithContext, patch: ProspectContextPatch): void {
    for (const field of ['addTags', 'removeTags'] as const) {
      const unknown = patch[field]?.find((id) => !this.tag(id));
      if (unknown) {
        throw validationError(`Invalid field ${field}: tag '${unknown}' does not exist in this team`);
      }
    }
    if (patch.statusId != null && !this.status(patch.statusId)) {
      throw validationError(`Invalid field statusId: status '${patch.statusId}' does not exist in this team`);
    }
    if (patch.assigneeId != null) this.requireMember(patch.assigneeId, 'assigneeId');

    const context = prospect.context;
    if (patch.addTags || patch.removeTags) {
      const removed = new Set(patch.removeTags);
      const next = [...new Set([...context.tags, ...(patch.addTags ?? [])])].filter((id) => !removed.has(id));
      if (next.join() !== context.tags.join()) {
        context.tags = next;
        this.emit('prospect.tagsChanged', { prospect });
      }
    }
    if (patch.statusId !== undefined && patch.statusId !== context.statusId) {
      context.statusId = patch.statusId;
      this.emit('prospect.statusChanged', { prospect });
    }
    if (patch.notes !== undefined && patch.notes !== context.notes) {
      context.notes = patch.notes;
      this.emit('prospect.notesChanged', { prospect });
    }
    if (patch.valuation !== undefined && patch.valuation !== context.valuation) {
      context.valuation = patch.valuation;
      this.emit('prospect.valuationChanged', { prospect });
    }
    const threads = this.threadsOf(prospect.externalId ?? '');
    const { assigneeId, done } = patch;
    if (assigneeId !== undefined) {
      const changed = threads.filter((thread) => this.setAssignee(thread, assigneeId)).length > 0;
      // The assignee lives on the threads; the newer webhook page shows it in the prospect's context.
      if (changed) {
        this.emit('prospect.assigneeChanged', {
          prospect: { ...prospect, context: { ...context, assigneeId } },
        });
      }
    }
    if (done !== undefined) for (const thread of threads) this.setDone(thread, done);
  }

  // ------------------------------------------------------------------ tags and statuses

  /** The team's tags or statuses, as GET /tags or /statuses returns them. */
  labels<K extends LabelEntity>(kind: LabelKind<K>): Label<K>[] {
    return this.labelsByEntity[kind.entity];
  }

  /** `color: null` stores the kind's default (gray for tags, null for statuses). */
  createLabel<K extends LabelEntity>(kind: LabelKind<K>, name: string, color: string | null): Label<K> {
    this.requireUniqueName(kind, name);
    const fields = { id: this.random.cuid(), name, color: color ?? kind.defaultColor };
    const label = kind.build(fields, this.clock.nowIso());
    this.labels(kind).push(label);
    this.emit(`${kind.entity}.created`, { [kind.entity]: label });
    return label;
  }

  /** Changes the fields the patch gives (`color: null` stores the default); always emits `*.updated`. */
  updateLabel<K extends LabelEntity>(
    kind: LabelKind<K>,
    label: Label<K>,
    patch: { name?: string | undefined; color?: string | null | undefined },
  ): void {
    if (patch.name !== undefined) {
      this.requireUniqueName(kind, patch.name, label.id);
      label.name = patch.name;
    }
    if (patch.color !== undefined) label.color = patch.color ?? kind.defaultColor;
    this.emit(`${kind.entity}.updated`, { [kind.entity]: label });
  }

  /** Also takes the label off every prospect (no per-prospect events, like a bulk cleanup). */
  deleteLabel<K extends LabelEntity>(kind: LabelKind<K>, label: Label<K>): void {
    const labels = this.labels(kind);
    labels.splice(labels.indexOf(label), 1);
    for (const prospect of this.prospects) kind.detach(prospect.context, label.id);
    this.emit(`${kind.entity}.deleted`, { [kind.entity]: label });
  }

  // ------------------------------------------------------------------ events

  /** Appends to the team's event log; `data` is snapshotted so later changes don't rewrite history. */
  emit(type: EventType, data: unknown, timestamp = this.clock.nowIso()): InboxEvent {
    const event: InboxEvent = {
      id: this.random.cuid(),
      seq: this.lastSeq + 1,
      teamId: this.team.id,
      type,
      timestamp,
      version: '1.0',
      data: clone(data),
    };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS * 1.1) this.events.splice(0, this.events.length - MAX_EVENTS);
    return event;
  }

  nowIso(): string {
    return this.clock.nowIso();
  }

  newId(): string {
    return this.random.cuid();
  }

  // ------------------------------------------------------------------ internals

  private importProspect(person: Person): ProspectWithContext {
    const now = this.clock.nowMs();
    const prospect: ProspectWithContext = {
      ...makeProfile(person, now),
      externalId: this.random.cuid(),
      firstSeenAt: new Date(now).toISOString(),
      context: { tags: [], statusId: null, valuation: null, notes: null },
    };
    this.addProspect(prospect);
    this.emit('prospect.created', { prospect });
    return prospect;
  }

  private addProspect(prospect: ProspectWithContext): void {
    this.prospects.push(prospect);
    if (prospect.externalId) this.prospectByExternalId.set(prospect.externalId, prospect);
    this.prospectByPlatformId.set(prospect.platformId, prospect);
  }

  private indexThread(thread: Thread): void {
    const externalId = thread.prospect.externalId ?? '';
    this.threadById.set(thread.id, thread);
    this.threadByPair.set(`${thread.accountLinkId}:${externalId}`, thread);
    const siblings = this.threadsByProspect.get(externalId);
    if (siblings) siblings.push(thread);
    else this.threadsByProspect.set(externalId, [thread]);
  }

  private indexMessage(message: Message, history?: MessageHistory): void {
    this.messageById.set(message.id, message);
    if (history) this.historyByMessage.set(message.id, history);
    if (message.campaignId) {
      const campaigns = this.campaignIdsByThread.get(message.threadId);
      if (campaigns) campaigns.add(message.campaignId);
      else this.campaignIdsByThread.set(message.threadId, new Set([message.campaignId]));
    }
  }

  private appendMessage(
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
    this.messagesByThread.get(thread.id)?.push(message);
    this.indexMessage(message);
    this.refreshPreview(thread);
    this.emit('message.created', { message, thread });
    return message;
  }

  /**
   * Keeps `lastMessage`, `lastMessageTimestamp` and `computedSortTimestamp` consistent with the newest
   * message that is not deleted (a deleted last message falls back to the previous one).
   */
  private refreshPreview(thread: Thread): void {
    const messages = this.messagesByThread.get(thread.id) ?? [];
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
    if (sortTimestamp !== thread.computedSortTimestamp) {
      const indexed = this.threadById.get(thread.id) === thread && this.removeOrdered(thread);
      thread.computedSortTimestamp = sortTimestamp;
      if (indexed) this.insertOrdered(thread);
    }
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

  private insertOrdered(thread: Thread): void {
    const key = threadKey(thread);
    let low = 0;
    let high = this.threadsAscending.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(threadKey(this.threadsAscending[mid] as Thread), key) < 0) low = mid + 1;
      else high = mid;
    }
    this.threadsAscending.splice(low, 0, thread);
  }

  private removeOrdered(thread: Thread): boolean {
    const index = this.threadsAscending.lastIndexOf(thread);
    if (index < 0) return false;
    this.threadsAscending.splice(index, 1);
    return true;
  }

  private setDone(thread: Thread, done: boolean): boolean {
    if (thread.done === done) return false;
    thread.done = done;
    this.emit(done ? 'thread.archived' : 'thread.unarchived', { thread });
    return true;
  }

  /** `thread.assigned`/`unassigned` are deprecated upstream but still emitted. */
  private setAssignee(thread: Thread, assigneeId: string | null): boolean {
    if (thread.assigneeId === assigneeId) return false;
    thread.assigneeId = assigneeId;
    this.emit(assigneeId === null ? 'thread.unassigned' : 'thread.assigned', { thread });
    return true;
  }

  private requireMember(id: string, field: string): void {
    if (!this.member(id)) {
      throw validationError(`Invalid field ${field}: member '${id}' does not exist in this team`);
    }
  }

  private requireUniqueName(kind: LabelKind<LabelEntity>, name: string, selfId?: string): void {
    const wanted = name.trim().toLowerCase();
    const taken = this.labels(kind).some(
      (label) => label.id !== selfId && label.name.trim().toLowerCase() === wanted,
    );
    if (taken) throw conflict(`A ${kind.entity} named '${name}' already exists`);
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
