import type {
  AccountLink,
  Campaign,
  EventType,
  Member,
  Message,
  MessageHistory,
  ProspectWithContext,
  ScheduleHours,
  Status,
  Tag,
  Team,
  Thread,
} from './contract.js';
import { makeProfile, type Person } from './profiles.js';
import { Random } from './random.js';
import {
  COMPANIES,
  DAYS,
  EMOJIS,
  FIRST_NAMES,
  INBOUND_LINES,
  INBOUND_OPENERS,
  LAST_NAMES,
  NOTES,
  OUTBOUND_LINES,
  OUTBOUND_OPENERS,
  TIMES,
  TOPICS,
} from './seed-data.js';
import type { CampaignLead, CampaignState, ContactList } from './team/campaigns.js';
import { newMessage, versionOf } from './team/messages.js';
import { conversationId } from './team/threads.js';
import type { TeamSeed, TeamState } from './team-state.js';
import { DEMO_ALT_TOKEN, DEMO_TOKEN, SECOND_TEAM_TOKEN } from './tokens.js';

/** Fixed "now" of the seed: all seeded timestamps lie before it, so every start yields identical data. */
export const SEED_NOW_MS = Date.parse('2026-11-16T12:00:00.000Z');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const iso = (ms: number): string => new Date(ms).toISOString();

interface CampaignPlan {
  name: string;
  description: string | null;
  status: Campaign['status'];
  /** Share of the prospects on the campaign's account link whose thread the campaign opened. */
  share: number;
  scheduleTimezone: string;
  hourlyMessageRate: number;
  createdDaysAgo: number;
}

interface TeamPlan {
  randomSeed: number;
  /** token -> index in `members` of the member who created it */
  tokens: Record<string, number>;
  team: Omit<Team, 'id'>;
  members: Omit<Member, 'id' | 'userId'>[];
  accountLinks: Omit<AccountLink, 'id'>[];
  tags: [name: string, color: string][];
  statuses: [name: string, color: string | null][];
  prospectCount: number;
  sandboxProspects: number;
  /** Threads with more than 100 messages, so message paging has several pages. */
  bigThreads: number;
  campaigns: CampaignPlan[];
  lists: string[];
}

const WEEKDAY_HOURS: ScheduleHours = {
  '1': { start: 540, end: 1020 },
  '2': { start: 540, end: 1020 },
  '3': { start: 540, end: 1020 },
  '4': { start: 540, end: 1020 },
  '5': { start: 540, end: 960 },
};

const DEMO_TEAM: TeamPlan = {
  randomSeed: 20261116,
  tokens: { [DEMO_TOKEN]: 0, [DEMO_ALT_TOKEN]: 1 },
  team: {
    name: 'Acme Corp',
    slug: 'acme-corp',
    image: 'https://images.acme.example/brand/acme-avatar.png',
    createdAt: '2024-11-04T09:12:44.000Z',
    updatedAt: '2026-01-22T16:05:10.000Z',
    currency: 'USD',
    allowSupportAccess: false,
  },
  members: [
    member('Dana Whitfield', 'dana@acme.example', 'owner', '2024-11-04T09:12:44.000Z', true),
    member('Marcus Lee', 'marcus@acme.example', 'admin', '2024-12-02T14:30:00.000Z', false),
    member('Priya Nair', 'priya@acme.example', 'user', '2025-03-10T11:00:00.000Z', true),
    member('Jonas Berg', 'jonas@acme.example', 'user', '2025-08-21T08:15:00.000Z', false),
  ],
  accountLinks: [
    accountLink('Acme Corp', 'acmecorp', '1498765432109876543', 'active', '2024-11-04T09:30:00.000Z'),
    accountLink('Acme Support', 'acme_support', '1502233445566778899', 'offline', '2025-01-15T08:45:00.000Z'),
  ],
  tags: [
    ['Hot Lead', '#ef4444'],
    ['Enterprise', '#3b82f6'],
    ['Partner', '#22c55e'],
    ['Investor', '#a855f7'],
    ['Churn Risk', '#f97316'],
    ['Webinar', '#14b8a6'],
    ['Agency', '#6b7280'],
  ],
  statuses: [
    ['New Lead', '#f59e0b'],
    ['Contacted', '#3b82f6'],
    ['Qualified', '#10b981'],
    ['Demo Scheduled', '#14b8a6'],
    ['Closed Won', null],
    ['Closed Lost', '#6b7280'],
  ],
  prospectCount: 150,
  sandboxProspects: 2,
  bigThreads: 4,
  campaigns: [
    campaignPlan('Q4 founder outreach', null, 'active', 0.22, 'Europe/Berlin', 8, 60),
    campaignPlan(
      'Partner program invites',
      'Agencies from the partner list',
      'paused',
      0.08,
      'America/New_York',
      6,
      120,
    ),
    campaignPlan(
      'Holiday re-engagement',
      'Win back quiet trials before the holidays',
      'draft',
      0,
      'UTC',
      10,
      5,
    ),
  ],
  lists: ['Agency partners', 'Webinar attendees'],
};

