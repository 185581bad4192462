import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { InboxTransport } from '../../src/upstream/rest-client.js';

/** A real HTTP server that records what reaches it and answers what a test asks for. */
interface Recorder {
  server: Server;
  url: string;
  requests: Array<{ url: string; method: string; authorization?: string; body: string }>;
  answer: (request: IncomingMessage) => { status: number; headers?: Record<string, string>; body: string };
}

async function startRecorder(): Promise<Recorder> {
  const recorder = { requests: [], answer: () => ({ status: 200, body: '{}' }) } as unknown as Recorder;
  recorder.server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      recorder.requests.push({
        url: request.url ?? '',
        method: request.method ?? '',
        authorization: request.headers.authorization,
        body,
      });
      const { status, headers, body: answer } = recorder.answer(request);
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(answer);
    });
  });
  await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
  recorder.url = `http://127.0.0.1:${(recorder.server.address() as AddressInfo).port}`;
  return recorder;
}

let api: Recorder;
let elsewhere: Recorder;
let transport: InboxTransport;

beforeAll(async () => {
  api = await startRecorder();
  elsewhere = await startRecorder();
  transport = new InboxTransport({
    baseUrl: `${api.url}/api/v1`,
    timeoutMs: 2_000,
    maxRetries: 0,
    maxRetryAfterMs: 0,
    logger: createLogger('silent'),
  });
});
afterAll(() => {
  transport.close();
  api.server.close();
  elsewhere.server.close();
});
beforeEach(() => {
  api.requests.length = 0;
  elsewhere.requests.length = 0;
  api.answer = () => ({ status: 200, body: '{"threads":[],"nextCursor":null}' });
});

describe('query-string encoding (qs brackets, as src/upstream/openapi.yaml describes)', () => {
  it('indexes arrays, nests filter objects in brackets and percent-encodes timestamps', async () => {
    await transport.client('t0k3n').get('/threads', {
      query: {
        accountLinkIds: ['acl1', 'acl2'],
        inbox: 'no-reply',
        filters: { tags: { selectedIds: ['tag1'] }, assignees: { noAssignee: true }, sortOrder: 'asc' },
        cursorId: 'thr1',
        cursorTimestamp: '2026-02-20T09:14:05.000+01:00',
        limit: 50,
      },
    });
    expect(api.requests[0]?.url).toBe(
      '/api/v1/threads?accountLinkIds[0]=acl1&accountLinkIds[1]=acl2&inbox=no-reply' +
        '&filters[tags][selectedIds][0]=tag1&filters[assignees][noAssignee]=true&filters[sortOrder]=asc' +
        '&cursorId=thr1&cursorTimestamp=2026-02-20T09%3A14%3A05.000%2B01%3A00&limit=50',
    );
  });

  it('leaves out absent parameters', async () => {
    await transport.client('t0k3n').get('/threads', { query: { limit: undefined, accountLinkIds: [] } });
    expect(api.requests[0]?.url).toBe('/api/v1/threads');
  });
});

describe('the token goes only to the configured origin', () => {
  it('is sent unchanged as a Bearer header', async () => {
    await transport.client('t0k3n').get('/threads');
    expect(api.requests[0]?.authorization).toBe('Bearer t0k3n');
  });

  it('ids are path-encoded, so they cannot climb out of the API path', async () => {
    api.answer = () => ({ status: 200, body: '{}' });
    await transport.client('t0k3n').get('/threads/{threadId}', { path: { threadId: '../../evil?x=1' } });
    expect(api.requests[0]?.url).toBe('/api/v1/threads/..%2F..%2Fevil%3Fx%3D1');
  });

  it('a redirect to another host is not followed', async () => {
    api.answer = () => ({ status: 302, headers: { location: `${elsewhere.url}/steal` }, body: '' });
    await expect(transport.client('t0k3n').get('/team')).rejects.toMatchObject({
      details: { kind: 'http', status: 302 },
    });
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('bodies', () => {
  it('writes send JSON', async () => {
    api.answer = () => ({ status: 200, body: '{"id":"x","name":"n","color":"red"}' });
    const tag = await transport.client('t0k3n').post('/tags', { body: { name: 'Hot', color: 'red' } });
    expect(tag.name).toBe('n');
    expect(api.requests[0]).toMatchObject({ method: 'POST', body: '{"name":"Hot","color":"red"}' });
  });

  it('an empty 2xx body (undocumented DELETE answers) reads as null', async () => {
    api.answer = () => ({ status: 200, body: '' });
    await expect(
      transport.client('t0k3n').delete('/tags/{tagId}', { path: { tagId: 'x' } }),
    ).resolves.toBeNull();
  });

  it('an unparsable error body still yields the status', async () => {
    api.answer = () => ({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html>Bad gateway</html>',
    });
    await expect(transport.client('t0k3n').get('/team')).rejects.toMatchObject({
      details: { kind: 'http', status: 502, code: undefined, message: undefined, path: '/team' },
    });
  });

  it('Retry-After given as an HTTP date is read in seconds', async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    api.answer = () => ({ status: 429, headers: { 'retry-after': inTenSeconds }, body: '' });
    const failure = transport.client('t0k3n').get('/team');
    await expect(failure).rejects.toMatchObject({ details: { status: 429 } });
    const retryAfter = await failure.catch((error) => error.details.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(9);
    expect(retryAfter).toBeLessThanOrEqual(11);
  });
});
