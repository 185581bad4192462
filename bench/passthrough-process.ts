import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processStats, serveParent } from './ipc.js';
import type { ServerReady } from './server-process.js';

/**
 * The floor of the unloaded overhead: the least any process in the facade's place could add on this machine.
 * No GraphQL and no checks: raw node:http, keep-alive to the upstream, and a stored answer (our facade's own
 * answer to the page, handed over with `setAnswer`). In `new-token` mode each request first makes the call
 * our facade makes for a token it has not seen, its own `GET /team` with the caller's token, and answers once
 * that call has; in `one-token` mode it answers at once, as our facade does from its answer cache.
 * Usage: passthrough-process.ts <INBOX_API_URL> <one-token|new-token>
 */
const [baseUrl, tokenMode] = process.argv.slice(2);
if (!baseUrl || (tokenMode !== 'one-token' && tokenMode !== 'new-token'))
  throw new Error('usage: passthrough-process.ts <url> <one-token|new-token>');
const upstream = new URL(`${baseUrl}/team`);
const agent = new Agent({ keepAlive: true });
let answer = Buffer.from('{"data":null}');

function proveToken(authorization: string, then: (ok: boolean) => void) {
  const call = request(
    upstream,
    { agent, headers: { authorization, accept: 'application/json' } },
    (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const team = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: unknown };
        then(response.statusCode === 200 && typeof team.id === 'string');
      });
    },
  );
  call.on('error', () => then(false));
  call.end();
}

const server = createServer((incoming, outgoing) => {
  incoming.resume(); // the query is always the page's: read and dropped
  incoming.on('end', () => {
    const reply = (ok: boolean) => {
      outgoing.writeHead(ok ? 200 : 502, {
        'content-type': 'application/json',
        'content-length': answer.length,
      });
      outgoing.end(answer);
    };
    if (tokenMode === 'one-token') reply(true);
    else proveToken(incoming.headers.authorization ?? '', reply);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

serveParent({ url: `http://127.0.0.1:${port}/graphql` } satisfies ServerReady, {
  setAnswer: (body) => {
    answer = Buffer.from(String(body));
    return answer.length;
  },
  stats: processStats,
});
