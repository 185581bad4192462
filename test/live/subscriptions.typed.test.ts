import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TAG } from '../../simulator/src/label-kinds.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import type { Message, Thread } from '../../src/upstream/types.js';
import { useHarness } from '../support/harness.js';
import { lastEvent, postWebhook, sseSubscribe, teamOf, until, webhookSecrets } from '../support/live.js';

/**
 * `inboxChanges` over real SSE, fed by signed webhooks of events the simulator really emitted: each kind
 * of change carries its objects, and costs the upstream calls docs/costs.md states (none for what the payload
 * carries; one per object read, shared within an event).
 */

const harness = useHarness({ config: { INBOX_WEBHOOK_SECRETS: webhookSecrets() } });

// The team's webhook is set up and has delivered: its events come by webhook alone, it is not polled.
beforeAll(async () => {
  expect((await postWebhook(harness, lastEvent(harness))).status).toBe(200);
});

// Each test waits for `listening === 1`: the subscriptions a previous test left must be gone first.
afterEach(() => until(() => harness.facade.events.bus.listening(team().team.id) === 0, 'a quiet server'));

const CHANGES = `subscription {
  inboxChanges {
    __typename id inboxId seq type
    ... on MessageCreated {
      message { id content direction author { __typename } }
      thread { id lastMessage { id content } accountLink { id username } }
    }
    ... on MessageChanged { message { id reactions direction } thread { id } }
    ... on MessageDeleted { deletedId }
    ... on ThreadChanged { thread { id done } }
    ... on ThreadDeleted { deletedId }
    ... on ProspectChanged { prospect { id notes tags { id name } } }
    ... on TagChanged { tag { id name } }
    ... on TagDeleted { deletedId }
    ... on StatusChanged { status { id name } }
    ... on OtherInboxChange { data }
  }
}`;

const team = () => teamOf(harness);
const aThread = (): Thread => {
  const thread = team().threads.find((candidate) => candidate.platform === 'twitter');
  if (!thread) throw new Error('the seed has a twitter thread');
  return thread;
};
const messagesOf = (thread: Thread): Message[] => team().messagesByThread.get(thread.id) ?? [];

/** Subscribes, lets `act` make the simulator emit events, posts them as webhooks, returns what arrived. */
async function changesOf(act: () => void, count = 1) {
  const subscription = sseSubscribe(harness, CHANGES);
  await until(() => harness.facade.events.bus.listening(team().team.id) === 1, 'subscribed');
  // Warm the collection cache the way any earlier screen would, then count only what the events cost.
  await harness.graphql('{ team { id } members { id } accountLinks { id } tags { id } statuses { id } }');
  const before = team().events.length;
  act();
  const emitted = team().events.slice(before);
  harness.simulator.resetCalls();
  for (const event of emitted) expect((await postWebhook(harness, event)).status).toBe(200);
  await until(() => subscription.payloads.length >= count, `${count} changes arrived`);
  subscription.leave();
  const upstream = harness.simulator.calls.map((call) => `${call.method} ${call.path}`);
  return { payloads: subscription.payloads, emitted, upstream };
}