const SECOND_TEAM: TeamPlan = {
  randomSeed: 977,
  tokens: { [SECOND_TEAM_TOKEN]: 0 },
  team: {
    name: 'Umbra Robotics',
    slug: 'umbra-robotics',
    image: null,
    createdAt: '2025-05-19T07:40:00.000Z',
    updatedAt: null,
    currency: 'EUR',
    allowSupportAccess: true,
  },
  members: [
    member('Kenji Sato', 'kenji@umbra.example', 'owner', '2025-05-19T07:40:00.000Z', true),
    member('Lucia Ferraro', 'lucia@umbra.example', 'admin', '2025-06-02T10:00:00.000Z', false),
    member('Omar Haddad', 'omar@umbra.example', 'user', '2025-09-12T13:20:00.000Z', true),
  ],
  accountLinks: [
    accountLink(
      'Umbra Robotics',
      'umbrarobotics',
      '1620000000000004242',
      'active',
      '2025-05-19T08:00:00.000Z',
    ),
  ],
  tags: [
    ['Pilot', '#f59e0b'],
    ['Distributor', '#3b82f6'],
    ['Press', '#a855f7'],
  ],
  statuses: [
    ['Inbound', '#14b8a6'],
    ['Negotiation', '#f97316'],
    ['Signed', '#22c55e'],
  ],
  prospectCount: 30,
  sandboxProspects: 0,
  bigThreads: 1,
  campaigns: [campaignPlan('Warehouse pilot outreach', null, 'active', 0.2, 'Europe/Rome', 5, 45)],
  lists: ['Trade show leads'],
};

function member(
  name: string,
  email: string,
  role: Member['role'],
  createdAt: string,
  hasImage: boolean,
): Omit<Member, 'id' | 'userId'> {
  const image = hasImage ? `https://images.example/people/${email.split('@')[0]}.jpg` : null;
  return { name, email, image, role, createdAt, updatedAt: null };
}

function accountLink(
  name: string,
  username: string,
  platformId: string,
  status: AccountLink['status'],
  createdAt: string,
): Omit<AccountLink, 'id'> {
  return {
    platform: 'twitter',
    platformId,
    name,
    username,
    image: `https://pbs.twimg.com/profile_images/${platformId}/${username}_400x400.jpg`,
    createdAt,
    status,
    syncedAt: iso(Date.parse(createdAt) + 32 * MINUTE),
  };
}

function campaignPlan(
  name: string,
  description: string | null,
  status: Campaign['status'],
  share: number,
  scheduleTimezone: string,
  hourlyMessageRate: number,
  createdDaysAgo: number,
): CampaignPlan {
  return { name, description, status, share, scheduleTimezone, hourlyMessageRate, createdDaysAgo };
}

