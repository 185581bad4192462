import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEMO_ALT_TOKEN,
  DEMO_TOKEN,
  SECOND_TEAM_TOKEN,
  type Simulator,
  startSimulator,
  type TeamState,
} from '../../simulator/src/index.js';
import type { components } from '../../src/upstream/openapi.js';

type Schemas = components['schemas'];
type Thread = Schemas['Thread'];
type Message = Schemas['Message'];
type ProspectWithContext = Schemas['ProspectWithContext'];
type EventPage = Schemas['EventPage'];
type ThreadPage = Schemas['ThreadPage'];
type MessagePage = Schemas['MessagePage'];

// ----------------------------------------------------------------------------- schema validation

interface SpecOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { schemas: Record<string, unknown> };
}

const SPEC_ID = 'https://inbox.test/openapi';
const spec = parse(readFileSync(new URL('../../src/upstream/openapi.yaml', import.meta.url), 'utf8')) as Spec;

/** `#/components/schemas/X` -> a ref into one registered schema whose `$defs` are the components. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace('#/components/schemas/', `${SPEC_ID}#/$defs/`)]
        : [key, rewriteRefs(value)],
    ),
  );
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsPlugin as unknown as (instance: Ajv2020) => void)(ajv);
ajv.addSchema({ $id: SPEC_ID, $defs: rewriteRefs(spec.components.schemas) });
const errorBodyValidator = ajv.compile({ $ref: `${SPEC_ID}#/$defs/ErrorBody` });

function expectValid(validate: ValidateFunction, body: unknown): void {
  const valid = validate(body);
  expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual([]);
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
  HTTP_METHODS.filter((method) => item[method]).map((method) => {
    const operation = item[method] as SpecOperation;
    const schema = operation.responses['200']?.content?.['application/json']?.schema;
    return {
      id: operation.operationId,
      method: method.toUpperCase(),
      path,
      validate: ajv.compile(rewriteRefs(schema) as object),
    };
  }),
);

// ----------------------------------------------------------------------------- HTTP helpers

let sim: Simulator;
let team: TeamState;
let otherTeam: TeamState;

interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

async function api<T = unknown>(
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    token?: string | null;
    authorization?: string;
    base?: string;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? DEMO_TOKEN : options.token;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${options.base ?? sim.url}${path}`, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: (text ? JSON.parse(text) : undefined) as T,
  };
}

const get = <T = unknown>(path: string, token?: string | null) => api<T>('GET', path, { token });
const query = (params: Record<string, unknown>): string =>
  `?${qs.stringify(params, { arrayFormat: 'indices', encodeValuesOnly: true })}`;
/** Plain JSON of a store object, as the wire would carry it. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function expectError(reply: Reply, status: number, code?: string): void {
  expect(reply.status).toBe(status);
  expectValid(errorBodyValidator, reply.json);
  if (code) expect((reply.json as { error: { code: string } }).error.code).toBe(code);
}

const inDefaultInbox = (thread: Thread): boolean => !thread.done && thread.status === 'active';

function activeLinkId(): string {
  const link = team.accountLinks.find((candidate) => candidate.status === 'active');
  if (!link) throw new Error('seed has no active account link');
  return link.id;
}

function pickThread(predicate: (thread: Thread) => boolean, skip: ReadonlySet<string> = new Set()): Thread {
  const thread = team.threads.find((candidate) => !skip.has(candidate.id) && predicate(candidate));
  if (!thread) throw new Error('no seeded thread fits the test');
  return thread;
}

function messagesOf(threadId: string): Message[] {
  return team.messagesByThread.get(threadId) ?? [];
}

const teamAuthored = (thread: Thread) => (message: Message) =>
  message.authorId === thread.accountLinkId && message.deletedAt === null;

beforeAll(async () => {
  sim = await startSimulator({ rateLimitPerMinute: 1_000_000 });
  team = sim.store.teamByToken(DEMO_TOKEN) as TeamState;
  otherTeam = sim.store.teamByToken(SECOND_TEAM_TOKEN) as TeamState;
});

afterAll(async () => {
  await sim.close();
});

// ----------------------------------------------------------------------------- one case per operation

interface Case {
  /** Request to send (after any setup requests). */
  request(): Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
  /** Behaviour checks on the 200 body against the store or earlier answers. */
  check?(body: unknown): Promise<void> | void;
}

/** Threads reserved by one case so destructive cases never interfere with others. */
const used = new Set<string>();
const reserve = (predicate: (thread: Thread) => boolean): Thread => {
  const thread = pickThread(predicate, used);
  used.add(thread.id);
  return thread;
};
const state: Record<string, string> = {};
const NEW_X_USER = '1999999999999999999';

