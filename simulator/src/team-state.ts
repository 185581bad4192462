import type { Clock } from './clock.js';
import type {
  AccountLink,
  EventType,
  InboxEvent,
  Member,
  Message,
  MessageHistory,
  ProspectWithContext,
  Status,
  Tag,
  Team,
  Thread,
  TypingResult,
} from './contract.js';
import type { Label, LabelEntity, LabelKind } from './label-kinds.js';
import type { Person } from './profiles.js';
import type { Random } from './random.js';
import { type CampaignState, type ContactList, TeamCampaigns } from './team/campaigns.js';
import { EventLog } from './team/events.js';
import { TeamLabels } from './team/labels.js';
import { TeamMembers } from './team/members.js';
import { TeamMessages } from './team/messages.js';
import { type ProspectContextPatch, TeamProspects } from './team/prospects.js';
import { ThreadIndex } from './team/thread-index.js';
import { TeamThreads } from './team/threads.js';

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
 *
 * The rules live in one file per domain under team/ (members, labels, prospects, threads, messages,
 * campaigns, events); this class wires them together and is the one surface the routes and tests use.
 */
export class TeamState {
  readonly team: Team;
  readonly tokens: ReadonlyMap<string, string>;
  readonly members: Member[];
  readonly accountLinks: AccountLink[];
  readonly tags: Tag[];
  readonly statuses: Status[];
  readonly prospects: ProspectWithContext[];
  readonly messagesByThread: Map<string, Message[]>;
  readonly historyByMessage: Map<string, MessageHistory>;
  readonly events: InboxEvent[];
  readonly campaigns: CampaignState[];
  readonly lists: ContactList[];
  /** Threads sorted ascending by (computedSortTimestamp, id); GET /threads reads it from either end. */
  readonly threadsAscending: Thread[];

  // The domains (each `#name` holds the rules behind the public collection of the same name).
  readonly #events: EventLog;
  readonly #members: TeamMembers;
  readonly #labels: TeamLabels;
  readonly #index: ThreadIndex;
  readonly #messages: TeamMessages;
  readonly #threads: TeamThreads;
  readonly #prospects: TeamProspects;
  readonly #campaigns: TeamCampaigns;

  constructor(
    seed: TeamSeed,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    this.team = seed.team;
    this.#events = new EventLog(seed.team, clock, random);
    this.#members = new TeamMembers(seed.members, seed.accountLinks, new Map(Object.entries(seed.tokens)));
    this.#labels = new TeamLabels(seed.tags, seed.statuses, clock, random, this.#events);
    this.#index = new ThreadIndex();
    this.#messages = new TeamMessages(seed.team, clock, random, this.#events, this.#members, this.#index);
    this.#threads = new TeamThreads(clock, random, this.#events, this.#members, this.#messages, this.#index);
    this.#prospects = new TeamProspects(
      clock,
      random,
      this.#events,
      this.#members,
      this.#labels,
      this.#threads,
      this.#index,
    );
    this.#campaigns = new TeamCampaigns(seed.campaigns, seed.lists);

    this.tokens = this.#members.tokens;
    this.members = this.#members.members;
    this.accountLinks = this.#members.accountLinks;
    this.tags = this.#labels.tags;
    this.statuses = this.#labels.statuses;
    this.prospects = this.#prospects.prospects;
    this.messagesByThread = this.#messages.byThread;
    this.historyByMessage = this.#messages.historyByMessage;
    this.events = this.#events.events;
    this.campaigns = this.#campaigns.campaigns;
    this.lists = this.#campaigns.lists;
    this.threadsAscending = this.#index.ascending;