/** Unique people for all teams, so no X user (and no id) is shared between teams. */
function makePeople(rand: Random, count: number): Person[] {
  const people: Person[] = [];
  const usernames = new Set<string>();
  const platformIds = new Set<string>();
  const patterns = [
    (f: string, l: string) => `${f}${l}`,
    (f: string) => `${f}builds`,
    (f: string, l: string) => `${f}_${l}`,
    (f: string, l: string) => `${f.charAt(0)}${l}`,
    (f: string) => `dev${f}`,
    (f: string, l: string) => `${f}${l}hq`,
    (f: string) => `the${f}`,
    (f: string) => `${f}codes`,
  ];
  const combos = rand.sample(
    FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => [first, last] as const)),
    count,
  );
  for (const [first, last] of combos) {
    let username = '';
    for (let attempt = 0; username === '' || usernames.has(username.toLowerCase()); attempt++) {
      const base = rand.pick(patterns)(first.toLowerCase(), last.toLowerCase()).slice(0, 13);
      username = attempt < 3 ? base : `${base}${attempt}`;
      if (rand.chance(0.3)) username = username.charAt(0).toUpperCase() + username.slice(1);
    }
    let platformId = '';
    while (platformId === '' || platformIds.has(platformId)) {
      // Old accounts have short ids; their numeric order matters for Thread.platformId.
      platformId = rand.chance(0.3) ? rand.digits(rand.int(8, 10)) : `1${rand.digits(18)}`;
    }
    usernames.add(username.toLowerCase());
    platformIds.add(platformId);
    people.push({ platformId, displayName: `${first} ${last}`, username });
  }
  return people;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

function messageCount(rand: Random, big: boolean): number {
  if (big) return rand.int(101, 130);
  const roll = rand.next();
  if (roll < 0.3) return rand.int(1, 4);
  if (roll < 0.75) return rand.int(5, 20);
  if (roll < 0.95) return rand.int(21, 60);
  return rand.int(61, 99);
}

/** Strictly increasing message times ending at `end`, with bursty gaps like real DMs. */
function messageTimes(rand: Random, count: number, end: number): number[] {
  const gaps = Array.from({ length: count - 1 }, () =>
    rand.chance(0.7) ? rand.int(1, 40) * MINUTE : rand.int(2, 72) * HOUR,
  );
  const times = [end];
  for (let i = gaps.length - 1; i >= 0; i--) {
    times.unshift((times[0] as number) - (gaps[i] as number) - rand.int(0, 59_999));
  }
  return times;
}

class TeamBuilder {
  private readonly rand: Random;
  private readonly team: Team;
  private readonly members: Member[];
  private readonly accountLinks: AccountLink[];
  private readonly tags: Tag[];
  private readonly statuses: Status[];
  private readonly prospects: ProspectWithContext[] = [];
  private readonly threads: Thread[] = [];
  private readonly messages = new Map<string, Message[]>();
  private readonly histories = new Map<string, MessageHistory>();
  private readonly campaignIds: string[];
  private readonly leadsByCampaign: Map<string, CampaignLead>[];
  private snowflakeSequence = 0n;

  constructor(
    private readonly plan: TeamPlan,
    private readonly people: Person[],
  ) {
    const rand = new Random(plan.randomSeed);
    this.rand = rand;
    this.team = { id: rand.cuid(), ...plan.team };
    this.members = plan.members.map((m) => ({ id: rand.cuid(), userId: rand.cuid(), ...m }));
    this.accountLinks = plan.accountLinks.map((link) => ({ id: rand.cuid(), ...link }));
    this.tags = plan.tags.map(([name, color]) => ({ id: rand.cuid(), name, color }));
    this.statuses = plan.statuses.map(([name, color], index) => ({
      id: rand.cuid(),
      name,
      color,
      createdAt: iso(Date.parse(plan.team.createdAt) + DAY + index * MINUTE),
    }));
    this.campaignIds = plan.campaigns.map(() => rand.cuid());
    this.leadsByCampaign = plan.campaigns.map(() => new Map());
  }

