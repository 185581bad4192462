import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_ALT_TOKEN } from '../../../simulator/src/index.js';
import type { Message, Thread } from '../../../src/upstream/types.js';
import {
  AddCampaignLeadsOnceDocument,
  AddListLeadsOnceDocument,
  CreateTagOnceDocument,
  CreateThreadOnceDocument,
  ImportOnceDocument,
  QuickSendOnceDocument,
  SendOnceDocument,
} from '../../generated/graphql.js';
import { type Harness, useHarness } from '../../support/harness.js';
import { demoTeam, globalId, mutate, writesOf } from '../../support/mutations.js';

/**
 * At-most-once writes in one process (no Redis): a retry with the same `clientMutationId` gets the first
 * attempt's outcome and sends nothing. Across replicas: test/replicas/sends.test.ts.
 */

const SEND_PATH = /^\/threads\/[^/]+\/messages$/;

function threadsOf(harness: Harness) {
  const taken = new Set<string>();
  return (): Thread => {
    const team = demoTeam(harness);
    const active = new Set(
      team.accountLinks.filter((link) => link.status === 'active').map((link) => link.id),
    );
    const thread = team.threads.find(
      (candidate) => !taken.has(candidate.id) && active.has(candidate.accountLinkId),
    );
    if (!thread) throw new Error('the seed has no more threads to write in');
    taken.add(thread.id);
    return thread;
  };
}
const messagesIn = (harness: Harness, thread: Thread): Message[] =>
  demoTeam(harness).messagesByThread.get(thread.id) ?? [];
const sendsOf = (harness: Harness) => writesOf(harness).filter((call) => SEND_PATH.test(call.path));
const send = (thread: Thread, clientMutationId?: string, content = 'Sent once, whatever happens') => ({
  input: { threadId: globalId('Thread', thread.id), content, clientMutationId },
});
const codesOf = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  body.errors?.map((error) => error.extensions?.code);