    for (const prospect of seed.prospects) this.#prospects.add(prospect);
    for (const thread of seed.threads) {
      this.#messages.seed(thread, seed.messages.get(thread.id) ?? [], seed.histories);
    }
    this.#index.seed(seed.threads);
  }

  // ------------------------------------------------------------------ reads

  /** Live threads, newest first (the default GET /threads order). */
  get threads(): Thread[] {
    return [...this.threadsAscending].reverse();
  }

  get lastSeq(): number {
    return this.#events.lastSeq;
  }

  thread(id: string): Thread | undefined {
    return this.#index.thread(id);
  }

  message(id: string): Message | undefined {
    return this.#messages.message(id);
  }

  prospect(externalId: string): ProspectWithContext | undefined {
    return this.#prospects.prospect(externalId);
  }

  prospectByPlatform(platformId: string): ProspectWithContext | undefined {
    return this.#prospects.byPlatform(platformId);
  }

  prospectByUsername(username: string): ProspectWithContext | undefined {
    return this.#prospects.byUsername(username);
  }

  member(id: string): Member | undefined {
    return this.#members.member(id);
  }

  accountLink(id: string): AccountLink | undefined {
    return this.#members.accountLink(id);
  }

  tag(id: string): Tag | undefined {
    return this.#labels.tag(id);
  }

  status(id: string): Status | undefined {
    return this.#labels.status(id);
  }

  campaign(id: string): CampaignState | undefined {
    return this.#campaigns.campaign(id);
  }

  list(id: string): ContactList | undefined {
    return this.#campaigns.list(id);
  }

  threadFor(accountLinkId: string, externalId: string): Thread | undefined {
    return this.#index.threadFor(accountLinkId, externalId);
  }

  /** The prospect's live threads (one per account link at most). */
  threadsOf(externalId: string): readonly Thread[] {
    return this.#index.threadsOf(externalId);
  }

  /** Campaigns whose messages appear in the thread (the GET /threads campaign filter). */
  campaignIdsOf(threadId: string): ReadonlySet<string> {
    return this.#messages.campaignIdsOf(threadId);
  }

  /** The prospect as /prospects/* return it: context plus `threads`. */
  prospectView(prospect: ProspectWithContext): ProspectWithContext {
    return this.#prospects.view(prospect);
  }

  /** Member behind an API token: API sends carry this member's userId. */
  memberForToken(token: string): Member | undefined {
    return this.#members.memberForToken(token);
  }

  /** GET .../history body: versions oldest first, plus deletion info. */
  history(message: Message): MessageHistory {
    return this.#messages.history(message);
  }

  // ------------------------------------------------------------------ threads

  /** The (account link, person) thread, created with its prospect when missing (one thread per pair). */
  openThread(accountLink: AccountLink, person: ProspectWithContext | Person): Thread {
    const prospect = 'context' in person ? person : this.#prospects.import(person);
    return this.#threads.open(accountLink, prospect);
  }

  updateThread(thread: Thread, patch: { done?: boolean; assigneeId?: string | null }): void {
    this.#threads.update(thread, patch);
  }

  deleteThread(thread: Thread): void {
    this.#threads.delete(thread);
  }

  setTypingIndicators(thread: Thread, enabled: boolean | null): void {
    this.#threads.setTypingIndicators(thread, enabled);
  }

  /** Typing only reaches X Chat threads; repeated signals within a few seconds are throttled, not rejected. */
  sendTyping(thread: Thread): TypingResult {
    return this.#threads.sendTyping(thread);
  }

  // ------------------------------------------------------------------ messages

  /** A message sent through the API by `sender` (the token's member). */
  sendMessage(thread: Thread, content: string, sender: Member | undefined, replyTo?: Message): Message {
    return this.#messages.send(thread, content, sender, replyTo);
  }

  /** An offline or paused X account cannot send (422 ACCOUNT_LINK_UNAVAILABLE). */
  assertCanSend(accountLink: AccountLink): void {
    this.#members.assertCanSend(accountLink);
  }

  /** Test helper: the prospect writes a DM (emits message.created like a synced inbound message). */
  receiveMessage(thread: Thread, content: string): Message {
    return this.#messages.receive(thread, content);
  }

  editMessage(thread: Thread, message: Message, content: string): string {
    return this.#messages.edit(thread, message, content);
  }

  deleteMessage(thread: Thread, message: Message, deleteForAll: boolean): string {
    return this.#messages.delete(thread, message, deleteForAll);
  }

  /** Adds the team's reaction; reacting twice with the same emoji is a no-op. */
  addReaction(thread: Thread, message: Message, emoji: string): void {
    this.#messages.addReaction(thread, message, emoji);
  }

  /** Removes the team's reaction; false when there was none. */
  removeReaction(thread: Thread, message: Message, emoji: string): boolean {
    return this.#messages.removeReaction(thread, message, emoji);
  }

  // ------------------------------------------------------------------ prospects

  /** Applies a context patch atomically: every referenced id is checked before anything changes. */
  updateProspectContext(prospect: ProspectWithContext, patch: ProspectContextPatch): void {
    this.#prospects.updateContext(prospect, patch);
  }

  // ------------------------------------------------------------------ tags and statuses

  /** The team's tags or statuses, as GET /tags or /statuses returns them. */
  labels<K extends LabelEntity>(kind: LabelKind<K>): Label<K>[] {
    return this.#labels.labels(kind);
  }

  /** `color: null` stores the kind's default (gray for tags, null for statuses). */
  createLabel<K extends LabelEntity>(kind: LabelKind<K>, name: string, color: string | null): Label<K> {
    return this.#labels.create(kind, name, color);
  }

  /** Changes the fields the patch gives (`color: null` stores the default); always emits `*.updated`. */
  updateLabel<K extends LabelEntity>(
    kind: LabelKind<K>,
    label: Label<K>,
    patch: { name?: string | undefined; color?: string | null | undefined },
  ): void {
    this.#labels.update(kind, label, patch);
  }

  /** Also takes the label off every prospect (no per-prospect events, like a bulk cleanup). */
  deleteLabel<K extends LabelEntity>(kind: LabelKind<K>, label: Label<K>): void {
    this.#labels.delete(kind, label, this.prospects);
  }

  // ------------------------------------------------------------------ events and clock

  /** Appends to the team's event log; `data` is snapshotted so later changes don't rewrite history. */
  emit(type: EventType, data: unknown, timestamp?: string): InboxEvent {
    return this.#events.emit(type, data, timestamp);
  }

  nowIso(): string {
    return this.clock.nowIso();
  }

  newId(): string {
    return this.random.cuid();
  }
}
