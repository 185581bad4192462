import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxEvent } from '../src/inbox/types.js';
import { type CuttableProxy, startCuttableProxy } from './support/cuttable-proxy.js';
import {
  eventReads,
  lastEvent,
  postWebhook,
  sleep,
  sseSubscribe,
  teamOf,
  until,
  WEBHOOK_SECRET,
  wsClient,
} from './support/live.js';
import {
  type Cluster,
  describeWithRedis,
  REDIS_URL,
  type Replica,
  startCluster,
} from './support/replicas.js';

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
const leaseKey = (cluster: Cluster) => `${cluster.prefix}events:lease:${teamId(cluster)}`;

/** Creates a tag through a replica: the simulator logs a `tag.created` event. */
async function newTag(replica: Replica, name: string): Promise<void> {
  const { body } = await replica.graphql(`mutation { createTag(input: { name: "${name}" }) { tag { id } } }`);
  expect(body.errors).toBeUndefined();
}

describeWithRedis('live events across replicas', () => {
  describe('fed by webhooks', () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster(['a', 'b'], { INBOX_WEBHOOK_SECRET: WEBHOOK_SECRET });
    }, 60_000);
    afterAll(() => cluster?.close());

    it('a webhook posted to A reaches the subscribers of A and B once; a redelivery to B is dropped', async () => {
      const [a, b] = cluster.replicas as [Replica, Replica];
      const onA = sseSubscribe(served(a), EVENTS);
      const onB = sseSubscribe(served(b), EVENTS);
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
      await until(() => onA.payloads.length >= 2 && onB.payloads.length >= 2, 'both events on both replicas');
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

    it('20 subscribers spread over three replicas: one GET /events per interval for the team, each event once to each', async () => {
      const subscriptions = Array.from({ length: 20 }, (_, index) =>
        sseSubscribe(served(cluster.replicas[index % 3] as Replica), EVENTS),
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

    it('SIGTERM on A: its subscribers are told to reconnect, resume on B with afterSeq and miss nothing; A exits in time, its lease given back', async () => {
      const [a, b] = cluster.replicas as [Replica, Replica];
      // A graphql-ws client and an SSE client, both on A, which polls for the team (its only subscribers).
      const socket = wsClient(served(a), { authorization: `Bearer demo-token` });
      const closeCodes: number[] = [];
      socket.on('closed', (event) => closeCodes.push((event as { code: number }).code));
      const overWs: FormattedExecutionResult[] = [];
      let wsCompleted = false;
      socket.subscribe<Record<string, unknown>, Record<string, unknown>>(
        { query: EVENTS },
        {
          next: (payload) => void overWs.push(payload),
          error: (error) => {
            throw error;
          },
          complete: () => {
            wsCompleted = true;
          },
        },
      );
      const overSse = sseSubscribe(served(a), EVENTS);
      await untilReplicasListen(cluster, 1);
      await until(() => eventReads(cluster, teamId(cluster)) > 0, 'A found the end of the log');
      expect(await cluster.redis.exists(leaseKey(cluster))).toBe(1);

      await newTag(b, 'Before the shutdown');
      await until(() => overWs.length === 1 && overSse.payloads.length === 1, 'the first event');
      const seen = eventsOf(overWs);

      const signalled = Date.now();
      const exited = a.stop('SIGTERM');
      await until(() => wsCompleted && overSse.ended(), 'both subscriptions ended');
      for (const payloads of [overWs, overSse.payloads]) {
        expect(payloads.at(-1)?.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
        expect(payloads.at(-1)?.errors?.[0]?.message).toMatch(/subscribe again with `afterSeq`/);
      }
      // Events happen while the client has no subscription.
      await newTag(b, 'Between one');
      await newTag(b, 'Between two');

      expect(await exited).toBe(0);
      const exitMs = Date.now() - signalled;
      expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      // Given back, not left to expire (it would last three intervals after its last renewal).
      expect(await cluster.redis.exists(leaseKey(cluster))).toBe(0);
      await until(() => closeCodes.length > 0, 'the socket closed');
      expect(closeCodes[0]).toBe(1012);
      expect(a.logLines.some((line) => /"outcome":"drained"/.test(line))).toBe(true);
      await socket.dispose();

      // The client resubscribes, lands on B, and resumes after the last seq it saw.
      const resumed = sseSubscribe(served(b), EVENTS, { variables: { afterSeq: seen.at(-1)?.seq } });
      await until(() => resumed.payloads.length === 2, 'the replay of what happened meanwhile');
      await newTag(b, 'After the move');
      await until(() => resumed.payloads.length === 3, 'the live event on B', 5 * INTERVAL_MS);
      await sleep(200);
      // Every event since the first one it saw, each once, in order: four tags.
      const since = teamOf(cluster).events.filter((event) => event.seq >= (seen[0]?.seq ?? 0));
      expect(since.map((event) => event.type)).toEqual(Array(4).fill('tag.created'));
      expect([...seen, ...eventsOf(resumed.payloads)]).toEqual(since.map(brief));
      resumed.leave();
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
    }, 60_000);
    afterAll(async () => {
      await proxy?.close();
      await cluster?.close();
    });

    const readiness = async (replica: Replica) => {
      const response = await fetch(`${replica.url}/readiness`);
      return { status: response.status, body: await response.json() };
    };

    it('it keeps serving its own subscribers, readiness says degraded; with Redis back, sharing resumes', async () => {
      const a = cluster.replicas[0] as Replica;
      const onA = sseSubscribe(served(a), EVENTS);
      const onC = sseSubscribe(served(cut), EVENTS);
      await untilReplicasListen(cluster, 2);
      await until(() => eventReads(cluster, teamId(cluster)) > 0, 'a replica polls');

      await proxy.cut();
      let degraded = await readiness(cut);
      for (let attempt = 0; attempt < 100 && degraded.body.redis !== 'degraded'; attempt++) {
        await sleep(50);
        degraded = await readiness(cut);
      }
      expect(degraded).toEqual({ status: 200, body: { upstream: 'ok', redis: 'degraded' } });
      const { body } = await cut.graphql('{ team { name } }');
      expect(body).toEqual({ data: { team: { name: teamOf(cluster).team.name } } });

      // Events stay in each process: C polls for its own subscriber.
      await newTag(a, 'During the outage');
      const during = brief(lastEvent(cluster));
      await until(
        () => onA.payloads.length === 1 && onC.payloads.length === 1,
        'both subscribers got the event',
        5 * INTERVAL_MS,
      );
      expect(cut.process.exitCode).toBeNull();

      await proxy.restore();
      await untilReplicasListen(cluster, 2);
      let back = await readiness(cut);
      for (let attempt = 0; attempt < 100 && back.body.redis !== 'ok'; attempt++) {
        await sleep(50);
        back = await readiness(cut);
      }
      expect(back).toEqual({ status: 200, body: { upstream: 'ok', redis: 'ok' } });
      // Settle: C follows the replica that holds the lease again (after one read to catch up).
      await sleep(2 * INTERVAL_MS + 200);
      const atStart = eventReads(cluster, teamId(cluster));
      const started = Date.now();
      await newTag(a, 'After the outage');
      const after = brief(lastEvent(cluster));
      await until(
        () => onA.payloads.length === 2 && onC.payloads.length === 2,
        'both subscribers got the event',
        5 * INTERVAL_MS,
      );
      await sleep(3 * INTERVAL_MS);
      const intervals = (Date.now() - started) / INTERVAL_MS;
      expect(eventReads(cluster, teamId(cluster)) - atStart).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
      for (const subscription of [onA, onC]) {
        expect(eventsOf(subscription.payloads)).toEqual([during, after]);
        subscription.leave();
      }
    });
  });
});
