import { describe, expect, it } from 'vitest';
import type { CampaignState, ContactList } from '../../../simulator/src/index.js';
import {
  AddCampaignLeadsDocument,
  AddListLeadsDocument,
  CancelCampaignLeadDocument,
  CreateListImportJobDocument,
  EnableCampaignDocument,
  EnableCampaignSettingsOnlyDocument,
  RemoveListLeadsDocument,
  ReplaceCampaignSequenceDocument,
  UpdateCampaignColumnDocument,
  UpdateCampaignRulesDocument,
  UpdateListLeadDocument,
} from '../../generated/graphql.js';
import { useHarness } from '../../support/harness.js';
import {
  demoTeam,
  expectRefused,
  expectUpstreamError,
  globalId,
  mutate,
  writesOf,
} from '../../support/mutations.js';

const harness = useHarness();

const list = (index: number): ContactList => {
  const found = demoTeam(harness).lists[index];
  if (!found) throw new Error('the seed has too few lists');
  return found;
};
/** The seed's campaigns, in seed order: active, paused, draft (tests change their status). */
const campaign = (index: 0 | 1 | 2): CampaignState => {
  const found = demoTeam(harness).campaigns[index];
  if (!found) throw new Error('the seed has too few campaigns');
  return found;
};
const ACTIVE = 0;
const PAUSED = 1;
const DRAFT = 2;
const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzz';
const manyIds = (count: number) =>
  Array.from({ length: count }, (_, index) => `1${String(index).padStart(18, '0')}`);

describe('addListLeads and removeListLeads', () => {
  const ADD = AddListLeadsDocument;
  const REMOVE = RemoveListLeadsDocument;

  it('adds new X users, skips members, then removes them', async () => {
    const target = list(0);
    const present = [...target.leads.keys()][0] as string;
    const fresh = ['1800000000000000001', '1800000000000000002'];
    const added = await mutate(harness, ADD, {
      input: { listId: target.id, platformIds: [...fresh, present] },
    });
    expect(added).toEqual({ addListLeads: { added: fresh, skipped: [present], failed: [] } });
    expect(fresh.every((id) => target.leads.has(id))).toBe(true);
    const removed = await mutate(harness, REMOVE, {
      input: { listId: target.id, platformIds: [...fresh, '1800000000000000003'] },
    });
    expect(removed).toEqual({ removeListLeads: { removed: 2 } });
    expect(fresh.some((id) => target.leads.has(id))).toBe(false);
  });

  it.each([
    ['addListLeads', ADD, { listId: 'abc', platformIds: [] }, 'input.platformIds'],
    ['addListLeads', ADD, { listId: 'abc', platformIds: manyIds(2001) }, 'input.platformIds'],
    ['removeListLeads', REMOVE, { listId: 'abc', platformIds: ['123', '@someone'] }, 'input.platformIds[1]'],
    ['removeListLeads', REMOVE, { listId: 'List 1', platformIds: ['123'] }, 'input.listId'],
  ])('refuses a bad input before any upstream write (%#: %s)', async (_name, query, input, field) => {
    await expectRefused(harness, query, { input }, field);
  });

  it('accepts the maximum of 2000 ids', async () => {
    const data = await mutate(harness, ADD, {
      input: { listId: list(1).id, platformIds: manyIds(2000) },
    });
    expect(data.addListLeads.added).toHaveLength(2000);
  });
});