describe('sendMessage with a clientMutationId', () => {
  const harness = useHarness();
  const aThread = threadsOf(harness);

  it('a retry gets the first result and sends nothing; the id is echoed', async () => {
    const thread = aThread();
    const before = messagesIn(harness, thread).length;
    const first = await mutate(harness, SendOnceDocument, send(thread, 'retry-1'));
    const again = await mutate(harness, SendOnceDocument, send(thread, 'retry-1'));
    expect(again).toEqual(first);
    expect(first.sendMessage.clientMutationId).toBe('retry-1');
    expect(first.sendMessage.message?.id).toBe(
      globalId('Message', `${thread.id}:${messagesIn(harness, thread).at(-1)?.id}`),
    );
    expect(sendsOf(harness)).toHaveLength(1);
    expect(messagesIn(harness, thread)).toHaveLength(before + 1);
  });

  it('without one, every attempt sends, as before; another id sends again', async () => {
    const thread = aThread();
    const before = messagesIn(harness, thread).length;
    const plain = await mutate(harness, SendOnceDocument, send(thread));
    expect(plain.sendMessage.clientMutationId).toBeNull();
    await mutate(harness, SendOnceDocument, send(thread));
    await mutate(harness, SendOnceDocument, send(thread, 'first'));
    await mutate(harness, SendOnceDocument, send(thread, 'second'));
    expect(sendsOf(harness)).toHaveLength(4);
    expect(messagesIn(harness, thread)).toHaveLength(before + 4);
  });

  it('attempts made while the first is in flight wait for it: one send, one message, one answer', async () => {
    const thread = aThread();
    const before = messagesIn(harness, thread).length;
    harness.simulator.injectFault({ kind: 'slow', delayMs: 600, method: 'POST', path: SEND_PATH });
    const answers = await Promise.all(
      [0, 50, 100].map(async (delay) => {
        await sleep(delay);
        return (await harness.graphql(SendOnceDocument, { variables: send(thread, 'in-flight') })).body;
      }),
    );
    // The same answer for each (but for its cost: the first made the call, the others waited for it).
    const withoutCost = (body: unknown) => ({ ...(body as object), extensions: undefined });
    for (const body of answers) expect(withoutCost(body)).toEqual(withoutCost(answers[0]));
    expect(answers[0]?.errors).toBeUndefined();
    expect(sendsOf(harness)).toHaveLength(1);
    expect(messagesIn(harness, thread)).toHaveLength(before + 1);
  });

  it('the same id with another input is refused, and sends nothing', async () => {
    const thread = aThread();
    await mutate(harness, SendOnceDocument, send(thread, 'reused'));
    const { body } = await harness.graphql(SendOnceDocument, {
      variables: send(thread, 'reused', 'Something else'),
    });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.clientMutationId' });
    expect(sendsOf(harness)).toHaveLength(1);
  });

  it('a definite refusal (an upstream 4xx) is not kept: the same id may be retried, and then sends', async () => {
    const thread = aThread();
    const before = messagesIn(harness, thread).length;
    harness.simulator.injectFault({ kind: 'status', status: 422, method: 'POST', path: SEND_PATH });
    const refused = await harness.graphql(SendOnceDocument, { variables: send(thread, 'refused-first') });
    expect(codesOf(refused.body)).toEqual(['BAD_USER_INPUT']);
    const retried = await mutate(harness, SendOnceDocument, send(thread, 'refused-first'));
    expect(retried.sendMessage.clientMutationId).toBe('refused-first');
    expect(sendsOf(harness)).toHaveLength(2);
    expect(messagesIn(harness, thread)).toHaveLength(before + 1);
  });

  it('an upstream 5xx may have applied it: OUTCOME_UNKNOWN, and its retries are never sent', async () => {
    const thread = aThread();
    harness.simulator.injectFault({ kind: 'status', status: 502, method: 'POST', path: SEND_PATH });
    for (let attempt = 0; attempt < 2; attempt++) {
      const { body } = await harness.graphql(SendOnceDocument, { variables: send(thread, 'bad-gateway') });
      expect(body.data?.sendMessage).toBeNull();
      expect(body.errors?.[0]?.extensions).toEqual({
        code: 'OUTCOME_UNKNOWN',
        reason: 'UPSTREAM_ERROR',
        clientMutationId: 'bad-gateway',
      });
    }
    expect(sendsOf(harness)).toHaveLength(1);
  });

  it('ids are the caller’s: another token (of the same team) with the same id sends its own', async () => {
    const thread = aThread();
    await mutate(harness, SendOnceDocument, send(thread, 'per-token'));
    const { body } = await harness.graphql(SendOnceDocument, {
      variables: send(thread, 'per-token'),
      token: DEMO_ALT_TOKEN,
    });
    expect(body.errors).toBeUndefined();
    expect(sendsOf(harness)).toHaveLength(2);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(256)],
  ])('refuses a clientMutationId that is %s, before any call', async (_what, clientMutationId) => {
    const { body } = await harness.graphql(SendOnceDocument, {
      variables: send(aThread(), clientMutationId),
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.clientMutationId',
    });
    expect(harness.simulator.calls).toEqual([]);
  });
});

