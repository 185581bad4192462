import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { seedTeams } from '../../simulator/src/seed.js';
import { signWebhook, WEBHOOK_PATH } from '../../src/live/webhooks.js';
import type { InboxEvent } from '../../src/upstream/types.js';
import type { Harness } from './harness.js';
import { sseMessages } from './sse.js';

/** Helpers for the live-event tests: clients of every transport, and waits that are always bounded. */

export const WEBHOOK_SECRET = 'whsec_test_0123456789';

/** The seeded teams' ids: the simulator's data is the same on every start. */
export const [DEMO_TEAM_ID, SECOND_TEAM_ID] = seedTeams().map((seed) => seed.team.id) as [string, string];

/** INBOX_WEBHOOK_SECRETS giving both seeded teams WEBHOOK_SECRET, or the secrets given (demo team first). */
export const webhookSecrets = (demo = WEBHOOK_SECRET, second = demo) =>
  `${DEMO_TEAM_ID}:${demo},${SECOND_TEAM_ID}:${second}`;

/** A facade reachable over HTTP: a harness's, or a replica's (`{ server: { url } }`). */
export interface Served {
  server: { url: string };
}

/** The simulator a harness or a cluster runs. */
export interface Simulated {
  simulator: Harness['simulator'];
}

/** Waits (bounded, 15 s: the machine may be busy) until `condition` holds; fails the test otherwise. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function teamOf(harness: Simulated, token = DEMO_TOKEN) {
  const team = harness.simulator.store.teamByToken(token);
  if (!team) throw new Error('the team is seeded');
  return team;
}

/** Upstream `GET /events` calls the simulator has received so far (of one team, if given). */
export const eventReads = (harness: Simulated, teamId?: string) =>
  harness.simulator.calls.filter(
    (call) => call.path === '/events' && (teamId === undefined || call.teamId === teamId),
  ).length;

/** A graphql-ws client at default settings, over a real socket; `authorization` goes in connectionParams. */
export function wsClient(
  harness: Served,
  options: { authorization?: unknown; headers?: Record<string, string> } = {},
): Client {
  const url = `${harness.server.url.replace(/^http/, 'ws')}/graphql`;
  const headers = options.headers;
  return createClient({
    url,
    webSocketImpl: headers
      ? class extends WebSocket {
          constructor(address: string, protocols?: string | string[]) {
            super(address, protocols, { headers });
          }
        }
      : WebSocket,
    connectionParams: 'authorization' in options ? { authorization: options.authorization } : undefined,
    lazy: true,
  });
}

/** Posts an event to the facade's webhook endpoint, signed like the Inbox does. */
export async function postWebhook(harness: Served, event: unknown, signature?: string) {
  return postWebhookBody(harness, JSON.stringify(event), signature);
}

/** Posts a raw body to the webhook endpoint, signed with `secret` (or with the signature given). */
export async function postWebhookBody(
  harness: Served,
  body: string,
  signature?: string,
  secret = WEBHOOK_SECRET,
) {
  return fetch(`${harness.server.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-inbox-signature': signature ?? signWebhook(secret, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

/** The team's newest event in the simulator's log. */
export function lastEvent(harness: Simulated, token = DEMO_TOKEN): InboxEvent {
  const event = teamOf(harness, token).events.at(-1);
  if (!event) throw new Error('the log is empty');
  return event;
}

/** A raw GraphQL-over-SSE subscription (distinct connections): its payloads as they come, and a way to leave. */
export function sseSubscribe(
  harness: Served,
  query: string,
  { variables = {}, token = DEMO_TOKEN }: { variables?: Record<string, unknown>; token?: string } = {},
) {
  const controller = new AbortController();
  const payloads: ExecutionResult[] = [];
  let ended = false;
  const done = (async () => {
    const response = await fetch(`${harness.server.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    for await (const message of sseMessages(response.body)) {
      if (message.event === 'next') payloads.push(JSON.parse(message.data));
    }
  })()
    .catch((error: unknown) => {
      if (!(controller.signal.aborted && error instanceof Error && error.name === 'AbortError')) throw error;
    })
    .finally(() => {
      ended = true;
    });
  return {
    payloads,
    /** The stream was closed by the server (or left). */
    ended: () => ended,
    done,
    /** Leaves: the connection is closed, as when a browser tab goes away. */
    leave: () => controller.abort(),
  };
}
