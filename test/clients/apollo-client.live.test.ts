import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN } from '../../simulator/src/index.js';
import { encodeGlobalID } from '../../src/graphql/ids.js';
import {
  InboxChangesDocument,
  SendMessageFromAnotherClientDocument,
  ThreadHeaderDocument,
} from '../generated/graphql.js';
import generated from '../generated/possible-types.js';
import { useHarness } from '../support/harness.js';
import { eventReads, sleep, teamOf, until } from '../support/live.js';

/**
 * Apollo Client 4 as a frontend sets it up: queries and mutations over HTTP, subscriptions over graphql-ws
 * (GraphQLWsLink, default settings), one normalised cache. The facade polls every second (no webhooks).
 */

const INTERVAL_MS = 1_000;
const harness = useHarness({ config: { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS) } });

function frontend(token: string) {
  const url = `${harness.server.url}/graphql`;
  const socket = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  const requests: string[] = [];
  const http = new HttpLink({
    uri: url,
    headers: { authorization: `Bearer ${token}` },
    fetch: async (input, init) => {
      requests.push(JSON.parse(String(init?.body)).operationName);
      return fetch(input, init);
    },
  });
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
  };
  const client = new ApolloClient({
    link: ApolloLink.split(isSubscription, new GraphQLWsLink(socket), http),
    cache: new InMemoryCache({ possibleTypes: generated.possibleTypes }),
  });
  return { client, socket, requests };
}

const teamId = () => teamOf(harness).team.id;
const polling = () => harness.facade.events.pollers?.polling(teamId()) ?? false;
const listening = () => harness.facade.events.bus.listening(teamId());

/** A thread of the demo team on an active account link (sending needs one). */
function sendableThread() {
  const team = teamOf(harness);
  const active = new Set(team.accountLinks.filter((link) => link.status === 'active').map((link) => link.id));
  const thread = team.threads.find((candidate) => active.has(candidate.accountLinkId));
  if (!thread) throw new Error('the seed has such a thread');
  return thread;
}

describe('Apollo Client with GraphQLWsLink', () => {
  it('a sendMessage by another client shows up in a watched query, from the typed event alone', async () => {
    const thread = sendableThread();
    const threadId = encodeGlobalID('Thread', thread.id);
    const watcher = frontend(DEMO_TOKEN);
    const sender = frontend(DEMO_TOKEN);
    const shown: Array<string | undefined> = [];
    const watched = watcher.client
      .watchQuery({ query: ThreadHeaderDocument, variables: { id: threadId } })
      .subscribe(({ data }) => shown.push(data?.thread?.lastMessage?.content));
    const changes: string[] = [];
    const live = watcher.client
      .subscribe({ query: InboxChangesDocument })
      .subscribe(({ data }) => changes.push(data?.inboxChanges.__typename ?? 'none'));
    try {
      await until(() => shown.some((content) => content !== undefined), 'the thread is on screen');
      await until(() => polling() && listening() === 1, 'the subscription is live');
      const reads = eventReads(harness);
      await until(() => eventReads(harness) > reads, 'the poller found the end of the log', 3 * INTERVAL_MS);

      const content = `Sent elsewhere at ${Date.now()}`;
      const sent = await sender.client.mutate({
        mutation: SendMessageFromAnotherClientDocument,
        variables: { input: { threadId, content } },
      });
      expect(sent.data?.sendMessage?.message?.content).toBe(content);

      await until(() => shown.at(-1) === content, 'the watched query shows the new message', 4 * INTERVAL_MS);
      expect(changes).toContain('MessageCreated');
      // One HTTP request: the watched query's first load. The update came from the event, not a refetch.
      expect(watcher.requests).toEqual(['ThreadHeader']);
      const messageId = sent.data?.sendMessage?.message?.id as string;
      expect(watcher.client.cache.identify({ __typename: 'Message', id: messageId })).toBe(
        `Message:${messageId}`,
      );
      const cached = watcher.client.cache.extract() as Record<string, unknown>;
      expect(cached[`Message:${messageId}`]).toMatchObject({ content, direction: 'OUTBOUND' });
    } finally {
      watched.unsubscribe();
      live.unsubscribe();
      await Promise.all([watcher.socket.dispose(), sender.socket.dispose()]);
    }
  });

  it('a bad token is refused with UNAUTHENTICATED, and no poller starts', async () => {
    const stranger = frontend('not-a-real-token');
    const reads = eventReads(harness);
    try {
      const error = await new Promise<unknown>((resolve) => {
        stranger.client.subscribe({ query: InboxChangesDocument }).subscribe({
          next: (result) => resolve(result.error),
          error: resolve,
        });
      });
      expect(CombinedGraphQLErrors.is(error)).toBe(true);
      expect((error as CombinedGraphQLErrors).errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(polling()).toBe(false);
      expect(eventReads(harness)).toBe(reads);
    } finally {
      await stranger.socket.dispose();
    }
  });

  it('unsubscribing ends the upstream work; the other team’s subscriber is not affected', async () => {
    await sleep(INTERVAL_MS + 100);
    const ours = frontend(DEMO_TOKEN);
    const theirs = frontend(SECOND_TEAM_TOKEN);
    const live = ours.client.subscribe({ query: InboxChangesDocument }).subscribe(() => undefined);
    const other = theirs.client.subscribe({ query: InboxChangesDocument }).subscribe(() => undefined);
    const otherTeam = teamOf(harness, SECOND_TEAM_TOKEN).team.id;
    try {
      await until(() => polling() && listening() === 1, 'our subscription is live');
      await until(() => harness.facade.events.bus.listening(otherTeam) === 1, 'theirs too');
      live.unsubscribe(); // GraphQLWsLink sends `complete`; the socket stays open (lazy close after a while)
      await until(() => listening() === 0 && !polling(), 'our subscription ended on the server');
      const [ourReads, theirReads] = [eventReads(harness, teamId()), eventReads(harness, otherTeam)];
      await sleep(2 * INTERVAL_MS + 200);
      expect(eventReads(harness, teamId())).toBe(ourReads);
      expect(eventReads(harness, otherTeam)).toBeGreaterThan(theirReads); // their poller goes on
      expect(harness.facade.events.bus.listening(otherTeam)).toBe(1);
    } finally {
      other.unsubscribe();
      await Promise.all([ours.socket.dispose(), theirs.socket.dispose()]);
    }
  });
});
