import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { EXAMPLES } from '../../src/examples.js';
import { ReopenThreadDocument, ThreadWithMessageDirectionsDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

/**
 * Look-ahead runs nested fields' calls beside the root ones. Proven by order, not by time: one root call is
 * held back by the simulator, and the nested calls must reach it while that call is still pending.
 */
const harness = useHarness();

/** Waits (bounded) until the simulator has received `count` calls; returns a snapshot of them. */
async function callsOnceReceived(count: number) {
  for (let attempt = 0; attempt < 200 && harness.simulator.calls.length < count; attempt++) await sleep(10);
  return harness.simulator.calls.map((call) => ({ path: call.path, status: call.status }));
}

it('a cold inbox page asks for the collections while the thread list is still on its way', async () => {
  harness.simulator.injectFault({ kind: 'slow', delayMs: 1_500, path: '/threads' });
  const page = harness.graphql(EXAMPLES[0]?.query as string);
  const received = await callsOnceReceived(6);
  const { body } = await page;
  expect(received.map((call) => call.path).sort()).toEqual(
    ['/account-links', '/members', '/statuses', '/tags', '/team', '/threads'].sort(),
  );
  expect(received.find((call) => call.path === '/threads')?.status).toBe(0); // still pending
  expect(body.errors).toBeUndefined();
  expect(harness.simulator.calls).toHaveLength(6);
});

it('thread(id:) { messages } asks for the messages while the thread is still on its way', async () => {
  const threadId = harness.simulator.store.teamByToken(DEMO_TOKEN)?.threads[0]?.id as string;
  harness.simulator.injectFault({ kind: 'slow', delayMs: 1_500, path: `/threads/${threadId}` });
  const conversation = harness.graphql(ThreadWithMessageDirectionsDocument, { variables: { id: threadId } });
  const received = await callsOnceReceived(2);
  const { body } = await conversation;
  expect(received.find((call) => call.path === `/threads/${threadId}`)?.status).toBe(0); // still pending
  expect(received.map((call) => call.path)).toContain(`/threads/${threadId}/messages`);
  expect(body.errors).toBeUndefined();
  expect(harness.simulator.calls).toHaveLength(2);
  const messagesCall = harness.simulator.calls.find((call) => call.path.endsWith('/messages'));
  expect(messagesCall?.query).toMatchObject({ limit: '30' });
});

it('a mutation starts nothing before its write', async () => {
  const threadId = harness.simulator.store.teamByToken(DEMO_TOKEN)?.threads[2]?.id as string;
  const { body } = await harness.graphql(ReopenThreadDocument, { variables: { id: threadId } });
  expect(body.errors).toBeUndefined();
  expect(harness.simulator.calls[0]?.method).toBe('PATCH');
});

it('bad arguments start nothing and get their usual error', async () => {
  const { body } = await harness.graphql(
    '{ thread(id: "Not An Id!") { messages(first: 500) { edges { cursor } } } }',
  );
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  expect(harness.simulator.calls).toHaveLength(0);
});

describe('with the collection cache off', () => {
  const strict = useHarness({ config: { COLLECTION_CACHE_TTL_MS: '0' } });

  it('collections are not read ahead: no call is spent on speculation', async () => {
    strict.simulator.injectFault({ kind: 'slow', delayMs: 800, path: '/threads' });
    const page = strict.graphql(EXAMPLES[0]?.query as string);
    for (let attempt = 0; attempt < 200 && strict.simulator.calls.length < 2; attempt++) await sleep(10);
    await sleep(100);
    const whilePending = strict.simulator.calls.map((call) => call.path).sort();
    await page;
    expect(whilePending).toEqual(['/team', '/threads']);
    expect(strict.simulator.calls).toHaveLength(6);
  });
});
