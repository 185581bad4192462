/**
 * What the facade tells its tracing, with no OpenTelemetry import: while no OTEL_* variable turns tracing on,
 * `tracing.current` stays undefined, the SDK is never loaded, and each call site costs one property check.
 * `./otel.ts`, imported only when tracing is configured, installs the real implementation.
 */

/** Why an upstream GET is sent again. */
export type RetryReason = 'rate_limited' | 'server_error' | 'network' | 'timeout';

/** One HTTP attempt of an Inbox API call, as its CLIENT span describes it. */
export interface UpstreamCallStart {
  method: string;
  /** The path template the operation declared (`/threads/{threadId}`), never the ids. */
  route: string;
  /** The URL as sent, without its query string (it may carry a caller's search terms). */
  url: string;
  /** 0 for the first attempt, 1 for the first retry... */
  attempt: number;
  retryReason?: RetryReason;
  /** How long the call waited at the team budget gate before it could leave. */
  budgetWaitMs: number;
}

export interface UpstreamCallEnd {
  status?: number;
  error?: 'timeout' | 'network' | 'bad_body';
}

/** An open CLIENT span. */
export interface UpstreamCallSpan {
  end(outcome: UpstreamCallEnd): void;
}

/** A span that caused later work (a subscription that started a poller, a write that announced a change). */
export type TraceCause = { readonly traceCause: unique symbol };

export interface InboxTracing {
  /** Starts the CLIENT span of one upstream attempt, in the current trace. */
  upstreamCall(call: UpstreamCallStart): UpstreamCallSpan;
  /** An event on the current span (a call served from cache, a call the team budget refused). */
  event(name: string, attributes: Record<string, string | number | boolean>): void;
  /** The current span, to link later work to it. */
  cause(): TraceCause | undefined;
  /** The current span as a W3C `traceparent`, to carry to other replicas. */
  traceparent(): string | undefined;
  /** A cause from a `traceparent` that came from elsewhere (Redis): `undefined` unless well-formed. */
  causeFrom(traceparent: unknown): TraceCause | undefined;
  /** Runs `work` as the root span of a trace of its own, linked to its causes. */
  background<T>(
    name: string,
    attributes: Record<string, string | number | boolean>,
    causes: ReadonlyArray<TraceCause | undefined>,
    work: () => T,
  ): T;
  /** `trace_id` and `span_id` of the current span, for log lines; `undefined` outside a sampled span. */
  logFields(): { trace_id: string; span_id: string } | undefined;
}

/** The installed tracing, if any: process-wide, as the SDK's own registration is (a process traces or not). */
export const tracing: { current: InboxTracing | undefined } = { current: undefined };

/** Background work: traced as its own trace when tracing is on, else just run. */
export function inBackground<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  causes: ReadonlyArray<TraceCause | undefined>,
  work: () => T,
): T {
  const current = tracing.current;
  return current ? current.background(name, attributes, causes, work) : work();
}

/**
 * For pino's `mixin`: the current trace and span ids, or nothing while tracing is off. A new object each
 * time: pino merges the line's own fields into it.
 */
export function traceLogFields(): object {
  return tracing.current?.logFields() ?? {};
}
