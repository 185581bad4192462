import { Clock } from './clock.js';
import type { AccountLink, Member, Message, ProspectWithContext, Status, Tag, Thread } from './contract.js';
import { ApiError, forbidden } from './errors.js';
import { Random } from './random.js';
import { SEED_NOW_MS, seedEvents, seedTeams } from './seed.js';
import type { CampaignState, ContactList } from './team/campaigns.js';
import { TeamState } from './team-state.js';

interface EntityByKind {
  thread: Thread;
  message: Message;
  prospect: ProspectWithContext;
  tag: Tag;
  status: Status;
  member: Member;
  accountLink: AccountLink;
  campaign: CampaignState;
  list: ContactList;
}

export type EntityKind = keyof EntityByKind;

const finders: { [K in EntityKind]: (team: TeamState, id: string) => EntityByKind[K] | undefined } = {
  thread: (team, id) => team.thread(id),
  message: (team, id) => team.message(id),
  prospect: (team, id) => team.prospect(id),
  tag: (team, id) => team.tag(id),
  status: (team, id) => team.status(id),
  member: (team, id) => team.member(id),
  accountLink: (team, id) => team.accountLink(id),
  campaign: (team, id) => team.campaign(id),
  list: (team, id) => team.list(id),
};

const labels: Record<EntityKind, string> = {
  thread: 'Thread',
  message: 'Message',
  prospect: 'Prospect',
  tag: 'Tag',
  status: 'Status',
  member: 'Member',
  accountLink: 'Account link',
  campaign: 'Campaign',
  list: 'List',
};

const codeOf = (kind: EntityKind): string =>
  `${kind.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_NOT_FOUND`;

export function notFound(kind: EntityKind, id: string): ApiError {
  // The docs' only PROSPECT_NOT_FOUND example carries no id in its message.
  const message = kind === 'prospect' ? 'Prospect not found' : `${labels[kind]} with ID '${id}' not found`;
  return new ApiError(404, codeOf(kind), message);
}

/**
 * In-memory state of every simulated team (see TeamState for what each collection holds).
 * `teamByToken(DEMO_TOKEN)` is the demo team "Acme Corp"; `teamByToken(SECOND_TEAM_TOKEN)` the isolated
 * second team. Ids are unique across teams, which is what lets the API tell 403 from 404.
 */
export class SimulatorStore {
  readonly teams: readonly TeamState[];

  constructor() {
    const clock = new Clock(SEED_NOW_MS);
    this.teams = seedTeams().map((seed, index) => {
      const team = new TeamState(seed, clock, new Random(0x5eed + index));
      seedEvents(team);
      return team;
    });
  }

  teamByToken(token: string): TeamState | undefined {
    return this.teams.find((team) => team.tokens.has(token));
  }

  teamById(teamId: string): TeamState | undefined {
    return this.teams.find((team) => team.team.id === teamId);
  }

  /** The entity of `team`; 403 when another team owns that id, 404 when nobody does. */
  owned<K extends EntityKind>(team: TeamState, kind: K, id: string): EntityByKind[K] {
    const find = finders[kind];
    const entity = find(team, id);
    if (entity !== undefined) return entity;
    if (this.teams.some((other) => other !== team && find(other, id) !== undefined)) throw forbidden();
    throw notFound(kind, id);
  }
}
