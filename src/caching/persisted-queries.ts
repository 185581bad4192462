import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { ErrorCode } from '../errors.js';
import type { SharedCaches } from './shared-caches.js';

/**
 * Automatic persisted queries (Apollo's protocol): a client sends `extensions.persistedQuery
 * {version: 1, sha256Hash}` without the query; on PERSISTED_QUERY_NOT_FOUND it sends both, which
 * registers the query; later requests send the hash only. Works for GET and POST.
 *
 * Our own plugin, not @graphql-yoga/plugin-apq: its latest release (3.6.2) declares the peer
 * `@graphql-tools/utils@^10`, while Yoga 5.24 and this project use 11, so a plain install refuses the
 * tree. Here, too, a query is stored only once it has parsed and validated (the store holds operations
 * this schema accepts, never arbitrary text), and the store has a Redis level shared by the replicas.
 */

const persistedQueryExtension = z.object({
  version: z.literal(1),
  sha256Hash: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256'),
});

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

export interface PersistedQueryStoreOptions {
  /** Redis shared by the replicas: a query registered on one is found on all. */
  shared?: SharedCaches | undefined;
  /** At most this many queries (least recently used go first). */
  maxEntries?: number;
  /** At most this many characters of query text in all. */
  maxChars?: number;
}

/**
 * A bounded in-memory hash → query map, least recently used first out, one per process; with Redis, in
 * front of the replicas' shared store (kept a day after its last use). A query read from Redis is used
 * only if it hashes to its key, and still goes through parsing and validation like any other.
 */
export class PersistedQueryStore {
  readonly #queries: LRUCache<string, string>;
  readonly #shared: SharedCaches | undefined;

  constructor({ shared, maxEntries = 1_000, maxChars = 5_000_000 }: PersistedQueryStoreOptions = {}) {
    this.#shared = shared;
    this.#queries = new LRUCache<string, string>({
      max: maxEntries,
      maxSize: maxChars,
      sizeCalculation: (query) => Math.max(1, query.length),
    });
  }

  get size(): number {
    return this.#queries.size;
  }

  get(hash: string): string | undefined {
    return this.#queries.get(hash);
  }

  /** Here, else in the replicas' shared store (then kept here too); `undefined` when unknown. */
  async find(hash: string): Promise<string | undefined> {
    const known = this.get(hash);
    if (known !== undefined || this.#shared === undefined) return known;
    const query = await this.#shared.persistedQuery(hash);
    if (query === undefined || sha256Hex(query) !== hash) return undefined;
    this.#queries.set(hash, query);
    return query;
  }

  /** Registers a query that validated: here, and for every replica. */
  set(hash: string, query: string): void {
    // A query over maxChars is not kept (lru-cache refuses it, and drops what the hash held).
    this.#queries.set(hash, query);
    this.#shared?.persistQuery(hash, query);
  }

  delete(hash: string): void {
    this.#queries.delete(hash);
  }
}

/** A request-level refusal: the response status comes from `extensions.http` (Yoga drops it from the body). */
const requestError = (message: string, code: ErrorCode, status: number, field?: string) =>
  new GraphQLError(message, {
    extensions: { code, ...(field === undefined ? {} : { field }), http: { status } },
  });

export function useAutomaticPersistedQueries(store = new PersistedQueryStore()): Plugin {
  // Registrations waiting for validation, by request (a request carries one operation: batching is off).
  const pending = new WeakMap<Request, { hash: string; query: string }>();
  return {
    onParams({ request, params, setParams }) {
      const extension = params.extensions?.persistedQuery;
      if (extension === undefined) return;
      const parsed = persistedQueryExtension.safeParse(extension);
      if (!parsed.success) {
        throw requestError(
          'extensions.persistedQuery must be {version: 1, sha256Hash: <lowercase hex SHA-256 of the query>}.',
          ErrorCode.BAD_USER_INPUT,
          400,
          'extensions.persistedQuery',
        );
      }
      const { sha256Hash } = parsed.data;
      if (typeof params.query !== 'string') {
        const use = (query: string | undefined) => {
          // Apollo's link matches this message and code, then retries with the query.
          if (query === undefined)
            throw requestError('PersistedQueryNotFound', ErrorCode.PERSISTED_QUERY_NOT_FOUND, 404);
          setParams({ ...params, query });
        };
        const known = store.get(sha256Hash);
        return known === undefined ? store.find(sha256Hash).then(use) : use(known);
      }
      if (sha256Hex(params.query) !== sha256Hash) {
        throw requestError(
          'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.',
          ErrorCode.BAD_USER_INPUT,
          400,
          'extensions.persistedQuery.sha256Hash',
        );
      }
      pending.set(request, { hash: sha256Hash, query: params.query });
    },
    onValidate({ context }) {
      const registration = pending.get(context.request);
      if (registration === undefined) return;
      pending.delete(context.request);
      return ({ valid }) => {
        if (valid) store.set(registration.hash, registration.query);
      };
    },
  };
}
