import { describe, expect, it } from 'vitest';
import type { Thread } from '../../../src/upstream/types.js';
import {
  CreateThreadDocument,
  DeleteThreadDocument,
  SendTypingIndicatorDocument,
  ThreadIdByIdDocument,
  UpdateThreadFieldsDocument,
  UpdateThreadSettingsDocument,
  UpdateThreadSettingsOnlyDocument,
  WrittenThreadByIdDocument,
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

/** Distinct live threads of the demo team for each test, so tests don't depend on each other's writes. */
function threads(predicate: (thread: Thread) => boolean, count = 1): Thread[] {
  const team = demoTeam(harness);
  const active = new Set(team.accountLinks.filter((link) => link.status === 'active').map((link) => link.id));
  const found = team.threads.filter(
    (thread) => active.has(thread.accountLinkId) && thread.platform === 'twitter' && predicate(thread),
  );
  used += count;
  const picked = found.slice(used - count, used);
  if (picked.length < count) throw new Error('the seed has too few matching threads');
  return picked;
}
let used = 0;
const aThread = (predicate: (thread: Thread) => boolean = () => true) => threads(predicate)[0] as Thread;

describe('createThread', () => {
  const CREATE = CreateThreadDocument;

  it('opens a thread with an X user and returns it, with no read after the write', async () => {
    const team = demoTeam(harness);
    const link = team.accountLinks.find((candidate) => candidate.status === 'active');
    if (!link) throw new Error('no active link');
    const platformId = '1700000000000000001';
    const data = await mutate(harness, CREATE, {
      input: { accountLinkId: globalId('AccountLink', link.id), prospect: { platformId } },
    });
    const stored = team.threadFor(link.id, team.prospectByPlatform(platformId)?.externalId ?? '');
    expect(stored).toBeDefined();
    expect(data.createThread.thread).toEqual({
      id: globalId('Thread', stored?.id ?? ''),
      inboxId: stored?.id,
      done: false,
      typingIndicatorsEnabled: null,
      assignee: null,
      prospect: { platformId },
      accountLink: { inboxId: link.id },
    });
    // The POST answered with the thread: no GET after it (the account link comes from the collection).
    expect(harness.simulator.calls.map((call) => `${call.method} ${call.path}`)).not.toContain(
      `GET /threads/${stored?.id}`,
    );
  });

  it.each([
    [{ accountLinkId: 'not an id', prospect: { platformId: '1' } }, 'input.accountLinkId'],
    [{ accountLinkId: 'abc123', prospect: {} }, 'input.prospect'],
    [{ accountLinkId: 'abc123', prospect: { platformId: '1', inboxId: 'abc' } }, 'input.prospect'],
    [{ accountLinkId: 'abc123', prospect: { platformId: '@someone' } }, 'input.prospect.platformId'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, CREATE, { input }, field);
  });
});

describe('updateThread', () => {
  const UPDATE = UpdateThreadFieldsDocument;
  const READ = WrittenThreadByIdDocument;

  it('marks done and assigns; `thread(id)` then reads the same state', async () => {
    const thread = aThread((candidate) => !candidate.done && candidate.assigneeId === null);
    const member = demoTeam(harness).members[1];
    if (!member) throw new Error('no member');
    const id = globalId('Thread', thread.id);
    const data = await mutate(harness, UPDATE, {
      input: { id, done: true, assigneeId: globalId('Member', member.id) },
    });
    const expected = {
      id,
      inboxId: thread.id,
      done: true,
      typingIndicatorsEnabled: thread.typingIndicatorsEnabled,
      assignee: { id: globalId('Member', member.id), inboxId: member.id },
      prospect: { platformId: thread.prospect.platformId },
    };
    expect(data.updateThread.thread).toEqual(expected);
    expect(thread.done).toBe(true);
    expect(thread.assigneeId).toBe(member.id);
    const read = await mutate(harness, READ, { id: thread.id });
    expect(read.thread).toEqual(expected);
  });

  it('`assigneeId: null` unassigns, and an absent `done` is left as it is', async () => {
    const thread = aThread((candidate) => candidate.done && candidate.assigneeId !== null);
    const data = await mutate(harness, UPDATE, { input: { id: thread.id, assigneeId: null } });
    expect(data.updateThread.thread).toMatchObject({ done: true, assignee: null });
    expect(thread).toMatchObject({ done: true, assigneeId: null });
  });

  it.each([
    [{ id: 'not an id!' }, 'input.id'],
    [{ id: 'abc', done: null }, 'input.done'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, UPDATE, { input }, field);
  });

  it('an upstream 409 comes back as CONFLICT; the write is not retried', async () => {
    const thread = aThread();
    harness.simulator.injectFault({
      kind: 'status',
      status: 409,
      method: 'PATCH',
      path: `/threads/${thread.id}`,
      body: { error: { code: 'CONFLICT', message: 'Thread is being merged', status: 409 } },
    });
    const { body } = await harness.graphql(UPDATE, { variables: { input: { id: thread.id, done: true } } });
    const error = expectUpstreamError(body, 'CONFLICT', 409, 'PATCH');
    expect(error?.message).toBe('Thread is being merged');
    expect(writesOf(harness)).toHaveLength(1);
  });

  it('an unknown member is the upstream’s 422, BAD_USER_INPUT with its message', async () => {
    const thread = aThread();
    const { body } = await harness.graphql(UPDATE, {
      variables: { input: { id: thread.id, assigneeId: 'zzzzzzzzzzzzzzzzzzzzzzzz' } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'PATCH');
    expect(error?.message).toContain('assigneeId');
  });
});

describe('deleteThread', () => {
  const DELETE = DeleteThreadDocument;

  it('deletes; `deletedId` is the global id, and the thread is gone for later reads', async () => {
    const thread = aThread();
    const data = await mutate(harness, DELETE, {
      input: { id: thread.id },
    });
    expect(data.deleteThread.deletedId).toBe(globalId('Thread', thread.id));
    expect(demoTeam(harness).thread(thread.id)).toBeUndefined();
    const { body } = await harness.graphql(ThreadIdByIdDocument, {
      variables: { id: data.deleteThread.deletedId },
    });
    expect(body.data).toEqual({ thread: null });
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses an id that is not an id before any upstream write', async () => {
    await expectRefused(harness, DELETE, { input: { id: 'Thread:42' } }, 'input.id');
  });
});

describe('sendTypingIndicator', () => {
  const TYPING = SendTypingIndicatorDocument;

  it('is sent in an X Chat thread, then throttled; other threads skip it as unsupported', async () => {
    const xChat = aThread(
      (candidate) => candidate.variant === 'xChat' && candidate.typingIndicatorsEnabled !== false,
    );
    const first = await mutate(harness, TYPING, { input: { threadId: globalId('Thread', xChat.id) } });
    expect(first).toEqual({ sendTypingIndicator: { sent: true, skippedReason: null } });
    const second = await mutate(harness, TYPING, { input: { threadId: xChat.id } });
    expect(second).toEqual({ sendTypingIndicator: { sent: false, skippedReason: 'rateLimited' } });
    const legacy = aThread((candidate) => candidate.variant === 'unencrypted');
    const skipped = await mutate(harness, TYPING, { input: { threadId: legacy.id } });
    expect(skipped).toEqual({ sendTypingIndicator: { sent: false, skippedReason: 'unsupported' } });
    expect(writesOf(harness).map((call) => call.path)).toEqual([
      `/threads/${xChat.id}/typing`,
      `/threads/${xChat.id}/typing`,
      `/threads/${legacy.id}/typing`,
    ]);
  });
});

describe('updateThreadSettings', () => {
  const SETTINGS = UpdateThreadSettingsDocument;

  it('changes the override; the thread is re-read because the REST answer holds only the settings', async () => {
    const thread = aThread((candidate) => candidate.typingIndicatorsEnabled === null);
    const id = globalId('Thread', thread.id);
    const off = await mutate(harness, SETTINGS, { input: { threadId: id, typingIndicatorsEnabled: false } });
    expect(off).toEqual({ updateThreadSettings: { thread: { id, typingIndicatorsEnabled: false } } });
    expect(thread.typingIndicatorsEnabled).toBe(false);
    expect(harness.simulator.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      `PATCH /threads/${thread.id}/settings`,
      `GET /threads/${thread.id}`,
    ]);
    const reset = await mutate(harness, SETTINGS, { input: { threadId: id, typingIndicatorsEnabled: null } });
    expect(reset).toEqual({ updateThreadSettings: { thread: { id, typingIndicatorsEnabled: null } } });
  });

  it('costs no read when `thread` is not selected', async () => {
    const thread = aThread();
    const { body } = await harness.graphql(UpdateThreadSettingsOnlyDocument, {
      variables: { input: { threadId: thread.id, typingIndicatorsEnabled: true } },
    });
    expect(body).toEqual({
      data: { updateThreadSettings: { __typename: 'ThreadPayload' } },
      extensions: { cost: expect.objectContaining({ actualQueryCost: 1 }) },
    });
    expect(harness.simulator.calls.map((call) => call.method)).toEqual(['PATCH']);
  });

  it('refuses a bad id before any upstream write', async () => {
    await expectRefused(harness, SETTINGS, { input: { threadId: '' } }, 'input.threadId');
  });

  it('an upstream 422 comes back as BAD_USER_INPUT with its message', async () => {
    const thread = aThread();
    harness.simulator.injectFault({
      kind: 'status',
      status: 422,
      method: 'PATCH',
      path: `/threads/${thread.id}/settings`,
      body: {
        error: { code: 'VALIDATION_ERROR', message: 'Typing indicators are managed by X', status: 422 },
      },
    });
    const { body } = await harness.graphql(SETTINGS, {
      variables: { input: { threadId: thread.id, typingIndicatorsEnabled: true } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'PATCH');
    expect(error?.message).toBe('Typing indicators are managed by X');
  });
});
