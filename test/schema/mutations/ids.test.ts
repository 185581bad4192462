import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLInputType, getNamedType, getNullableType, isInputObjectType, isListType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/schema/index.js';
import {
  AddCampaignLeadsDocument,
  AddListLeadsDocument,
  AddReactionDocument,
  CancelCampaignLeadDocument,
  CreateListImportJobDocument,
  CreateThreadDocument,
  DeleteMessageDocument,
  DeleteStatusDocument,
  DeleteTagDocument,
  DeleteThreadDocument,
  EditMessageDocument,
  EnableCampaignDocument,
  QuickSendMessageDocument,
  RemoveListLeadsDocument,
  RemoveReactionDocument,
  ReplaceCampaignSequenceDocument,
  SendMessageDocument,
  SendTypingIndicatorDocument,
  UpdateCampaignColumnDocument,
  UpdateCampaignRulesDocument,
  UpdateListLeadDocument,
  UpdateProspectContextDocument,
  UpdateStatusDocument,
  UpdateTagDocument,
  UpdateThreadFieldsDocument,
  UpdateThreadSettingsDocument,
} from '../../generated/graphql.js';
import { useHarness } from '../../support/harness.js';
import { demoTeam, expectRefused, expectUpstreamError, globalId } from '../../support/mutations.js';

/**
 * Every id in every mutation input, in one table: a global id of another type is refused before any
 * upstream call, and an id the team does not have is the upstream's 404, NOT_FOUND with its message.
 */
const harness = useHarness();

const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzz';
type Input = Record<string, unknown>;

interface IdField {
  mutation: string;
  /** The field as BAD_USER_INPUT names it (list fields hold the id second, after a valid one). */
  field: string;
  /** The Node type the field takes, or null for ids of other things (lists, columns). */
  takes: string | null;
  operation: TypedDocumentNode<unknown, { input: Input }>;
  /** A valid input but for `id` in the field. */
  input: (id: string) => Input;
  /**
   * For an id that names what is written: the method of the write, an id the team does not have (default
   * UNKNOWN), and what the upstream's message says (default: that id).
   */
  notFound?: { method: string; id?: () => string; says?: string };
}

/** A row, its input type-checked against the operation; the table then holds rows of every input type. */
function row<TInput>(
  idField: Omit<IdField, 'operation' | 'input'> & {
    operation: TypedDocumentNode<unknown, { input: TInput }>;
    input: (id: string) => TInput;
  },
): IdField {
  return idField as unknown as IdField;
}

const realThread = () => demoTeam(harness).threads[0]?.id ?? '';
const realCampaign = () => demoTeam(harness).campaigns[0]?.campaign.id ?? '';
/** A message of a real thread that the thread does not have; the upstream's message names the message. */
const unknownMessage = (method: string) => ({
  method,
  id: () => globalId('Message', `${realThread()}:${UNKNOWN}`),
  says: UNKNOWN,
});
const platformId = '1700000000000000999';
const columns = [{ sourceColumnId: 'custom_a', campaignColumnId: 'custom_b' }];