describe('a first attempt that times out', () => {
  const harness = useHarness({ config: { INBOX_TIMEOUT_MS: '300' } });
  const aThread = threadsOf(harness);

  it('is OUTCOME_UNKNOWN, its retries too (also one made while it was in flight): sent once, never twice', async () => {
    const thread = aThread();
    const before = messagesIn(harness, thread).length;
    // The upstream applies the send after 800 ms, long after the facade gave up on its answer.
    harness.simulator.injectFault({ kind: 'slow', delayMs: 800, method: 'POST', path: SEND_PATH });
    const attempt = () => harness.graphql(SendOnceDocument, { variables: send(thread, 'timed-out') });
    const [first, whileInFlight] = await Promise.all([attempt(), sleep(100).then(attempt)]);
    const unknown = { code: 'OUTCOME_UNKNOWN', reason: 'UPSTREAM_TIMEOUT', clientMutationId: 'timed-out' };
    expect(first.body.errors?.[0]?.extensions).toEqual(unknown);
    expect(whileInFlight.body.errors?.[0]?.extensions).toEqual(unknown);
    await expect.poll(() => messagesIn(harness, thread).length).toBe(before + 1);
    const later = await attempt();
    expect(later.body.errors?.[0]?.extensions).toEqual(unknown);
    expect(sendsOf(harness)).toHaveLength(1);
    expect(messagesIn(harness, thread)).toHaveLength(before + 1);
  });
});

describe('the other writes that must not happen twice', () => {
  const harness = useHarness();
  const twice = async <TData, TVariables>(
    document: Parameters<typeof mutate<TData, TVariables>>[1],
    variables: TVariables,
  ) => {
    const first = await mutate(harness, document, variables);
    expect(await mutate(harness, document, variables)).toEqual(first);
    return first;
  };

  it('quickSendMessage: one message, the same answer', async () => {
    const link = demoTeam(harness).accountLinks.find((candidate) => candidate.status === 'active');
    await twice(QuickSendOnceDocument, {
      input: {
        accountLinkId: link?.id ?? '',
        prospect: { platformId: '1700000000000000901' },
        content: 'Hello, once',
        clientMutationId: 'quick-1',
      },
    });
    expect(writesOf(harness).map((call) => call.path)).toEqual(['/threads/messages']);
  });

  it('createThread: one write', async () => {
    const link = demoTeam(harness).accountLinks.find((candidate) => candidate.status === 'active');
    await twice(CreateThreadOnceDocument, {
      input: {
        accountLinkId: link?.id ?? '',
        prospect: { platformId: '1700000000000000902' },
        clientMutationId: 'thread-1',
      },
    });
    expect(writesOf(harness).map((call) => call.path)).toEqual(['/threads']);
  });

  it('createTag: the retry gets the tag, not a CONFLICT over its own name', async () => {
    const data = await twice(CreateTagOnceDocument, {
      input: { name: 'Created once', clientMutationId: 'tag-1' },
    });
    expect(data.createTag.tag?.name).toBe('Created once');
    expect(writesOf(harness).map((call) => call.path)).toEqual(['/tags']);
  });

  it('addCampaignLeads: the retry gets the first counts, not “skipped”', async () => {
    const campaign = demoTeam(harness).campaigns[0];
    const input = { campaignId: campaign?.campaign.id ?? '', platformIds: ['1811111111111111901'] };
    const data = await twice(AddCampaignLeadsOnceDocument, {
      input: { ...input, clientMutationId: 'leads-1' },
    });
    expect(data.addCampaignLeads).toMatchObject({ added: 1, skipped: 0, clientMutationId: 'leads-1' });
    // Without the id, the same leads are sent again, and skipped.
    expect((await mutate(harness, AddCampaignLeadsOnceDocument, { input })).addCampaignLeads).toMatchObject({
      added: 0,
      skipped: 1,
    });
    expect(writesOf(harness)).toHaveLength(2);
  });

  it('addListLeads and createListImportJob: one write each', async () => {
    const list = demoTeam(harness).lists[0];
    await twice(AddListLeadsOnceDocument, {
      input: { listId: list?.id ?? '', platformIds: ['1811111111111111902'], clientMutationId: 'list-1' },
    });
    await twice(ImportOnceDocument, {
      input: {
        listId: list?.id ?? '',
        type: 'csv',
        csv: { content: 'username\nsomeone\n' },
        clientMutationId: 'import-1',
      },
    });
    expect(writesOf(harness).map((call) => call.path)).toEqual([
      `/lists/${list?.id}/leads`,
      `/lists/${list?.id}/import-jobs`,
    ]);
  });
});
