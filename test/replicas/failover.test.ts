import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TAG } from '../../simulator/src/label-kinds.js';
import { eventReads, sleep, sseSubscribe, teamOf, until } from '../support/live.js';
import { describeWithOwnRedis, type OwnRedis, startOwnRedis } from '../support/redis-server.js';
import { type Cluster, type Replica, startCluster } from '../support/replicas.js';

/**
 * The replica that polls for a team stops right after one of its polls (SIGTERM: it gives the lease back;
 * SIGKILL: the lease expires), while the team's log keeps growing. Another replica takes the lease over,
 * and a subscriber moves there with `afterSeq`: every subscriber sees each event once, in `seq` order, and
 * none is missing; the new holder never reads again what the old one published. Real processes, and a Redis
 * of the suite's own.
 */

const INTERVAL_MS = 2_000;
const EVENTS = 'subscription ($afterSeq: Int) { inboxEvents(afterSeq: $afterSeq) { seq } }';

const seqsOf = (payloads: ExecutionResult[]) =>
  payloads.flatMap((payload) =>
    payload.data ? [(payload.data as { inboxEvents: { seq: number } }).inboxEvents.seq] : [],
  );
const served = (replica: Replica) => ({ server: { url: replica.url } });

describeWithOwnRedis('taking the poll lease over', () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
  }, 30_000);
  afterAll(() => redis?.stop());

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal} on the polling replica right after a poll: no event twice, none out of order, none missing`, async () => {
      const cluster: Cluster = await startCluster(
        ['a', 'b'],
        { EVENTS_POLL_INTERVAL_MS: String(INTERVAL_MS), SHUTDOWN_TIMEOUT_MS: '5000' },
        {},
        redis.url,
      );
      const opened: Array<ReturnType<typeof sseSubscribe>> = [];
      try {
        const [a, b] = cluster.replicas as [Replica, Replica];
        const team = teamOf(cluster);
        const teamId = team.team.id;
        let tags = 0;
        const newEvents = (count: number) => {
          for (let index = 0; index < count; index++) team.createLabel(TAG, `Failover ${++tags}`, null);
          return team.lastSeq;
        };
        const cursorSaved = async () => {
          const saved = await cluster.redis.get(`${cluster.prefix}events:cursor:${teamId}`);
          return saved === null ? -1 : (JSON.parse(saved) as { seq: number }).seq;
        };

        // A polls for the team (its subscriber came first), B follows.
        const onA = sseSubscribe(served(a), EVENTS);
        opened.push(onA);
        onA.done.catch(() => undefined); // SIGKILL cuts its connection
        await until(() => eventReads(cluster, teamId) > 0, 'A polls');
        const onB = sseSubscribe(served(b), EVENTS);
        opened.push(onB);
        const first = newEvents(1);
        await until(
          () => seqsOf(onA.payloads).includes(first) && seqsOf(onB.payloads).includes(first),
          'both follow',
        );

        // Events that A publishes at its next poll, after B last looked at the shared cursor; A stops as soon
        // as it has published them and saved its cursor.
        const published = newEvents(3);
        await until(() => seqsOf(onA.payloads).includes(published), 'A published them', 3 * INTERVAL_MS);
        const deadline = Date.now() + 3 * INTERVAL_MS;
        while ((await cursorSaved()) < published && Date.now() < deadline) await sleep(2);
        expect(await cursorSaved()).toBe(published);
        const callsBefore = cluster.simulator.calls.length;
        const exited = a.stop(signal);

        // The subscriber of A moves to B with the last seq it saw; events keep happening meanwhile.
        const lastOnA = seqsOf(onA.payloads).at(-1) as number;
        const resumed = sseSubscribe(served(b), EVENTS, { variables: { afterSeq: lastOnA } });
        opened.push(resumed);
        newEvents(2);
        await exited;
        // B takes over (at its next poll after SIGTERM's release; after the lease expires after SIGKILL).
        const readsByB = () =>
          cluster.simulator.calls
            .slice(callsBefore)
            .filter((call) => call.path === '/events' && call.teamId === teamId);
        await until(() => readsByB().length > 0, 'B reads the log', 6 * INTERVAL_MS);
        const last = newEvents(2);
        await until(
          () => seqsOf(onB.payloads).includes(last) && seqsOf(resumed.payloads).includes(last),
          'both got the newest',
          6 * INTERVAL_MS,
        );
        await sleep(INTERVAL_MS + 200);

        const all = team.events.map((event) => event.seq);
        const from = (seq: number) => all.filter((candidate) => candidate >= seq && candidate <= last);
        // The subscriber that moved: what it saw on A, then on B: each event once, in order, none missing.
        const moved = [...seqsOf(onA.payloads), ...seqsOf(resumed.payloads)];
        expect(moved).toEqual(from(first));
        expect(seqsOf(onB.payloads)).toEqual(from(first));
        // The new holder starts from the cursor A saved: nothing A published is read (or published) again.
        for (const read of readsByB()) expect(Number(read.query.afterSeq)).toBeGreaterThanOrEqual(published);
      } finally {
        for (const subscription of opened) subscription.leave();
        await Promise.allSettled(opened.map((subscription) => subscription.done));
        await cluster.close();
      }
    }, 90_000);
  }
});
