import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../../scripts/otlp-receiver.js';
import { DEMO_TOKEN, type Simulator, startSimulator } from '../../simulator/src/index.js';
import { loadConfig } from '../../src/config.js';
import { tracesRequested } from '../../src/observability/tracing.js';
import { type FacadeProcess, spawnFacade } from '../support/facade-process.js';
import { until, wsClient } from '../support/live.js';

/**
 * The facade as operators run it (a real process), its OTEL_* variables pointed at an OTLP/HTTP receiver in
 * this test, over both encodings: what it exports, and that nothing is exported (nor the SDK loaded) without
 * them.
 */

const INBOX_PAGE = `query InboxPage {
  team { name }
  threads(first: 5) { edges { node {
    id lastMessage { content sentBy { name } } accountLink { username } assignee { name }
    prospect { username status { name } tags { name } }
  } } }
}`;
const OPEN_THREAD = `query OpenThread($id: ID!) {
  thread(id: $id) { id messages(first: 3) { edges { node { id content } } } }
}`;
const SUBSCRIBE = 'subscription Live { inboxEvents { seq type } }';
const CREATE_TAG = `mutation CreateTag($input: CreateTagInput!) { createTag(input: $input) { tag { id } } }`;

/** A caller's W3C trace context: a trace id of its own per request, so that each request is one trace. */
/**
 * The facade as `npm start` runs it (`node dist/main.js`, alone: no Redis), with the OTEL_* variables a test
 * gives it as an operator sets them: never the test runner's own OTEL_* (or NODE_DEBUG).
 */
function startFacadeProcess(env: Record<string, string>): Promise<FacadeProcess> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && name !== 'NODE_DEBUG'),
  );
  return spawnFacade('traced', { ...inherited, LOG_LEVEL: 'info', ...env, REDIS_URL: '' });
}

const callerTrace = (n: number) => ({
  traceId: `${n}`.padStart(2, '0').repeat(16),
  spanId: 'f0'.repeat(8),
  traceparent: `00-${`${n}`.padStart(2, '0').repeat(16)}-${'f0'.repeat(8)}-01`,
});

const ofTrace = (spans: ReceivedSpan[], traceId: string) => spans.filter((span) => span.traceId === traceId);
const clientSpans = (spans: ReceivedSpan[]) => spans.filter((span) => span.kind === 'CLIENT');
/** `/threads/{threadId}` as a pattern that the concrete path must match. */
const templateMatches = (template: string, path: string) =>
  new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path);

