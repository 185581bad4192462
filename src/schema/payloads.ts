import type { Context } from '../context.js';
import { builder } from './builder.js';

/** Collections of the cross-request cache that the facade's own writes change (src/loaders/index.ts). */
export type WrittenCollection = 'tags' | 'statuses';

/**
 * Runs one upstream write, then makes every later read fresh: in this request (the loaders forget what
 * they saw) and in later ones (the shared collection entries the write changes are dropped).
 * Also after a failure: a write that timed out may still have been applied upstream.
 */
export async function write<T>(
  context: Context,
  call: () => Promise<T>,
  changes: readonly WrittenCollection[] = [],
): Promise<T> {
  try {
    return await call();
  } finally {
    if (context.tokenKey !== undefined) {
      for (const collection of changes) context.sharedCache.invalidate(context.tokenKey, collection);
    }
    context.loaders.clearAll();
  }
}

export const DeletePayloadRef = builder.objectRef<{ deletedId: string }>('DeletePayload');
DeletePayloadRef.implement({
  description:
    'The answer to a deletion. Clients should evict `deletedId` from their caches ' +
    '(Apollo: `cache.evict({ id: cache.identify(...) })`).',
  fields: (t) => ({
    deletedId: t.exposeID('deletedId', { description: 'Global `id` of the deleted object.' }),
  }),
});

export const DeleteInputRef = builder.inputType('DeleteInput', {
  description: 'Names the object to delete.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the object.' }),
  }),
});
