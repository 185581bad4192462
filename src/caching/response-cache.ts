import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  Kind,
  printSchema,
  visit,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import { type FacadeExecutionArgs, runsWithinBudget } from '../budget/operation-budget-plugin.js';
import type { Context } from '../graphql/context-type.js';
import { noteServedFromResponseCache } from '../observability/operation-facts.js';
import type { CollectionCache } from './collection-cache.js';
import type { SharedCaches, SharedRead } from './shared-caches.js';

/**
 * A short cache of whole answers, shared by the tokens of a team: the same query with the same variables,
 * asked by a token of the same team within RESPONSE_CACHE_TTL_MS, is answered with the bytes of the
 * previous answer, without running it again. It absorbs bursts (many tabs, pollers, retries) and the
 * many tokens of a team (Inbox API tokens are team-level keys: every token of a team reads the same data).
 * What keeps it correct:
 *
 * - Keyed by the team the caller's token was proven to belong to by its own `GET /team` (this request, or
 *   its cached answer within TOKEN_PROOF_TTL_MS): never by the token. A token not proven yet makes that
 *   call first, when another token asked the same query lately; a token the upstream refuses is never
 *   served anything, and no team is ever served another team's answer.
 * - Only complete answers of queries: never an answer with an error (an upstream failure or partial
 *   data), a mutation, a subscription or an `@defer`/`@stream` stream.
 * - The facade's writes make the team's answers stale at once (and every team's when the writer's team
 *   is unknown), on every replica, and so do the team's Inbox events (webhooks or its poller); an answer
 *   that was being computed while any change happened is not stored.
 * - Stored at the second identical request of the team within the TTL: a one-off query costs no memory.
 *   Bounded in entries and characters, least recently used first out.
 * - A burst is computed once: requests that arrive while the same answer is being computed wait for it
 *   and are served it if it can be stored (else each runs on its own).
 * - A hit still runs the plugins before this one: limits, the operation log line and the metrics.
 * - With Redis, a replica that misses looks in Redis before running the query (src/caching/shared-caches.ts),
 *   and a request reads this cache only once every change announced before it started has been applied
 *   here (InboxApi.caching.changesHeard): a write answered by any replica is never followed by an older answer.
 *
 * What can be stale: changes made outside the facade (the Inbox app, X) show after the TTL at most.
 */
export interface ResponseCacheOptions {
  ttlMs: number;
  /** Where generations and proven teams come from. */
  freshness: CollectionCache;
  /** Redis shared by the replicas, if any. */
  shared?: SharedCaches;
  maxEntries?: number;
  /** At most this many characters of answers in all. */
  maxChars?: number;
}

/**
 * A stored answer: its bytes, served as they are, and its `data`, parsed only if a plugin reads it (the
 * request-error status does, of every answer), once per entry rather than per hit, then shared frozen.
 */
export class StoredAnswer {
  readonly body: string;
  #data: unknown;
  #parsed = false;

  constructor(body: string) {
    this.body = body;
  }

  get data(): unknown {
    if (!this.#parsed) {
      this.#data = deepFreeze((JSON.parse(this.body) as ExecutionResult).data);
      this.#parsed = true;
    }
    return this.#data;
  }
}

