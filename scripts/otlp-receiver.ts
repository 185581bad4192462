import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/**
 * A small OTLP/HTTP trace receiver, for a look at the facade's traces without a collector or a container:
 * `npm run otlp-receiver` listens on 127.0.0.1:4318 (PORT to change it) and prints each trace as a tree
 * once its spans stop arriving. The facade's tests start it in-process to read what the facade exports.
 * Both OTLP/HTTP encodings: `http/protobuf` (decoded with protobufjs from the OTLP schema below) and
 * `http/json`.
 */

/**
 * The part of opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1) a trace export
 * carries, with its field numbers. Only the schema is written here; protobufjs decodes.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  message Event {
    fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
  }
  message Link {
    bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6;
  }
}
message Status { string message = 2; int32 code = 3; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
`;

const requestType = protobuf.parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');

export type AttributeValue = string | number | boolean | null | AttributeValue[];
export type Attributes = Record<string, AttributeValue>;

/** One received span, the same whichever encoding brought it. Ids are lowercase hex. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  /** Nanoseconds since the epoch. */
  startNs: bigint;
  endNs: bigint;
  attributes: Attributes;
  events: Array<{ name: string; attributes: Attributes }>;
  links: Array<{ traceId: string; spanId: string; attributes: Attributes }>;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message: string };
  resource: Attributes;
  scope: string;
}

/** One export request as it arrived: its encoding, its raw bytes (as sent, before any gunzip) and spans. */
export interface ReceivedExport {
  protocol: 'http/protobuf' | 'http/json';
  body: Buffer;
  spans: ReceivedSpan[];
}

const KINDS: ReceivedSpan['kind'][] = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODES: ReceivedSpan['status']['code'][] = ['UNSET', 'OK', 'ERROR'];
/** Far above what one batch of the SDK sends (512 spans by default). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

// ---- Decoding: protobufjs objects (`toObject` with bytes as hex-ready buffers) and OTLP JSON alike ----

type Loose = Record<string, unknown>;
const field = (object: Loose, camel: string, snake: string): unknown => object[camel] ?? object[snake];
const list = (value: unknown): Loose[] => (Array.isArray(value) ? (value as Loose[]) : []);

/** OTLP JSON carries ids as hex; protobuf as bytes. */
function idOf(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function anyValue(value: unknown): AttributeValue {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Loose;
  const string = field(v, 'stringValue', 'string_value');
  if (string !== undefined) return String(string);
  const bool = field(v, 'boolValue', 'bool_value');
  if (bool !== undefined) return Boolean(bool);
  const int = field(v, 'intValue', 'int_value');
  if (int !== undefined) return Number(int);
  const double = field(v, 'doubleValue', 'double_value');
  if (double !== undefined) return Number(double);
  const array = field(v, 'arrayValue', 'array_value') as Loose | undefined;
  if (array !== undefined) return list(array.values).map(anyValue);
  const bytes = field(v, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) return idOf(bytes);
  return null;
}

function attributesOf(value: unknown): Attributes {
  const attributes: Attributes = {};
  for (const pair of list(value)) attributes[String(pair.key)] = anyValue(pair.value);
  return attributes;
}

function nanos(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value);
  // protobufjs's Long
  if (value && typeof value === 'object' && 'toString' in value) return BigInt(String(value));
  return 0n;
}

function enumOf<T>(names: T[], value: unknown, fallback: T): T {
  if (typeof value === 'number') return names[value] ?? fallback;
  if (typeof value === 'string') {
    const named = names.find((name) => value.endsWith(String(name)));
    return named ?? fallback;
  }
  return fallback;
}

function spansOf(request: Loose): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of list(field(request, 'resourceSpans', 'resource_spans'))) {
    const resource = attributesOf((resourceSpans.resource as Loose | undefined)?.attributes);
    for (const scopeSpans of list(field(resourceSpans, 'scopeSpans', 'scope_spans'))) {
      const scope = String((scopeSpans.scope as Loose | undefined)?.name ?? '');
      for (const span of list(scopeSpans.spans)) {
        const parent = idOf(field(span, 'parentSpanId', 'parent_span_id'));
        const status = (span.status ?? {}) as Loose;
        spans.push({
          traceId: idOf(field(span, 'traceId', 'trace_id')),
          spanId: idOf(field(span, 'spanId', 'span_id')),
          parentSpanId: parent === '' ? undefined : parent,
          name: String(span.name ?? ''),
          kind: enumOf(KINDS, span.kind, 'UNSPECIFIED'),
          startNs: nanos(field(span, 'startTimeUnixNano', 'start_time_unix_nano')),
          endNs: nanos(field(span, 'endTimeUnixNano', 'end_time_unix_nano')),
          attributes: attributesOf(span.attributes),
          events: list(span.events).map((event) => ({
            name: String(event.name ?? ''),
            attributes: attributesOf(event.attributes),
          })),
          links: list(span.links).map((link) => ({
            traceId: idOf(field(link, 'traceId', 'trace_id')),
            spanId: idOf(field(link, 'spanId', 'span_id')),
            attributes: attributesOf(link.attributes),
          })),
          status: { code: enumOf(STATUS_CODES, status.code, 'UNSET'), message: String(status.message ?? '') },
          resource,
          scope,
        });
      }
    }
  }
  return spans;
}