  build(): TeamSeed {
    const { plan, rand } = this;
    let bigLeft = plan.bigThreads;
    this.people.forEach((person, index) => {
      const sandbox = index >= plan.prospectCount;
      const prospect = this.prospect(person, sandbox);
      const roll = rand.next();
      const linkIndexes =
        this.accountLinks.length === 1 || sandbox ? [0] : roll < 0.62 ? [0] : roll < 0.85 ? [1] : [0, 1];
      for (const linkIndex of linkIndexes) {
        const big = bigLeft > 0 && !sandbox && index % 17 === 3;
        if (big) bigLeft--;
        this.thread(prospect, linkIndex, big, sandbox);
      }
    });
    const lists = this.lists();
    return {
      tokens: Object.fromEntries(
        Object.entries(plan.tokens).map(([token, index]) => [token, (this.members[index] as Member).id]),
      ),
      team: this.team,
      members: this.members,
      accountLinks: this.accountLinks,
      tags: this.tags,
      statuses: this.statuses,
      prospects: this.prospects,
      threads: this.threads,
      messages: this.messages,
      histories: this.histories,
      campaigns: this.campaigns(lists),
      lists,
    };
  }

  private prospect(person: Person, sandbox: boolean): ProspectWithContext {
    const { rand } = this;
    const profile = makeProfile(person, SEED_NOW_MS);
    const prospect: ProspectWithContext = {
      ...profile,
      platform: sandbox ? 'sandbox' : 'twitter',
      externalId: rand.cuid(),
      context: {
        tags: rand.chance(0.45) ? [] : rand.sample(this.tags, rand.int(1, 3)).map((tag) => tag.id),
        statusId: rand.chance(0.6) ? rand.pick(this.statuses).id : null,
        valuation: rand.chance(0.4) ? rand.int(1, 120) * 500 : null,
        notes: rand.chance(0.3) ? rand.pick(NOTES) : null,
      },
    };
    this.prospects.push(prospect);
    return prospect;
  }

  private thread(prospect: ProspectWithContext, linkIndex: number, big: boolean, sandbox: boolean): void {
    const { rand } = this;
    const link = this.accountLinks[linkIndex] as AccountLink;
    const campaignIndex = this.plan.campaigns.findIndex(
      (c) => linkIndex === 0 && !big && !sandbox && rand.chance(c.share),
    );
    const isRequest = !big && campaignIndex < 0 && !sandbox && rand.chance(0.07);
    const count = isRequest ? rand.int(1, 3) : messageCount(rand, big);
    const end =
      SEED_NOW_MS - Math.floor(rand.next() ** 2 * (big ? 5 : 150) * DAY) - rand.int(0, 600) * MINUTE;
    const times = messageTimes(rand, count, end);
    const variant = !sandbox && rand.chance(0.55) ? 'xChat' : 'unencrypted';
    const assignee = rand.chance(0.5) ? rand.pick(this.members) : null;
    const thread: Thread = {
      id: rand.cuid(),
      platform: prospect.platform,
      platformId: conversationId(link.platformId, prospect.platformId),
      done: !isRequest && !big && rand.chance(0.25),
      assigneeId: assignee?.id ?? null,
      lastMessageTimestamp: null,
      computedSortTimestamp: null,
      createdAt: iso((times[0] as number) - rand.int(0, 5) * MINUTE - rand.int(0, 59_999)),
      status: !big && rand.chance(0.04) ? 'idle' : 'active',
      variant,
      accountLinkId: link.id,
      isSyncing: rand.chance(0.01),
      isRequest,
      typingIndicatorsEnabled: variant === 'xChat' && rand.chance(0.2) ? rand.chance(0.5) : null,
      lastMessage: null,
      prospect,
    };
    this.threads.push(thread);
    if (!prospect.firstSeenAt || thread.createdAt < prospect.firstSeenAt) {
      prospect.firstSeenAt = thread.createdAt;
    }
    if (campaignIndex >= 0) this.addLead(campaignIndex, prospect, 'contacted');

    const company = /@ ([^.]+)\./.exec(prospect.bio ?? '')?.[1] ?? rand.pick(COMPANIES);
    const values = {
      first: prospect.displayName.split(' ')[0] ?? prospect.displayName,
      company,
      domain: prospect.websiteDomain ?? 'mail.example',
      team: this.team.name,
    };
    const campaignId = this.campaignIds[campaignIndex] ?? null;
    let teamSpeaks = campaignId !== null || (!isRequest && rand.chance(0.5));
    let openingRun = true;
    const messages = times.map((time, index) => {
      if (index > 0 && !isRequest && rand.chance(0.55)) {
        teamSpeaks = !teamSpeaks;
        openingRun = false;
      }
      const pool =
        index === 0
          ? teamSpeaks
            ? OUTBOUND_OPENERS
            : INBOUND_OPENERS
          : teamSpeaks
            ? OUTBOUND_LINES
            : INBOUND_LINES;
      const line = rand.pick(pool);
      const content = fill(line, {
        ...values,
        topic: rand.pick(TOPICS),
        day: rand.pick(DAYS),
        time: rand.pick(TIMES),
      });
      return this.message(thread, time, content, teamSpeaks, openingRun ? campaignId : null, assignee);
    });
    if (campaignIndex >= 0 && messages.some((m) => m.authorId !== link.id)) {
      this.addLead(campaignIndex, prospect, 'replied');
    }
    this.messages.set(thread.id, messages);
  }

