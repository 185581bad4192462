import { type DocumentNode, type ExecutionResult, Kind, visit } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { CollectionCache } from '../inbox/collection-cache.js';

/**
 * A short cache of whole answers, per token: the same query with the same variables and the same token,
 * within RESPONSE_CACHE_TTL_MS, is answered with the bytes of the previous answer, without running it
 * again. It absorbs bursts (many tabs, pollers, retries) that would otherwise each re-read the thread
 * page and re-render it. What keeps it correct:
 *
 * - Keyed by the token's HMAC (never the token), so no other token, of the same team or not, is ever
 *   served an answer it did not get itself; an answer is stored only once the token's own `GET /team`
 *   has proven its team (this request or the collection cache), so that writes can find it.
 * - Only complete answers of queries: never an answer with an error (an upstream failure or partial
 *   data), a mutation, a subscription or an `@defer`/`@stream` stream.
 * - The facade's writes make it stale at once, for every token of the writer's team (and for every team
 *   when the writer's team is unknown), and so do the team's Inbox events (webhooks); an answer that was
 *   being computed while any write went upstream is not stored.
 * - Stored at the second identical request within the TTL: a one-off query (a new token on every request)
 *   costs no memory. Bounded in entries and characters, least recently used first out.
 * - A hit still runs the plugins before this one: limits, the operation log line and the metrics.
 *
 * What can be stale: changes made outside the facade (the Inbox app, X) show after the TTL at most.
 */
export interface ResponseCacheOptions {
  ttlMs: number;
  /** Where write generations and proven teams come from. */
  freshness: CollectionCache;
  maxEntries?: number;
  /** At most this many characters of answers in all. */
  maxChars?: number;
}

interface Entry {
  body: string;
  teamId: string;
  generation: number;
  expires: number;
}

export class ResponseCache {
  readonly ttlMs: number;
  readonly freshness: CollectionCache;
  private readonly entries = new Map<string, Entry>();
  /** Keys asked for once within the TTL: the next identical request stores its answer. */
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private chars = 0;

  constructor({ ttlMs, freshness, maxEntries = 1_000, maxChars = 20_000_000 }: ResponseCacheOptions) {
    this.ttlMs = ttlMs;
    this.freshness = freshness;
    this.maxEntries = maxEntries;
    this.maxChars = maxChars;
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A fresh answer for the key: within the TTL, and no write or event of its team since it was stored. */
  get(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= now || entry.generation !== this.freshness.generation(entry.teamId)) {
      this.delete(key);
      return undefined;
    }
    return entry.body;
  }

  /**
   * Stores the answer (serialised only then) if the key was asked for before within the TTL; else
   * remembers that it was.
   */
  offer(key: string, answer: () => string, teamId: string, generation: number, now: number): void {
    const seenUntil = this.seen.get(key);
    if (seenUntil === undefined || seenUntil <= now) {
      this.seen.delete(key);
      this.seen.set(key, now + this.ttlMs);
      if (this.seen.size > this.maxEntries * 10) this.seen.delete(this.seen.keys().next().value as string);
      return;
    }
    const body = answer();
    if (body.length > this.maxChars) return;
    this.delete(key);
    this.entries.set(key, { body, teamId, generation, expires: now + this.ttlMs });
    this.chars += body.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
    this.seen.clear();
    this.chars = 0;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.chars -= entry.body.length;
  }
}

/** Answers served from the cache, for the operation log. */
const hits = new WeakSet<object>();
export const servedFromResponseCache = (result: unknown): boolean =>
  typeof result === 'object' && result !== null && hits.has(result);

/** Per document: its cache id, or `null` when its answers are never cached. */
const documentIds = new WeakMap<DocumentNode, number | null>();
let lastDocumentId = 0;

/** One query operation, no `@defer`/`@stream`: its answer is one complete JSON document. */
function documentId(document: DocumentNode): number | null {
  let id = documentIds.get(document);
  if (id !== undefined) return id;
  const operations = document.definitions.filter((node) => node.kind === Kind.OPERATION_DEFINITION);
  let streams = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') streams = true;
    },
  });
  id = operations.length === 1 && operations[0]?.operation === 'query' && !streams ? ++lastDocumentId : null;
  documentIds.set(document, id);
  return id;
}

export function useResponseCache(cache: ResponseCache): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!cache.enabled) return;
      const context = args.contextValue as YogaInitialContext & Context;
      const scope = context.inbox.cacheScope;
      const id = documentId(args.document);
      if (scope === undefined || id === null) return;
      const key = `${scope}\n${id}\n${JSON.stringify(args.variableValues ?? null)}`;
      const now = Date.now();
      const body = cache.get(key, now);
      if (body !== undefined) {
        // Yoga serialises an answer with its own `stringify` when it has one: the stored bytes, as they were.
        const result = {
          get data() {
            return (JSON.parse(body) as ExecutionResult).data;
          },
          stringify: () => body,
        };
        hits.add(result);
        setResultAndStopExecution(result as ExecutionResult);
        return;
      }
      const writesBefore = cache.freshness.writes;
      return {
        onExecuteDone({ result }) {
          if (!('data' in result) || result.errors !== undefined || result.extensions !== undefined) return;
          if (cache.freshness.writes !== writesBefore) return; // a write may have changed what it read
          const teamId = context.inbox.provenTeam();
          if (teamId === undefined) return;
          cache.offer(key, () => JSON.stringify(result), teamId, cache.freshness.generation(teamId), now);
        },
      };
    },
  };
}
