import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { signWebhook, WEBHOOK_PATH } from '../../src/live/webhooks.js';
import type { InboxEvent } from '../../src/upstream/types.js';
import {
  CreateStatusDocument,
  CreateTagDocument,
  InboxEventsDocument,
  type InboxEventsSubscription,
  type InboxEventsSubscriptionVariables,
} from '../generated/graphql.js';
import { type Harness, useHarness } from '../support/harness.js';
import { webhookSecrets } from '../support/live.js';
import { sseMessages } from '../support/sse.js';

const SECRET = 'whsec_test_0123456789';

type Received = InboxEventsSubscription['inboxEvents'];

/** A real SSE subscription (GraphQL over SSE, distinct connections): resolves with the first `count` events. */
function subscribe(
  harness: Harness,
  variables: InboxEventsSubscriptionVariables,
  count: number,
  token = DEMO_TOKEN,
) {
  const controller = new AbortController();
  const events = (async () => {
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query: print(InboxEventsDocument), variables }),
      signal: controller.signal,
    });
    const received: Received[] = [];
    for await (const message of sseMessages(response.body)) {
      if (message.event !== 'next') continue;
      const payload: { data: InboxEventsSubscription; errors?: unknown } = JSON.parse(message.data);
      if (payload.errors) throw new Error(JSON.stringify(payload.errors));
      received.push(payload.data.inboxEvents);
      // Leaving the loop cancels the stream, which ends the subscription on the server.
      if (received.length === count) return received;
    }
    return received;
  })().catch((error) => {
    if (controller.signal.aborted && error.name === 'AbortError') return [] as Received[];
    throw error;
  });
  return { events, cancel: () => controller.abort() };
}

async function postWebhook(harness: Harness, event: unknown, signature?: string) {
  const body = JSON.stringify(event);
  return fetch(`${harness.server.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-inbox-signature': signature ?? signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

/** Waits (bounded) until the bus has `count` subscribers of the team. */
async function untilListening(harness: Harness, teamId: string, count = 1) {
  for (let attempt = 0; attempt < 300 && harness.facade.events.bus.listening(teamId) < count; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('inboxEvents fed by signed webhooks', () => {
  // Real HTTP: subscriptions stream over SSE, and the Inbox posts its webhooks.
  const harness = useHarness({
    transport: 'http',
    config: { INBOX_WEBHOOK_SECRETS: webhookSecrets(SECRET) },
  });
  const team = () => harness.simulator.store.teamByToken(DEMO_TOKEN);

  it('replays the log after afterSeq, then delivers webhooks live, each once, of the caller’s team only', async () => {
    const log = team()?.events ?? [];
    const afterSeq = log.at(-3)?.seq as number;
    const replayed = log.filter((event) => event.seq > afterSeq);
    const subscription = subscribe(harness, { afterSeq }, replayed.length + 1);
    await untilListening(harness, team()?.team.id as string);

    const created = await harness.graphql(CreateTagDocument, {
      variables: { input: { name: 'Webhook check' } },
    });
    expect(created.body.errors).toBeUndefined();
    const tagCreated = team()?.events.at(-1) as InboxEvent;
    expect(tagCreated.type).toBe('tag.created');

    const otherTeam = harness.simulator.store.teamByToken(SECOND_TEAM_TOKEN)?.events.at(-1) as InboxEvent;
    expect((await postWebhook(harness, otherTeam)).status).toBe(200);
    expect(await (await postWebhook(harness, tagCreated)).json()).toEqual({
      received: true,
      duplicate: false,
    });
    expect(await (await postWebhook(harness, tagCreated)).json()).toEqual({
      received: true,
      duplicate: true,
    });

    const received = await subscription.events;
    expect(received.map((event) => event.seq)).toEqual([...replayed, tagCreated].map((event) => event.seq));
    expect(received.at(-1)).toMatchObject({ type: 'tag.created', inboxId: tagCreated.id });
  });

  it('filters by type', async () => {
    const subscription = subscribe(harness, { types: ['status.created'] }, 1);
    await untilListening(harness, team()?.team.id as string);
    await harness.graphql(CreateTagDocument, { variables: { input: { name: 'Filtered out' } } });
    await harness.graphql(CreateStatusDocument, { variables: { input: { name: 'Filtered in' } } });
    const [tagEvent, statusEvent] = team()?.events.slice(-2) ?? [];
    await postWebhook(harness, tagEvent);
    await postWebhook(harness, statusEvent);
    expect((await subscription.events).map((event) => event.type)).toEqual(['status.created']);
  });

  it.each([
    ['a wrong signature', () => `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`],
    ['a stale signature', () => signWebhook(SECRET, '{}', Math.floor(Date.now() / 1000) - 3600)],
    ['no signature', () => ''],
  ])('refuses %s with 401 and delivers nothing', async (label, signature) => {
    const event = {
      ...(team()?.events.at(-1) as InboxEvent),
      id: `evt_forged_${label.replaceAll(' ', '_')}`,
      seq: 999_999,
    };
    const response = await postWebhook(harness, event, signature());
    expect(response.status).toBe(401);
    expect(await harness.facade.events.publish(event)).toBe(true); // the forged id was never seen
  });

  it('refuses a body far larger than an event', async () => {
    const response = await postWebhook(harness, { padding: 'x'.repeat(1_100_000) });
    expect(response.status).toBe(413);
  });

  it('a subscription needs a token, like every read', async () => {
    const subscription = subscribe(harness, {}, 1, 'not-a-token');
    await expect(subscription.events).rejects.toThrow(/UNAUTHENTICATED/);
  });
});

describe('inboxEvents without webhooks', () => {
  const harness = useHarness({ transport: 'http', config: { EVENTS_POLL_INTERVAL_MS: '1000' } });

  it('polls the log from its end and delivers new events', async () => {
    const subscription = subscribe(harness, {}, 1);
    // Let the subscription find the end of the log before the write.
    for (
      let attempt = 0;
      attempt < 300 && !harness.simulator.calls.some((call) => call.path === '/events');
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await harness.graphql(CreateTagDocument, { variables: { input: { name: 'Polled' } } });
    const [event] = await subscription.events;
    expect(event?.type).toBe('tag.created');
    expect(event?.seq).toBe(harness.simulator.store.teamByToken(DEMO_TOKEN)?.events.at(-1)?.seq);
  });

  it('the webhook endpoint does not exist without a secret', async () => {
    expect((await postWebhook(harness, {})).status).toBe(404);
  });
});
