import { type ExecutionResult, GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

const UNSERIALIZABLE = ErrorCode.UNSERIALIZABLE_EVENT;

export const UNSERIALIZABLE_MESSAGE =
  'An event of this subscription could not be serialised, so the subscription ends here. Subscribe again ' +
  'without `afterSeq`, or with the `seq` of a later event, to carry on.';

/**
 * Every event a subscription sends is serialised by the transport (Yoga's SSE, graphql-ws) outside of any
 * resolver, where a failure (a value too deep for `JSON.stringify`'s stack) is nobody's to catch: it ends the
 * process, or the WebSocket with every operation on it. Events are bounded where they come in
 * (src/live/envelope.ts); this is the guard behind that bound. Each result is serialised here first: one that
 * cannot be is replaced by an UNSERIALIZABLE_EVENT error, and that subscription alone ends.
 *
 * The serialisation is not wasted over SSE: the result carries its text, which Yoga's SSE writer uses
 * (`result.stringify`) instead of serialising it again.
 */
export const useSubscriptionsEndOnUnserializableEvents = (): Plugin => ({
  onSubscribe: () => ({
    onSubscribeResult: ({ result, setResult }) => {
      if (isAsyncIterable(result)) setResult(endingOnUnserializable(result));
    },
  }),
});

/**
 * The source's results, each checked; after one that cannot be serialised, an error and the end (the source
 * is ended at once). Hand-written rather than an async generator: ending it (the client left) must reach the
 * source at once, even while it waits for its next event, which a generator's `return` would not.
 */
function endingOnUnserializable(
  source: AsyncIterable<ExecutionResult>,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = (value?: unknown): Promise<IteratorResult<ExecutionResult>> => {
    ended = true;
    return iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value: undefined });
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (ended) return { done: true, value: undefined };
      const step = await iterator.next();
      if (step.done || serialisable(step.value)) return step;
      void end().catch(() => undefined);
      const error = new GraphQLError(UNSERIALIZABLE_MESSAGE, { extensions: { code: UNSERIALIZABLE } });
      return { done: false, value: { errors: [error] } };
    },
    return: end,
    throw(error?: unknown) {
      ended = true;
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
  };
}

/** Serialises the result once; on success it keeps the text for Yoga's SSE writer. */
function serialisable(result: ExecutionResult): boolean {
  let text: string;
  try {
    text = JSON.stringify(result);
  } catch {
    return false;
  }
  // Yoga's writer calls `result.stringify(result)`, or with a copy when it strips internals off errors.
  if (Object.isExtensible(result)) {
    Object.defineProperty(result, 'stringify', {
      value: (value: unknown) => (value === result ? text : JSON.stringify(value)),
      enumerable: false,
      configurable: true,
    });
  }
  return true;
}