const cases: Record<string, Case> = {
  getTeam: { request: () => ({ path: '/team' }), check: (body) => expect(body).toEqual(wire(team.team)) },
  listThreads: {
    request: () => ({ path: '/threads' }),
    check: (body) => {
      const page = body as ThreadPage;
      const expected = team.threads.filter(inDefaultInbox).slice(0, 20);
      expect(page.threads.map((thread) => thread.id)).toEqual(expected.map((thread) => thread.id));
      expect(page.threads[0]).toEqual(wire(expected[0]));
    },
  },
  createThread: {
    request: () => ({
      path: '/threads',
      body: { accountLinkId: activeLinkId(), externalPlatformId: NEW_X_USER },
    }),
    check: async (body) => {
      const thread = body as Thread;
      expect(thread.prospect.platformId).toBe(NEW_X_USER);
      expect(team.thread(thread.id)).toBeDefined();
      const again = await api<Thread>('POST', '/threads', {
        body: { accountLinkId: activeLinkId(), externalId: thread.prospect.externalId },
      });
      expect(again.json.id).toBe(thread.id);
    },
  },
  lookupThread: {
    request: () => {
      const thread = pickThread(() => true);
      state.lookupThreadId = thread.id;
      return {
        path: `/threads/lookup${query({ accountLinkId: thread.accountLinkId, externalPlatformId: thread.prospect.platformId })}`,
      };
    },
    check: (body) => expect(body).toEqual(wire(team.thread(state.lookupThreadId ?? ''))),
  },
  lookupThreadsByUsername: {
    request: () => {
      const prospect = team.prospects.find((p) => team.threadsOf(p.externalId ?? '').length > 1);
      state.username = prospect?.username ?? '';
      return { path: `/threads/lookup-by-username${query({ username: state.username.toUpperCase() })}` };
    },
    check: (body) => {
      const threads = body as Thread[];
      expect(threads.length).toBeGreaterThan(1);
      expect(new Set(threads.map((thread) => thread.prospect.username))).toEqual(new Set([state.username]));
    },
  },
  getThread: {
    request: () => ({ path: `/threads/${pickThread(inDefaultInbox).id}` }),
    check: (body) => expect(body).toEqual(wire(team.thread((body as Thread).id))),
  },
  updateThread: {
    request: () => {
      const thread = reserve((t) => !t.done && t.assigneeId === null);
      state.assignee = team.members[1]?.id ?? '';
      return { path: `/threads/${thread.id}`, body: { done: true, assigneeId: state.assignee } };
    },
    check: (body) => {
      const thread = body as Thread;
      expect([thread.done, thread.assigneeId]).toEqual([true, state.assignee]);
      expect(team.thread(thread.id)?.done).toBe(true);
    },
  },
  deleteThread: {
    request: () => {
      state.deletedThread = reserve((t) => t.done).id;
      return { path: `/threads/${state.deletedThread}` };
    },
    check: async () => {
      expectError(await get(`/threads/${state.deletedThread}`), 404, 'THREAD_NOT_FOUND');
      expect(team.threads.some((thread) => thread.id === state.deletedThread)).toBe(false);
    },
  },
  sendTypingIndicator: {
    request: () => ({
      path: `/threads/${reserve((t) => t.variant === 'xChat' && t.typingIndicatorsEnabled !== false).id}/typing`,
      body: {},
    }),
    check: (body) => expect(body).toEqual({ status: 'sent' }),
  },
  updateThreadSettings: {
    request: () => {
      state.settingsThread = reserve((t) => t.typingIndicatorsEnabled === null).id;
      return { path: `/threads/${state.settingsThread}/settings`, body: { typingIndicatorsEnabled: false } };
    },
    check: (body) => {
      expect(body).toEqual({ threadId: state.settingsThread, typingIndicatorsEnabled: false });
      expect(team.thread(state.settingsThread ?? '')?.typingIndicatorsEnabled).toBe(false);
    },
  },
  listMessages: {
    request: () => {
      state.messagesThread = pickThread((t) => messagesOf(t.id).length > 60).id;
      return { path: `/threads/${state.messagesThread}/messages` };
    },
    check: (body) => {
      const page = body as MessagePage;
      const newestFirst = [...messagesOf(state.messagesThread ?? '')].reverse();
      expect(page.messages).toEqual(wire(newestFirst.slice(0, 50)));
      expect(page.nextCursor).toEqual({ id: newestFirst[49]?.id, timestamp: newestFirst[49]?.createdAt });
    },
  },
  sendMessage: {
    request: () => {
      state.sendThread = reserve((t) => t.accountLinkId === activeLinkId()).id;
      return {
        path: `/threads/${state.sendThread}/messages`,
        body: { content: 'Contract test: hello there' },
      };
    },
    check: (body) => {
      const message = body as Message;
      const owner = team.members.find((member) => member.role === 'owner');
      expect(message).toMatchObject({ threadId: state.sendThread, origin: 'api', userId: owner?.userId });
      expect(messagesOf(state.sendThread ?? '').at(-1)?.id).toBe(message.id);
      expect(team.thread(state.sendThread ?? '')?.lastMessage?.id).toBe(message.id);
    },
  },
  quickSendMessage: {
    request: () => {
      const prospect = team.prospects.find((p) => {
        const threads = team.threadsOf(p.externalId ?? '');
        return threads.length > 0 && threads.every((t) => t.accountLinkId !== activeLinkId());
      });
      state.quickProspect = prospect?.externalId ?? '';
      return {
        path: '/threads/messages',
        body: { accountLinkId: activeLinkId(), externalId: state.quickProspect, content: 'Quick hello' },
      };
    },
    check: (body) => {
      const { message, thread } = body as Schemas['QuickSendResult'];
      const created = team.threadFor(activeLinkId(), state.quickProspect ?? '');
      expect(thread).toEqual({ id: created?.id, platformId: created?.platformId });
      expect(message.threadId).toBe(thread.id);
    },
  },
  editMessage: {
    request: () => {
      const thread = reserve(
        (t) => t.variant === 'xChat' && messagesOf(t.id).filter(teamAuthored(t)).length >= 2,
      );
      const [edited, deleted] = messagesOf(thread.id).filter(teamAuthored(thread));
      Object.assign(state, { xThread: thread.id, edited: edited?.id, deleted: deleted?.id });
      return {
        path: `/threads/${thread.id}/messages/${state.edited}`,
        body: { content: 'Edited by the contract test' },
      };
    },
    check: (body) => {
      expect(body).toMatchObject({
        success: true,
        messageId: state.edited,
        content: 'Edited by the contract test',
      });
      expect(team.message(state.edited ?? '')).toMatchObject({
        content: 'Edited by the contract test',
        isEdited: true,
      });
    },
  },
  deleteMessage: {
    request: () => ({
      path: `/threads/${state.xThread}/messages/${state.deleted}`,
      body: { deleteForAll: true },
    }),
    check: (body) => {
      const { deletedAt } = body as Schemas['MessageDeleteResult'];
      expect(team.message(state.deleted ?? '')).toMatchObject({ deletedAt, platformDeletedAt: deletedAt });
    },
  },
  getMessageHistory: {
    request: () => ({ path: `/threads/${state.xThread}/messages/${state.edited}/history` }),
    check: (body) => {
      const history = body as Schemas['MessageHistory'];
      expect(history.versions.at(-1)).toMatchObject({
        content: 'Edited by the contract test',
        editOrigin: 'api',
      });
      expect(history.versions.length).toBeGreaterThanOrEqual(2);
    },
  },
  addReaction: {
    request: () => {
      state.reactThread = reserve((t) => t.platform === 'twitter').id;
      state.reactMessage = messagesOf(state.reactThread).find((m) => m.deletedAt === null)?.id ?? '';
      return {
        path: `/threads/${state.reactThread}/messages/${state.reactMessage}/reactions/reactions`,
        body: { emoji: '🚀' },
      };
    },
    check: () => {
      expect(team.message(state.reactMessage ?? '')?.reactions).toContainEqual(
        expect.objectContaining({ emoji: '🚀' }),
      );
    },
  },
  removeReaction: {
    request: () => ({
      path: `/threads/${state.reactThread}/messages/${state.reactMessage}/reactions/reactions`,
      body: { emoji: '🚀' },
    }),
    check: (body) => {
      expect(body).toEqual({ success: true, messageId: state.reactMessage });
      expect(team.message(state.reactMessage ?? '')?.reactions).not.toContainEqual(
        expect.objectContaining({ emoji: '🚀' }),
      );
    },
  },
  listAccountLinks: {
    request: () => ({ path: '/account-links' }),
    check: (body) => expect(body).toEqual(wire(team.accountLinks)),
  },
  listMembers: {
    request: () => ({ path: '/members' }),
    check: (body) => expect(body).toEqual(wire(team.members)),
  },
  getMember: {
    request: () => ({ path: `/members/${team.members[2]?.id}` }),
    check: (body) => expect(body).toEqual(wire(team.members[2])),
  },
  lookupProspect: {
    request: () => ({ path: `/prospects/lookup${query({ platformId: team.prospects[3]?.platformId })}` }),
    check: (body) => {
      const prospect = team.prospects[3] as ProspectWithContext;
      expect(body).toEqual(wire(team.prospectView(prospect)));
      expect((body as ProspectWithContext).context.threads?.length).toBe(
        team.threadsOf(prospect.externalId ?? '').length,
      );
    },
  },
  getProspect: {
    request: () => ({ path: `/prospects/${team.prospects[5]?.externalId}` }),
    check: (body) => expect(body).toEqual(wire(team.prospectView(team.prospects[5] as ProspectWithContext))),
  },
  updateProspectContext: {
    request: () => {
      const prospect = team.prospects.find((p) => p.context.tags.length === 0) as ProspectWithContext;
      Object.assign(state, { contextProspect: prospect.externalId, contextTag: team.tags[0]?.id });
      return {
        path: `/prospects/${prospect.externalId}/context`,
        body: { addTags: [state.contextTag], notes: 'Met at the contract test', valuation: 1234 },
      };
    },
    check: (body) => {
      const context = (body as ProspectWithContext).context;
      expect(context).toMatchObject({
        tags: [state.contextTag],
        notes: 'Met at the contract test',
        valuation: 1234,
      });
      expect(team.prospect(state.contextProspect ?? '')?.context.tags).toEqual([state.contextTag]);
    },
  },
  listTags: { request: () => ({ path: '/tags' }), check: (body) => expect(body).toEqual(wire(team.tags)) },
  createTag: {
    request: () => ({ path: '/tags', body: { name: 'Contract Tag', color: 'blue' } }),
    check: (body) => {
      state.createdTag = (body as Schemas['Tag']).id;
      expect(team.tag(state.createdTag)).toEqual(body);
    },
  },
  listTagColors: {
    request: () => ({ path: '/tags/colors' }),
    check: (body) => expect((body as unknown[]).length).toBeGreaterThan(0),
  },
  getTag: {
    request: () => ({ path: `/tags/${team.tags[1]?.id}` }),
    check: (body) => expect(body).toEqual(wire(team.tags[1])),
  },
  updateTag: {
    request: () => ({ path: `/tags/${state.createdTag}`, body: { name: 'Contract Tag Renamed' } }),
    check: (body) => expect(team.tag(state.createdTag ?? '')?.name).toBe((body as Schemas['Tag']).name),
  },
  deleteTag: {
    request: async () => {
      await api('PATCH', `/prospects/${state.contextProspect}/context`, {
        body: { addTags: [state.createdTag] },
      });
      expect(team.prospect(state.contextProspect ?? '')?.context.tags).toContain(state.createdTag);
      return { path: `/tags/${state.createdTag}` };
    },
    check: async () => {
      expectError(await get(`/tags/${state.createdTag}`), 404, 'TAG_NOT_FOUND');
      expect(team.prospects.some((p) => p.context.tags.includes(state.createdTag ?? ''))).toBe(false);
    },
  },
  listStatuses: {
    request: () => ({ path: '/statuses' }),
    check: (body) => expect(body).toEqual(wire(team.statuses)),
  },
  createStatus: {
    request: () => ({ path: '/statuses', body: { name: 'Contract Status' } }),
    check: (body) => {
      state.createdStatus = (body as Schemas['Status']).id;
      expect(team.status(state.createdStatus)).toEqual(body);
      expect((body as Schemas['Status']).color).toBeNull();
    },
  },
  listStatusColors: {
    request: () => ({ path: '/statuses/colors' }),
    check: (body) => expect((body as unknown[]).length).toBeGreaterThan(0),
  },
  getStatus: {
    request: () => ({ path: `/statuses/${team.statuses[2]?.id}` }),
    check: (body) => expect(body).toEqual(wire(team.statuses[2])),
  },
  updateStatus: {
    request: () => ({ path: `/statuses/${state.createdStatus}`, body: { color: '#14b8a6' } }),
    check: (body) =>
      expect(body).toMatchObject({ id: state.createdStatus, name: 'Contract Status', color: '#14b8a6' }),
  },
  deleteStatus: {
    request: async () => {
      await api('PATCH', `/prospects/${state.contextProspect}/context`, {
        body: { statusId: state.createdStatus },
      });
      return { path: `/statuses/${state.createdStatus}` };
    },
    check: () => {
      expect(team.status(state.createdStatus ?? '')).toBeUndefined();
      expect(team.prospect(state.contextProspect ?? '')?.context.statusId).toBeNull();
    },
  },
  listColors: {
    request: () => ({ path: '/colors' }),
    check: async (body) => expect((await get('/tags/colors')).json).toEqual(body),
  },
  listEvents: {
    request: () => ({ path: `/events${query({ afterSeq: 1, limit: 3 })}` }),
    check: (body) => {
      const page = body as EventPage;
      expect(page.events).toEqual(wire(team.events.slice(1, 4)));
      expect(page).toMatchObject({ hasMore: team.events.length > 4, lastSeq: team.events[3]?.seq });
    },
  },
  addListLeads: {
    request: () => {
      const list = team.lists[0];
      const existing = [...(list?.leads.keys() ?? [])][0];
      Object.assign(state, { list: list?.id, existingLead: existing });
      return {
        path: `/lists/${list?.id}/leads`,
        body: { platformIds: [existing, '1888888888888888888', 'not-an-id'] },
      };
    },
    check: (body) =>
      expect(body).toEqual({
        added: ['1888888888888888888'],
        skipped: [state.existingLead],
        failed: ['not-an-id'],
      }),
  },
  removeListLeads: {
    request: () => ({
      path: `/lists/${state.list}/leads`,
      body: { platformIds: ['1888888888888888888', '1777777777777777777'] },
    }),
    check: (body) => {
      expect(body).toEqual({ removed: 1 });
      expect(team.list(state.list ?? '')?.leads.has('1888888888888888888')).toBe(false);
    },
  },
  updateListLead: {
    request: () => ({
      path: `/lists/${state.list}/leads/${state.existingLead}`,
      body: { data: { custom_role: 'CTO' } },
    }),
    check: (body) => {
      expect((body as { prospect: Schemas['Prospect'] }).prospect.platformId).toBe(state.existingLead);
      expect(team.list(state.list ?? '')?.leads.get(state.existingLead ?? '')?.data).toEqual({
        custom_role: 'CTO',
      });
    },
  },
  createImportJob: {
    request: () => ({
      path: `/lists/${state.list}/import-jobs`,
      body: {
        data: {
          type: 'csv',
          fileName: 'leads.csv',
          content: 'username\nsarahbuilds\ndevtom\n',
          mergeStrategy: 'overwrite',
        },
      },
    }),
    check: (body) => expect(body).toMatchObject({ type: 'csv', status: 'queued', totalCount: 2 }),
  },
  getCampaign: {
    request: () => ({ path: `/campaigns/${team.campaigns[0]?.campaign.id}` }),
    check: (body) => expect(body).toEqual(wire(team.campaigns[0]?.campaign)),
  },
  enableCampaign: {
    request: () => {
      const paused = team.campaigns.find((c) => c.campaign.status === 'paused');
      state.campaign = paused?.campaign.id ?? '';
      return { path: `/campaigns/v2/${state.campaign}/enable`, body: {} };
    },
    check: async (body) => {
      expect(body).toMatchObject({ id: state.campaign, enabled: true });
      expect((await get<Schemas['Campaign']>(`/campaigns/${state.campaign}`)).json.status).toBe('active');
      expect(team.events.at(-1)).toMatchObject({ type: 'campaign.resumed' });
    },
  },
  addCampaignLeads: {
    request: () => ({
      path: `/campaigns/v2/${state.campaign}/leads`,
      body: { platformIds: ['1666666666666666666', 'nope'], usernames: [team.prospects[0]?.username] },
    }),
    check: (body) => expect(body).toEqual({ added: 2, skipped: 0, failed: 1 }),
  },
  cancelCampaignLead: {
    request: () => ({
      path: `/campaigns/v2/${state.campaign}/leads/1666666666666666666/cancel`,
      body: { by: 'platformId' },
    }),
    check: () =>
      expect(team.campaign(state.campaign ?? '')?.leads.get('1666666666666666666')?.stage).toBe('canceled'),
  },
  updateCampaignLeadRules: {
    request: () => ({
      path: `/campaigns/v2/${state.campaign}/rules`,
      body: { syncedListIds: [team.lists[1]?.id], excludedListIds: [], excludeMutuals: true },
    }),
    check: () => {
      const rules = team.campaign(state.campaign ?? '')?.rules;
      expect(rules?.syncedLists.map((list) => list.listId)).toEqual([team.lists[1]?.id]);
      expect(rules?.excludeMutuals).toBe(true);
    },
  },
  replaceCampaignSequence: {
    request: () => {
      state.sequenceVersion = String(team.campaign(state.campaign ?? '')?.sequence.version);
      return {
        path: `/campaigns/v2/${state.campaign}/sequence`,
        body: {
          steps: [
            { type: 'message', data: { segments: [{ type: 'static', text: 'Hi there' }] } },
            { type: 'delay', data: { delaySeconds: 86_400, unit: 'days' } },
          ],
        },
      };
    },
    check: (body) => {
      const sequence = body as Schemas['CampaignSequence'];
      expect(sequence.version).toBe(Number(state.sequenceVersion) + 1);
      expect(sequence.steps.map((step) => step.rank)).toEqual([1, 2]);
    },
  },
  updateCampaignColumn: {
    request: () => {
      const column = team.campaigns[0]?.columns[0];
      state.column = column?.id ?? '';
      return {
        path: `/campaigns/v2/${team.campaigns[0]?.campaign.id}/columns/${column?.id}`,
        body: { name: 'Job title' },
      };
    },
    check: (body) => expect(body).toMatchObject({ id: state.column, name: 'Job title' }),
  },
};

