import type { ExecutionArgs, ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { retryAfterOf } from '../errors.js';
import type { Context } from '../graphql/context-type.js';
import { servedFromResponseCache } from '../observability/operation-facts.js';
import { upstreamEstimate } from './operation-budget-plugin.js';
import type { BudgetStatus } from './team-budget.js';

/**
 * `extensions.cost` on every answer: what it was estimated to cost in Inbox API calls, what it cost, what the
 * caches served instead, and what the team has left of TEAM_CALLS_PER_MINUTE (after Shopify's
 * `extensions.cost`). Over HTTP, the answers that made or were refused calls also carry the team's budget as
 * `X-RateLimit-Limit`/`-Remaining`/`-Reset` (the upstream's own names), and a refusal `Retry-After`.
 *
 * Everything it reports was counted anyway (the estimate, memoised per request; the request's calls, its
 * cache hits, its last verdict of the team budget): an answer that made no call reads the budget from what
 * this replica last learnt of it (src/budget/team-budget.ts, `status`).
 */

/** `extensions.cost`. */
export interface AnswerCost {
  /** The upstream calls the operation was estimated to make at most (MAX_UPSTREAM_CALLS's estimate). */
  requestedQueryCost: number | null;
  /** The upstream calls it made (HTTP attempts, retries included). */
  actualQueryCost: number;
  /** What the facade's caches answered without a call: the whole answer, and collection reads. */
  servedFromCache: { answer: boolean; collections: number };
  /** The team's budget once the answer was ready; `null` while the token's team is unknown. */
  teamBudget: { limit: number; remaining: number; resetAt: string; shared: boolean } | null;
}

/** What the HTTP headers of a request's answer say, gathered while it ran. */
interface HeaderFacts {
  status: BudgetStatus | undefined;
  retryAfter: number | undefined;
}

type Result = ExecutionResult & { stringify?: (result: ExecutionResult) => string };
type RequestContext = YogaInitialContext & Context;

/** A result being priced. */
interface Answer {
  context: RequestContext;
  args: ExecutionArgs;
  result: Result;
  setResult(result: Result): void;
  /** Served by the response cache. */
  fromCache: boolean;
  calls: number;
  cacheHits: number;
}

const NOTHING_RAN: AnswerCost = Object.freeze({
  requestedQueryCost: null,
  actualQueryCost: 0,
  servedFromCache: Object.freeze({ answer: false, collections: 0 }),
  teamBudget: null,
}) as AnswerCost;

/**
 * Two plugins around the response cache (src/caching/response-cache.ts): `beforeAnswerCache` prices the
 * answers it serves (the cache stops execution: later plugins never see them); `afterAnswerCache` prices
 * the others once the cache has stored their bare answer (a stored answer must not carry the cost of the
 * request that computed it). `inAnswers` false (COST_EXTENSION=false): answers go without `extensions.cost`,
 * and the rate-limit headers still go.
 */
export function useCostExtension(inAnswers = true): { beforeAnswerCache: Plugin; afterAnswerCache: Plugin } {
  const headerFacts = new WeakMap<Request, HeaderFacts>();

  /** Adds the cost to a single result; returns a promise only when the budget must be read from Redis. */
  const price = (answer: Answer, canWait = true): void | Promise<void> => {
    const status = answer.context.inbox.budget.status();
    if (!(status instanceof Promise)) return settle(answer, status);
    // A refused subscription is answered at once: it has no budget to report then.
    if (!canWait) return settle(answer, undefined);
    return status.then(
      (known) => settle(answer, known),
      () => settle(answer, undefined),
    );
  };

  const settle = (answer: Answer, status: BudgetStatus | undefined): void => {
    const { context, result, calls } = answer;
    const cost: AnswerCost = {
      requestedQueryCost: upstreamEstimate(answer.args),
      actualQueryCost: calls,
      servedFromCache: { answer: answer.fromCache, collections: answer.cacheHits },
      teamBudget: status
        ? {
            limit: status.limit,
            remaining: status.remaining,
            resetAt: isoDate(status.resetAt),
            shared: status.shared,
          }
        : null,
    };
    if (inAnswers) answer.setResult(answer.fromCache ? cachedWithCost(result, cost) : withCost(result, cost));
    const retryAfter = retryAfterIn(result.errors);
    const request = context.request as Request | undefined;
    // Only the answers that spent or were refused calls carry the headers.
    if (request && (calls > 0 || retryAfter !== undefined)) {
      headerFacts.set(request, { status, retryAfter });
    }
  };

  /** An answer as it leaves execution, with what it cost (by default, what its request counted so far). */
  const answerOf = (
    args: ExecutionArgs,
    result: unknown,
    setResult: (result: Result) => void,
    fromCache: boolean,
    counted?: { calls: number; hits: number },
  ): Answer => {
    const context = args.contextValue as RequestContext;
    return {
      context,
      args,
      result: result as Result,
      setResult,
      fromCache,
      calls: counted?.calls ?? context.inbox.budget.upstreamCalls,
      cacheHits: counted?.hits ?? context.inbox.budget.cacheHits,
    };
  };

  const beforeAnswerCache: Plugin = {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!servedFromResponseCache(result)) return;
        return price(answerOf(args, result, setResult, true));
      },
    }),
  };

  const afterAnswerCache: Plugin = {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (!isAsyncIterable(result)) return price(answerOf(args, result, setResult, false));
        // `@defer`/`@stream`: each part carries the totals so far, the last one the answer's.
        return {
          onNext: ({ result: part, setResult: setPart }) => price(answerOf(args, part, setPart, false)),
        };
      },
    }),
    onSubscribe: ({ args }) => ({
      onSubscribeResult: ({ result, setResult }) => {
        const context = args.contextValue as RequestContext;
        if (!isAsyncIterable(result)) {
          price(answerOf(args, result, setResult, false), false);
          return;
        }
        // Each event is priced alone: the calls and cache hits since the previous one. An event that
        // renews the request's Inbox API (src/schema/event/changes.ts) counts from zero on its new one.
        let last = { inbox: context.inbox, calls: 0, hits: 0 };
        return {
          onNext: ({ result: event, setResult: setEvent }) => {
            const inbox = context.inbox;
            if (inbox !== last.inbox) last = { inbox, calls: 0, hits: 0 };
            const counted = {
              calls: inbox.budget.upstreamCalls - last.calls,
              hits: inbox.budget.cacheHits - last.hits,
            };
            last = { inbox, calls: inbox.budget.upstreamCalls, hits: inbox.budget.cacheHits };
            return price(answerOf(args, event, setEvent, false, counted));
          },
        };
      },
    }),
    onResultProcess: ({ result, setResult }) => {
      // An answer refused before anything ran (a document that does not parse or validate): it cost nothing.
      if (!inAnswers || Array.isArray(result) || isAsyncIterable(result)) return;
      const single = result as Result;
      if (single.extensions?.cost === undefined) setResult(withCost(single, NOTHING_RAN));
    },
    onResponse: ({ request, response }) => {
      const facts = headerFacts.get(request);
      if (!facts) return;
      if (facts.status) {
        response.headers.set('X-RateLimit-Limit', String(facts.status.limit));
        response.headers.set('X-RateLimit-Remaining', String(facts.status.remaining));
        response.headers.set('X-RateLimit-Reset', String(Math.ceil(facts.status.resetAt / 1000)));
      }
      if (facts.retryAfter !== undefined) response.headers.set('Retry-After', String(facts.retryAfter));
    },
  };

  return { beforeAnswerCache, afterAnswerCache };
}

