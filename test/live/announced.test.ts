import type { ExecutionResult } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { useHarness } from '../support/harness.js';
import { eventReads, lastEvent, sleep, sseSubscribe, teamOf, until } from '../support/live.js';

/**
 * Writes made through the facade reach the team's typed subscribers at once (announced from the write's
 * answer), and the Inbox event of the same write, brought later by the poller, is not delivered to them
 * again. One process, polling every few seconds: an announcement arrives before any poll could bring it.
 */

const INTERVAL_MS = 4_000;
const harness = useHarness({ transport: 'http', config: { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS) } });

const CHANGES = `subscription {
  inboxChanges {
    __typename inboxId seq type announced
    ... on MessageCreated { message { id content } thread { id lastMessage { id content } } }
    ... on TagChanged { tag { id name color } }
    ... on TagDeleted { deletedId }
  }
}`;
const EVENTS = 'subscription { inboxEvents { inboxId seq type } }';

interface Change {
  __typename: string;
  inboxId: string;
  seq: number;
  type: string;
  announced: boolean;
  message?: { id: string; content: string };
  thread?: { id: string; lastMessage: { id: string; content: string } | null };
  tag?: { id: string; name: string; color: string };
  deletedId?: string;
}
const changesOf = (payloads: ExecutionResult[]) =>
  payloads.map((payload) => {
    expect(payload.errors).toBeUndefined();
    return (payload.data as { inboxChanges: Change }).inboxChanges;
  });

const team = () => teamOf(harness);
const teamId = () => team().team.id;
const listening = (id = teamId()) => harness.facade.events.bus.listening(id);

/** A thread of the demo team on an active account link (sending needs one). */
function sendableThread() {
  const active = new Set(
    team()
      .accountLinks.filter((link) => link.status === 'active')
      .map((link) => link.id),
  );
  const thread = team().threads.find((candidate) => active.has(candidate.accountLinkId));
  if (!thread) throw new Error('the seed has such a thread');
  return thread;
}

/** Waits for the poller's next read of the log, so that a write made now has a whole interval before the next. */
async function rightAfterAPoll(): Promise<number> {
  const reads = eventReads(harness, teamId());
  await until(() => eventReads(harness, teamId()) > reads, 'a poll', 3 * INTERVAL_MS);
  return eventReads(harness, teamId());
}

afterEach(() => until(() => listening() === 0, 'a quiet server'));

