import { get } from 'node:http';
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import type { InboxEvent } from '../../src/upstream/types.js';
import { type CuttableProxy, startCuttableProxy } from '../support/cuttable-proxy.js';
import {
  eventReads,
  lastEvent,
  postWebhook,
  sleep,
  sseSubscribe,
  teamOf,
  until,
  webhookSecrets,
  wsClient,
} from '../support/live.js';
import {
  type Cluster,
  describeWithRedis,
  REDIS_URL,
  type Replica,
  startCluster,
  untilRedis,
} from '../support/replicas.js';

/**
 * Live events when the facade runs as several real processes sharing one Redis: webhooks reach every
 * replica's subscribers once, one replica polls for the whole deployment, a replica that shuts down hands
 * its subscribers over without a gap, and one that loses Redis keeps serving its own.
 */

const EVENTS = 'subscription ($afterSeq: Int) { inboxEvents(afterSeq: $afterSeq) { inboxId seq type } }';
type Received = { inboxId: string; seq: number; type: string };
const eventsOf = (payloads: Array<ExecutionResult | FormattedExecutionResult>) =>
  payloads.map((payload) => (payload.data as { inboxEvents: Received }).inboxEvents);
const brief = (event: InboxEvent): Received => ({ inboxId: event.id, seq: event.seq, type: event.type });

const served = (replica: Replica) => ({ server: { url: replica.url } });

