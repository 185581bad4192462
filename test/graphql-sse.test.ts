import type { ExecutionResult } from 'graphql';
import { createClient, NetworkError } from 'graphql-sse';
import { describe, expect, it } from 'vitest';
import { SINGLE_CONNECTION_REFUSAL } from '../src/plugins/sse.js';
import { DEMO_TOKEN } from '../src/simulator/index.js';
import { useHarness } from './support/harness.js';
import { eventReads, lastEvent, sleep, teamOf, until } from './support/live.js';

/** graphql-sse's own client against the real facade (polling every second, no webhook secret). */

const harness = useHarness({ config: { EVENTS_POLL_INTERVAL_MS: '1000' } });
const EVENTS = 'subscription { inboxEvents { inboxId type } }';

describe('GraphQL over SSE with graphql-sse’s client', () => {
  it('distinct connections mode (the default): a subscription receives the event of a mutation', async () => {
    const client = createClient({
      url: `${harness.server.url}/graphql`,
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
    });
    try {
      const events = client.iterate<{ inboxEvents: { inboxId: string; type: string } }>({ query: EVENTS });
      const first = events.next();
      const poller = () => harness.facade.events.pollers?.polling(teamOf(harness).team.id) ?? false;
      await until(() => poller() && eventReads(harness) > 0, 'the team poller found the end of the log');
      await sleep(50);
      await harness.graphql('mutation { createTag(input: { name: "Over SSE" }) { tag { id } } }');
      const { value } = await first;
      expect((value as ExecutionResult).data).toEqual({
        inboxEvents: { inboxId: lastEvent(harness).id, type: 'tag.created' },
      });
      await events.return?.();
    } finally {
      client.dispose();
    }
  });

  it('single connection mode is refused at its reservation, with a message that says what to use', async () => {
    const client = createClient({
      url: `${harness.server.url}/graphql`,
      headers: { authorization: `Bearer ${DEMO_TOKEN}` },
      singleConnection: true,
      retryAttempts: 0, // the client retries any refusal 5 times by default, over about 30 s
    });
    try {
      const refusal = await client
        .iterate({ query: EVENTS })
        .next()
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(NetworkError);
      expect((refusal as NetworkError).message).toBe('Server responded with 405: Method Not Allowed');
      // The client aborts the refused response; its body, as the PUT gets it, says what to do instead.
      const reservation = await fetch(`${harness.server.url}/graphql`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${DEMO_TOKEN}`, accept: 'text/plain' },
      });
      expect(reservation.status).toBe(405);
      expect(reservation.headers.get('allow')).toBe('GET, POST');
      expect(await reservation.json()).toEqual({
        errors: [{ message: SINGLE_CONNECTION_REFUSAL, extensions: { code: 'METHOD_NOT_ALLOWED' } }],
      });
      expect(SINGLE_CONNECTION_REFUSAL).toContain('singleConnection: false');
    } finally {
      client.dispose();
    }
  });
});