/** The rate-limit headers an answer may carry: browsers on other origins may read them (CORS). */
export const RATE_LIMIT_HEADERS = [
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

function withCost(result: Result, cost: AnswerCost): Result {
  return { ...result, extensions: { ...result.extensions, cost } };
}

/**
 * An answer of the response cache is its stored bytes (`stringify`), a complete JSON object without
 * `extensions` (only such answers are stored): the cost goes in as its last member.
 */
function cachedWithCost(result: Result, cost: AnswerCost): Result {
  const extensions = { ...result.extensions, cost };
  return {
    get data() {
      return result.data;
    },
    extensions,
    stringify: () => {
      const body = result.stringify ? result.stringify(result) : JSON.stringify(result);
      return `${body.slice(0, -1)},"extensions":${JSON.stringify(extensions)}}`;
    },
  };
}

/** A time as ISO 8601; the last one is kept (the answers of a moment share their team's reset). */
let lastIso = { ms: Number.NaN, text: '' };
function isoDate(ms: number): string {
  if (ms !== lastIso.ms) lastIso = { ms, text: new Date(ms).toISOString() };
  return lastIso.text;
}

/** The longest wait among the answer's RATE_LIMITED errors. */
function retryAfterIn(errors: readonly GraphQLError[] | undefined): number | undefined {
  let longest: number | undefined;
  for (const error of errors ?? []) {
    const seconds = retryAfterOf(error);
    if (seconds !== undefined) longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}
