import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import type { InboxEvent, Message, Thread } from '../../src/upstream/types.js';
import { type Harness, useHarness } from '../support/harness.js';
import {
  eventReads,
  postWebhook,
  SECOND_TEAM_ID,
  sseSubscribe,
  teamOf,
  until,
  webhookSecrets,
} from '../support/live.js';

/**
 * Ids inside event payloads (a webhook's, or the log's) are checked as id arguments are: a payload whose ids
 * are not Inbox ids is passed on untyped (`OtherInboxChange`), and nothing of it reaches a REST path. The
 * simulator's call log is the witness: `..` in a path would have reached `GET /api/v1/messages` or `/api/v1/`.
 */

const CHANGES = `subscription {
  inboxChanges {
    __typename inboxId
    ... on MessageCreated { message { id campaign { id } } }
    ... on MessageChanged { message { id } thread { id } }
    ... on MessageDeleted { deletedId thread { id } }
    ... on ThreadChanged { thread { id messages(first: 1) { edges { node { id } } } } }
    ... on ProspectChanged { prospect { id threads { id } } }
  }
}`;

const harness = useHarness({
  transport: 'http',
  config: { INBOX_WEBHOOK_SECRETS: webhookSecrets(), EVENTS_POLL_INTERVAL_MS: '1000' },
});

afterEach(() =>
  until(() => harness.facade.events.bus.listening(teamOf(harness).team.id) === 0, 'a quiet server'),
);

const aThread = (token: string): Thread => {
  const thread = teamOf(harness, token).threads.find((candidate) => candidate.platform === 'twitter');
  if (!thread) throw new Error('the seed has a twitter thread');
  return thread;
};
const aMessage = (token: string): Message => {
  const message = teamOf(harness, token).messagesByThread.get(aThread(token).id)?.at(-1);
  if (!message) throw new Error('the seed has messages');
  return message;
};

/** Events of the token's team whose payloads carry `bad` where ids go, one of each typed kind. */
function hostileEvents(token: string, bad: string): InboxEvent[] {
  const team = teamOf(harness, token);
  const thread = aThread(token);
  const message = aMessage(token);
  const prospect = team.prospects[0];
  return [
    team.emit('message.reactionAdded', { messageId: message.id, threadId: bad, reaction: { emoji: '👍' } }),
    team.emit('message.deleted', { messageId: message.id, threadId: bad }),
    team.emit('thread.archived', { thread: { ...thread, id: bad } }),
    team.emit('message.created', { message: { ...message, campaignId: bad }, thread }),
    team.emit('prospect.notesChanged', {
      prospect: { ...prospect, context: { ...prospect?.context, threads: [{ id: bad }] } },
    }),
  ];
}

/** Calls whose path an id from a payload could have made: anything off the routes, or a dot segment. */
const strayCalls = (harness: Harness) =>
  harness.simulator.calls
    .map((call) => `${call.method} ${call.path}`)
    .filter((call) => /\/\.\.?(\/|$)|^GET \/(messages|campaigns)?$/.test(call) || call.includes('%2F'));

/** The two ways an event's payload comes in: each token's team gets its events one way only. */
const arrivals = {
  'a webhook': {
    token: DEMO_TOKEN,
    ready: () =>
      until(() => harness.facade.events.bus.listening(teamOf(harness).team.id) === 1, 'subscribed'),
    deliver: async (events: InboxEvent[]) => {
      for (const event of events) expect((await postWebhook(harness, event)).status).toBe(200);
    },
  },
  'the log, read by a poller': {
    token: SECOND_TEAM_TOKEN,
    ready: () => until(() => eventReads(harness, SECOND_TEAM_ID) >= 2, 'a poll after the first'),
    deliver: async () => undefined, // in the log already: the next poll reads them
  },
};

describe('ids inside event payloads', () => {
  it.each([
    ...['..', '.', '../../team', 'A%2Fb', 'x/y'].map((bad) => ['a webhook', bad] as const),
    ['the log, read by a poller', '..'] as const,
  ])(
    'payloads from %s whose ids are %j are passed on untyped, and reach no REST path',
    async (arrival, bad) => {
      const { token, ready, deliver } = arrivals[arrival];
      const subscription = sseSubscribe(harness, CHANGES, { token });
      try {
        await ready();
        harness.simulator.resetCalls();
        const events = hostileEvents(token, bad);
        await deliver(events);
        await until(() => subscription.payloads.length >= events.length, 'every event');
        expect(strayCalls(harness)).toEqual([]);
        expect(harness.simulator.calls.filter((call) => call.path !== '/events')).toEqual([]);
        expect(subscription.payloads.map((payload) => payload.data?.inboxChanges)).toEqual(
          events.map((event) => ({ __typename: 'OtherInboxChange', inboxId: event.id })),
        );
      } finally {
        subscription.leave();
      }
    },
  );

  it('with Inbox ids, the same payloads are typed and read what they name (the witness sees calls)', async () => {
    const subscription = sseSubscribe(harness, CHANGES);
    await until(() => harness.facade.events.bus.listening(teamOf(harness).team.id) === 1, 'subscribed');
    try {
      const thread = aThread(DEMO_TOKEN);
      const event = teamOf(harness).emit('message.reactionAdded', {
        messageId: aMessage(DEMO_TOKEN).id,
        threadId: thread.id,
        reaction: { emoji: '👍' },
      });
      harness.simulator.resetCalls();
      expect((await postWebhook(harness, event)).status).toBe(200);
      await until(() => subscription.payloads.length >= 1, 'the event');
      expect(subscription.payloads[0]?.data?.inboxChanges).toMatchObject({ __typename: 'MessageChanged' });
      expect(harness.simulator.calls.map((call) => call.path)).toContain(`/threads/${thread.id}`);
    } finally {
      subscription.leave();
    }
  });
});
