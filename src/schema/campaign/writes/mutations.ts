import { builder } from '../../../graphql/builder.js';
import { atMostOnce } from '../../../writes/client-mutation-id.js';
import {
  AddCampaignLeadsInput,
  CampaignRefInput,
  CancelCampaignLeadInput,
  ReplaceCampaignSequenceInput,
  UpdateCampaignColumnInput,
  UpdateCampaignRulesInput,
} from './inputs.js';
import {
  AddCampaignLeadsPayload,
  CampaignColumnPayload,
  CampaignPayload,
  CampaignSequencePayload,
  EnableCampaignPayload,
} from './types.js';

const PARTLY_DOCUMENTED = 'Partly documented upstream.';

builder.mutationFields((t) => ({
  enableCampaign: t.field({
    type: EnableCampaignPayload,
    nullable: true,
    description:
      'Starts (or resumes) a campaign (`POST /campaigns/v2/{id}/enable`). A campaign without steps or ' +
      `account links, or a completed one, is refused by the Inbox API (BAD_USER_INPUT). ${PARTLY_DOCUMENTED}`,
    args: { input: t.arg({ type: CampaignRefInput, required: true, description: 'The campaign.' }) },
    resolve: async (_root, { input: { campaignId } }, context) => ({
      campaignId,
      settings: await context.inbox.campaigns.enable(campaignId),
    }),
  }),
  addCampaignLeads: t.field({
    type: AddCampaignLeadsPayload,
    nullable: true,
    description:
      'Adds leads to a campaign (`POST /campaigns/v2/{id}/leads`); people already in it are skipped. ' +
      PARTLY_DOCUMENTED,
    args: { input: t.arg({ type: AddCampaignLeadsInput, required: true, description: 'The leads.' }) },
    resolve: async (_root, { input }, context) => ({
      campaignId: input.campaignId,
      ...(await atMostOnce(context, 'addCampaignLeads', input, () =>
        context.inbox.campaigns.addLeads(input.campaignId, input.leads),
      )),
      clientMutationId: input.clientMutationId,
    }),
  }),
  cancelCampaignLead: t.field({
    type: CampaignPayload,
    nullable: true,
    description:
      'Cancels one lead of a campaign (`POST /campaigns/v2/{id}/leads/{identifier}/cancel`): it moves to ' +
      `the canceled stage. ${PARTLY_DOCUMENTED}`,
    args: { input: t.arg({ type: CancelCampaignLeadInput, required: true, description: 'The lead.' }) },
    resolve: async (_root, { input: { campaignId, by, identifier } }, context) => ({
      campaignId,
      success: await context.inbox.campaigns.cancelLead(campaignId, by, identifier),
    }),
  }),
  updateCampaignRules: t.field({
    type: CampaignPayload,
    nullable: true,
    description: `Changes which leads a campaign takes in (\`PATCH /campaigns/v2/{id}/rules\`). ${PARTLY_DOCUMENTED}`,
    args: { input: t.arg({ type: UpdateCampaignRulesInput, required: true, description: 'The rules.' }) },
    resolve: async (_root, { input: { campaignId, ...rules } }, context) => ({
      campaignId,
      success: await context.inbox.campaigns.updateRules(campaignId, rules),
    }),
  }),
  replaceCampaignSequence: t.field({
    type: CampaignSequencePayload,
    nullable: true,
    description:
      'Replaces every step of a campaign (`PUT /campaigns/v2/{id}/sequence`); the steps get new ids. ' +
      PARTLY_DOCUMENTED,
    args: {
      input: t.arg({ type: ReplaceCampaignSequenceInput, required: true, description: 'The steps.' }),
    },
    resolve: async (_root, { input: { campaignId, steps } }, context) => ({
      campaignId,
      sequence: await context.inbox.campaigns.replaceSequence(campaignId, steps),
    }),
  }),
  updateCampaignColumn: t.field({
    type: CampaignColumnPayload,
    nullable: true,
    description:
      'Renames or re-describes a lead column of a campaign (`PATCH /campaigns/v2/{id}/columns/{columnId}`). ' +
      PARTLY_DOCUMENTED,
    args: {
      input: t.arg({ type: UpdateCampaignColumnInput, required: true, description: 'The change.' }),
    },
    resolve: async (_root, { input: { campaignId, columnId, ...patch } }, context) => ({
      column: await context.inbox.campaigns.updateColumn(campaignId, columnId, patch),
    }),
  }),
}));