describe('writes through the facade, announced to typed subscribers', () => {
  it('sendMessage: the typed subscriber gets MessageCreated before any poll, then not again; the raw one only the Inbox event', async () => {
    const typed = sseSubscribe(harness, CHANGES);
    const raw = sseSubscribe(harness, EVENTS);
    try {
      await until(() => listening() === 2, 'both subscribed');
      const reads = await rightAfterAPoll();
      const logBefore = team().lastSeq;

      const thread = sendableThread();
      const content = `Announced at ${Date.now()}`;
      const { body } = await harness.graphql<{ sendMessage: { message: { id: string } } }>(
        'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }',
        { variables: { input: { threadId: encodeGlobalID('Thread', thread.id), content } } },
      );
      expect(body.errors).toBeUndefined();
      const messageId = body.data?.sendMessage.message.id as string;

      await until(() => typed.payloads.length === 1, 'the announced change');
      // No poll has read the log since the write: only the announcement can have brought it.
      expect(eventReads(harness, teamId())).toBe(reads);
      expect(raw.payloads).toHaveLength(0);
      const [announced] = changesOf(typed.payloads);
      expect(announced).toMatchObject({
        __typename: 'MessageCreated',
        type: 'message.created',
        announced: true,
        // The position to resume after: everything before the write.
        seq: logBefore,
        message: { id: messageId, content },
        thread: {
          id: encodeGlobalID('Thread', thread.id),
          lastMessage: { content },
        },
      });

      // The poll brings the Inbox event: the raw subscriber gets it, the typed one does not get it again.
      const inboxEvent = lastEvent(harness);
      expect(inboxEvent.type).toBe('message.created');
      await until(() => raw.payloads.length === 1, 'the Inbox event, polled', 3 * INTERVAL_MS);
      expect(raw.payloads[0]?.data).toEqual({
        inboxEvents: { inboxId: inboxEvent.id, seq: inboxEvent.seq, type: 'message.created' },
      });
      await sleep(300);
      expect(changesOf(typed.payloads)).toHaveLength(1);
    } finally {
      typed.leave();
      raw.leave();
    }
  });

  it('createTag, updateTag, deleteTag: each change once, in order, the Inbox events skipped', async () => {
    const typed = sseSubscribe(harness, CHANGES);
    const raw = sseSubscribe(harness, EVENTS);
    try {
      await until(() => listening() === 2, 'both subscribed');
      await rightAfterAPoll();
      const created = await harness.graphql<{ createTag: { tag: { id: string } } }>(
        'mutation { createTag(input: { name: "Announced", color: "red" }) { tag { id } } }',
      );
      const tagId = created.body.data?.createTag.tag.id as string;
      for (const name of ['Renamed', 'Renamed again']) {
        const renamed = await harness.graphql(
          `mutation { updateTag(input: { id: "${tagId}", name: "${name}" }) { tag { id } } }`,
        );
        expect(renamed.body.errors).toBeUndefined();
      }
      const deleted = await harness.graphql(
        `mutation { deleteTag(input: { id: "${tagId}" }) { deletedId } }`,
      );
      expect(deleted.body.errors).toBeUndefined();

      await until(() => typed.payloads.length === 4, 'four announced changes');
      await until(() => raw.payloads.length >= 4, 'the four Inbox events, polled', 3 * INTERVAL_MS).catch(
        (e) => {
          throw new Error(`${e}: ${JSON.stringify({ raw: raw.payloads, typed: typed.payloads })}`);
        },
      );
      await sleep(300);
      const changes = changesOf(typed.payloads);
      expect(
        changes.map(({ __typename, type, announced, tag }) => ({ __typename, type, announced, tag })),
      ).toEqual([
        {
          __typename: 'TagChanged',
          type: 'tag.created',
          announced: true,
          tag: { id: tagId, name: 'Announced', color: 'red' },
        },
        {
          __typename: 'TagChanged',
          type: 'tag.updated',
          announced: true,
          tag: { id: tagId, name: 'Renamed', color: 'red' },
        },
        {
          __typename: 'TagChanged',
          type: 'tag.updated',
          announced: true,
          tag: { id: tagId, name: 'Renamed again', color: 'red' },
        },
        { __typename: 'TagDeleted', type: 'tag.deleted', announced: true, tag: undefined },
      ]);
      expect(changes[3]?.deletedId).toBe(tagId);
    } finally {
      typed.leave();
      raw.leave();
    }
  });

  it('a change made outside the facade still comes with the poll, once', async () => {
    const typed = sseSubscribe(harness, CHANGES);
    try {
      await until(() => listening() === 1, 'subscribed');
      await rightAfterAPoll();
      const thread = sendableThread();
      team().receiveMessage(thread, 'Written on X');
      const inboxEvent = lastEvent(harness);
      await until(() => typed.payloads.length === 1, 'the polled change', 3 * INTERVAL_MS);
      await sleep(300);
      expect(changesOf(typed.payloads)).toEqual([
        expect.objectContaining({ inboxId: inboxEvent.id, seq: inboxEvent.seq, announced: false }),
      ]);
    } finally {
      typed.leave();
    }
  });

  it('only the writer’s own team hears of it; with nobody listening, a send costs no extra read', async () => {
    const theirs = sseSubscribe(harness, CHANGES, { token: SECOND_TEAM_TOKEN });
    const otherTeam = teamOf(harness, SECOND_TEAM_TOKEN).team.id;
    try {
      await until(() => listening(otherTeam) === 1, 'the other team’s subscriber');
      const thread = sendableThread();
      harness.simulator.resetCalls();
      const { body } = await harness.graphql(
        'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }',
        {
          variables: { input: { threadId: thread.id, content: 'Nobody of ours listens' } },
          token: DEMO_TOKEN,
        },
      );
      expect(body.errors).toBeUndefined();
      await sleep(500);
      // The send, and the token's proof of team: no read of the thread for an announcement nobody would get.
      const calls = harness.simulator.calls
        .filter((call) => call.teamId === teamId())
        .map((call) => `${call.method} ${call.path}`);
      expect(calls).toEqual(expect.arrayContaining([`POST /threads/${thread.id}/messages`]));
      expect(calls).not.toContain(`GET /threads/${thread.id}`);
      expect(theirs.payloads).toHaveLength(0);
    } finally {
      theirs.leave();
    }
  });
});