/** Frozen all the way down: one hit's plugin cannot change what the next hit reads. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}

interface Entry {
  answer: StoredAnswer;
  teamId: string;
  generation: number;
  expires: number;
}

export class ResponseCache {
  readonly ttlMs: number;
  readonly freshness: CollectionCache;
  readonly shared: SharedCaches | undefined;
  /** Each entry keeps its own `expires`: the clock is the caller's `now`, as everywhere in this cache. */
  private readonly entries: LRUCache<string, Entry>;
  /** Keys asked for once within the TTL (until when): the next identical request stores its answer. */
  private readonly seen: LRUCache<string, number>;
  /** Queries (document and variables) some proven token asked within the TTL, whatever its team. */
  private readonly asked: LRUCache<string, number>;

  constructor({ ttlMs, freshness, shared, maxEntries = 1_000, maxChars = 20_000_000 }: ResponseCacheOptions) {
    this.ttlMs = ttlMs;
    this.freshness = freshness;
    this.shared = shared;
    this.entries = new LRUCache<string, Entry>({
      max: maxEntries,
      maxSize: maxChars,
      sizeCalculation: (entry) => Math.max(1, entry.answer.body.length),
    });
    this.seen = new LRUCache<string, number>({ max: maxEntries * 10 });
    this.asked = new LRUCache<string, number>({ max: maxEntries * 10 });
  }

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * A fresh answer for the key: within the TTL, and no change of its team since it was stored; its parsed
   * `data` is kept for the next hits.
   */
  answer(key: string, now: number): StoredAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= now || entry.generation !== this.freshness.generation(entry.teamId)) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.answer;
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
  ): StoredAnswer | undefined {
    const seenUntil = this.seen.get(key);
    if (!repeated && (seenUntil === undefined || seenUntil <= now)) {
      this.seen.set(key, now + this.ttlMs);
      return undefined;
    }
    const body = answer();
    return this.put(key, body, teamId, generation, now + this.ttlMs);
  }

  /** Keeps an answer until `expires` (another replica's, found in Redis, keeps its own age); returns it. */
  put(
    key: string,
    body: string,
    teamId: string,
    generation: number,
    expires: number,
  ): StoredAnswer | undefined {
    // Over the character bound: lru-cache would refuse it (and drop what the key held); say so to the caller.
    if (body.length > this.entries.maxEntrySize) {
      this.entries.delete(key);
      return undefined;
    }
    const answer = new StoredAnswer(body);
    this.entries.set(key, { answer, teamId, generation, expires });
    return answer;
  }

  /** A proven token asks this query: a token not yet proven that asks it soon proves itself first. */
  noteAsked(query: string, now: number): void {
    this.asked.set(query, now + this.ttlMs);
  }

  wasAsked(query: string, now: number): boolean {
    return (this.asked.get(query) ?? 0) > now;
  }

  clear(): void {
    this.entries.clear();
    this.seen.clear();
    this.asked.clear();
  }
}

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

/** The schema's printed SDL, hashed: replicas of another version (a rolling deploy) never share answers. */
const fingerprints = new WeakMap<GraphQLSchema, string>();
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

/** The key of an answer in Redis: the same for the same schema, query text and variables on any replica. */
function sharedAnswerKey(args: FacadeExecutionArgs, variables: string): string | undefined {
  const query = args.contextValue.params?.query;
  if (typeof query !== 'string') return undefined;
  let schema = fingerprints.get(args.schema);
  if (schema === undefined) {
    schema = sha256(printSchema(args.schema));
    fingerprints.set(args.schema, schema);
  }
  return sha256(`${schema}\n${args.operationName ?? ''}\n${variables}\n${query}`);
}

