import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SharedRedis } from './redis.js';

/**
 * With Redis, every replica keys tokens under one HMAC key (`<prefix>hmac-secret`), so that a token has the
 * same key on each of them: made once by the first replica (SET NX), read by the others on each
 * (re)connection, and handed to `use` (CollectionCache.useSecret). Until then a replica's keys are its own:
 * nothing keyed by token may be shared meanwhile.
 */
export interface SharedTokenKeys {
  /** The key is the replicas' one and Redis answers; waits (at most `waitMs`) for a load under way. */
  shared(waitMs?: number): Promise<boolean>;
}

export function shareHmacSecret(
  redis: SharedRedis,
  use: (secret: Buffer) => void,
  logger: Logger,
): SharedTokenKeys {
  const key = `${redis.prefix}hmac-secret`;
  let loaded = false;
  let loading: Promise<void> | undefined;
  const load = () => {
    loading = (async () => {
      try {
        await redis.client.set(key, randomBytes(32).toString('base64'), 'NX');
        const secret = await redis.client.get(key);
        if (typeof secret !== 'string') throw new Error('no HMAC key in Redis');
        use(Buffer.from(secret, 'base64'));
        loaded = true;
      } catch (error) {
        logger.debug({ err: String(error) }, 'redis: the shared HMAC key is not known yet');
      }
    })();
  };
  redis.client.on('ready', load);
  if (redis.client.status === 'ready') load();
  return {
    async shared(waitMs = 500) {
      if (!loaded && loading) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([loading, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
        clearTimeout(timer);
      }
      return loaded && redis.healthy();
    },
  };
}