describe('contract: every operation of openapi.yaml answers its 200 schema', () => {
  it('has a test case for exactly the operations in the spec', () => {
    expect(Object.keys(cases).sort()).toEqual(operations.map((operation) => operation.id).sort());
  });

  it.each(operations)('$method $path ($id)', async (operation) => {
    const testCase = cases[operation.id];
    if (!testCase) throw new Error(`no contract test case for operation ${operation.id}`);
    const { path, body } = await testCase.request();
    const reply = await api(operation.method, path, { body });
    expect(reply.status, reply.text).toBe(200);
    expectValid(operation.validate, reply.json);
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
      expect(reply.headers.get(name)).toMatch(/^\d+$/);
    }
    await testCase.check?.(reply.json);
  });
});

// ----------------------------------------------------------------------------- behaviour

describe('error bodies', () => {
  it('match ErrorBody for every documented error status', async () => {
    const thread = team.threads[0] as Thread;
    expectError(await get('/threads?limit=101'), 400, 'BAD_REQUEST');
    expectError(await api('POST', '/tags', { rawBody: '{"name":' }), 400, 'BAD_REQUEST');

    const missing = await get('/team', null);
    expectError(missing, 401);
    expect(missing.json).toEqual({
      error: 'Unauthorized',
      message: 'Invalid or missing authentication token',
    });
    expectError(await get('/team', 'no-such-token'), 401, 'UNAUTHORIZED');
    expectError(await api('GET', '/team', { authorization: DEMO_TOKEN }), 401, 'UNAUTHORIZED');
    expectError(await api('GET', '/team', { authorization: `Bearer  ${DEMO_TOKEN}` }), 401, 'UNAUTHORIZED');

    expectError(await get(`/threads/${thread.id}`, SECOND_TEAM_TOKEN), 403, 'FORBIDDEN');
    const notFound = await get('/threads/zzzzzzzzzzzzzzzzzzzzzzzz');
    expectError(notFound, 404, 'THREAD_NOT_FOUND');
    expect(notFound.json).toMatchObject({
      error: { message: "Thread with ID 'zzzzzzzzzzzzzzzzzzzzzzzz' not found" },
    });
    expectError(await get('/prospects/zzzzzzzzzzzzzzzzzzzzzzzz'), 404, 'PROSPECT_NOT_FOUND');
    expectError(await get('/no-such-route'), 404);

    expectError(
      await api('POST', '/tags', { body: { name: team.tags[0]?.name.toLowerCase() } }),
      409,
      'CONFLICT',
    );
    expectError(await api('POST', '/statuses', { body: { name: team.statuses[0]?.name } }), 409, 'CONFLICT');

    const empty = await api('POST', `/threads/${thread.id}/messages`, { body: { content: '   ' } });
    expectError(empty, 422, 'VALIDATION_ERROR');
    expect(empty.text).toContain('content');
    expectError(await api('POST', '/tags', { body: { name: 'x'.repeat(256) } }), 422, 'VALIDATION_ERROR');
    const badStatus = await api('PATCH', `/prospects/${thread.prospect.externalId}/context`, {
      body: { statusId: otherTeam.statuses[0]?.id },
    });
    expectError(badStatus, 422, 'VALIDATION_ERROR');
    expect(badStatus.text).toContain('statusId');
    expectError(
      await api('POST', `/lists/${team.lists[0]?.id}/leads`, { body: { platformIds: [] } }),
      422,
      'VALIDATION_ERROR',
    );

    const limited = await startSimulator({ rateLimitPerMinute: 1 });
    try {
      await api('GET', '/team', { base: limited.url });
      expectError(await api('GET', '/team', { base: limited.url }), 429, 'RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('rejects X Chat-only and non-sandbox operations with 422, typing answers skipped', async () => {
    const legacy = pickThread(
      (t) => t.variant === 'unencrypted' && t.platform === 'twitter' && messagesOf(t.id).length > 0,
    );
    const message = messagesOf(legacy.id)[0] as Message;
    const edit = await api('PATCH', `/threads/${legacy.id}/messages/${message.id}`, {
      body: { content: 'x' },
    });
    expectError(edit, 422, 'UNSUPPORTED_THREAD_VARIANT');
    expect(edit.text).toContain('X Chat');
    expectError(await api('DELETE', `/threads/${legacy.id}/messages/${message.id}`, { body: {} }), 422);
    expect((await api('POST', `/threads/${legacy.id}/typing`, { body: {} })).json).toEqual({
      status: 'skipped',
      reason: 'unsupported',
    });
    const sandbox = pickThread((t) => t.platform === 'sandbox');
    const sandboxMessage = messagesOf(sandbox.id)[0] as Message;
    const reaction = `/threads/${sandbox.id}/messages/${sandboxMessage.id}/reactions/reactions`;
    expectError(await api('POST', reaction, { body: { emoji: '👍' } }), 422);
  });
});

describe('thread paging', () => {
  async function walk(
    params: Record<string, unknown>,
    cursorStyle: 'flat' | 'bracket' = 'flat',
  ): Promise<Thread[][]> {
    const pages: Thread[][] = [];
    let cursor: Schemas['PageCursor'] | null = null;
    do {
      const position =
        cursor === null
          ? {}
          : cursorStyle === 'flat'
            ? { cursorId: cursor.id, cursorTimestamp: cursor.timestamp }
            : { cursor };
      const reply: Reply<ThreadPage> = await get<ThreadPage>(`/threads${query({ ...params, ...position })}`);
      expect(reply.status, reply.text).toBe(200);
      pages.push(reply.json.threads);
      cursor = reply.json.nextCursor;
    } while (cursor !== null && pages.length < 100);
    return pages;
  }

  it('visits every default-inbox thread exactly once, newest first, 20 per page by default', async () => {
    const expected = team.threads.filter(inDefaultInbox).map((thread) => thread.id);
    const pages = await walk({});
    expect(pages.slice(0, -1).every((page) => page.length === 20)).toBe(true);
    expect(pages.flat().map((thread) => thread.id)).toEqual(expected);
  });

  it('honours limit=100, asc order and the deprecated bracket cursor', async () => {
    const expected = team.threads.filter(inDefaultInbox).map((thread) => thread.id);
    const big = await walk({ limit: 100 });
    expect(big[0]).toHaveLength(Math.min(100, expected.length));
    expect(big.flat().map((thread) => thread.id)).toEqual(expected);
    const ascending = await walk({ limit: 30, filters: { sortOrder: 'asc' } }, 'bracket');
    expect(ascending.flat().map((thread) => thread.id)).toEqual([...expected].reverse());
  });

  it('filters by inbox view, account links, tags, statuses, assignees and campaigns', async () => {
    const link = team.accountLinks[1]?.id ?? '';
    const tagIds = team.tags.slice(0, 2).map((tag) => tag.id);
    const member = team.members[0]?.id ?? '';
    const campaign = team.campaigns[0]?.campaign.id ?? '';
    const ids = async (params: Record<string, unknown>) =>
      (await walk({ limit: 100, ...params })).flat().map((t) => t.id);
    const expectIds = (predicate: (thread: Thread) => boolean) =>
      team.threads.filter(predicate).map((t) => t.id);

    expect(await ids({ inbox: 'archived' })).toEqual(expectIds((t) => t.done));
    expect(await ids({ inbox: 'requests' })).toEqual(expectIds((t) => t.isRequest));
    expect(await ids({ inbox: 'no-reply' })).toEqual(
      expectIds((t) => t.lastMessage?.authorId === t.accountLinkId),
    );
    const byLink = expectIds((t) => inDefaultInbox(t) && t.accountLinkId === link);
    expect(byLink.length).toBeGreaterThan(0);
    expect(await ids({ accountLinkIds: [link] })).toEqual(byLink);
    expect(
      (await get<ThreadPage>(`/threads?accountLinkIds=${link}&limit=100`)).json.threads.map((t) => t.id),
    ).toEqual(byLink);
    expect(
      (await get<ThreadPage>(`/threads?accountLinkIds[]=${link}&limit=100`)).json.threads.map((t) => t.id),
    ).toEqual(byLink);

    expect(await ids({ filters: { tags: { selectedIds: tagIds }, statuses: { noStatus: true } } })).toEqual(
      expectIds(
        (t) =>
          inDefaultInbox(t) &&
          t.prospect.context.statusId === null &&
          t.prospect.context.tags.some((id) => tagIds.includes(id)),
      ),
    );
    expect(await ids({ filters: { tags: { noTags: true } } })).toEqual(
      expectIds((t) => inDefaultInbox(t) && t.prospect.context.tags.length === 0),
    );
    expect(await ids({ filters: { assignees: { selectedIds: [member], noAssignee: true } } })).toEqual(
      expectIds((t) => inDefaultInbox(t) && (t.assigneeId === member || t.assigneeId === null)),
    );
    const withCampaign = expectIds(
      (t) => inDefaultInbox(t) && messagesOf(t.id).some((m) => m.campaignId === campaign),
    );
    expect(withCampaign.length).toBeGreaterThan(0);
    expect(await ids({ filters: { campaigns: { selectedIds: [campaign] } } })).toEqual(withCampaign);
  });

  it('rejects bad paging parameters with 400', async () => {
    const first = team.threads[0] as Thread;
    for (const bad of [
      '?limit=0',
      '?limit=101',
      '?limit=abc',
      '?inbox=everything',
      '?filters[sortOrder]=sideways',
      `?cursorId=${first.id}`,
      `?cursorId=${first.id}&cursorTimestamp=yesterday`,
      `?cursorId=${first.id}&cursorTimestamp=${encodeURIComponent(first.createdAt)}&cursor[id]=${first.id}`,
      '?filters[tags][noTags]=maybe',
    ]) {
      expectError(await get(`/threads${bad}`), 400, 'BAD_REQUEST');
    }
  });
});

describe('message paging', () => {
  it('visits every message exactly once, newest first, 50 per page by default', async () => {
    const thread = pickThread((t) => messagesOf(t.id).length > 100);
    const expected = [...messagesOf(thread.id)].reverse().map((message) => message.id);
    const seen: string[] = [];
    let cursor: Schemas['PageCursor'] | null = null;
    let pages = 0;
    do {
      const position = cursor ? query({ cursorId: cursor.id, cursorTimestamp: cursor.timestamp }) : '';
      const reply: Reply<MessagePage> = await get<MessagePage>(`/threads/${thread.id}/messages${position}`);
      expect(reply.json).toMatchObject({
        teamId: team.team.id,
        threadId: thread.id,
        isSyncing: thread.isSyncing,
      });
      if (reply.json.nextCursor) expect(reply.json.messages).toHaveLength(50);
      seen.push(...reply.json.messages.map((message) => message.id));
      cursor = reply.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(expected);

    const max = await get<MessagePage>(`/threads/${thread.id}/messages?limit=100`);
    expect(max.json.messages.map((message) => message.id)).toEqual(expected.slice(0, 100));
    expectError(await get(`/threads/${thread.id}/messages?limit=101`), 400, 'BAD_REQUEST');
  });
});

describe('collections and lookups', () => {
  it('answers bare arrays with everything', async () => {
    for (const [path, expected] of [
      ['/account-links', team.accountLinks],
      ['/members', team.members],
      ['/tags', team.tags],
      ['/statuses', team.statuses],
    ] as const) {
      const reply = await get(path);
      expect(Array.isArray(reply.json)).toBe(true);
      expect(reply.json).toEqual(wire(expected));
    }
    for (const path of ['/colors', '/tags/colors', '/statuses/colors'])
      expect(Array.isArray((await get(path)).json)).toBe(true);
  });

  it('answers JSON null when a lookup matches nothing', async () => {
    const thread = team.threads[0] as Thread;
    const none = await get(
      `/threads/lookup${query({ accountLinkId: thread.accountLinkId, externalPlatformId: '42' })}`,
    );
    expect([none.status, none.text]).toEqual([200, 'null']);
    const nobody = await get('/prospects/lookup?platformId=42');
    expect([nobody.status, nobody.text]).toEqual([200, 'null']);
    expect((await get('/threads/lookup-by-username?username=nobody_at_all')).json).toEqual([]);
    const found = await get(
      `/threads/lookup${query({ accountLinkId: thread.accountLinkId, externalId: thread.prospect.externalId })}`,
    );
    expect(found.json).toEqual(wire(thread));
  });

  it('embeds prospects without context.threads in threads, with them on /prospects', async () => {
    const thread = (await get<ThreadPage>('/threads')).json.threads[0] as Thread;
    expect(thread.prospect.context).not.toHaveProperty('threads');
    const prospect = await get<ProspectWithContext>(`/prospects/${thread.prospect.externalId}`);
    expect(prospect.json.context.threads?.map((ref) => ref.id)).toContain(thread.id);
  });
});

describe('rate limiting', () => {
  it('limits per team with a sliding window and headers on every response', async () => {
    const limited = await startSimulator({ rateLimitPerMinute: 3 });
    const call = (token: string | null, path = '/team') => api('GET', path, { token, base: limited.url });
    try {
      const remaining: string[] = [];
      for (const token of [DEMO_TOKEN, DEMO_ALT_TOKEN, DEMO_TOKEN]) {
        const reply = await call(token);
        expect(reply.status).toBe(200);
        expect(reply.headers.get('x-ratelimit-limit')).toBe('3');
        remaining.push(reply.headers.get('x-ratelimit-remaining') ?? '');
      }
      expect(remaining).toEqual(['2', '1', '0']);

      const rejected = await call(DEMO_ALT_TOKEN);
      expectError(rejected, 429, 'RATE_LIMITED');
      const retryAfter = Number(rejected.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(rejected.json).toMatchObject({
        error: { message: `Rate limit exceeded. Try again in ${retryAfter} seconds.` },
      });
      expect(Number(rejected.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(
        Math.floor(Date.now() / 1000),
      );
      expect(rejected.headers.get('x-ratelimit-remaining')).toBe('0');

      // Other teams have their own budget; unauthenticated answers still carry the headers.
      expect((await call(SECOND_TEAM_TOKEN)).status).toBe(200);
      expect((await call(null)).headers.get('x-ratelimit-limit')).toBe('3');

      // The rejected call did not use quota: one more slot admits exactly one more call.
      limited.setRateLimit(4);
      expect((await call(DEMO_TOKEN)).status).toBe(200);
      expect((await call(DEMO_TOKEN)).status).toBe(429);
      limited.resetRateLimits();
      expect(
        (await call(DEMO_TOKEN, '/threads/zzzzzzzzzzzzzzzzzzzzzzzz')).headers.get('x-ratelimit-remaining'),
      ).toBe('3');
    } finally {
      await limited.close();
    }
  });
});

describe('writes', () => {
  it('are visible to later reads and recorded in /events', async () => {
    const thread = pickThread((t) => inDefaultInbox(t) && t.accountLinkId === activeLinkId(), used);
    used.add(thread.id);
    const afterSeq = team.events.at(-1)?.seq ?? 0;

    const sent = await api<Message>('POST', `/threads/${thread.id}/messages`, {
      body: { content: 'Checking in!' },
    });
    const top = (await get<ThreadPage>('/threads?limit=1')).json.threads[0];
    expect(top).toMatchObject({ id: thread.id, lastMessage: { id: sent.json.id, content: 'Checking in!' } });
    expect(top?.computedSortTimestamp).toBe(sent.json.createdAt);
    expect((await get<MessagePage>(`/threads/${thread.id}/messages?limit=1`)).json.messages[0]).toEqual(
      sent.json,
    );

    await api('PATCH', `/threads/${thread.id}`, { body: { done: true } });
    expect((await get<Thread>(`/threads/${thread.id}`)).json.done).toBe(true);
    expect((await get<ThreadPage>('/threads?limit=100')).json.threads.some((t) => t.id === thread.id)).toBe(
      false,
    );

    const tag = await api<Schemas['Tag']>('POST', '/tags', {
      body: { name: 'Writes test', color: '#123abc' },
    });

    const events = (await get<EventPage>(`/events?afterSeq=${afterSeq}`)).json;
    expect(events.events.map((event) => event.type)).toEqual([
      'message.created',
      'thread.archived',
      'tag.created',
    ]);
    expect(events.events.map((event) => event.seq)).toEqual([afterSeq + 1, afterSeq + 2, afterSeq + 3]);
    expect(events.events[0]?.data).toMatchObject({
      message: { id: sent.json.id },
      thread: { id: thread.id },
    });
    expect(events.events[2]?.data).toEqual({ tag: tag.json });
    expect(events).toMatchObject({ hasMore: false, lastSeq: afterSeq + 3 });
    expect((await get<EventPage>(`/events?afterSeq=${afterSeq + 3}`)).json).toEqual({
      events: [],
      hasMore: false,
      lastSeq: afterSeq + 3,
    });
  });

  it('fans PATCH context done/assigneeId out to every thread of the prospect', async () => {
    const prospect = team.prospects.find((p) => {
      const threads = team.threadsOf(p.externalId ?? '');
      return threads.length > 1 && threads.every((t) => !used.has(t.id) && !t.done);
    }) as ProspectWithContext;
    const threadIds = team.threadsOf(prospect.externalId ?? '').map((thread) => thread.id);
    const assignee = team.members[2]?.id;
    const afterSeq = team.events.at(-1)?.seq ?? 0;

    const reply = await api<ProspectWithContext>('PATCH', `/prospects/${prospect.externalId}/context`, {
      body: { done: true, assigneeId: assignee },
    });
    expect(reply.json.context.threads?.map((ref) => ref.id).sort()).toEqual([...threadIds].sort());
    for (const id of threadIds) {
      expect((await get<Thread>(`/threads/${id}`)).json).toMatchObject({ done: true, assigneeId: assignee });
    }
    const types = (await get<EventPage>(`/events?afterSeq=${afterSeq}`)).json.events.map(
      (event) => event.type,
    );
    expect(types).toContain('prospect.assigneeChanged');
    expect(types.filter((type) => type === 'thread.archived')).toHaveLength(threadIds.length);
  });
});

describe('team isolation', () => {
  it("never serves another team's data", async () => {
    const thread = team.threads[0] as Thread;
    expectError(await get(`/threads/${thread.id}`, SECOND_TEAM_TOKEN), 403, 'FORBIDDEN');
    expectError(await get(`/threads/${thread.id}/messages`, SECOND_TEAM_TOKEN), 403, 'FORBIDDEN');
    expectError(await get(`/prospects/${thread.prospect.externalId}`, SECOND_TEAM_TOKEN), 403, 'FORBIDDEN');
    expectError(await get(`/tags/${team.tags[0]?.id}`, SECOND_TEAM_TOKEN), 403, 'FORBIDDEN');
    expectError(await get(`/members/${team.members[0]?.id}`, SECOND_TEAM_TOKEN), 403, 'FORBIDDEN');
    expectError(
      await get(`/campaigns/${team.campaigns[0]?.campaign.id}`, SECOND_TEAM_TOKEN),
      403,
      'FORBIDDEN',
    );

    expect((await get('/team', SECOND_TEAM_TOKEN)).json).toEqual(wire(otherTeam.team));
    const theirs = (await get<ThreadPage>('/threads?limit=100', SECOND_TEAM_TOKEN)).json.threads.map(
      (t) => t.id,
    );
    expect(theirs).toEqual(otherTeam.threads.filter(inDefaultInbox).map((t) => t.id));
    expect(theirs.some((id) => team.thread(id))).toBe(false);
  });

  it('seeds the same data on every start and shares no ids between teams', async () => {
    const [one, two] = await Promise.all([startSimulator(), startSimulator()]);
    try {
      const snapshot = (simulator: Simulator) => {
        const seeded = simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
        return wire({
          threads: seeded.threads,
          messages: [...seeded.messagesByThread],
          events: seeded.events,
        });
      };
      expect(snapshot(one)).toEqual(snapshot(two));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
    const ids = (state: TeamState) =>
      new Set([
        state.team.id,
        ...state.members.flatMap((m) => [m.id, m.userId]),
        ...state.threads.map((t) => t.id),
        ...state.prospects.map((p) => p.externalId ?? ''),
        ...state.tags.map((t) => t.id),
      ]);
    const mine = ids(team);
    expect([...ids(otherTeam)].filter((id) => mine.has(id))).toEqual([]);
  });
});

describe('faults', () => {
  it('answers injected statuses, in order, for matching calls only', async () => {
    sim.injectFault({ kind: 'status', status: 503, path: '/team', times: 2 });
    sim.injectFault({ kind: 'status', status: 429, method: 'GET', path: /^\/threads\/[^/]+$/ });
    const first = await get('/team');
    expectError(first, 503, 'SERVICE_UNAVAILABLE');
    expect(first.headers.get('x-ratelimit-limit')).toMatch(/^\d+$/);
    expect((await get('/tags')).status).toBe(200);
    expect((await get('/team')).status).toBe(503);
    expect((await get('/team')).status).toBe(200);

    const throttled = await get(`/threads/${team.threads[0]?.id}`);
    expectError(throttled, 429, 'RATE_LIMITED');
    expect(throttled.headers.get('retry-after')).toBe('60');

    sim.injectFault({
      kind: 'status',
      status: 502,
      body: { custom: true },
      headers: { 'X-Upstream': 'edge' },
      times: Infinity,
    });
    const custom = await get('/members');
    expect([custom.status, custom.json, custom.headers.get('x-upstream')]).toEqual([
      502,
      { custom: true },
      'edge',
    ]);
    sim.clearFaults();
    expect((await get('/members')).status).toBe(200);
  });

  it('resets the connection, delays, or truncates the body', async () => {
    sim.resetCalls();
    sim.injectFault({ kind: 'reset', path: '/team' });
    await expect(
      fetch(`${sim.url}/team`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } }),
    ).rejects.toThrow();
    expect(sim.calls).toEqual([
      { method: 'GET', path: '/team', query: {}, teamId: team.team.id, status: 0, at: expect.any(Number) },
    ]);

    sim.injectFault({ kind: 'slow', delayMs: 300, path: '/team' });
    const started = Date.now();
    const slow = await get('/team');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slow.json).toEqual(wire(team.team));

    const intact = await get('/members');
    sim.injectFault({ kind: 'brokenJson', path: '/members' });
    const broken = await fetch(`${sim.url}/members`, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
    const text = await broken.text();
    expect([broken.status, broken.headers.get('content-type')]).toEqual([
      200,
      'application/json; charset=utf-8',
    ]);
    expect(() => JSON.parse(text)).toThrow();
    expect(intact.text.startsWith(text)).toBe(true);
    expect(sim.calls.map((call) => [call.path, call.status])).toEqual([
      ['/team', 0],
      ['/team', 200],
      ['/members', 200],
      ['/members', 200],
    ]);
  });
});