/** Every string a span carries: its name, attributes, events, links' attributes, status and resource. */
function stringsOf(span: ReceivedSpan): string[] {
  const values = [
    span.name,
    span.status.message,
    ...Object.entries(span.attributes).flat(),
    ...Object.entries(span.resource).flat(),
    ...span.events.flatMap((event) => [event.name, ...Object.entries(event.attributes).flat()]),
    ...span.links.flatMap((link) => Object.entries(link.attributes).flat()),
  ];
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

describe.each(['http/protobuf', 'http/json'] as const)('traces exported over OTLP %s', (protocol) => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  let facade: FacadeProcess;

  beforeAll(async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 100_000 });
    receiver = await startOtlpReceiver();
    facade = await startFacadeProcess({
      INBOX_API_URL: simulator.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
      OTEL_SERVICE_NAME: 'inbox-facade-under-test',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      EVENTS_POLL_INTERVAL_MS: '1000',
      // Every page runs: the warm one is served by the collection cache, not by the answer cache.
      RESPONSE_CACHE_TTL_MS: '0',
      // The module loader's trace, on stderr: which packages the process loaded.
      NODE_DEBUG: 'module',
    });
  });
  afterAll(async () => {
    await facade?.stop();
    await receiver?.close();
    await simulator?.close();
  });

  it('joins the caller’s trace, with one CLIENT span per upstream call and the cache hits that spared the others', async () => {
    const [cold, warm, thread] = [callerTrace(1), callerTrace(2), callerTrace(3)];
    simulator.resetCalls();
    const coldPage = await facade.graphql<{ threads: { edges: Array<{ node: { id: string } }> } }>(
      INBOX_PAGE,
      {
        headers: { traceparent: cold.traceparent },
      },
    );
    const coldCalls = [...simulator.calls];
    simulator.resetCalls();
    await facade.graphql(INBOX_PAGE, { headers: { traceparent: warm.traceparent } });
    const warmCalls = [...simulator.calls];
    simulator.resetCalls();
    const threadId = coldPage.body.data?.threads.edges[0]?.node.id;
    const opened = await facade.graphql(OPEN_THREAD, {
      headers: { traceparent: thread.traceparent },
      variables: { id: threadId },
    });
    expect(opened.body.errors).toBeUndefined();
    const threadCalls = [...simulator.calls];
    // The cold page reads the team and its four collections beside the thread page; the warm one only that.
    expect(coldCalls).toHaveLength(6);
    expect(warmCalls).toHaveLength(1);
    expect(threadCalls.some((call) => call.path.startsWith('/threads/'))).toBe(true);

    const requests = [
      [cold, coldCalls],
      [warm, warmCalls],
      [thread, threadCalls],
    ] as const;
    const spans = await receiver.waitFor((all) =>
      requests.every(
        ([caller, calls]) =>
          clientSpans(ofTrace(all, caller.traceId)).length >= calls.length &&
          ofTrace(all, caller.traceId).some((span) => span.kind === 'SERVER'),
      ),
    );

    for (const [caller, calls] of requests) {
      const trace = ofTrace(spans, caller.traceId);
      // The request's server span is a child of the caller's span: the request joined the caller's trace.
      const server = trace.filter((span) => span.kind === 'SERVER');
      expect(server).toHaveLength(1);
      expect(server[0]?.parentSpanId).toBe(caller.spanId);
      expect(server[0]?.name).toBe('POST /graphql');
      expect(server[0]?.resource['service.name']).toBe('inbox-facade-under-test');
      // Exactly the calls the simulator logged, each with its method, route template and status.
      const sent = clientSpans(trace).map((span) => {
        const url = String(span.attributes['url.full']);
        const path = url.slice(simulator.url.length);
        const template = String(span.attributes['url.template']);
        expect(url.startsWith(simulator.url)).toBe(true);
        expect(templateMatches(template, path)).toBe(true);
        expect(span.name).toBe(`${span.attributes['http.request.method']} ${template}`);
        expect(span.attributes['inbox.attempt']).toBe(1);
        expect(typeof span.attributes['inbox.budget.wait_ms']).toBe('number');
        return `${span.attributes['http.request.method']} ${path} ${span.attributes['http.response.status_code']}`;
      });
      expect(sent.sort()).toEqual(calls.map((call) => `${call.method} ${call.path} ${call.status}`).sort());
    }

    // A call about one thread carries the route's template, and the id only in its URL.
    const threadRead = clientSpans(ofTrace(spans, thread.traceId)).find((span) =>
      String(span.attributes['url.template']).startsWith('/threads/{threadId}'),
    );
    const threadPath = threadCalls.find((call) => call.path.startsWith('/threads/'))?.path ?? '';
    const inboxThreadId = threadPath.split('/')[2] ?? '';
    expect(inboxThreadId).not.toBe('');
    expect(String(threadRead?.attributes['url.full'])).toContain(inboxThreadId);
    expect(String(threadRead?.attributes['url.template'])).not.toContain(inboxThreadId);
    expect(threadRead?.name).not.toContain(inboxThreadId);

    // The operation, and its parse, validate and execute spans, named after it.
    const coldTrace = ofTrace(spans, cold.traceId);
    const names = coldTrace.map((span) => span.name);
    for (const name of ['query InboxPage', 'graphql.parse InboxPage', 'graphql.validate InboxPage']) {
      expect(names).toContain(name);
    }
    const execute = coldTrace.find((span) => span.name === 'graphql.execute InboxPage');
    expect(execute).toBeDefined();
    // Every upstream call happens within the operation's execution.
    for (const span of clientSpans(coldTrace)) expect(span.parentSpanId).toBe(execute?.spanId);

    // The warm page: five collections served from cache, each visible; the cold one loaded all five.
    const cacheEvents = (traceId: string, outcome: string) =>
      ofTrace(spans, traceId)
        .flatMap((span) => span.events)
        .filter((event) => event.name === 'inbox.cache' && event.attributes['inbox.cache'] === outcome)
        .map((event) => event.attributes['inbox.collection'])
        .sort();
    const collections = ['account-links', 'members', 'statuses', 'tags', 'team'];
    expect(cacheEvents(warm.traceId, 'hit')).toEqual(collections);
    expect(cacheEvents(cold.traceId, 'miss')).toEqual(collections);

    // The request's log lines carry its trace and span ids.
    const logged = facade.logLines
      .filter((line) => line.includes('"graphql operation"'))
      .map((line) => JSON.parse(line) as { trace_id?: string; span_id?: string; operation: string });
    const coldLine = logged.find((line) => line.trace_id === cold.traceId);
    expect(coldLine?.operation).toBe('InboxPage');
    expect(coldTrace.map((span) => span.spanId)).toContain(coldLine?.span_id);
  });

  it('gives each attempt of a retried call its own CLIENT span, with its number and the retry’s reason', async () => {
    const caller = callerTrace(6);
    simulator.resetCalls();
    simulator.injectFault({ kind: 'status', status: 503, method: 'GET', path: '/threads' });
    const page = await facade.graphql(INBOX_PAGE, { headers: { traceparent: caller.traceparent } });
    expect(page.body.errors).toBeUndefined();
    expect(simulator.calls.map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
      'GET /threads 503',
      'GET /threads 200',
    ]);
    const spans = await receiver.waitFor((all) => clientSpans(ofTrace(all, caller.traceId)).length >= 2);
    const [first, second] = clientSpans(ofTrace(spans, caller.traceId)).sort((a, b) =>
      a.startNs < b.startNs ? -1 : 1,
    );
    expect(first?.attributes).toMatchObject({
      'inbox.attempt': 1,
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(first?.status.code).toBe('ERROR');
    expect(second?.attributes).toMatchObject({
      'inbox.attempt': 2,
      'http.request.resend_count': 1,
      'inbox.retry.reason': 'server_error',
      'http.response.status_code': 200,
    });
  });

  it('traces each poll of the events log as a trace of its own, linked to the subscription that started it', async () => {
    const subscriber = callerTrace(4);
    const controller = new AbortController();
    const stream = await fetch(`${facade.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${DEMO_TOKEN}`,
        traceparent: subscriber.traceparent,
      },
      body: JSON.stringify({ query: SUBSCRIBE }),
      signal: controller.signal,
    });
    const reading = (async () => {
      for await (const _ of stream.body as unknown as AsyncIterable<Uint8Array>) {
        // Read on, so that the stream flows; what it says is another suite's.
      }
    })().catch(() => undefined);
    // Once the poller found the end of the log, a new tag is an event it publishes.
    await receiver.waitFor((all) => all.some((span) => span.name === 'inbox.events.poll'));
    const created = await facade.graphql(CREATE_TAG, {
      variables: { input: { name: `traced-${protocol}`, color: 'red' } },
    });
    expect(created.body.errors).toBeUndefined();
    const spans = await receiver.waitFor((all) =>
      all.some(
        (span) =>
          span.name === 'inbox.events.fanout' &&
          span.attributes['inbox.event.type'] === 'tag.created' &&
          span.attributes['inbox.event.announced'] === false,
      ),
    );
    controller.abort();
    await reading;

    const polls = spans.filter((span) => span.name === 'inbox.events.poll');
    for (const poll of polls) {
      // Its own trace (a root span), not a child of the subscription's request…
      expect(poll.parentSpanId).toBeUndefined();
      expect(poll.traceId).not.toBe(subscriber.traceId);
      // …linked to the subscription that started the poller.
      expect(poll.links.map((link) => link.traceId)).toContain(subscriber.traceId);
    }
    // Each read of the log is a CLIENT span within its poll.
    const reads = clientSpans(spans).filter((span) => span.attributes['url.template'] === '/events');
    expect(reads.length).toBeGreaterThan(0);
    const pollIds = new Set(polls.map((poll) => poll.spanId));
    for (const read of reads) expect(pollIds.has(read.parentSpanId ?? '')).toBe(true);
    // The event's fan-out to this replica's subscribers: linked to the poll that read it.
    const fanout = spans.find(
      (span) =>
        span.name === 'inbox.events.fanout' &&
        span.attributes['inbox.event.type'] === 'tag.created' &&
        span.attributes['inbox.event.announced'] === false,
    );
    // The write's own announcement fans out ahead of the poll, in the trace of the request that wrote.
    const announced = spans.find(
      (span) =>
        span.name === 'inbox.events.fanout' &&
        span.attributes['inbox.event.type'] === 'tag.created' &&
        span.attributes['inbox.event.announced'] === true,
    );
    expect(announced).toBeDefined();
    expect(fanout?.parentSpanId).toBeUndefined();
    expect(fanout?.links.some((link) => pollIds.has(link.spanId))).toBe(true);
    expect(fanout?.attributes['inbox.event.subscribers']).toBe(1);
  });

  it('answers over WebSocket too, its Inbox calls still traced', async () => {
    const client = wsClient(
      { server: { url: facade.url } },
      {
        authorization: `Bearer ${DEMO_TOKEN}`,
      },
    );
    simulator.resetCalls();
    try {
      const result = await new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
        client.subscribe(
          { query: 'query OverSocket { threads(first: 1) { edges { node { id } } } }' },
          {
            next: resolve,
            error: reject,
            complete: () => undefined,
          },
        );
      });
      expect(result.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
    const call = simulator.calls.find((sent) => sent.path === '/threads');
    expect(call).toBeDefined();
    await receiver.waitFor((all) =>
      all.some(
        (span) => span.kind === 'CLIENT' && span.attributes['url.full'] === `${simulator.url}${call?.path}`,
      ),
    );
  });

  it('never exports the token, nor any Authorization header, in any byte of any export', async () => {
    // Whatever is still buffered is exported on a graceful shutdown.
    const exportsBefore = receiver.exports.length;
    expect(await facade.stop()).toBe(0);
    expect(receiver.exports.length).toBeGreaterThanOrEqual(exportsBefore);
    expect(receiver.exports.every((received) => received.protocol === protocol)).toBe(true);
    const spans = receiver.spans();
    expect(spans.length).toBeGreaterThan(20);
    for (const received of receiver.exports) {
      expect(received.body.includes(DEMO_TOKEN)).toBe(false);
      expect(received.body.includes('Bearer')).toBe(false);
      expect(received.body.toString('latin1').toLowerCase().includes('authorization')).toBe(false);
    }
    for (const span of spans) {
      for (const value of stringsOf(span)) {
        expect(value).not.toContain(DEMO_TOKEN);
        expect(value).not.toContain('Bearer');
      }
    }
    // The SDK was loaded in this process, as the next suite checks it is not without OTEL_* variables.
    expect(facade.stderr()).toContain('@opentelemetry/sdk-node');
  });
});

