import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { type ExecutionResult, print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import { AnnouncedMessagesDocument, type AnnouncedMessagesSubscription } from '../generated/graphql.js';
import generated from '../generated/possible-types.js';
import { eventReads, sleep, sseSubscribe, teamOf, until } from '../support/live.js';
import { type Cluster, describeWithRedis, type Replica, startCluster } from '../support/replicas.js';

/**
 * A message sent through replica A reaches the typed subscribers of replica B at once, announced from the
 * write's answer, over WebSocket (Apollo Client's GraphQLWsLink) and SSE (graphql-sse's client), both at
 * their defaults; when B's poller later brings the Inbox event of the send, they do not get it again.
 * The poll interval is long: within it, only the announcement can deliver the change.
 */

const INTERVAL_MS = 30_000;
const WRITES = 20;

type Change = Extract<AnnouncedMessagesSubscription['inboxChanges'], { __typename: 'MessageCreated' }>;
interface Arrival {
  change: Change;
  at: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
};

describeWithRedis('writes through one replica, announced on another', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(['a', 'b'], { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS) });
  }, 60_000);
  afterAll(() => cluster?.close());

  it(
    'sendMessage on A: MessageCreated on B over WebSocket and SSE before any poll, then once only',
    async () => {
      const [a, b] = cluster.replicas as [Replica, Replica];
      const team = teamOf(cluster);
      const teamId = team.team.id;
      const active = new Set(
        team.accountLinks.filter((link) => link.status === 'active').map((link) => link.id),
      );
      const thread = team.threads.find((candidate) => active.has(candidate.accountLinkId));
      if (!thread) throw new Error('the seed has a thread on an active account link');
      const url = `${b.url}/graphql`;
      /** Anything but a MessageCreated (the subscription asks for `message.created` only). */
      const unexpected: unknown[] = [];
      const receive = (
        arrivals: Arrival[],
        change: AnnouncedMessagesSubscription['inboxChanges'] | undefined,
      ) => {
        if (change?.__typename === 'MessageCreated') arrivals.push({ change, at: Date.now() });
        else unexpected.push(change);
      };

      // Apollo Client, subscriptions over GraphQLWsLink (graphql-ws at its defaults).
      const socket = createWsClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${DEMO_TOKEN}` },
      });
      const apollo = new ApolloClient({
        link: ApolloLink.from([new GraphQLWsLink(socket)]),
        cache: new InMemoryCache({ possibleTypes: generated.possibleTypes }),
      });
      const overWs: Arrival[] = [];
      const wsSubscription = apollo.subscribe({ query: AnnouncedMessagesDocument }).subscribe(({ data }) => {
        receive(overWs, data?.inboxChanges);
      });
      // graphql-sse's client at its defaults (distinct connections).
      const sse = createSseClient({ url, headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
      const overSse: Arrival[] = [];
      const sseErrors: unknown[] = [];
      const leaveSse = sse.subscribe<AnnouncedMessagesSubscription>(
        { query: print(AnnouncedMessagesDocument) },
        {
          next: ({ data, errors }: ExecutionResult<AnnouncedMessagesSubscription>) => {
            if (errors) sseErrors.push(errors);
            receive(overSse, data?.inboxChanges);
          },
          error: (error) => sseErrors.push(error),
          complete: () => undefined,
        },
      );
      // The raw stream shows when the poll has brought the Inbox events.
      const raw = sseSubscribe({ server: { url: b.url } }, 'subscription { inboxEvents { inboxId type } }');
      const send = async (content: string) => {
        const { body } = await a.graphql<{ sendMessage: { message: { id: string } } }>(
          'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }',
          { variables: { input: { threadId: encodeGlobalID('Thread', thread.id), content } } },
        );
        expect(body.errors).toBeUndefined();
        return { messageId: body.data?.sendMessage.message.id as string, answeredAt: Date.now() };
      };
      const arrivalOf = (arrivals: Arrival[], messageId: string) =>
        arrivals.find(
          ({ change }) => change.__typename === 'MessageCreated' && change.message?.id === messageId,
        );
      const sent: string[] = [];
      try {
        await until(() => eventReads(cluster, teamId) > 0, 'B’s poller found the end of the log');
        // Until both clients have their subscription in place on B: a send that both receive.
        for (let attempt = 0; ; attempt++) {
          const { messageId } = await send(`Warming up ${attempt}`);
          sent.push(messageId);
          const both = () =>
            arrivalOf(overWs, messageId) !== undefined && arrivalOf(overSse, messageId) !== undefined;
          const received = await until(both, 'both clients subscribed', 2_000).then(
            () => true,
            () => false,
          );
          if (received) break;
          if (attempt === 10) throw new Error('the clients never received a send');
        }
        const reads = eventReads(cluster, teamId);

        const latencies = { ws: [] as number[], sse: [] as number[] };
        const measured: string[] = [];
        for (let write = 0; write < WRITES; write++) {
          const { messageId, answeredAt } = await send(`Announced ${write} at ${Date.now()}`);
          sent.push(messageId);
          measured.push(messageId);
          await until(
            () => arrivalOf(overWs, messageId) !== undefined && arrivalOf(overSse, messageId) !== undefined,
            `write ${write} on B`,
          );
          latencies.ws.push((arrivalOf(overWs, messageId) as Arrival).at - answeredAt);
          latencies.sse.push((arrivalOf(overSse, messageId) as Arrival).at - answeredAt);
        }
        // Nobody read the log meanwhile: every change came from its announcement.
        expect(eventReads(cluster, teamId)).toBe(reads);
        expect(sseErrors).toEqual([]);
        expect(unexpected).toEqual([]);
        for (const arrivals of [overWs, overSse]) {
          for (const messageId of measured) {
            const { change } = arrivalOf(arrivals, messageId) as Arrival;
            expect(change).toMatchObject({ __typename: 'MessageCreated', announced: true });
            expect(change.thread?.id).toBe(encodeGlobalID('Thread', thread.id));
            expect(change.thread?.lastMessage?.content).toBe(change.message?.content);
          }
        }
        // Recorded, not asserted: the machine may be busy. From the mutation's answer to the event on B.
        console.log(
          `announced sendMessage, A → B, p50 over ${WRITES} writes: WebSocket ${median(latencies.ws)} ms, ` +
            `SSE ${median(latencies.sse)} ms (max ${Math.max(...latencies.ws)} / ${Math.max(...latencies.sse)} ms)`,
        );

        // The next poll brings the Inbox events: the raw subscriber gets them, the typed ones do not again.
        await until(() => raw.payloads.length >= sent.length, 'the Inbox events, polled', 2 * INTERVAL_MS);
        await sleep(1_000);
        expect(raw.payloads).toHaveLength(sent.length);
        const idsOf = (arrivals: Arrival[]) => arrivals.map(({ change }) => change.message?.id);
        for (const arrivals of [overWs, overSse]) expect(idsOf(arrivals)).toEqual(sent);
      } finally {
        wsSubscription.unsubscribe();
        leaveSse();
        raw.leave();
        await raw.done.catch(() => undefined);
        sse.dispose();
        await socket.dispose();
      }
    },
    3 * INTERVAL_MS + 60_000,
  );
});