  private message(
    thread: Thread,
    time: number,
    content: string,
    fromTeam: boolean,
    campaignId: string | null,
    assignee: Member | null,
  ): Message {
    const { rand } = this;
    const sender = assignee ?? rand.pick(this.members);
    const roll = rand.next();
    const origin = !fromTeam
      ? 'external'
      : campaignId
        ? 'internal'
        : roll < 0.55
          ? 'internal'
          : roll < 0.8
            ? 'external'
            : 'api';
    this.snowflakeSequence = (this.snowflakeSequence + 1n) % 4096n;
    const message = newMessage(thread, {
      id: rand.cuid(),
      teamId: this.team.id,
      timeMs: time,
      sequence: this.snowflakeSequence,
      content,
      // Only messages sent from Inbox by a person carry a user id (not campaign sends, not X-typed DMs).
      userId: fromTeam && !campaignId && origin !== 'external' ? sender.userId : null,
      authorId: fromTeam ? thread.accountLinkId : (thread.prospect.externalId as string),
      origin,
      campaignId,
      replyData: null,
    });
    if (rand.chance(0.05)) {
      const link = this.accountLinks.find((l) => l.id === thread.accountLinkId) as AccountLink;
      message.reactions.push({
        emoji: rand.pick(EMOJIS),
        senderPlatformId: fromTeam ? thread.prospect.platformId : link.platformId,
        createdAt: iso(time + rand.int(1, 90) * MINUTE),
      });
    }
    if (fromTeam && thread.variant === 'xChat') this.maybeEditOrDelete(message, time);
    return message;
  }

  /** A few X Chat messages were edited or unsent, so history and deletion fields have real data. */
  private maybeEditOrDelete(message: Message, time: number): void {
    const { rand } = this;
    if (rand.chance(0.04)) {
      const original = versionOf(message);
      // The edit fixed a typo: the original misses the last letter of the first long word.
      original.content = message.content.replace(/\b(\w{5,})\b/, (word) => word.slice(0, -1));
      message.isEdited = true;
      message.updatedAt = iso(time + rand.int(1, 10) * MINUTE);
      this.histories.set(message.id, {
        versions: [original, { ...versionOf(message), createdAt: message.updatedAt, editOrigin: 'internal' }],
        deletion: null,
      });
    } else if (rand.chance(0.015)) {
      message.deletedAt = iso(time + rand.int(1, 10) * MINUTE);
      message.platformDeletedAt = message.deletedAt;
      const link = this.accountLinks.find((l) => l.id === message.authorId);
      this.histories.set(message.id, {
        versions: [versionOf(message)],
        deletion: {
          deletedAt: message.deletedAt,
          deletionType: 'all',
          deletionAuthorPlatformId: link?.platformId ?? null,
          origin: 'internal',
        },
      });
    }
  }