describe('without OTEL_* variables', () => {
  let simulator: Simulator;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 100_000 });
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await simulator?.close();
  });

  it('refuses to start on an exporter or protocol the SDK would silently ignore', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobof' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL/,
    );
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'otlp,jaegr' })).toThrow(/OTEL_TRACES_EXPORTER/);
    expect(
      loadConfig({ OTEL_TRACES_EXPORTER: 'otlp, console', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toBeTruthy();
  });

  it('reads which variables turn tracing on, as the SDK would', () => {
    expect(tracesRequested({})).toBe(false);
    expect(tracesRequested({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBe(false);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracesRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
    expect(tracesRequested({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracesRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' })).toBe(
      false,
    );
    expect(tracesRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' })).toBe(
      false,
    );
  });

  it.each([
    ['no variable at all (the default)', () => ({})],
    // The SDK's own default with no exporter named is an OTLP exporter to localhost: it must not start.
    [
      'every variable but an exporter or endpoint',
      () => ({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '50' }),
    ],
    [
      'OTEL_SDK_DISABLED=true',
      () => ({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }),
    ],
    [
      'OTEL_TRACES_EXPORTER=none',
      () => ({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }),
    ],
  ])(
    '%s: loads no OpenTelemetry SDK and exports nothing',
    async (_, otel) => {
      const facade = await startFacadeProcess({
        INBOX_API_URL: simulator.url,
        NODE_DEBUG: 'module',
        ...otel(),
      });
      try {
        const page = await facade.graphql(INBOX_PAGE, {
          headers: { traceparent: callerTrace(5).traceparent },
        });
        expect(page.body.errors).toBeUndefined();
        // Log lines carry no trace ids when nothing is traced.
        await until(
          () => facade.logLines.some((line) => line.includes('"graphql operation"')),
          'the log line',
        );
        expect(facade.logLines.join('\n')).not.toContain('trace_id');
      } finally {
        expect(await facade.stop()).toBe(0);
      }
      expect(facade.stderr()).not.toContain('@opentelemetry/sdk-node');
      expect(facade.stderr()).not.toContain('@graphql-hive/plugin-opentelemetry');
      expect(receiver.exports).toHaveLength(0);
    },
    120_000,
  );
});