/** Subscriptions a suite opened, left before its replicas stop (even when a test failed). */
function leftAfterAll() {
  const opened: Array<{ leave(): void; done: Promise<void> }> = [];
  afterAll(async () => {
    for (const subscription of opened) subscription.leave();
    await Promise.allSettled(opened.map((subscription) => subscription.done));
  });
  return <T extends { leave(): void; done: Promise<void> }>(subscription: T): T => {
    opened.push(subscription);
    return subscription;
  };
}
const teamId = (cluster: Cluster) => teamOf(cluster).team.id;
/** Replicas whose pub/sub connection listens to the team's channel (seen from Redis). */
async function replicasListening(cluster: Cluster): Promise<number> {
  const [, count] = (await cluster.redis.pubsub('NUMSUB', `${cluster.prefix}events:${teamId(cluster)}`)) as [
    string,
    number,
  ];
  return count;
}
async function untilReplicasListen(cluster: Cluster, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await replicasListening(cluster)) !== count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${count} replicas listen`);
    await sleep(20);
  }
}
/** Every replica has connected to Redis (a replica is ready before it has, and works alone until then). */
const leaseKey = (cluster: Cluster) => `${cluster.prefix}events:lease:${teamId(cluster)}`;

/** A graphql-ws client on a replica, with the demo token; `leave` disposes of it. */
function wsSocket(replica: Replica) {
  const client = wsClient(served(replica), { authorization: 'Bearer demo-token' });
  return { client, leave: () => void client.dispose(), done: Promise.resolve() };
}

/** A GET on a connection of its own (fetch would reuse a kept-alive one); resolves with the status. */
function newConnection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Creates a tag through a replica: the simulator logs a `tag.created` event. */
async function newTag(replica: Replica, name: string): Promise<void> {
  const { body } = await replica.graphql(`mutation { createTag(input: { name: "${name}" }) { tag { id } } }`);
  expect(body.errors).toBeUndefined();
}

describeWithRedis('live events across replicas', () => {
  describe('fed by webhooks', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster(['a', 'b'], {
        INBOX_WEBHOOK_SECRETS: webhookSecrets(),
        LOG_LEVEL: 'debug',
      });
    }, 60_000);
    afterAll(() => cluster?.close());
    const opened = leftAfterAll();

    it('a webhook posted to A reaches the subscribers of A and B once; a redelivery to B is dropped', async () => {
      const [a, b] = cluster.replicas as [Replica, Replica];
      const onA = opened(sseSubscribe(served(a), EVENTS));
      const onB = opened(sseSubscribe(served(b), EVENTS));
      await untilReplicasListen(cluster, 2);

      await newTag(a, 'Webhook across replicas');
      const first = lastEvent(cluster);
      expect(await (await postWebhook(served(a), first)).json()).toEqual({
        received: true,
        duplicate: false,
      });
      expect(await (await postWebhook(served(b), first)).json()).toEqual({ received: true, duplicate: true });
      expect(await (await postWebhook(served(a), first)).json()).toEqual({ received: true, duplicate: true });
      // A later event, delivered to B this time: once it has arrived, anything the redelivery caused would have.
      await newTag(b, 'Second webhook');
      const second = lastEvent(cluster);
      expect(await (await postWebhook(served(b), second)).json()).toEqual({
        received: true,
        duplicate: false,
      });
      await until(
        () => onA.payloads.length >= 2 && onB.payloads.length >= 2,
        'both events on both replicas',
      ).catch((error: Error) => {
        // Seen once in a full run, not reproduced: say what each side got, and what the replicas logged.
        const got = JSON.stringify({ onA: eventsOf(onA.payloads), onB: eventsOf(onB.payloads) });
        const logs = cluster.replicas.map(
          (replica) => `${replica.name}:\n${replica.logLines.slice(-30).join('\n')}`,
        );
        throw new Error(`${error.message}; received ${got}\n${logs.join('\n')}`);
      });
      await sleep(200);

      for (const subscription of [onA, onB]) {
        expect(eventsOf(subscription.payloads)).toEqual([brief(first), brief(second)]);
        subscription.leave();
      }
    });
  });

  describe('fed by polling', () => {
    const INTERVAL_MS = 1_000;
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster(['a', 'b', 'c'], { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS) });
    }, 60_000);
    afterAll(() => cluster?.close());
    const opened = leftAfterAll();

    it('20 subscribers spread over three replicas: one GET /events per interval for the team, each event once to each', async () => {
      const subscriptions = Array.from({ length: 20 }, (_, index) =>
        opened(sseSubscribe(served(cluster.replicas[index % 3] as Replica), EVENTS)),
      );
      await untilReplicasListen(cluster, 3);
      await until(() => eventReads(cluster, teamId(cluster)) > 0, 'a replica found the end of the log');
      await sleep(INTERVAL_MS + 200);

      const atStart = eventReads(cluster, teamId(cluster));
      const started = Date.now();
      await newTag(cluster.replicas[0] as Replica, 'Polled once for all');
      const tagged = lastEvent(cluster);
      await until(
        () => subscriptions.every((subscription) => subscription.payloads.length === 1),
        'every subscriber got the event',
      );
      await sleep(5 * INTERVAL_MS);
      const intervals = (Date.now() - started) / INTERVAL_MS;
      const reads = eventReads(cluster, teamId(cluster)) - atStart;
      // One replica polls for all: about one call per interval (three replicas polling would make three).
      expect(reads).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
      expect(reads).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);
      expect(await cluster.redis.keys(`${cluster.prefix}events:lease:*`)).toHaveLength(1);
      for (const subscription of subscriptions) {
        expect(eventsOf(subscription.payloads)).toEqual([brief(tagged)]);
        subscription.leave();
      }
      // The last subscribers gone, the lease is given back and nobody polls.
      await until(() => subscriptions.every((subscription) => subscription.ended()), 'all left');
      await untilReplicasListen(cluster, 0);
      expect(await cluster.redis.exists(leaseKey(cluster))).toBe(0);
    });
  });

  describe('graceful shutdown', () => {
    const INTERVAL_MS = 1_000;
    const SHUTDOWN_TIMEOUT_MS = 5_000;
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster(['a', 'b'], {
        EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS),
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      });
    }, 60_000);
    afterAll(() => cluster?.close());
    const opened = leftAfterAll();

    it('SIGTERM on A: its subscribers are told to reconnect, resume on B with afterSeq and miss nothing; A exits in time, its lease given back', async () => {
      const [a, b] = cluster.replicas as [Replica, Replica];
      // A load balancer in front of the replicas: A until it stops accepting, then B.
      let balanced = a;
      // An app on graphql-ws that does what SHUTTING_DOWN asks, at once: it subscribes again with the last
      // seq it received (on the same client, which sends it on its socket until that socket closes).
      const socket = createClient({
        url: () => `${balanced.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${DEMO_TOKEN}` },
        retryWait: async () => {
          await sleep(50);
        },
      });
      opened({ leave: () => void socket.dispose(), done: Promise.resolve() });
      const closeCodes: number[] = [];
      socket.on('closed', (event) => closeCodes.push((event as { code: number }).code));
      const overWs: Received[] = [];
      const shutdownsSeen: FormattedExecutionResult<unknown, Record<string, unknown>>[] = [];
      const subscribeOverWs = (afterSeq?: number) => {
        let toldToReconnect = false;
        socket.subscribe<{ inboxEvents: Received }, Record<string, unknown>>(
          { query: EVENTS, variables: { afterSeq } },
          {
            next: (payload) => {
              if (payload.errors?.[0]?.extensions?.code === 'SHUTTING_DOWN') {
                toldToReconnect = true;
                shutdownsSeen.push(payload);
              } else if (payload.data) overWs.push(payload.data.inboxEvents);
            },
            error: () => undefined,
            complete: () => {
              if (toldToReconnect) subscribeOverWs(overWs.at(-1)?.seq);
            },
          },
        );
      };
      subscribeOverWs();
      const overSse = opened(sseSubscribe(served(a), EVENTS));
      await untilReplicasListen(cluster, 1);
      await until(() => eventReads(cluster, teamId(cluster)) > 0, 'A found the end of the log');
      const heldByA = await cluster.redis.get(leaseKey(cluster));
      expect(heldByA).toEqual(expect.any(String));

      await newTag(b, 'Before the shutdown');
      await until(() => overWs.length === 1 && overSse.payloads.length === 1, 'the first event');

      const signalled = Date.now();
      const exited = a.stop('SIGTERM');
      balanced = b;
      await until(() => shutdownsSeen.length > 0 && overSse.ended(), 'both subscriptions were told');
      for (const payload of [shutdownsSeen[0], overSse.payloads.at(-1)]) {
        expect(payload?.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
        expect(payload?.errors?.[0]?.message).toMatch(/subscribe again with `afterSeq`/);
      }
      // Events happen meanwhile (while the SSE client has no subscription at all).
      await newTag(b, 'Between one');
      await newTag(b, 'Between two');

      expect(await exited).toBe(0);
      expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      // Given back, not left to expire (it would last three intervals after its last renewal). B may hold it
      // already: the WebSocket client subscribed again there.
      expect(await cluster.redis.get(leaseKey(cluster))).not.toBe(heldByA);
      expect(closeCodes[0]).toBe(1012);
      expect(a.logLines.some((line) => /"outcome":"drained"/.test(line))).toBe(true);

      // The SSE client subscribes again by hand, on B, after the last seq it saw.
      const seenOverSse = eventsOf(overSse.payloads.slice(0, -1));
      const resumed = opened(
        sseSubscribe(served(b), EVENTS, { variables: { afterSeq: seenOverSse.at(-1)?.seq } }),
      );
      await until(() => resumed.payloads.length === 2, 'the replay of what happened meanwhile');
      await newTag(b, 'After the move');
      await until(
        () => resumed.payloads.length === 3 && overWs.length === 4,
        'the live event on B, for both',
        5 * INTERVAL_MS,
      );
      await sleep(200);
      // Every event since the first, each once, in order (four tags), for both clients.
      const since = teamOf(cluster).events.filter((event) => event.seq >= (overWs[0]?.seq ?? 0));
      expect(since.map((event) => event.type)).toEqual(Array(4).fill('tag.created'));
      expect([...seenOverSse, ...eventsOf(resumed.payloads)]).toEqual(since.map(brief));
      expect(overWs).toEqual(since.map(brief));
      // The app's own resubscription, sent on A's socket as it closed, was sent again to B by the client.
      expect(shutdownsSeen).toHaveLength(1);
      resumed.leave();
    });

    it('SIGTERM lets the operations in flight finish, over HTTP and WebSocket, then exits', async () => {
      const replica = await cluster.start('slow');
      // Two different operations: identical ones in flight at once would share one upstream call.
      const threads = (first: number) => `{ threads(first: ${first}) { edges { node { id } } } }`;
      const socket = opened(wsSocket(replica));
      cluster.simulator.setLatency(1_500);
      try {
        const overHttp = replica.graphql(threads(1));
        const overWs = new Promise<FormattedExecutionResult>((resolve, reject) =>
          socket.client.subscribe(
            { query: threads(2) },
            { next: resolve, error: reject, complete: () => undefined },
          ),
        );
        await until(
          () => cluster.simulator.calls.filter((call) => call.status === 0).length >= 2,
          'both in flight',
        );
        const signalled = Date.now();
        const exited = replica.stop('SIGTERM');
        // Once it has begun, a load balancer's probe on a new connection sees it draining (not dead).
        await until(
          () => replica.logLines.some((line) => line.includes('shutting down')),
          'the shutdown began',
        );
        expect(await newConnection(`${replica.url}/readiness`)).toBe(503);
        const [http, ws] = await Promise.all([overHttp, overWs]);
        expect(http.body.errors).toBeUndefined();
        expect(http.body.data?.threads).toMatchObject({ edges: [{ node: { id: expect.any(String) } }] });
        expect(ws.errors).toBeUndefined();
        expect(await exited).toBe(0);
        expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
        expect(replica.logLines.some((line) => /"outcome":"drained"/.test(line))).toBe(true);
      } finally {
        cluster.simulator.setLatency(0);
      }
    });

    it('an operation that outlasts SHUTDOWN_TIMEOUT_MS is cut off, and the process exits at the bound', async () => {
      const replica = await cluster.start('stuck', {
        SHUTDOWN_TIMEOUT_MS: '1000',
        INBOX_TIMEOUT_MS: '20000',
      });
      cluster.simulator.setLatency(10_000);
      try {
        // A call of this operation, not one left over from an earlier test, must be in flight at the signal.
        const earlier = cluster.simulator.calls.length;
        const stuck = replica
          .graphql('{ threads(first: 1) { edges { node { id } } } }')
          .catch((error: Error) => error);
        await until(
          () => cluster.simulator.calls.slice(earlier).some((call) => call.status === 0),
          'in flight',
        );
        const signalled = Date.now();
        expect(await replica.stop('SIGTERM')).toBe(0);
        const exitMs = Date.now() - signalled;
        expect(exitMs).toBeGreaterThanOrEqual(1_000);
        expect(exitMs).toBeLessThan(8_000); // a bound, not a speed: the call in flight would take 10 s
        expect(replica.logLines.some((line) => /"outcome":"cut off"/.test(line))).toBe(true);
        expect(await stuck).toBeInstanceOf(Error);
      } finally {
        cluster.simulator.setLatency(0);
      }
    });
  });

  describe('when one replica loses Redis', () => {
    const INTERVAL_MS = 1_000;
    let cluster: Cluster;
    let proxy: CuttableProxy;
    let cut: Replica;
    beforeAll(async () => {
      proxy = await startCuttableProxy(REDIS_URL as string);
      cluster = await startCluster(['a'], { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS) });
      cut = await cluster.start('c', { REDIS_URL: proxy.url });
      await untilRedis([cut]);
    }, 60_000);
    afterAll(async () => {
      await proxy?.close();
      await cluster?.close();
    });
    const opened = leftAfterAll();

    const readiness = async (replica: Replica) => {
      const response = await fetch(`${replica.url}/readiness`);
      return { status: response.status, body: await response.json() };
    };

    it('it keeps serving its own subscribers, readiness says degraded; with Redis back, sharing resumes', async () => {
      const a = cluster.replicas[0] as Replica;
      // A polls for the team (its subscriber came first); C follows.
      const onA = opened(sseSubscribe(served(a), EVENTS));
      await untilReplicasListen(cluster, 1);
      await until(() => eventReads(cluster, teamId(cluster)) > 0, 'A polls');
      const onC = opened(sseSubscribe(served(cut), EVENTS));
      await untilReplicasListen(cluster, 2);
      const bothGot = (count: number, what: string) =>
        until(
          () => onA.payloads.length === count && onC.payloads.length === count,
          `both subscribers got ${what}`,
          8 * INTERVAL_MS,
        );
      // Before the outage, an event reaches both, and C learns from Redis where A's reading of the log is (it
      // asks again every 200 ms until A has saved it). A follower cut off before it knows that starts its
      // own reading from the end of the log as it then finds it (see the known gaps in docs/limits.md).
      await newTag(a, 'Before the outage');
      const before = brief(lastEvent(cluster));
      await bothGot(1, 'the event before the outage');
      await sleep(INTERVAL_MS);

      await proxy.cut();
      await untilRedis([cut], 'degraded', 5_000);
      expect(await readiness(cut)).toEqual({ status: 200, body: { upstream: 'ok', redis: 'degraded' } });
      const { body } = await cut.graphql('{ team { name } }');
      expect(body).toEqual({
        data: { team: { name: teamOf(cluster).team.name } },
        extensions: { cost: expect.any(Object) },
      });

      // Events stay in each process: C polls for its own subscriber.
      await newTag(a, 'During the outage');
      const during = brief(lastEvent(cluster));
      await bothGot(2, 'the event during the outage');
      expect(cut.process.exitCode).toBeNull();

      await proxy.restore();
      await untilReplicasListen(cluster, 2);
      await untilRedis([cut], 'ok', 5_000);
      expect(await readiness(cut)).toEqual({ status: 200, body: { upstream: 'ok', redis: 'ok' } });
      // Settle: C follows the replica that holds the lease again (after one read to catch up).
      await sleep(2 * INTERVAL_MS + 200);
      const atStart = eventReads(cluster, teamId(cluster));
      const started = Date.now();
      await newTag(a, 'After the outage');
      const after = brief(lastEvent(cluster));
      await bothGot(3, 'the event after the outage');
      await sleep(3 * INTERVAL_MS);
      const intervals = (Date.now() - started) / INTERVAL_MS;
      expect(eventReads(cluster, teamId(cluster)) - atStart).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
      for (const subscription of [onA, onC]) {
        expect(eventsOf(subscription.payloads)).toEqual([before, during, after]);
        subscription.leave();
      }
      await untilReplicasListen(cluster, 0);
    });

    it('when the replica that polls loses Redis, it polls for its own; another takes over when the lease expires', async () => {
      const a = cluster.replicas[0] as Replica;
      expect(await cluster.redis.exists(leaseKey(cluster))).toBe(0);
      // C polls for the team (its subscriber came first); A follows.
      const onC = opened(sseSubscribe(served(cut), EVENTS));
      await untilReplicasListen(cluster, 1);
      const leased = Date.now() + 5 * INTERVAL_MS;
      while ((await cluster.redis.exists(leaseKey(cluster))) === 0 && Date.now() < leased) await sleep(20);
      const onA = opened(sseSubscribe(served(a), EVENTS));
      await untilReplicasListen(cluster, 2);

      await proxy.cut();
      await newTag(a, 'While the poller is cut off');
      const event = brief(lastEvent(cluster));
      // C, alone, polls at its next interval; A only once C's lease has expired (three intervals).
      await until(() => onC.payloads.length === 1, 'C’s subscriber got the event', 3 * INTERVAL_MS);
      await until(() => onA.payloads.length === 1, 'A took over', 8 * INTERVAL_MS);
      expect(await cluster.redis.exists(leaseKey(cluster))).toBe(1);
      await proxy.restore();
      await untilRedis(cluster.replicas);
      await newTag(a, 'Together again');
      const again = brief(lastEvent(cluster));
      await until(
        () => onA.payloads.length === 2 && onC.payloads.length === 2,
        'both got the next one',
        8 * INTERVAL_MS,
      );
      await sleep(200);
      for (const subscription of [onA, onC]) {
        expect(eventsOf(subscription.payloads)).toEqual([event, again]);
        subscription.leave();
      }
    });
  });
});