describe('updateListLead', () => {
  const UPDATE = UpdateListLeadDocument;

  it('sets column values; the lead is shown as the team’s prospect', async () => {
    const team = demoTeam(harness);
    const target = list(0);
    const platformId = [...target.leads.keys()].find((id) => team.prospectByPlatform(id)) as string;
    const data = await mutate(harness, UPDATE, {
      input: { listId: target.id, platformId, data: { custom_role: 'CTO' } },
    });
    expect(target.leads.get(platformId)?.data).toMatchObject({ custom_role: 'CTO' });
    expect(data.updateListLead).toMatchObject({
      platformId,
      prospect: { id: globalId('Prospect', `twitter:${platformId}`), platformId },
    });
    // `lead` is the REST lead as JSON, with the prospect embedded.
    expect(data.updateListLead.lead).toMatchObject({ prospect: { platformId } });
  });

  it.each([
    [{ listId: 'abc', platformId: '1', data: ['not', 'an', 'object'] }, 'input.data'],
    [{ listId: 'abc', platformId: '1', data: 'CTO' }, 'input.data'],
    [{ listId: 'abc', platformId: 'someone', data: {} }, 'input.platformId'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, UPDATE, { input }, field);
  });

  it('a lead that is not in the list is NOT_FOUND', async () => {
    const { body } = await harness.graphql(UPDATE, {
      variables: { input: { listId: list(0).id, platformId: '1899999999999999999', data: { a: 1 } } },
    });
    const error = expectUpstreamError(body, 'NOT_FOUND', 404, 'PATCH');
    expect(error?.extensions?.upstream).toMatchObject({ code: 'LEAD_NOT_FOUND' });
  });
});

describe('createListImportJob', () => {
  const IMPORT = CreateListImportJobDocument;

  it('queues a CSV import', async () => {
    const target = list(1);
    const data = await mutate(harness, IMPORT, {
      input: {
        listId: target.id,
        type: 'csv',
        csv: {
          content: 'username,role\nalice,CTO\nbob,CEO\n',
          fileName: 'leads.csv',
          columnMapping: [{ csvHeader: 'role', targetColumnId: 'custom_role' }],
          mergeStrategy: 'overwrite',
        },
      },
    });
    const job = target.importJobs.at(-1);
    expect(data.createListImportJob.importJob).toEqual({
      inboxId: job?.id,
      type: 'csv',
      status: 'QUEUED',
      totalCount: 2,
      processedCount: 0,
      error: null,
      createdAt: job?.createdAt,
    });
  });

  it('passes other importers’ settings through `options`', async () => {
    const target = list(1);
    const data = await mutate(harness, IMPORT, {
      input: { listId: target.id, type: 'followers', options: { accountLinkId: 'abc', limit: 500 } },
    });
    expect(data.createListImportJob.importJob).toMatchObject({ type: 'followers', totalCount: null });
  });

  it.each([
    [{ listId: 'abc', type: 'csv' }, 'input.csv'],
    [{ listId: 'abc', type: 'followers', csv: { content: 'a' } }, 'input.csv'],
    [{ listId: 'abc', type: 'csv', csv: { content: '  ' } }, 'input.csv.content'],
    [{ listId: 'abc', type: '' }, 'input.type'],
    [{ listId: 'abc', type: 'likes', options: [1, 2] }, 'input.options'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, IMPORT, { input }, field);
  });

  it('an upstream 409 comes back as CONFLICT', async () => {
    const target = list(1);
    harness.simulator.injectFault({
      kind: 'status',
      status: 409,
      method: 'POST',
      path: `/lists/${target.id}/import-jobs`,
      body: { error: { code: 'IMPORT_RUNNING', message: 'An import is already running', status: 409 } },
    });
    const { body } = await harness.graphql(IMPORT, {
      variables: { input: { listId: target.id, type: 'likes' } },
    });
    const error = expectUpstreamError(body, 'CONFLICT', 409, 'POST');
    expect(error?.message).toBe('An import is already running');
  });
});

