import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_TOKEN, type TeamState } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { type Cluster, describeWithRedis, type Replica, startCluster } from '../support/replicas.js';

/**
 * At-most-once sends across replicas: the record of a `clientMutationId` is in Redis, so a retry that lands
 * on another replica gets the first result and sends nothing, even while the first is in flight or after it
 * timed out.
 */

const SEND = `mutation ($input: SendMessageInput!) {
  sendMessage(input: $input) { clientMutationId message { id content } }
}`;
const SEND_PATH = /^\/threads\/[^/]+\/messages$/;

/** An answer but for its cost: a replayed write's answer is the first one's, its cost its own (no call). */
const answerOf = (body: object | undefined) => ({ ...body, extensions: undefined });

describeWithRedis('sendMessage with a clientMutationId, on two replicas', () => {
  let cluster: Cluster;
  let a: Replica;
  let b: Replica;
  let team: TeamState;
  const taken = new Set<string>();
  /** A thread of an active account link, not written in by another test. */
  const aThread = () => {
    const active = new Set(
      team.accountLinks.filter((link) => link.status === 'active').map((link) => link.id),
    );
    const thread = team.threads.find(
      (candidate) => !taken.has(candidate.id) && active.has(candidate.accountLinkId),
    );
    if (!thread) throw new Error('no thread left to write in');
    taken.add(thread.id);
    return thread;
  };
  const messageCount = (threadId: string) => team.messagesByThread.get(threadId)?.length ?? 0;
  const sends = () =>
    cluster.simulator.calls.filter((call) => call.method === 'POST' && SEND_PATH.test(call.path));
  const input = (threadId: string, clientMutationId: string) => ({
    input: {
      threadId: encodeGlobalID('Thread', threadId),
      content: 'Once, on any replica',
      clientMutationId,
    },
  });

  beforeAll(async () => {
    // A short upstream deadline, so that a slowed send times out within the test.
    cluster = await startCluster(['a', 'b'], { INBOX_TIMEOUT_MS: '1000' });
    [a, b] = cluster.replicas as [Replica, Replica];
    team = cluster.simulator.store.teamByToken(DEMO_TOKEN) as TeamState;
  }, 60_000);
  afterAll(() => cluster?.close());

  it('through A, then B: one message; B answers with A’s result', async () => {
    const thread = aThread();
    const before = messageCount(thread.id);
    cluster.simulator.resetCalls();
    const first = await a.graphql(SEND, { variables: input(thread.id, 'a-then-b') });
    const retry = await b.graphql(SEND, { variables: input(thread.id, 'a-then-b') });
    expect(first.body.errors).toBeUndefined();
    expect(answerOf(retry.body)).toEqual(answerOf(first.body));
    expect(sends()).toHaveLength(1);
    expect(messageCount(thread.id)).toBe(before + 1);
  });

  it('concurrently on both, the first still in flight: one message, the same answer on both', async () => {
    const thread = aThread();
    const before = messageCount(thread.id);
    cluster.simulator.resetCalls();
    cluster.simulator.injectFault({ kind: 'slow', delayMs: 500, method: 'POST', path: SEND_PATH });
    const answers = await Promise.all(
      [a, b, a, b].map(async (replica, index) => {
        await sleep(index * 30);
        return replica.graphql(SEND, { variables: input(thread.id, 'both-at-once') });
      }),
    );
    for (const answer of answers) expect(answerOf(answer.body)).toEqual(answerOf(answers[0]?.body));
    expect(answers[0]?.body.errors).toBeUndefined();
    expect(sends()).toHaveLength(1);
    expect(messageCount(thread.id)).toBe(before + 1);
  });

  it('timed out on A: OUTCOME_UNKNOWN there, and on B (while in flight and after); never sent twice', async () => {
    const thread = aThread();
    const before = messageCount(thread.id);
    cluster.simulator.resetCalls();
    // The upstream applies the send after 2.5 s, long after A gave up on its answer (1 s).
    cluster.simulator.injectFault({ kind: 'slow', delayMs: 2_500, method: 'POST', path: SEND_PATH });
    const [first, whileInFlight] = await Promise.all([
      a.graphql(SEND, { variables: input(thread.id, 'timed-out') }),
      sleep(200).then(() => b.graphql(SEND, { variables: input(thread.id, 'timed-out') })),
    ]);
    const unknown = { code: 'OUTCOME_UNKNOWN', reason: 'UPSTREAM_TIMEOUT', clientMutationId: 'timed-out' };
    expect(first.body.errors?.[0]?.extensions).toEqual(unknown);
    expect(whileInFlight.body.errors?.[0]?.extensions).toEqual(unknown);
    await expect.poll(() => messageCount(thread.id), { timeout: 5_000 }).toBe(before + 1);
    const later = await b.graphql(SEND, { variables: input(thread.id, 'timed-out') });
    expect(later.body.errors?.[0]?.extensions).toEqual(unknown);
    expect(sends()).toHaveLength(1);
    expect(messageCount(thread.id)).toBe(before + 1);
  }, 30_000);

  it('a replica that cannot reach Redis still sends once per id on itself, and keeps answering', async () => {
    const alone = await cluster.start('alone', { REDIS_URL: 'redis://127.0.0.1:1' });
    const thread = aThread();
    const before = messageCount(thread.id);
    cluster.simulator.resetCalls();
    const first = await alone.graphql(SEND, { variables: input(thread.id, 'alone') });
    const retry = await alone.graphql(SEND, { variables: input(thread.id, 'alone') });
    expect(first.body.errors).toBeUndefined();
    expect(answerOf(retry.body)).toEqual(answerOf(first.body));
    expect(sends()).toHaveLength(1);
    expect(messageCount(thread.id)).toBe(before + 1);
  }, 30_000);
});
