import type { Campaign, CampaignColumn, CampaignSequence, ImportJob } from '../contract.js';

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

/** The team's campaigns and lead lists (their endpoints' rules are in routes/campaigns.ts). */
export class TeamCampaigns {
  constructor(
    readonly campaigns: CampaignState[],
    readonly lists: ContactList[],
  ) {}

  campaign(id: string): CampaignState | undefined {
    return this.campaigns.find((state) => state.campaign.id === id);
  }

  list(id: string): ContactList | undefined {
    return this.lists.find((list) => list.id === id);
  }
}