describe('enableCampaign', () => {
  const ENABLE = EnableCampaignDocument;

  it('starts a draft; the campaign is re-read as active', async () => {
    const state = campaign(DRAFT);
    expect(state.campaign.status).toBe('draft');
    const data = await mutate(harness, ENABLE, {
      input: { campaignId: globalId('Campaign', state.campaign.id) },
    });
    expect(state.campaign.status).toBe('active');
    expect(data).toEqual({
      enableCampaign: {
        campaign: {
          id: globalId('Campaign', state.campaign.id),
          status: 'active',
          state: 'ACTIVE',
          lastStartedAt: state.campaign.lastStartedAt,
        },
        settings: {
          inboxId: state.campaign.id,
          enabled: true,
          rules: {
            excludeContacted: state.rules.excludeContacted,
            syncedLists: state.rules.syncedLists.map(({ listId, listName }) => ({ listId, listName })),
          },
          sequence: {
            version: state.sequence.version,
            steps: state.sequence.steps.map(({ rank }) => ({ rank })),
          },
        },
      },
    });
  });

  it('costs only the write when `campaign` is not selected', async () => {
    const state = campaign(PAUSED);
    await mutate(harness, EnableCampaignSettingsOnlyDocument, { id: state.campaign.id });
    expect(harness.simulator.calls.map((call) => call.method)).toEqual(['POST']);
  });
});

describe('addCampaignLeads', () => {
  const ADD = AddCampaignLeadsDocument;

  it('adds by X id, username, Inbox id, Prospect global id and lead objects', async () => {
    const team = demoTeam(harness);
    const state = campaign(ACTIVE);
    const outside = team.prospects.filter(
      (prospect) =>
        prospect.externalId && prospect.platform === 'twitter' && !state.leads.has(prospect.platformId),
    );
    const [byInboxId, byGlobalId, byLead] = outside;
    if (!byInboxId?.externalId || !byGlobalId || !byLead?.externalId) throw new Error('too few prospects');
    const existing = [...state.leads.keys()][0] as string;
    const data = await mutate(harness, ADD, {
      input: {
        campaignId: state.campaign.id,
        platformIds: ['1811111111111111111', existing],
        usernames: ['@new_person'],
        externalIds: [byInboxId.externalId, globalId('Prospect', `twitter:${byGlobalId.platformId}`)],
        leads: [{ externalId: byLead.externalId, data: { custom_role: 'Founder' } }],
      },
    });
    expect(data).toEqual({
      addCampaignLeads: {
        added: 5,
        skipped: 1,
        failed: 0,
        campaign: { id: globalId('Campaign', state.campaign.id), targetsCount: state.campaign.targetsCount },
      },
    });
    for (const prospect of [byInboxId, byGlobalId, byLead])
      expect(state.leads.has(prospect.platformId)).toBe(true);
    expect(state.leads.get(byLead.platformId)?.data).toEqual({ custom_role: 'Founder' });
  });

  it.each([
    [{ campaignId: 'abc' }, 'input'],
    [{ campaignId: 'abc', usernames: [] }, 'input.usernames'],
    [{ campaignId: 'abc', usernames: ['not a name!'] }, 'input.usernames[0]'],
    [{ campaignId: 'abc', externalIds: manyIds(2001).map((id) => `p${id}`) }, 'input.externalIds'],
    [{ campaignId: 'abc', externalIds: ['Not-An-Id'] }, 'input.externalIds[0]'],
    [{ campaignId: 'abc', leads: [{ platformId: '1', username: 'a' }] }, 'input.leads[0]'],
    [{ campaignId: 'abc', leads: [{ platformId: '1', data: 'x' }] }, 'input.leads[0].data'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, ADD, { input }, field);
  });
});

