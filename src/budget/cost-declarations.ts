import type { CachedCollection } from '../caching/collection-cache.js';
import type { NodeTypeName } from '../graphql/ids.js';
import { type PageSizes, pageSize } from '../graphql/pagination.js';

/**
 * Upstream-call estimates, declared on each field with the complexity plugin's `complexity` option and
 * summed over the whole operation before it runs (src/budget/estimate.ts). Every field that may make a call
 * declares it; the estimate must never be below what an operation makes, whatever the caches hold.
 *
 * A declaration is the plugin's `{ field, multiplier }` (the calls the field makes itself, and how many
 * times its selection repeats) with these additions:
 * - `sizeOf`: the selection repeats once per item of a team collection, whose size the estimate learns
 *   (from the cache, else by reading the collection first: one call, counted when the size matters);
 * - `each`: calls each item may make before its selection runs (a read by id of each), none when the
 *   object the field is on carries `eachUnless`;
 * - `reads`: team collections the field may read: one call each per operation, cached or not, so that the
 *   estimate is the same cold and warm;
 * - `read`: the field's call is a read of its object's (its thread, its history) that the object's other
 *   fields share: counted once per object, and not at all when the object came with it (`carries`);
 * - `carries`: what the objects this field returns come with (messages from their thread's page come with
 *   the thread; a prospect embedded in a thread is `embedded`), down through a connection's `edges` and
 *   `node`.
 */
export interface UpstreamCost {
  field?: number;
  multiplier?: number;
  sizeOf?: SizedCollection;
  each?: number;
  eachUnless?: Carried;
  reads?: readonly CachedCollection[];
  read?: ObjectRead;
  carries?: readonly Carried[];
}

/** The collections whose size an estimate may need. */
export type SizedCollection = 'members' | 'accountLinks';

/** Reads of an object's own that several of its fields need. */
export type ObjectRead = 'thread' | 'history';

/** What an object may come with: a read of its own already made, or `embedded` (no lists of its own). */
export type Carried = ObjectRead | 'embedded';

export const UPSTREAM_COST = {
  /** One call, whose result holds no further call (`thread(id:)`, a lookup, a re-read after a write). */
  oneCall: 1,
  /** A write that may first check a palette name against the palette. */
  writeWithPalette: { field: 1, reads: ['colors'] } as UpstreamCost,
  /** A message re-read after a change: the thread's newest page, and its history when it is older. */
  reread: 2,
  /** A read before a write, and the write (`updateProspectContext` with a prospect's global id). */
  lookupAndWrite: 2,
  /** One call for a page of `first` items (at most `max`; a larger `first` is refused by the resolver). */
  page:
    (page: PageSizes, carries?: readonly ObjectRead[]) =>
    ({ first }: { first?: number | null }): UpstreamCost => ({
      field: 1,
      multiplier: pageSize(first, page),
      ...(carries && { carries }),
    }),
  /** A team collection, read once per operation (or found in the cache): its items repeat the selection. */
  collection: (collection: SizedCollection): UpstreamCost => ({
    sizeOf: collection,
    reads: [collection === 'members' ? 'members' : 'account-links'],
  }),
  /** An object from a team collection (a member, a tag...): the collection's one read per operation. */
  fromCollection: (...reads: CachedCollection[]): UpstreamCost => ({ reads }),
  /**
   * Every thread with a prospect: one lookup by username, and a read by id of each thread it missed (a
   * username that changed), which only a prospect read on its own lists; at most one thread per account link.
   */
  threadsOfProspect: { field: 1, sizeOf: 'accountLinks', each: 1, eachUnless: 'embedded' } as UpstreamCost,
  /** Threads across account links (`GET /threads/lookup-by-username`): one call, one thread per link at most. */
  threadsByUsername: { field: 1, sizeOf: 'accountLinks' } as UpstreamCost,
  /** A prospect as a thread embeds it: no call, and no list of threads of its own. */
  embedded: { carries: ['embedded'] } as UpstreamCost,
  /** The thread of a message (`GET /threads/{id}`): shared by the message's fields that need it. */
  threadOfMessage: (...reads: CachedCollection[]): UpstreamCost => ({ read: 'thread', reads }),
  /** The author of a message: the account link (its collection) or the prospect its thread embeds. */
  author: (threadOfMessage: boolean): UpstreamCost => ({
    ...(threadOfMessage && { read: 'thread' }),
    reads: ['account-links'],
    carries: ['embedded'],
  }),
  /** A message's history (`GET …/history`), which is also how a message read by id is rebuilt. */
  history: { read: 'history' } as UpstreamCost,
  /** Objects that come with their thread (a page of it, an event's payload): their `thread` costs nothing. */
  withThread: { carries: ['thread'] } as UpstreamCost,
} as const;

/**
 * What reading one object by reference costs (`node`, `nodes`, `_entities`): its own call (as the read it
 * is: a message read by id is its history), or its collection's one call per operation.
 */
export const REFERENCE_COST: Record<
  NodeTypeName,
  { ownRead: ObjectRead | 'object' } | { collection: CachedCollection }
> = {
  Team: { collection: 'team' },
  Member: { collection: 'members' },
  AccountLink: { collection: 'account-links' },
  Tag: { collection: 'tags' },
  Status: { collection: 'statuses' },
  Thread: { ownRead: 'object' },
  Prospect: { ownRead: 'object' },
  Message: { ownRead: 'history' },
  Campaign: { ownRead: 'object' },
};
