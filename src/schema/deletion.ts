import { builder } from '../graphql/builder.js';

/** The answer of every deletion. */
export const DeletePayload = builder.objectRef<{ deletedId: string }>('DeletePayload');
DeletePayload.implement({
  // A name other subgraphs use for the same shape: shareable, so composing beside one is not a conflict.
  shareable: true,
  description:
    'The answer to a deletion. Clients should evict `deletedId` from their caches ' +
    '(Apollo: `cache.evict({ id: cache.identify(...) })`).',
  fields: (t) => ({
    deletedId: t.exposeID('deletedId', { description: 'Global `id` of the deleted object.' }),
  }),
});

/** The input of deletions by id; each mutation validates `id` as its own type. */
export const DeleteInput = builder.inputType('DeleteInput', {
  description: 'Names the object to delete.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'Global `id` or raw `inboxId` of the object.' }),
  }),
});