const ID_FIELDS: IdField[] = [
  // Threads
  row({
    mutation: 'createThread',
    field: 'input.accountLinkId',
    takes: 'AccountLink',
    operation: CreateThreadDocument,
    input: (id) => ({ accountLinkId: id, prospect: { platformId } }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'createThread',
    field: 'input.prospect.inboxId',
    takes: 'Prospect',
    operation: CreateThreadDocument,
    input: (id) => ({ accountLinkId: 'abc', prospect: { inboxId: id } }),
  }),
  row({
    mutation: 'updateThread',
    field: 'input.id',
    takes: 'Thread',
    operation: UpdateThreadFieldsDocument,
    input: (id) => ({ id, done: true }),
    notFound: { method: 'PATCH' },
  }),
  row({
    mutation: 'updateThread',
    field: 'input.assigneeId',
    takes: 'Member',
    operation: UpdateThreadFieldsDocument,
    input: (id) => ({ id: 'abc', assigneeId: id }),
  }),
  row({
    mutation: 'deleteThread',
    field: 'input.id',
    takes: 'Thread',
    operation: DeleteThreadDocument,
    input: (id) => ({ id }),
    notFound: { method: 'DELETE' },
  }),
  row({
    mutation: 'sendTypingIndicator',
    field: 'input.threadId',
    takes: 'Thread',
    operation: SendTypingIndicatorDocument,
    input: (id) => ({ threadId: id }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'updateThreadSettings',
    field: 'input.threadId',
    takes: 'Thread',
    operation: UpdateThreadSettingsDocument,
    input: (id) => ({ threadId: id, typingIndicatorsEnabled: true }),
    notFound: { method: 'PATCH' },
  }),
  // Messages
  row({
    mutation: 'sendMessage',
    field: 'input.threadId',
    takes: 'Thread',
    operation: SendMessageDocument,
    input: (id) => ({ threadId: id, content: 'x' }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'sendMessage',
    field: 'input.replyToMessageId',
    takes: 'Message',
    operation: SendMessageDocument,
    input: (id) => ({ threadId: 'abc', content: 'x', replyToMessageId: id }),
  }),
  row({
    mutation: 'quickSendMessage',
    field: 'input.accountLinkId',
    takes: 'AccountLink',
    operation: QuickSendMessageDocument,
    input: (id) => ({ accountLinkId: id, prospect: { platformId }, content: 'x' }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'quickSendMessage',
    field: 'input.prospect.inboxId',
    takes: 'Prospect',
    operation: QuickSendMessageDocument,
    input: (id) => ({ accountLinkId: 'abc', prospect: { inboxId: id }, content: 'x' }),
  }),
  row({
    mutation: 'editMessage',
    field: 'input.messageId',
    takes: 'Message',
    operation: EditMessageDocument,
    input: (id) => ({ messageId: id, content: 'x' }),
    notFound: unknownMessage('PATCH'),
  }),
  row({
    mutation: 'deleteMessage',
    field: 'input.messageId',
    takes: 'Message',
    operation: DeleteMessageDocument,
    input: (id) => ({ messageId: id }),
    notFound: unknownMessage('DELETE'),
  }),
  row({
    mutation: 'addReaction',
    field: 'input.messageId',
    takes: 'Message',
    operation: AddReactionDocument,
    input: (id) => ({ messageId: id, emoji: '👍' }),
    notFound: unknownMessage('POST'),
  }),
  row({
    mutation: 'removeReaction',
    field: 'input.messageId',
    takes: 'Message',
    operation: RemoveReactionDocument,
    input: (id) => ({ messageId: id, emoji: '👍' }),
    notFound: unknownMessage('DELETE'),
  }),
  // Prospects
  row({
    mutation: 'updateProspectContext',
    field: 'input.id',
    takes: 'Prospect',
    operation: UpdateProspectContextDocument,
    input: (id) => ({ id, notes: 'x' }),
    // The upstream's message names no id here.
    notFound: { method: 'PATCH', says: 'Prospect not found' },
  }),
  row({
    mutation: 'updateProspectContext',
    field: 'input.addTagIds[1]',
    takes: 'Tag',
    operation: UpdateProspectContextDocument,
    input: (id) => ({ id: 'abc', addTagIds: ['abc', id] }),
  }),
  row({
    mutation: 'updateProspectContext',
    field: 'input.removeTagIds[1]',
    takes: 'Tag',
    operation: UpdateProspectContextDocument,
    input: (id) => ({ id: 'abc', removeTagIds: ['abc', id] }),
  }),
  row({
    mutation: 'updateProspectContext',
    field: 'input.statusId',
    takes: 'Status',
    operation: UpdateProspectContextDocument,
    input: (id) => ({ id: 'abc', statusId: id }),
  }),
  row({
    mutation: 'updateProspectContext',
    field: 'input.assigneeId',
    takes: 'Member',
    operation: UpdateProspectContextDocument,
    input: (id) => ({ id: 'abc', assigneeId: id }),
  }),
  // Tags and statuses
  row({
    mutation: 'updateTag',
    field: 'input.id',
    takes: 'Tag',
    operation: UpdateTagDocument,
    input: (id) => ({ id, name: 'x' }),
    notFound: { method: 'PATCH' },
  }),
  row({
    mutation: 'deleteTag',
    field: 'input.id',
    takes: 'Tag',
    operation: DeleteTagDocument,
    input: (id) => ({ id }),
    notFound: { method: 'DELETE' },
  }),
  row({
    mutation: 'updateStatus',
    field: 'input.id',
    takes: 'Status',
    operation: UpdateStatusDocument,
    input: (id) => ({ id, name: 'x' }),
    notFound: { method: 'PATCH' },
  }),
  row({
    mutation: 'deleteStatus',
    field: 'input.id',
    takes: 'Status',
    operation: DeleteStatusDocument,
    input: (id) => ({ id }),
    notFound: { method: 'DELETE' },
  }),
  // Lists
  row({
    mutation: 'addListLeads',
    field: 'input.listId',
    takes: null,
    operation: AddListLeadsDocument,
    input: (id) => ({ listId: id, platformIds: ['1'] }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'removeListLeads',
    field: 'input.listId',
    takes: null,
    operation: RemoveListLeadsDocument,
    input: (id) => ({ listId: id, platformIds: ['1'] }),
    notFound: { method: 'DELETE' },
  }),
  row({
    mutation: 'updateListLead',
    field: 'input.listId',
    takes: null,
    operation: UpdateListLeadDocument,
    input: (id) => ({ listId: id, platformId: '1', data: {} }),
    notFound: { method: 'PATCH' },
  }),
  row({
    mutation: 'createListImportJob',
    field: 'input.listId',
    takes: null,
    operation: CreateListImportJobDocument,
    input: (id) => ({ listId: id, type: 'likes' }),
    notFound: { method: 'POST' },
  }),
  // Campaigns
  row({
    mutation: 'enableCampaign',
    field: 'input.campaignId',
    takes: 'Campaign',
    operation: EnableCampaignDocument,
    input: (id) => ({ campaignId: id }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'addCampaignLeads',
    field: 'input.campaignId',
    takes: 'Campaign',
    operation: AddCampaignLeadsDocument,
    input: (id) => ({ campaignId: id, platformIds: ['1'] }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'addCampaignLeads',
    field: 'input.externalIds[1]',
    takes: 'Prospect',
    operation: AddCampaignLeadsDocument,
    input: (id) => ({ campaignId: 'abc', externalIds: ['abc', id] }),
  }),
  row({
    mutation: 'addCampaignLeads',
    field: 'input.leads[1].externalId',
    takes: 'Prospect',
    operation: AddCampaignLeadsDocument,
    input: (id) => ({ campaignId: 'abc', leads: [{ externalId: 'abc' }, { externalId: id }] }),
  }),
  row({
    mutation: 'cancelCampaignLead',
    field: 'input.campaignId',
    takes: 'Campaign',
    operation: CancelCampaignLeadDocument,
    input: (id) => ({ campaignId: id, identifier: '1' }),
    notFound: { method: 'POST' },
  }),
  row({
    mutation: 'updateCampaignRules',
    field: 'input.campaignId',
    takes: 'Campaign',
    operation: UpdateCampaignRulesDocument,
    input: (id) => ({ campaignId: id, excludeContacted: true }),
    notFound: { method: 'PATCH' },
  }),
  row({
    mutation: 'updateCampaignRules',
    field: 'input.syncedListIds[1]',
    takes: null,
    operation: UpdateCampaignRulesDocument,
    input: (id) => ({ campaignId: 'abc', syncedListIds: ['abc', id] }),
  }),
  row({
    mutation: 'updateCampaignRules',
    field: 'input.excludedListIds[1]',
    takes: null,
    operation: UpdateCampaignRulesDocument,
    input: (id) => ({ campaignId: 'abc', excludedListIds: ['abc', id] }),
  }),
  row({
    mutation: 'updateCampaignRules',
    field: 'input.columnMappings[1].listId',
    takes: null,
    operation: UpdateCampaignRulesDocument,
    input: (id) => ({
      campaignId: 'abc',
      columnMappings: [
        { listId: 'abc', columns },
        { listId: id, columns },
      ],
    }),
  }),
  row({
    mutation: 'replaceCampaignSequence',
    field: 'input.campaignId',
    takes: 'Campaign',
    operation: ReplaceCampaignSequenceDocument,
    input: (id) => ({ campaignId: id, steps: [{ delay: { delaySeconds: 60 } }] }),
    notFound: { method: 'PUT' },
  }),
  row({
    mutation: 'updateCampaignColumn',
    field: 'input.campaignId',
    takes: 'Campaign',
    operation: UpdateCampaignColumnDocument,
    input: (id) => ({ campaignId: id, columnId: 'custom_a', name: 'x' }),
    notFound: { method: 'PATCH' },
  }),
  row({
    mutation: 'updateCampaignColumn',
    field: 'input.columnId',
    takes: null,
    operation: UpdateCampaignColumnDocument,
    input: (id) => ({ campaignId: realCampaign(), columnId: id, name: 'x' }),
    notFound: { method: 'PATCH', id: () => 'custom_nothere' },
  }),
];

/** `input.addTagIds[1]` → `input.addTagIds[]`: where a field is, whichever list item holds the id. */
const shapeOf = (field: string) => field.replace(/\[\d+\]/g, '[]');

/** Every ID-typed field of a mutation's arguments, e.g. `input.leads[].externalId`. */
function idFieldsOf(type: GraphQLInputType, path: string): string[] {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return idFieldsOf(nullable.ofType, `${path}[]`);
  if (isInputObjectType(nullable))
    return Object.values(nullable.getFields()).flatMap((field) =>
      idFieldsOf(field.type, `${path}.${field.name}`),
    );
  return getNamedType(nullable).name === 'ID' ? [path] : [];
}

describe('the table covers every mutation', () => {
  const mutations = Object.entries(schema.getMutationType()?.getFields() ?? {});

  it('every ID-typed input field of every mutation has a row', () => {
    const inSchema = mutations.flatMap(([name, field]) =>
      field.args
        .flatMap((argument) => idFieldsOf(argument.type, argument.name))
        .map((path) => `${name} ${path}`),
    );
    expect(inSchema.length).toBeGreaterThan(30);
    expect(ID_FIELDS.map((idField) => `${idField.mutation} ${shapeOf(idField.field)}`).sort()).toEqual(
      inSchema.sort(),
    );
  });

  it('every mutation that takes an id has an unknown-id row', () => {
    const withIds = new Set(ID_FIELDS.map((idField) => idField.mutation));
    const withNotFound = new Set(
      ID_FIELDS.filter((idField) => idField.notFound).map((idField) => idField.mutation),
    );
    expect([...withNotFound].sort()).toEqual([...withIds].sort());
  });
});

describe('a global id of another type', () => {
  it.each(ID_FIELDS)('$mutation: `$field` is refused before any upstream call', async (idField) => {
    const other = idField.takes === 'Thread' ? 'Tag' : 'Thread';
    const error = await expectRefused(
      harness,
      idField.operation,
      { input: idField.input(globalId(other, 'abc')) },
      idField.field,
    );
    expect(harness.simulator.calls).toEqual([]);
    if (idField.takes) expect(error?.message).toContain(`${idField.takes} id`);
  });
});

describe('an id the team does not have', () => {
  it.each(ID_FIELDS.filter((idField) => idField.notFound))(
    '$mutation: `$field` is the upstream’s 404, NOT_FOUND with its message, after the one write',
    async ({ operation, input, notFound }) => {
      const id = notFound?.id?.() ?? UNKNOWN;
      const { body } = await harness.graphql(operation, { variables: { input: input(id) } });
      const error = expectUpstreamError(body, 'NOT_FOUND', 404, notFound?.method ?? '');
      expect(error?.message).toContain(notFound?.says ?? id);
      // A payload listing a prospect's threads (one per account link at most) has the budget read the
      // team's account links first, to count them; nothing else goes before the write.
      const calls = harness.simulator.calls.filter((call) => call.path !== '/account-links');
      expect(calls.map((call) => `${call.method} ${call.status}`)).toEqual([`${notFound?.method} 404`]);
    },
  );
});