/** Decodes one export request body (already gunzipped). */
export function decodeExport(body: Buffer, contentType: string): ReceivedExport {
  if (contentType.includes('json')) {
    return { protocol: 'http/json', body, spans: spansOf(JSON.parse(body.toString('utf8')) as Loose) };
  }
  const message = requestType.decode(body);
  const object = requestType.toObject(message, { longs: String, bytes: Buffer, defaults: false }) as Loose;
  return { protocol: 'http/protobuf', body, spans: spansOf(object) };
}

// ---- The receiver ----

export interface OtlpReceiver {
  /** Base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  url: string;
  /** Every export received, in arrival order. */
  exports: ReceivedExport[];
  /** Every span received. */
  spans(): ReceivedSpan[];
  /** Resolves once `predicate` holds of the spans received, or rejects after `timeoutMs`. */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function startOtlpReceiver(
  options: { port?: number; host?: string; onExport?: (received: ReceivedExport) => void } = {},
): Promise<OtlpReceiver> {
  const exports: ReceivedExport[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || !request.url?.startsWith('/v1/traces')) {
        response.writeHead(404).end();
        return;
      }
      const raw = await readBody(request);
      if (raw === null) {
        response.writeHead(413).end();
        return;
      }
      const contentType = request.headers['content-type'] ?? '';
      try {
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const received = { ...decodeExport(body, contentType), body: raw };
        exports.push(received);
        options.onExport?.(received);
        for (const wake of waiters) wake();
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      // An empty ExportTraceServiceResponse: full success.
      if (contentType.includes('json'))
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    })();
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  const spans = () => exports.flatMap((received) => received.spans);
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    exports,
    spans,
    waitFor: (predicate, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(spans())) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(spans());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`OTLP receiver: not received within ${timeoutMs} ms (${spans().length} spans)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---- Printing ----

const shown = (value: AttributeValue) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The attributes worth a glance in a tree; every attribute is in the export. */
const HIGHLIGHTED = [
  'http.response.status_code',
  'http.status_code',
  'inbox.attempt',
  'inbox.retry.reason',
  'inbox.budget.wait_ms',
  'error.type',
  'inbox.event.type',
  'inbox.event.delay_ms',
];

/** One trace as an indented tree, children in start order, with durations, events and links. */
export function formatTrace(spans: ReceivedSpan[]): string {
  const byParent = new Map<string | undefined, ReceivedSpan[]>();
  const ids = new Set(spans.map((span) => span.spanId));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    byParent.set(parent, [...(byParent.get(parent) ?? []), span]);
  }
  let first = spans[0]?.startNs ?? 0n;
  for (const span of spans) if (span.startNs < first) first = span.startNs;
  const lines: string[] = [];
  const [root] = byParent.get(undefined) ?? [];
  const service = root?.resource['service.name'];
  const remoteParent = root?.parentSpanId ? ` (joins caller's span ${root.parentSpanId})` : '';
  lines.push(`trace ${spans[0]?.traceId ?? '?'}  ${service ?? ''}${remoteParent}`);
  const walk = (parent: string | undefined, depth: number) => {
    const children = [...(byParent.get(parent) ?? [])].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    for (const span of children) {
      const offset = Number(span.startNs - first) / 1e6;
      const duration = Number(span.endNs - span.startNs) / 1e6;
      const details = HIGHLIGHTED.filter((key) => span.attributes[key] !== undefined)
        .map((key) => `${key}=${shown(span.attributes[key] ?? null)}`)
        .join(' ');
      const status = span.status.code === 'ERROR' ? ' ERROR' : '';
      lines.push(
        `${'  '.repeat(depth)}${span.name}  [${span.kind.toLowerCase()}] +${offset.toFixed(1)}ms ${duration.toFixed(1)}ms${status}${details ? `  ${details}` : ''}`,
      );
      for (const event of span.events) {
        const attributes = Object.entries(event.attributes)
          .map(([key, value]) => `${key}=${shown(value)}`)
          .join(' ');
        lines.push(`${'  '.repeat(depth + 1)}· ${event.name} ${attributes}`);
      }
      for (const link of span.links)
        lines.push(`${'  '.repeat(depth + 1)}↪ linked to ${link.traceId}/${link.spanId}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 1);
  return lines.join('\n');
}

/** CLI: prints each trace once no span of it has arrived for QUIET_MS. */
async function main(): Promise<void> {
  const quietMs = Number(process.env.QUIET_MS ?? 1_000);
  const pending = new Map<string, { spans: ReceivedSpan[]; timer: NodeJS.Timeout }>();
  const receiver = await startOtlpReceiver({
    port: Number(process.env.PORT ?? 4318),
    host: process.env.HOST ?? '127.0.0.1',
    onExport: ({ spans }) => {
      for (const span of spans) {
        const trace = pending.get(span.traceId) ?? { spans: [], timer: setTimeout(() => undefined, 0) };
        trace.spans.push(span);
        clearTimeout(trace.timer);
        trace.timer = setTimeout(() => {
          pending.delete(span.traceId);
          console.log(`${formatTrace(trace.spans)}\n`);
        }, quietMs);
        pending.set(span.traceId, trace);
      }
    },
  });
  console.log(`OTLP/HTTP receiver on ${receiver.url} (http/protobuf and http/json); Ctrl-C stops it.`);
  console.log(`Point the facade at it: OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.url} npm run demo\n`);
  process.once('SIGINT', () => void receiver.close().then(() => process.exit(0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