  private addLead(campaignIndex: number, prospect: ProspectWithContext, stage: CampaignLead['stage']): void {
    this.leadsByCampaign[campaignIndex]?.set(prospect.platformId, {
      platformId: prospect.platformId,
      username: prospect.username,
      externalId: prospect.externalId,
      stage,
      data: {},
    });
  }

  private lists(): ContactList[] {
    const { rand } = this;
    return this.plan.lists.map((name, index) => {
      const createdAt = iso(SEED_NOW_MS - rand.int(20, 200) * DAY);
      const platformIds = [
        ...rand.sample(this.prospects, 12).map((p) => p.platformId),
        ...Array.from({ length: 8 }, () => `1${rand.digits(18)}`),
      ];
      return {
        id: rand.cuid(),
        name,
        createdAt,
        leads: new Map(
          platformIds.map((platformId) => [platformId, { platformId, data: {}, addedAt: createdAt }]),
        ),
        importJobs:
          index === 0
            ? [
                {
                  id: rand.cuid(),
                  type: 'csv',
                  status: 'completed',
                  totalCount: 20,
                  processedCount: 20,
                  addedCount: 18,
                  skippedCount: 1,
                  failedCount: 1,
                  error: null,
                  createdAt,
                  updatedAt: iso(Date.parse(createdAt) + 3 * MINUTE),
                  completedAt: iso(Date.parse(createdAt) + 3 * MINUTE),
                },
              ]
            : [],
      };
    });
  }