describe('inboxChanges', () => {
  it('a new message carries the message and its thread, at no upstream call', async () => {
    const thread = aThread();
    const { payloads, emitted, upstream } = await changesOf(() =>
      team().receiveMessage(thread, 'Hello there'),
    );
    const message = messagesOf(thread).at(-1) as Message;
    const messageId = encodeGlobalID('Message', `${thread.id}:${message.id}`);
    expect(payloads[0]?.errors).toBeUndefined();
    expect(payloads[0]?.data?.inboxChanges).toMatchObject({
      __typename: 'MessageCreated',
      inboxId: emitted[0]?.id,
      seq: emitted[0]?.seq,
      type: 'message.created',
      message: {
        id: messageId,
        content: 'Hello there',
        direction: 'INBOUND',
        author: { __typename: 'Prospect' },
      },
      thread: {
        id: encodeGlobalID('Thread', thread.id),
        lastMessage: {
          id: encodeGlobalID('MessagePreview', `${thread.id}:${message.id}`),
          content: 'Hello there',
        },
      },
    });
    expect(upstream).toEqual([]);
  });

  it('a thread archived carries the thread; a prospect’s tags changed carries the prospect', async () => {
    const thread = aThread();
    const tag = team().labels(TAG)[0];
    const { payloads, upstream } = await changesOf(() => {
      team().updateThread(thread, { done: !thread.done });
      team().updateProspectContext(thread.prospect, { addTags: [tag?.id as string], notes: 'Typed' });
    }, 3);
    expect(payloads.map((payload) => payload.data?.inboxChanges)).toMatchObject([
      { __typename: 'ThreadChanged', thread: { id: encodeGlobalID('Thread', thread.id), done: thread.done } },
      {
        __typename: 'ProspectChanged',
        type: 'prospect.tagsChanged',
        prospect: {
          tags: expect.arrayContaining([{ id: encodeGlobalID('Tag', tag?.id as string), name: tag?.name }]),
        },
      },
      { __typename: 'ProspectChanged', type: 'prospect.notesChanged', prospect: { notes: 'Typed' } },
    ]);
    expect(upstream).toEqual([]);
  });

  it('a reaction costs one read of the message and one of its thread, shared by every field of the event', async () => {
    const thread = aThread();
    const message = messagesOf(thread).findLast((candidate) => candidate.deletedAt === null) as Message;
    const { payloads, upstream } = await changesOf(() => {
      team().addReaction(thread, message, '👍');
      team().addReaction(thread, message, '🎉');
    }, 2);
    expect(payloads.map((payload) => payload.data?.inboxChanges)).toMatchObject([
      {
        __typename: 'MessageChanged',
        type: 'message.reactionAdded',
        message: { id: encodeGlobalID('Message', `${thread.id}:${message.id}`) },
        thread: { id: encodeGlobalID('Thread', thread.id) },
      },
      {
        __typename: 'MessageChanged',
        message: { reactions: expect.arrayContaining([expect.objectContaining({ emoji: '🎉' })]) },
      },
    ]);
    // Per event: the thread's newest page (the message) and the thread (for `thread` and `direction`), once each;
    // the second event reads them again rather than reuse the first event's, which may be stale.
    expect(upstream.sort()).toEqual(
      [`GET /threads/${thread.id}`, `GET /threads/${thread.id}/messages`]
        .flatMap((call) => [call, call])
        .sort(),
    );
  });

  it('tags created and deleted, and events without a typed form', async () => {
    const { payloads } = await changesOf(() => {
      const tag = team().createLabel(TAG, 'Typed tag', null);
      team().deleteLabel(TAG, tag);
      team().emit('thread.typing', { threadId: aThread().id, senderPlatformId: '1' });
    }, 3);
    const tag = lastEvent(harness);
    expect(tag.type).toBe('thread.typing');
    const [created, deleted, typing] = payloads.map(
      (payload) => payload.data?.inboxChanges as Record<string, unknown>,
    );
    expect(created).toMatchObject({ __typename: 'TagChanged', tag: { name: 'Typed tag' } });
    expect(deleted).toEqual(
      expect.objectContaining({
        __typename: 'TagDeleted',
        deletedId: (created?.tag as { id: string } | undefined)?.id,
      }),
    );
    expect(typing).toMatchObject({
      __typename: 'OtherInboxChange',
      type: 'thread.typing',
      data: { threadId: aThread().id },
    });
  });

  it('a payload without the documented objects is passed on as OtherInboxChange, not an error', async () => {
    const subscription = sseSubscribe(harness, CHANGES);
    await until(() => harness.facade.events.bus.listening(team().team.id) === 1, 'subscribed');
    const odd = {
      ...lastEvent(harness),
      id: 'evtoddpayload',
      seq: lastEvent(harness).seq + 50,
      type: 'message.created',
      data: { message: 'not an object' },
    };
    await postWebhook(harness, odd);
    await until(() => subscription.payloads.length === 1, 'the change arrived');
    subscription.leave();
    expect(subscription.payloads[0]).toEqual({
      extensions: { cost: expect.objectContaining({ actualQueryCost: 0 }) },
      data: {
        inboxChanges: expect.objectContaining({
          __typename: 'OtherInboxChange',
          data: { message: 'not an object' },
        }),
      },
    });
  });
});
