import { describe, expect, it } from 'vitest';
import type { Message, Thread } from '../../../src/upstream/types.js';
import {
  AddReactionDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  MessageDeletedAtDocument,
  NewestMessagesDocument,
  QuickSendMessageDocument,
  RemoveReactionDocument,
  SendMessageDocument,
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

const taken = new Set<string>();
/** A thread of the demo team not used by another test, with the account link in the given state. */
function aThread(predicate: (thread: Thread) => boolean, linkStatus = 'active'): Thread {
  const team = demoTeam(harness);
  const links = new Set(
    team.accountLinks.filter((link) => link.status === linkStatus).map((link) => link.id),
  );
  const thread = team.threads.find(
    (candidate) => !taken.has(candidate.id) && links.has(candidate.accountLinkId) && predicate(candidate),
  );
  if (!thread) throw new Error('the seed has no such thread');
  taken.add(thread.id);
  return thread;
}
const messagesOf = (thread: Thread): Message[] => demoTeam(harness).messagesByThread.get(thread.id) ?? [];
/** The team's newest live message in a thread. */
function ownMessage(thread: Thread): Message {
  const message = messagesOf(thread).findLast(
    (candidate) => candidate.authorId === thread.accountLinkId && candidate.deletedAt === null,
  );
  if (!message) throw new Error('no own message');
  return message;
}
const hasOwnMessage = (thread: Thread) =>
  messagesOf(thread).some(
    (message) => message.authorId === thread.accountLinkId && message.deletedAt === null,
  );
function aLink(status: string) {
  const link = demoTeam(harness).accountLinks.find((candidate) => candidate.status === status);
  if (!link) throw new Error(`the seed has no ${status} account link`);
  return link;
}
const messageId = (message: Message) => globalId('Message', `${message.threadId}:${message.id}`);

describe('sendMessage', () => {
  const SEND = SendMessageDocument;

  it('sends; the payload and a later read of the thread’s newest messages show it', async () => {
    const thread = aThread((candidate) => candidate.platform === 'twitter');
    const reply = messagesOf(thread).at(-1) as Message;
    const content = 'Thanks, talk Friday!';
    const data = await mutate(harness, SEND, {
      input: { threadId: globalId('Thread', thread.id), content, replyToMessageId: messageId(reply) },
    });
    const stored = messagesOf(thread).at(-1) as Message;
    expect(stored).toMatchObject({ content, replyData: { messageId: reply.id } });
    const owner = demoTeam(harness).members.find((member) => member.userId === stored.userId);
    expect(data.sendMessage).toEqual({
      success: true,
      message: {
        id: messageId(stored),
        inboxId: stored.id,
        content,
        isEdited: false,
        deletedAt: null,
        reactions: [],
        direction: 'OUTBOUND',
        sentBy: { inboxId: owner?.id },
      },
      thread: { id: globalId('Thread', thread.id), lastMessage: { inboxId: stored.id, content } },
    });
    const { body } = await harness.graphql(NewestMessagesDocument, { variables: { id: thread.id } });
    expect(body.data?.thread?.messages?.edges[0]?.node).toEqual({ id: messageId(stored), content });
  });

  it('accepts a raw message id as the reply target', async () => {
    const thread = aThread((candidate) => candidate.platform === 'twitter');
    const reply = messagesOf(thread)[0] as Message;
    await mutate(harness, SEND, {
      input: { threadId: thread.id, content: 'Raw reply', replyToMessageId: reply.id },
    });
    expect(messagesOf(thread).at(-1)?.replyData).toMatchObject({ messageId: reply.id });
  });

  it.each([
    [{ threadId: 'abc', content: '' }, 'input.content'],
    [{ threadId: 'abc', content: '   \n ' }, 'input.content'],
    [{ threadId: 'abc', content: 'x'.repeat(10_001) }, 'input.content'],
    [{ threadId: 'Thread 1', content: 'hi' }, 'input.threadId'],
    [
      { threadId: 'abc', content: 'hi', replyToMessageId: globalId('Message', 'other:msg1') },
      'input.replyToMessageId',
    ],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, SEND, { input }, field);
  });

  it('sending through an offline account link is the upstream’s 422: BAD_USER_INPUT with its message', async () => {
    const thread = aThread(() => true, 'offline');
    const { body } = await harness.graphql(SEND, {
      variables: { input: { threadId: thread.id, content: 'Hello?' } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'POST');
    expect(error?.message).toMatch(/offline/);
    expect(error?.extensions?.upstream).toMatchObject({ code: 'ACCOUNT_LINK_UNAVAILABLE' });
  });
});

describe('quickSendMessage', () => {
  const QUICK = QuickSendMessageDocument;

  it('opens the thread and sends in one call', async () => {
    const team = demoTeam(harness);
    const link = aLink('active');
    const platformId = '1700000000000000101';
    const data = await mutate(harness, QUICK, {
      input: { accountLinkId: link.id, prospect: { platformId }, content: 'Hi there' },
    });
    const thread = team.threadFor(link.id, team.prospectByPlatform(platformId)?.externalId ?? '');
    const message = thread && (team.messagesByThread.get(thread.id)?.at(-1) as Message);
    expect(data.quickSendMessage).toEqual({
      message: { id: message && messageId(message), content: 'Hi there' },
      thread: { id: globalId('Thread', thread?.id ?? ''), inboxId: thread?.id, prospect: { platformId } },
    });
    expect(writesOf(harness).map((call) => call.path)).toEqual(['/threads/messages']);
  });

  it.each([
    [{ accountLinkId: 'abc', prospect: {}, content: 'hi' }, 'input.prospect'],
    [{ accountLinkId: 'abc', prospect: { platformId: '1' }, content: ' ' }, 'input.content'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, QUICK, { input }, field);
  });

  it('an offline account link is the upstream’s 422: BAD_USER_INPUT', async () => {
    const { body } = await harness.graphql(QUICK, {
      variables: {
        input: {
          accountLinkId: aLink('offline').id,
          prospect: { platformId: '1700000000000000102' },
          content: 'Hi',
        },
      },
    });
    expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'POST');
  });
});

describe('editMessage', () => {
  const EDIT = EditMessageDocument;

  it('edits the team’s message in an X Chat thread; the payload shows the new text', async () => {
    const thread = aThread((candidate) => candidate.variant === 'xChat' && hasOwnMessage(candidate));
    const message = ownMessage(thread);
    const before = message.content;
    const data = await mutate(harness, EDIT, {
      input: { messageId: messageId(message), content: 'Edited text' },
    });
    expect(message).toMatchObject({ content: 'Edited text', isEdited: true });
    expect(data.editMessage.success).toBe(true);
    expect(data.editMessage.message).toMatchObject({
      id: messageId(message),
      content: 'Edited text',
      isEdited: true,
      history: { versions: [{ content: before }, { content: 'Edited text' }] },
    });
  });

  it.each([
    [{ messageId: 'abc', content: 'x' }, 'input.messageId'],
    [{ messageId: globalId('Message', 'abc:def'), content: '' }, 'input.content'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, EDIT, { input }, field);
  });

  it('outside X Chat the upstream’s 422 comes back as BAD_USER_INPUT with its message', async () => {
    const thread = aThread((candidate) => candidate.variant === 'unencrypted' && hasOwnMessage(candidate));
    const message = ownMessage(thread);
    const { body } = await harness.graphql(EDIT, {
      variables: { input: { messageId: messageId(message), content: 'Edited' } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'PATCH');
    expect(error?.message).toMatch(/X Chat/);
    expect(message.isEdited).toBe(false);
  });
});

describe('deleteMessage', () => {
  const DELETE = DeleteMessageDocument;

  it('unsends for everyone by default; `deletedId` is the message’s global id', async () => {
    const thread = aThread((candidate) => candidate.variant === 'xChat' && hasOwnMessage(candidate));
    const message = ownMessage(thread);
    const data = await mutate(harness, DELETE, { input: { messageId: messageId(message) } });
    expect(data).toEqual({ deleteMessage: { deletedId: messageId(message) } });
    expect(message.deletedAt).not.toBeNull();
    expect(message.platformDeletedAt).toBe(message.deletedAt);
    const { body } = await harness.graphql(MessageDeletedAtDocument, {
      variables: { id: messageId(message) },
    });
    expect(body.data).toEqual({ node: { deletedAt: message.deletedAt } });
  });

  it('`deleteForAll: false` deletes on the team’s side only', async () => {
    const thread = aThread((candidate) => candidate.variant === 'xChat' && hasOwnMessage(candidate));
    const message = ownMessage(thread);
    await mutate(harness, DELETE, { input: { messageId: messageId(message), deleteForAll: false } });
    expect(message.deletedAt).not.toBeNull();
    expect(message.platformDeletedAt).toBeNull();
  });

  it.each([
    [{ messageId: 'msg1' }, 'input.messageId'],
    [{ messageId: globalId('Message', 'abc:def'), deleteForAll: null }, 'input.deleteForAll'],
  ])('refuses %j before any upstream write (%s)', async (input, field) => {
    await expectRefused(harness, DELETE, { input }, field);
  });

  it('outside X Chat the upstream’s 422 comes back as BAD_USER_INPUT with its message', async () => {
    const thread = aThread((candidate) => candidate.variant === 'unencrypted' && hasOwnMessage(candidate));
    const { body } = await harness.graphql(DELETE, {
      variables: { input: { messageId: messageId(ownMessage(thread)) } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'DELETE');
    expect(error?.message).toMatch(/X Chat/);
  });
});

describe('addReaction and removeReaction', () => {
  const ADD = AddReactionDocument;
  const REMOVE = RemoveReactionDocument;

  it('adds and removes the team’s reaction; the payload message carries the current reactions', async () => {
    const thread = aThread((candidate) => candidate.platform === 'twitter');
    const message = messagesOf(thread).at(-1) as Message;
    const input = { messageId: messageId(message), emoji: '🎉' };
    const added = await mutate(harness, ADD, { input });
    expect(message.reactions).toEqual([expect.objectContaining({ emoji: '🎉' })]);
    expect(added.addReaction).toEqual({
      success: true,
      message: { id: messageId(message), reactions: message.reactions },
    });
    const removed = await mutate(harness, REMOVE, { input });
    expect(removed).toEqual({
      removeReaction: { success: true, message: { id: messageId(message), reactions: [] } },
    });
    // Removing it again changes nothing, and says so.
    const again = await mutate(harness, REMOVE, { input });
    expect(again).toEqual({
      removeReaction: { success: false, message: { id: messageId(message), reactions: [] } },
    });
  });

  it.each([
    [ADD, { messageId: globalId('Message', 'abc:def'), emoji: '' }, 'input.emoji'],
    [REMOVE, { messageId: globalId('Message', 'abc:def'), emoji: 'x'.repeat(33) }, 'input.emoji'],
    [ADD, { messageId: 'abc', emoji: '👍' }, 'input.messageId'],
  ])('refuses a bad input before any upstream write (%#)', async (query, input, field) => {
    await expectRefused(harness, query, { input }, field);
  });

  it('sandbox threads refuse reactions: the upstream’s 422 comes back as BAD_USER_INPUT', async () => {
    const thread = aThread(
      (candidate) => candidate.platform === 'sandbox' && messagesOf(candidate).length > 0,
    );
    const message = messagesOf(thread).at(-1) as Message;
    const { body } = await harness.graphql(ADD, {
      variables: { input: { messageId: messageId(message), emoji: '👍' } },
    });
    const error = expectUpstreamError(body, 'BAD_USER_INPUT', 422, 'POST');
    expect(error?.message).toMatch(/sandbox/);
  });
});
