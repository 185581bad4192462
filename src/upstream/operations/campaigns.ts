import type { Session } from '../session.js';
import type {
  CampaignColumn,
  CampaignSequence,
  CampaignV2,
  MessageSegment,
  SequenceStepInput,
} from '../types.js';

/**
 * Campaigns: read with `GET /campaigns/{id}`, written through the `/campaigns/v2/...` sub-API, which is only
 * partly documented upstream. These operations take the facade's own shapes and build the REST bodies.
 */

/** One lead, named by exactly one key, with optional column values. */
export type CampaignLead = ({ platformId: string } | { username: string } | { externalId: string }) & {
  data?: Record<string, unknown>;
};

export interface CampaignLeads {
  platformIds?: string[];
  usernames?: string[];
  /** Inbox ids of prospects. */
  externalIds?: string[];
  leads?: CampaignLead[];
}

export type LeadIdentifierKind = 'platformId' | 'username' | 'externalId';

export interface CampaignRules {
  syncedListIds?: string[];
  excludedListIds?: string[];
  excludeContacted?: boolean;
  excludeMutuals?: boolean;
  /** Per synced list, which list column fills which campaign column. */
  columnMappings?: Array<{
    listId: string;
    columns: Array<{ sourceColumnId: string; campaignColumnId: string }>;
  }>;
  detachBehavior?: string;
}

export type SequenceSegment =
  | { text: string }
  | { variation: string[] }
  | { variable: { name: string; fallback?: string | null } };

export type SequenceStep =
  | { message: { segments: SequenceSegment[] } }
  | { delay: { delaySeconds: number; unit?: string | null } }
  | { likeTweet: Record<string, unknown> };

/** X is the only platform with leads; the API wants it named for X user ids and usernames. */
const PLATFORM = 'twitter' as const;

function segmentBody(segment: SequenceSegment): MessageSegment {
  if ('variation' in segment) return { type: 'variation', options: segment.variation };
  if ('variable' in segment) {
    const { name, fallback } = segment.variable;
    return { type: 'variable', name, ...(typeof fallback === 'string' && { fallback }) };
  }
  return { type: 'static', text: segment.text };
}

function stepBody(step: SequenceStep): SequenceStepInput {
  if ('message' in step)
    return { type: 'message', data: { segments: step.message.segments.map(segmentBody) } };
  if ('delay' in step) {
    const { delaySeconds, unit } = step.delay;
    return { type: 'delay', data: { delaySeconds, ...(unit && { unit }) } };
  }
  return { type: 'like-tweet', data: step.likeTweet };
}

export function campaignOperations(session: Session) {
  const { loaders } = session;
  return {
    byId: (campaignId: string) => loaders.campaign.load(campaignId),
    /** Starts or resumes; the answer is the campaign's v2 settings. */
    enable: (campaignId: string): Promise<CampaignV2> =>
      session.write((rest) =>
        rest.post('/campaigns/v2/{campaignId}/enable', { path: { campaignId }, body: {} }),
      ),
    addLeads: (campaignId: string, { platformIds, usernames, externalIds, leads }: CampaignLeads) =>
      session.write((rest) =>
        rest.post('/campaigns/v2/{campaignId}/leads', {
          path: { campaignId },
          body: {
            platformIds: platformIds?.length ? platformIds : undefined,
            usernames: usernames?.length ? usernames : undefined,
            externalIds: externalIds?.length ? externalIds : undefined,
            leads,
          },
        }),
      ),
    /** Moves one lead to the canceled stage; `true` unless the API says otherwise. */
    async cancelLead(campaignId: string, by: LeadIdentifierKind, identifier: string): Promise<boolean> {
      const result = await session.write((rest) =>
        rest.post('/campaigns/v2/{campaignId}/leads/{identifier}/cancel', {
          path: { campaignId, identifier },
          // The docs disagree whether `by` is a query or body parameter; the schema says body.
          body: { by, ...(by !== 'externalId' && { platform: PLATFORM }) },
        }),
      );
      return result.success !== false;
    },
    async updateRules(campaignId: string, { columnMappings, ...rules }: CampaignRules): Promise<boolean> {
      const body = {
        ...rules,
        ...(columnMappings && {
          columnMappings: Object.fromEntries(
            columnMappings.map(({ listId, columns }) => [
              listId,
              Object.fromEntries(columns.map((column) => [column.sourceColumnId, column.campaignColumnId])),
            ]),
          ),
        }),
      };
      const result = await session.write((rest) =>
        rest.patch('/campaigns/v2/{campaignId}/rules', { path: { campaignId }, body }),
      );
      return result.success !== false;
    },
    /** Replaces every step; the new steps get new ids. */
    replaceSequence: (campaignId: string, steps: SequenceStep[]): Promise<CampaignSequence> =>
      session.write((rest) =>
        rest.put('/campaigns/v2/{campaignId}/sequence', {
          path: { campaignId },
          body: { steps: steps.map(stepBody) },
        }),
      ),
    updateColumn: (
      campaignId: string,
      columnId: string,
      patch: { name?: string; description?: string | null },
    ): Promise<CampaignColumn> =>
      session.write((rest) =>
        rest.patch('/campaigns/v2/{campaignId}/columns/{columnId}', {
          path: { campaignId, columnId },
          body: patch,
        }),
      ),
  };
}
