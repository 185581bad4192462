import { readFileSync } from 'node:fs';
import { useOpenTelemetry } from '@graphql-hive/plugin-opentelemetry';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { core, NodeSDK, resources } from '@opentelemetry/sdk-node';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { type DocumentNode, getOperationAST, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type InboxTracing, type TraceCause, tracing } from './hooks.js';
import type { Tracing } from './tracing.js';

/**
 * OpenTelemetry, loaded only when an OTEL_* variable turns tracing on (./tracing.ts). The SDK reads the
 * standard variables itself: exporter, endpoint, protocol, sampler, batch processor, resource, propagators.
 * Hive's Yoga plugin makes the HTTP server span (joining the caller's `traceparent`) and the operation's
 * parse, validate and execute spans; what is written here is only what is the Inbox's own: a CLIENT span per
 * upstream attempt, cache and budget events, background traces and their links.
 */

// Incubating semantic conventions, copied as their package advises rather than imported from `/incubating`.
const ATTR_URL_TEMPLATE = 'url.template';
const ATTR_GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
const ATTR_GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';

const SERVICE = 'inbox-graphql-facade';
/** Probes and scrapes would each make a trace of their own, every few seconds, with nothing to explain. */
const UNTRACED_PATHS = new Set(['/health', '/readiness', '/metrics']);

export function startOpenTelemetry(): Tracing {
  const version = packageVersion();
  const sdk = new NodeSDK({
    // Defaults that OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the env detector) override.
    resource: resources
      .defaultResource()
      .merge(
        resources.resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE, [ATTR_SERVICE_VERSION]: version }),
      ),
    // Metrics are Prometheus's, at /metrics; logs are JSON lines on stdout carrying trace ids. Without these
    // empty lists the SDK would also start OTLP metric and log exporters by default.
    metricReaders: [],
    logRecordProcessors: [],
    // No auto-instrumentation: see the CLIENT span in src/upstream/rest-client.ts.
    instrumentations: [],
  });
  sdk.start();
  const tracer = trace.getTracer(SERVICE, version);
  tracing.current = inboxTracing(tracer);
  const hive = useOpenTelemetry({
    traces: {
      tracer,
      spans: {
        http: ({ request }) => !UNTRACED_PATHS.has(new URL(request.url).pathname),
      },
    },
    // Hive's operation hash walks every document against the schema: CPU for an attribute nobody here reads.
    hashOperation: null,
  }) as unknown as Plugin;
  return {
    plugins: [hive, useOperationSpanNames()],
    shutdown: async () => {
      tracing.current = undefined;
      await sdk.shutdown();
    },
  };
}

function packageVersion(): string {
  try {
    const file = new URL('../../package.json', import.meta.url);
    return String((JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

const traceContext = new core.W3CTraceContextPropagator();

function inboxTracing(tracer: Tracer): InboxTracing {
  const spanContextOf = (cause: TraceCause) => cause as unknown as SpanContext;
  return {
    upstreamCall(call) {
      const url = new URL(call.url);
      const span = tracer.startSpan(`${call.method} ${call.route}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: call.method,
          [ATTR_URL_TEMPLATE]: call.route,
          [ATTR_URL_FULL]: call.url,
          [ATTR_SERVER_ADDRESS]: url.hostname,
          [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
          'inbox.attempt': call.attempt + 1,
          ...(call.attempt > 0 && { [ATTR_HTTP_REQUEST_RESEND_COUNT]: call.attempt }),
          ...(call.retryReason && { 'inbox.retry.reason': call.retryReason }),
          'inbox.budget.wait_ms': Math.round(call.budgetWaitMs * 1000) / 1000,
        },
      });
      return {
        end({ status, error }) {
          if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          const failure = error ?? (status !== undefined && status >= 400 ? String(status) : undefined);
          if (failure !== undefined) {
            span.setAttribute(ATTR_ERROR_TYPE, failure);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },

    event(name, attributes) {
      const span = trace.getActiveSpan();
      if (span?.isRecording()) span.addEvent(name, attributes);
    },

    cause() {
      const context = trace.getActiveSpan()?.spanContext();
      return context && isSpanContextValid(context) ? (context as unknown as TraceCause) : undefined;
    },

    traceparent() {
      const carrier: Record<string, string> = {};
      // Only `traceparent`: never the caller's baggage or `tracestate`, whatever they hold.
      const context = trace.getActiveSpan()?.spanContext();
      if (!context || !isSpanContextValid(context)) return undefined;
      traceContext.inject(
        trace.setSpanContext(ROOT_CONTEXT, { ...context, traceState: undefined }),
        carrier,
        defaultTextMapSetter,
      );
      return carrier.traceparent;
    },

    causeFrom(traceparent) {
      if (typeof traceparent !== 'string' || traceparent.length > 64) return undefined;
      const context = trace.getSpanContext(
        traceContext.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter),
      );
      return context && isSpanContextValid(context) ? (context as unknown as TraceCause) : undefined;
    },

    background(name, attributes, causes, work) {
      const links = causes.flatMap((cause) => (cause ? [{ context: spanContextOf(cause) }] : []));
      return tracer.startActiveSpan(
        name,
        { root: true, kind: SpanKind.INTERNAL, attributes, links },
        (span) => {
          let result: ReturnType<typeof work>;
          try {
            result = work();
          } catch (error) {
            endFailed(span, error);
            throw error;
          }
          if (result instanceof Promise) {
            return result.then(
              (value) => {
                span.end();
                return value;
              },
              (error: unknown) => {
                endFailed(span, error);
                throw error;
              },
            ) as typeof result;
          }
          span.end();
          return result;
        },
      );
    },

    logFields() {
      const context = trace.getActiveSpan()?.spanContext();
      return context && isSpanContextValid(context)
        ? { trace_id: context.traceId, span_id: context.spanId }
        : undefined;
    },
  };
}

/** The error's class only: a message could quote what a caller or the upstream sent. */
function endFailed(span: Span, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : typeof error);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

interface HiveContext {
  openTelemetry?: { getOperationContext(): ReturnType<typeof trace.setSpan> | undefined };
  params?: { operationName?: string | null };
}

/**
 * The operation's spans named after it, as the GraphQL semantic conventions ask (`query InboxPage`), and
 * its parse, validate and execute spans too (`graphql.execute InboxPage`): Hive's plugin puts the name in
 * attributes only, and a trace view lists spans by name.
 */
function useOperationSpanNames(): Plugin {
  const rename = (phase: string, operation: OperationDefinitionNode | null | undefined) => {
    const span = trace.getActiveSpan();
    if (operation?.name && span?.isRecording()) span.updateName(`${phase} ${operation.name.value}`);
  };
  const operationOf = (document: DocumentNode, context: HiveContext) =>
    getOperationAST(document, context.params?.operationName ?? undefined);
  return {
    onParse:
      ({ context }) =>
      ({ result }) => {
        if (!result || result instanceof Error) return;
        const operation = operationOf(result, context as HiveContext);
        rename('graphql.parse', operation);
        const root = (context as HiveContext).openTelemetry?.getOperationContext();
        const span = root && trace.getSpan(root);
        if (operation && span?.isRecording()) {
          span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, operation.operation);
          span.updateName(
            operation.name ? `${operation.operation} ${operation.name.value}` : operation.operation,
          );
          if (operation.name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, operation.name.value);
        }
      },
    onValidate:
      ({ context, params }) =>
      () =>
        rename('graphql.validate', operationOf(params.documentAST, context as HiveContext)),
    onExecute: ({ args }) => rename('graphql.execute', getOperationAST(args.document, args.operationName)),
  };
}