export function useResponseCache(cache: ResponseCache): Plugin<Context> {
  /** The request computing a key's answer, and who waits for it (a burst asks before it is stored). */
  const leaders = new Map<string, { answer: Promise<StoredAnswer | undefined>; waiters: number }>();
  /** Settles a request's leadership with no answer if it never stored one (an error, a throw). */
  const abdications = new WeakMap<Request, () => void>();

  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (!cache.enabled) return;
      const context = args.contextValue;
      const id = documentId(args.document);
      if (!context.inbox.caching.sharesAnswers || id === null) return;
      const variables = JSON.stringify(args.variableValues ?? null);
      const query = `${id}\n${variables}`;
      const { freshness, shared } = cache;
      const serve = (answer: StoredAnswer) => {
        // Yoga serialises an answer with its own `stringify` when it has one: the stored bytes, as they were.
        const result = {
          get data() {
            return answer.data;
          },
          stringify: () => answer.body,
        };
        noteServedFromResponseCache(result); // for the operation log and `extensions.cost`
        setResultAndStopExecution(result as ExecutionResult);
      };

      const proven = context.inbox.caller.provenTeam();
      if (proven !== undefined) return lookUp(proven);
      // Not proven yet: when another token asked the same query lately, the token's own `GET /team` comes
      // first (the call the query would make anyway, when it reads the team), so that its team's answer
      // may serve it. Not for an operation the budget refuses: nothing reaches upstream before that.
      if (!cache.wasAsked(query, Date.now()) || !runsWithinBudget(args)) return execute(undefined);
      return context.inbox.caller
        .proveTeam()
        .then((teamId) => (teamId === undefined ? execute(undefined) : lookUp(teamId)));

      function lookUp(teamId: string) {
        const barrier = context.inbox.caching.changesHeard();
        return barrier ? barrier.then(() => lookUpHere(teamId)) : lookUpHere(teamId);
      }

      function lookUpHere(teamId: string) {
        const key = `${teamId}\n${query}`;
        const now = Date.now();
        cache.noteAsked(query, now);
        const stored = cache.answer(key, now);
        if (stored !== undefined) return serve(stored);
        const leader = leaders.get(key);
        if (leader) return follow(leader, key, teamId);
        const answerKey = shared?.ready ? sharedAnswerKey(args, variables) : undefined;
        if (shared === undefined || answerKey === undefined) return execute({ key, teamId });
        const generation = freshness.generation(teamId);
        return shared.readAnswer(teamId, answerKey).then((remote) => {
          if (remote?.value !== undefined && remote.expires !== undefined) {
            const stored =
              freshness.generation(teamId) === generation
                ? cache.put(key, remote.value, teamId, generation, remote.expires)
                : undefined;
            return serve(stored ?? new StoredAnswer(remote.value));
          }
          const other = leaders.get(key);
          if (other) return follow(other, key, teamId);
          return execute({ key, teamId, remote, answerKey });
        });
      }

      /** The same query of the same team is being answered: take its answer if it can be stored. */
      function follow(
        leader: { answer: Promise<StoredAnswer | undefined>; waiters: number },
        key: string,
        teamId: string,
      ) {
        leader.waiters++;
        return leader.answer.then((answer) =>
          answer === undefined ? execute({ key, teamId }, false) : serve(answer),
        );
      }

      function execute(
        target: { key: string; teamId: string; remote?: SharedRead<string>; answerKey?: string } | undefined,
        leads = target !== undefined,
      ) {
        const started = Date.now();
        // What a change since then would make stale: the team's answers, or, the team not known yet, any.
        const before = target ? freshness.generation(target.teamId) : freshness.writes;
        let settle: (answer: StoredAnswer | undefined) => void = () => undefined;
        if (leads && target) {
          const answer = new Promise<StoredAnswer | undefined>((resolve) => {
            settle = (value) => {
              if (leaders.get(target.key)?.answer === answer) leaders.delete(target.key);
              resolve(value);
            };
          });
          leaders.set(target.key, { answer, waiters: 0 });
          abdications.set(context.request, () => settle(undefined));
        }
        return {
          onExecuteDone({ result }: { result: unknown }) {
            const waiters = leads && target ? (leaders.get(target.key)?.waiters ?? 0) : 0;
            settle(storable(result, target, before, started, waiters));
          },
        };
      }

      function storable(
        result: unknown,
        target: { key: string; teamId: string; remote?: SharedRead<string>; answerKey?: string } | undefined,
        before: number,
        started: number,
        waiters: number,
      ) {
        const answer = result as ExecutionResult;
        if (!('data' in answer) || answer.errors !== undefined || answer.extensions !== undefined) return;
        // A change while it ran may have altered what it read.
        if ((target ? freshness.generation(target.teamId) : freshness.writes) !== before) return;
        // A token proven while the query ran (it read the team) shares its answer from now on.
        const teamId = target?.teamId ?? context.inbox.caller.provenTeam();
        if (teamId === undefined) return;
        const key = target?.key ?? `${teamId}\n${query}`;
        if (target === undefined) cache.noteAsked(query, started);
        const stored = cache.offer(
          key,
          () => JSON.stringify(answer),
          teamId,
          freshness.generation(teamId),
          started,
          waiters > 0,
        );
        if (stored !== undefined && target?.remote && target.answerKey) {
          shared?.writeAnswer(teamId, target.answerKey, target.remote, stored.body, started + cache.ttlMs);
        }
        return stored;
      }
    },
    onResponse({ request }) {
      abdications.get(request)?.();
    },
  };
}
