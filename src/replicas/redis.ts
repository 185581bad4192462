import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** While a replica cannot hear the other replicas' changes, its in-memory copies live this long at most. */
export const OUTAGE_TTL_MS = 30_000;

/**
 * The optional Redis that replicas share (REDIS_URL). Without it, every piece of shared state has an
 * in-memory implementation and one process is the whole deployment.
 *
 * Redis is a help, never a dependency of a query: commands fail at once while it is down (no offline queue,
 * one attempt), so each user of it degrades to its local behaviour (caches miss, the budget counts locally,
 * events stay in the process), and `healthy` says so to /readiness. The client reconnects on its own.
 */
export interface SharedRedis {
  /** Commands. */
  readonly client: Redis;
  /** Pub/sub needs a connection of its own. */
  readonly subscriber: Redis;
  /** Every key of this deployment starts with it (REDIS_KEY_PREFIX). */
  readonly prefix: string;
  /**
   * Every channel of this deployment starts with it: REDIS_KEY_PREFIX, then the database number when it is
   * not 0. Pub/sub ignores databases, so two deployments apart by database alone would otherwise hear each
   * other's events and cache changes.
   */
  readonly channelPrefix: string;
  /** This process, as its leases and in-flight markers name it. */
  readonly replicaId: string;
  /** Connected and answering. */
  healthy(): boolean;
  close(): Promise<void>;
}

export interface RedisOptions {
  url: string;
  prefix: string;
  logger: Logger;
}

export function connectRedis({ url, prefix, logger }: RedisOptions): SharedRedis {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // Reconnect for ever, at most every 2 s: Redis coming back resumes sharing without a restart.
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  };
  const client = new Redis(url, options);
  const subscriber = new Redis(url, options);
  let up = false;
  const watch = (connection: Redis, name: string) => {
    connection.on('ready', () => {
      if (connection === client && !up) logger.info('redis connected: sharing state with other replicas');
      if (connection === client) up = true;
    });
    connection.on('close', () => {
      if (connection === client && up) logger.warn('redis unreachable: caches, budget and events are local');
      if (connection === client) up = false;
    });
    // ioredis emits an error on every failed reconnection: the state change above is what is worth a line.
    connection.on('error', (error: Error) => logger.debug({ err: error.message, connection: name }, 'redis'));
  };
  watch(client, 'commands');
  watch(subscriber, 'pubsub');
  const database = client.options.db ?? 0;
  return {
    client,
    subscriber,
    prefix,
    channelPrefix: database === 0 ? prefix : `${prefix}db${database}:`,
    replicaId: randomUUID(),
    healthy: () => up && client.status === 'ready',
    async close() {
      await Promise.allSettled([client.quit(), subscriber.quit()]);
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

/** A Redis command that did not answer within its bound: it reads as failed, and its late answer is dropped. */
export class RedisCommandTimeout extends Error {
  constructor(
    /** How late the bound's own timer ran (the event loop's lag then), in ms. */
    readonly loopLagMs = 0,
  ) {
    super('redis command timed out');
    this.name = 'RedisCommandTimeout';
  }
}

/**
 * `command`, or a RedisCommandTimeout after `ms`: a hung Redis must not hold a request.
 *
 * Only Redis's own lateness counts. Node runs expired timers before it reads its sockets: after the event
 * loop was held up (a long synchronous task, a paused process), the timer fires before the reply that came
 * in meanwhile is read, although Redis answered in time. So an expired timer first lets the loop read its
 * sockets once (`setImmediate` runs after that I/O phase), and times out only if the reply is still not
 * there: by then Redis has had at least `ms` to answer.
 */
export function withinMs<T>(command: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const due = performance.now() + ms;
    const timer = setTimeout(() => {
      const loopLagMs = Math.max(0, performance.now() - due);
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new RedisCommandTimeout(Math.round(loopLagMs)));
      });
    }, ms);
    command.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        // A failure after the timeout is nobody's concern.
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
