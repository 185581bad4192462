import type { Context } from '../context.js';
import type { NodeTypeName } from './ids.js';

/**
 * Upstream-call estimates, declared on each field with the complexity plugin's `complexity` option and
 * summed over the whole operation before it runs (./budget.ts). A field states the calls it makes itself
 * (`field`) and how many times its selection repeats (`multiplier`: a page of `first` items, a collection).
 * Fields served by a collection (members, tags, ...) or embedded in their parent cost 0: a request reads each
 * collection at most once, whatever it selects.
 */

/**
 * The size assumed for a collection whose size is not known before the call (a team's account links or
 * members, when no cached copy says how many there are): what it holds is multiplied by this.
 */
export const UNKNOWN_COLLECTION_SIZE = 25;

/** A team collection's size: the one the cross-request cache saw, else UNKNOWN_COLLECTION_SIZE. */
const collectionSize = (context: Context, collection: 'members' | 'accountLinks') =>
  context.inbox.knownSize(collection) ?? UNKNOWN_COLLECTION_SIZE;

export const UPSTREAM_COST = {
  /** One call, whose result holds no further call (`thread(id:)`, `Message.history`). */
  oneCall: 1,
  /** One call for a page of `first` items (at most `max`; a larger `first` is refused by the resolver). */
  page:
    (defaultSize: number, max: number) =>
    ({ first }: { first?: number | null }) => ({
      field: 1,
      multiplier: Math.min(Math.max(first ?? defaultSize, 1), max),
    }),
  /** A whole team collection, read once: what each item selects repeats for every item. */
  collection: (collection: 'members' | 'accountLinks') => (_args: object, context: Context) => ({
    field: 0,
    multiplier: collectionSize(context, collection),
  }),
  /** One call listing a prospect's threads: at most one per account link. */
  threadsOfProspect: (_args: object, context: Context) => ({
    field: 1,
    multiplier: collectionSize(context, 'accountLinks'),
  }),
} as const;

/**
 * What reading one object by reference costs (`node`, `nodes`, `_entities`): its own call, or a share of its
 * collection's one call per request.
 */
export const REFERENCE_COST: Record<NodeTypeName, 'own call' | 'collection'> = {
  Team: 'collection',
  Member: 'collection',
  AccountLink: 'collection',
  Tag: 'collection',
  Status: 'collection',
  Thread: 'own call',
  Prospect: 'own call',
  Message: 'own call',
  Campaign: 'own call',
};
