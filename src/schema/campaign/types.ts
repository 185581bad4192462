import { UPSTREAM_COST } from '../../budget/cost-declarations.js';
import { nullIfNotFound } from '../../errors.js';
import { builder } from '../../graphql/builder.js';
import type { Campaign } from '../../upstream/types.js';
import { referencedInboxId } from '../entities.js';
import { AccountLinkObject, CampaignObject } from '../refs.js';

const CampaignStatusEnum = builder.enumType('CampaignStatus', {
  description: 'Lifecycle of a campaign.',
  values: {
    DRAFT: { value: 'draft', description: 'Not started.' },
    ACTIVE: { value: 'active', description: 'Sending.' },
    PAUSED: { value: 'paused', description: 'Paused.' },
    COMPLETED: { value: 'completed', description: 'Every target was handled.' },
  } as const,
});

const optionalJson = (description: string, pick: (campaign: Campaign) => unknown) =>
  ({
    type: 'JSON',
    nullable: true,
    description,
    resolve: (campaign: Campaign) => pick(campaign) ?? null,
  }) as const;

builder.node(CampaignObject, {
  description: 'An outreach campaign (sequences of DMs to targets). Read with `GET /campaigns/{id}`.',
  id: { resolve: (campaign) => campaign.id },
  loadOne: (id, context) => nullIfNotFound(context.inbox.campaigns.byId(id)),
  fields: (t) => ({
    inboxId: t.exposeID('id', { description: 'Raw Inbox id of the campaign.' }),
    name: t.exposeString('name', { description: 'Name of the campaign.' }),
    description: t.exposeString('description', { nullable: true, description: 'Description, if any.' }),
    status: t.exposeString('status', {
      description: 'Lifecycle as the API names it: `draft`, `active`, `paused` or `completed` (see `state`).',
    }),
    state: t.expose('status', { type: CampaignStatusEnum, description: 'The same lifecycle as an enum.' }),
    type: t.exposeString('type', { nullable: true, description: 'Campaign type, e.g. `sequence`.' }),
    dryRun: t.exposeBoolean('dryRun', {
      description: 'A rehearsal that sends nothing (always false in production).',
    }),
    targetsCount: t.exposeInt('targetsCount', { description: 'Targets in the campaign.' }),
    contactedCount: t.exposeInt('contactedCount', { description: 'Targets messaged so far.' }),
    repliesCount: t.exposeInt('repliesCount', { description: 'Targets who replied.' }),
    completionRate: t.exposeFloat('completionRate', { description: 'Share of targets handled, 0–1.' }),
    replyRate: t.exposeFloat('replyRate', { description: 'Share of contacted targets who replied, 0–1.' }),
    estimatedTargets: t.exposeInt('estimatedTargets', {
      nullable: true,
      description: 'Estimated target count.',
    }),
    hourlyMessageRate: t.exposeInt('hourlyMessageRate', {
      nullable: true,
      description: 'DMs per hour per account link (more than 20 is discouraged).',
    }),
    scheduleTimezone: t.exposeString('scheduleTimezone', {
      nullable: true,
      description: 'IANA time zone of the schedule.',
    }),
    scheduleHours: t.field(
      optionalJson('Sending hours per weekday (`"0"` = Sunday), minutes of day.', (c) => c.scheduleHours),
    ),
    isHydrating: t.exposeBoolean('isHydrating', {
      nullable: true,
      description: 'Targets are still being loaded.',
    }),
    isBuildingPlan: t.exposeBoolean('isBuildingPlan', {
      nullable: true,
      description: 'The send plan is being built.',
    }),
    steps: t.field(optionalJson('Sequence steps, as the API sends them.', (c) => c.steps)),
    lists: t.field(optionalJson('Lists feeding the campaign (`{listId, exclude}`).', (c) => c.lists)),
    automations: t.field(optionalJson('Automations, as the API sends them.', (c) => c.automations)),
    customVariables: t.field(
      optionalJson('Custom variables, as the API sends them.', (c) => c.customVariables),
    ),
    accountLinks: t.field({
      type: [AccountLinkObject],
      nullable: true,
      complexity: UPSTREAM_COST.collection('accountLinks'),
      description: 'Account links that send for this campaign (from the account-link collection).',
      resolve: (campaign, _args, context) => context.inbox.accountLinks.byIds(campaign.accountLinkIds ?? []),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true, description: 'Last change.' }),
    pausedAt: t.expose('pausedAt', { type: 'DateTime', nullable: true, description: 'When it was paused.' }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it completed.',
    }),
    lastStartedAt: t.expose('lastStartedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was last started.',
    }),
  }),
});

builder.asEntity(CampaignObject, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: async ({ id }: { id: string }, context) =>
    context.inbox.campaigns.byId(referencedInboxId({ id }, 'Campaign')),
});
