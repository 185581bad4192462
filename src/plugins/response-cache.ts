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
 * - A burst is computed once: requests that arrive while the same answer is being computed wait for it
 *   and are served it if it can be stored (else each runs on its own).
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
   * Stores the answer (serialised only then), if the key was asked for before within the TTL or is being
   * asked for by others now (`repeated`); else remembers that it was asked for. Returns what it stored.
   * `now`: when the answer started to be computed (its age counts from then).
   */
  offer(
    key: string,
    answer: () => string,
    teamId: string,
    generation: number,
    now: number,
    repeated = false,
  ): string | undefined {
    const seenUntil = this.seen.get(key);
    if (!repeated && (seenUntil === undefined || seenUntil <= now)) {
      this.seen.delete(key);
      this.seen.set(key, now + this.ttlMs);
      if (this.seen.size > this.maxEntries * 10) this.seen.delete(this.seen.keys().next().value as string);
      return undefined;
    }
    const body = answer();
    if (body.length > this.maxChars) return undefined;
    this.delete(key);
    this.entries.set(key, { body, teamId, generation, expires: now + this.ttlMs });
    this.chars += body.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.delete(oldest);
    }
    return body;
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
  /** The request computing a key's answer, and who waits for it (a burst asks before it is stored). */
  const leaders = new Map<string, { answer: Promise<string | undefined>; waiters: number }>();
  /** Settles a request's leadership with no answer if it never stored one (an error, a throw). */
  const abdications = new WeakMap<Request, () => void>();

  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!cache.enabled) return;
      const context = args.contextValue as YogaInitialContext & Context;
      const scope = context.inbox.cacheScope;
      const id = documentId(args.document);
      if (scope === undefined || id === null) return;
      const key = `${scope}\n${id}\n${JSON.stringify(args.variableValues ?? null)}`;
      const serve = (body: string) => {
        // Yoga serialises an answer with its own `stringify` when it has one: the stored bytes, as they were.
        const result = {
          get data() {
            return (JSON.parse(body) as ExecutionResult).data;
          },
          stringify: () => body,
        };
        hits.add(result);
        setResultAndStopExecution(result as ExecutionResult);
      };
      const body = cache.get(key, Date.now());
      if (body !== undefined) return serve(body);
      const leader = leaders.get(key);
      if (leader) {
        // The same query of the same token is being answered: take its answer if it can be stored.
        leader.waiters++;
        return leader.answer.then((answer) => (answer === undefined ? execute(false) : serve(answer)));
      }
      return execute(true);

      function execute(leads: boolean) {
        const started = Date.now();
        const writesBefore = cache.freshness.writes;
        let settle: (answer: string | undefined) => void = () => undefined;
        if (leads) {
          const answer = new Promise<string | undefined>((resolve) => {
            settle = (value) => {
              if (leaders.get(key)?.answer === answer) leaders.delete(key);
              resolve(value);
            };
          });
          leaders.set(key, { answer, waiters: 0 });
          abdications.set(context.request, () => settle(undefined));
        }
        return {
          onExecuteDone({ result }: { result: unknown }) {
            settle(storable(result, writesBefore, started, leads ? (leaders.get(key)?.waiters ?? 0) : 0));
          },
        };
      }

      function storable(result: unknown, writesBefore: number, started: number, waiters: number) {
        const answer = result as ExecutionResult;
        if (!('data' in answer) || answer.errors !== undefined || answer.extensions !== undefined) return;
        if (cache.freshness.writes !== writesBefore) return; // a write may have changed what it read
        const teamId = context.inbox.provenTeam();
        if (teamId === undefined) return;
        const generation = cache.freshness.generation(teamId);
        return cache.offer(key, () => JSON.stringify(answer), teamId, generation, started, waiters > 0);
      }
    },
    onResponse({ request }) {
      abdications.get(request)?.();
    },
  };
}
