import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { webhookSecrets } from '../support/live.js';

const LIMIT = 64 * 1024;
const harness = useHarness({
  config: { MAX_BODY_BYTES: String(LIMIT), INBOX_WEBHOOK_SECRETS: webhookSecrets('whsec-body-limits') },
});

/** What the client saw: the status, and how much of its body it had handed to the socket by then. */
interface Sent {
  status: number | undefined;
  sentBytes: number;
}

/**
 * POSTs up to `totalBytes` as a chunked body (no Content-Length), 64 KB at a time, respecting backpressure,
 * and stops as soon as an answer arrives: a server that reads the whole body lets it all through first.
 */
function postChunked(path: string, totalBytes: number): Promise<Sent> {
  const { hostname, port } = new URL(harness.server.url);
  return new Promise((resolve) => {
    let sentBytes = 0;
    let answered: number | undefined;
    const req = request(
      {
        host: hostname,
        port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (response) => {
        answered = response.statusCode;
        response.resume();
        response.on('end', () => resolve({ status: answered, sentBytes }));
        response.on('error', () => resolve({ status: answered, sentBytes }));
      },
    );
    req.on('error', () => resolve({ status: answered, sentBytes }));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    req.write('{"query":"{ team { name } }","variables":{"padding":"');
    const pump = () => {
      while (answered === undefined && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (answered === undefined) req.end('"}}');
    };
    pump();
  });
}

const TOTAL = 64 * 1024 * 1024;

describe('request bodies are read only up to MAX_BODY_BYTES', () => {
  it.each(['/graphql', '/webhooks/inbox'])(
    '%s: a chunked body past the limit is answered 413 before it is all sent',
    async (path) => {
      const { status, sentBytes } = await postChunked(path, TOTAL);
      expect(status).toBe(413);
      // The client could push socket buffers' worth past the limit, not the 64 MB it offered.
      expect(sentBytes).toBeLessThan(TOTAL / 4);
      expect(harness.simulator.calls).toEqual([]);
    },
  );

  it.each(['/graphql', '/webhooks/inbox'])(
    '%s: a Content-Length past the limit is answered 413 without reading the body',
    async (path) => {
      const body = JSON.stringify({ query: '{ team { name } }', variables: { padding: 'x'.repeat(LIMIT) } });
      const response = await fetch(`${harness.server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-token' },
        body,
      });
      expect(response.status).toBe(413);
      expect(harness.simulator.calls).toEqual([]);
    },
  );

  it('a chunked GraphQL body within the limit is counted as it streams, and runs as usual', async () => {
    const { hostname, port } = new URL(harness.server.url);
    const answer = await new Promise<{ status: number | undefined; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/graphql',
          headers: {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
            authorization: 'Bearer demo-token',
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode, text }));
        },
      );
      req.on('error', reject);
      // Several chunks, together half the limit.
      req.write('{"query":"{ team { name } }","variables":{"padding":"');
      for (let sent = 0; sent < LIMIT / 2; sent += 4096) req.write('x'.repeat(4096));
      req.end('"}}');
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      data: { team: { name: harness.simulator.store.teamByToken('demo-token')?.team.name } },
      extensions: { cost: expect.any(Object) },
    });
  });

  it('a GraphQL body within the limit runs as usual', async () => {
    const { status, body } = await harness.graphql('{ team { name } }', {
      variables: { padding: 'x'.repeat(LIMIT / 2) },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});