describe('cancelCampaignLead', () => {
  const CANCEL = CancelCampaignLeadDocument;

  it('cancels by X id (the default) and by Prospect global id given as `EXTERNAL_ID`', async () => {
    const state = campaign(PAUSED);
    const [first, second] = [...state.leads.values()].filter(
      (lead) => lead.stage !== 'canceled' && lead.externalId,
    );
    if (!first || !second) throw new Error('the paused campaign has too few leads');
    const data = await mutate(harness, CANCEL, {
      input: { campaignId: state.campaign.id, identifier: first.platformId },
    });
    expect(first.stage).toBe('canceled');
    expect(data).toEqual({
      cancelCampaignLead: { success: true, campaign: { targetsCount: state.campaign.targetsCount } },
    });
    await mutate(harness, CANCEL, {
      input: {
        campaignId: state.campaign.id,
        identifier: globalId('Prospect', `twitter:${second.platformId}`),
        by: 'EXTERNAL_ID',
      },
    });
    expect(second.stage).toBe('canceled');
  });

  it.each([
    [{ campaignId: 'abc', identifier: 'alice' }, 'input.identifier'],
    [{ campaignId: 'abc', identifier: 'not a name!', by: 'USERNAME' }, 'input.identifier'],
    [{ campaignId: 'abc', identifier: 'Not-An-Id', by: 'EXTERNAL_ID' }, 'input.identifier'],
    [{ campaignId: '', identifier: '1' }, 'input.campaignId'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, CANCEL, { input }, field);
  });

  it('a lead that is not in the campaign is NOT_FOUND', async () => {
    const state = campaign(PAUSED);
    const { body } = await harness.graphql(CANCEL, {
      variables: { input: { campaignId: state.campaign.id, identifier: 'nobody_here', by: 'USERNAME' } },
    });
    const error = expectUpstreamError(body, 'NOT_FOUND', 404, 'POST');
    expect(error?.message).toContain('nobody_here');
  });
});

describe('updateCampaignRules', () => {
  const RULES = UpdateCampaignRulesDocument;

  it('changes the synced and excluded lists, flags and column mappings; omitted keys stay', async () => {
    const state = campaign(ACTIVE);
    const [synced, excluded] = [list(0), list(1)];
    const excludeMutuals = state.rules.excludeMutuals;
    const data = await mutate(harness, RULES, {
      input: {
        campaignId: state.campaign.id,
        syncedListIds: [synced.id],
        excludedListIds: [excluded.id],
        excludeContacted: false,
        columnMappings: [
          { listId: synced.id, columns: [{ sourceColumnId: 'custom_a', campaignColumnId: 'custom_b' }] },
        ],
      },
    });
    expect(data).toEqual({
      updateCampaignRules: { success: true, campaign: { id: globalId('Campaign', state.campaign.id) } },
    });
    expect(state.rules).toMatchObject({
      syncedLists: [{ listId: synced.id, columnMapping: { custom_a: 'custom_b' } }],
      excludedLists: [{ listId: excluded.id }],
      excludeContacted: false,
      excludeMutuals,
    });
  });

  it.each([
    [{ campaignId: 'abc', excludeContacted: null }, 'input.excludeContacted'],
    [{ campaignId: 'abc', syncedListIds: null }, 'input.syncedListIds'],
    [{ campaignId: 'abc', excludedListIds: ['ok', 'Not OK'] }, 'input.excludedListIds[1]'],
    [
      {
        campaignId: 'abc',
        columnMappings: [{ listId: 'abc', columns: [{ sourceColumnId: 'a b', campaignColumnId: 'c' }] }],
      },
      'input.columnMappings[0].columns[0].sourceColumnId',
    ],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, RULES, { input }, field);
  });

  it('an unknown list is the upstream’s 422: BAD_USER_INPUT with its message', async () => {
    const state = campaign(ACTIVE);
    const { body } = await harness.graphql(RULES, {
      variables: { input: { campaignId: state.campaign.id, excludedListIds: [UNKNOWN] } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'PATCH');
    expect(error?.message).toContain(UNKNOWN);
  });
});

describe('replaceCampaignSequence', () => {
  const REPLACE = ReplaceCampaignSequenceDocument;

  it('replaces every step; segments and delays reach the upstream in its shape', async () => {
    const state = campaign(PAUSED);
    const version = state.sequence.version;
    const data = await mutate(harness, REPLACE, {
      input: {
        campaignId: state.campaign.id,
        steps: [
          {
            message: {
              segments: [
                { variation: ['Hey', 'Hi'] },
                { text: ' ' },
                { variable: { name: 'first-name', fallback: 'there' } },
                { text: ', one question.' },
              ],
            },
          },
          { delay: { delaySeconds: 86_400, unit: 'days' } },
        ],
      },
    });
    expect(state.sequence.version).toBe(version + 1);
    expect(state.sequence.steps.map((step) => step.data)).toEqual([
      {
        segments: [
          { type: 'variation', options: ['Hey', 'Hi'] },
          { type: 'static', text: ' ' },
          { type: 'variable', name: 'first-name', fallback: 'there' },
          { type: 'static', text: ', one question.' },
        ],
      },
      { delaySeconds: 86_400, unit: 'days' },
    ]);
    expect(data.replaceCampaignSequence.sequence).toEqual({
      version: version + 1,
      steps: state.sequence.steps.map(({ id, rank, data }) => ({ inboxId: id, rank, data })),
    });
  });

  it.each([
    [{ campaignId: 'abc', steps: [] }, 'input.steps'],
    [{ campaignId: 'abc', steps: [{}] }, 'input.steps[0]'],
    [{ campaignId: 'abc', steps: [{ delay: { delaySeconds: 60 }, likeTweet: {} }] }, 'input.steps[0]'],
    [{ campaignId: 'abc', steps: [{ message: { segments: [] } }] }, 'input.steps[0].message.segments'],
    [
      { campaignId: 'abc', steps: [{ message: { segments: [{ text: 'a', variation: ['b'] }] } }] },
      'input.steps[0].message.segments[0]',
    ],
    [{ campaignId: 'abc', steps: [{ delay: { delaySeconds: 0 } }] }, 'input.steps[0].delay.delaySeconds'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, REPLACE, { input }, field);
  });

  it('an upstream 422 comes back as BAD_USER_INPUT', async () => {
    const state = campaign(PAUSED);
    harness.simulator.injectFault({
      kind: 'status',
      status: 422,
      method: 'PUT',
      path: `/campaigns/v2/${state.campaign.id}/sequence`,
    });
    const { body } = await harness.graphql(REPLACE, {
      variables: { input: { campaignId: state.campaign.id, steps: [{ delay: { delaySeconds: 60 } }] } },
    });
    expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'PUT');
    expect(writesOf(harness)).toHaveLength(1);
  });
});