  private campaigns(lists: ContactList[]): CampaignState[] {
    const { rand } = this;
    const firstList = lists[0];
    return this.plan.campaigns.map((plan, index) => {
      const leads = this.leadsByCampaign[index] ?? new Map<string, CampaignLead>();
      for (let i = 0; i < (plan.status === 'draft' ? 15 : 25); i++) {
        const platformId = `1${rand.digits(18)}`;
        leads.set(platformId, { platformId, username: null, externalId: null, stage: 'pending', data: {} });
      }
      const contacted = [...leads.values()].filter((lead) => lead.stage !== 'pending').length;
      const replied = [...leads.values()].filter((lead) => lead.stage === 'replied').length;
      const createdMs = SEED_NOW_MS - plan.createdDaysAgo * DAY;
      const startedAt = plan.status === 'draft' ? null : iso(createdMs + DAY);
      const version = rand.int(1, 3);
      const steps = [
        {
          type: 'message',
          data: {
            segments: [
              { type: 'variation', options: ['Hey', 'Hi'] },
              { type: 'static', text: ' ' },
              { type: 'variable', name: 'first-name', fallback: 'there' },
              { type: 'static', text: `, quick one about ${plan.name.toLowerCase()}. Worth a chat?` },
            ],
          },
        },
        { type: 'delay', data: { delaySeconds: 2 * 86_400, unit: 'days' } },
        {
          type: 'message',
          data: { segments: [{ type: 'static', text: 'Bumping this in case it got buried!' }] },
        },
      ].map((step, rank) => ({ id: rand.cuid(), rank: rank + 1, ...step }));
      const campaign: Campaign = {
        id: this.campaignIds[index] as string,
        name: plan.name,
        description: plan.description,
        status: plan.status,
        dryRun: false,
        targetsCount: leads.size,
        contactedCount: contacted,
        repliesCount: replied,
        completionRate: leads.size ? Math.round((contacted / leads.size) * 100) / 100 : 0,
        replyRate: contacted ? Math.round((replied / contacted) * 100) / 100 : 0,
        createdAt: iso(createdMs),
        updatedAt: iso(createdMs + 2 * DAY),
        pausedAt: plan.status === 'paused' ? iso(SEED_NOW_MS - 9 * DAY) : null,
        completedAt: null,
        lastStartedAt: startedAt,
        type: 'sequence',
        hourlyMessageRate: plan.hourlyMessageRate,
        scheduleTimezone: plan.scheduleTimezone,
        scheduleHours: WEEKDAY_HOURS,
        estimatedTargets: leads.size,
        isHydrating: false,
        isBuildingPlan: false,
        steps: steps.map((step) => ({ ...step, campaignVersion: version })),
        lists: firstList ? [{ listId: firstList.id, exclude: false }] : [],
        accountLinkIds: [(this.accountLinks[0] as AccountLink).id],
        automations: [
          {
            id: rand.cuid(),
            trigger: 'reply',
            action: 'setStatus',
            actionData: { statusId: (this.statuses[0] as Status).id },
            enabled: true,
          },
        ],
        customVariables: { 'company-name': { displayName: 'Company name', description: null } },
      };
      const columnTime = iso(createdMs + 5 * MINUTE);
      return {
        campaign,
        rules: {
          syncedLists: firstList
            ? [{ listId: firstList.id, listName: firstList.name, columnMapping: {} }]
            : [],
          excludedLists: [],
          excludeContacted: true,
          excludeMutuals: index === 0,
          detachBehavior: 'unlink',
        },
        sequence: { version, steps: steps.map(({ id, rank, data }) => ({ id, rank, data })) },
        columns: ['Role', 'Company'].map((name) => ({
          id: `custom_${rand.cuid()}`,
          name,
          type: 'text',
          createdAt: columnTime,
          updatedAt: null,
          description: null,
        })),
        leads,
      };
    });
  }
}

/** Both teams, generated from fixed seeds: identical on every start, no id or X user shared. */
export function seedTeams(): TeamSeed[] {
  const plans = [DEMO_TEAM, SECOND_TEAM];
  const people = makePeople(
    new Random(4242),
    plans.reduce((sum, plan) => sum + plan.prospectCount + plan.sandboxProspects, 0),
  );
  let offset = 0;
  return plans.map((plan) => {
    const count = plan.prospectCount + plan.sandboxProspects;
    const slice = people.slice(offset, offset + count);
    offset += count;
    return new TeamBuilder(plan, slice).build();
  });
}

/** A short, believable event history (the log a facade replays from `afterSeq` 0). */
export function seedEvents(team: TeamState): void {
  const stamp = (hoursAgo: number): string => iso(SEED_NOW_MS - hoursAgo * HOUR);
  const entries: [EventType, unknown, string][] = [];
  const newestTag = team.tags.at(-1);
  if (newestTag) entries.push(['tag.created', { tag: newestTag }, stamp(30)]);
  const active = team.campaigns.find((state) => state.campaign.status === 'active');
  if (active) entries.push(['campaign.started', { campaign: active.campaign }, stamp(26)]);
  const tagged = team.prospects.find((prospect) => prospect.context.tags.length > 0);
  if (tagged) entries.push(['prospect.tagsChanged', { prospect: tagged }, stamp(20)]);
  const assigned = team.threads.find((thread) => thread.assigneeId !== null);
  if (assigned) entries.push(['thread.assigned', { thread: assigned }, stamp(8)]);
  const recent = team.threadsAscending.at(-1);
  const last = recent && team.messagesByThread.get(recent.id)?.at(-1);
  if (recent && last) entries.push(['message.created', { message: last, thread: recent }, last.createdAt]);
  entries.sort((a, b) => (a[2] < b[2] ? -1 : 1));
  for (const [type, data, timestamp] of entries) team.emit(type, data, timestamp);
}