describe('updateCampaignColumn', () => {
  const COLUMN = UpdateCampaignColumnDocument;

  it('renames and describes a column; `description: null` clears it', async () => {
    const state = campaign(ACTIVE);
    const column = state.columns[0];
    if (!column) throw new Error('no column');
    const data = await mutate(harness, COLUMN, {
      input: {
        campaignId: state.campaign.id,
        columnId: column.id,
        name: 'Job title',
        description: 'From the bio',
      },
    });
    expect(column).toMatchObject({ name: 'Job title', description: 'From the bio' });
    expect(data).toEqual({
      updateCampaignColumn: {
        column: {
          inboxId: column.id,
          name: 'Job title',
          description: 'From the bio',
          type: column.type,
          updatedAt: column.updatedAt,
        },
      },
    });
    await mutate(harness, COLUMN, {
      input: { campaignId: state.campaign.id, columnId: column.id, description: null },
    });
    expect(column).toMatchObject({ name: 'Job title', description: null });
  });

  it.each([
    [{ campaignId: 'abc', columnId: 'custom_a', description: 'd'.repeat(1001) }, 'input.description'],
    [{ campaignId: 'abc', columnId: 'custom_a', name: '' }, 'input.name'],
    [{ campaignId: 'abc', columnId: 'custom_a', name: null }, 'input.name'],
    [{ campaignId: 'abc', columnId: 'custom a' }, 'input.columnId'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, COLUMN, { input }, field);
  });
});
