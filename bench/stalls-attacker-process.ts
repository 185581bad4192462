import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { serveParent } from './ipc.js';

/**
 * The attackers of the stalls section (bench/stalls.ts), in a process of their own: building and sending the
 * attacks never runs on the legitimate client's event loop. Each question `attack` runs one attack to its end
 * and answers how it went. Every connection comes from an address of its own in 127.1.0.0/16 (all of
 * 127.0.0.0/8 reaches the loopback), each sending fewer operations than UNAUTHENTICATED_REQUESTS_PER_MINUTE:
 * an attacker with many addresses, so that what is measured is the cost of each refusal, not the address's
 * rate limit answering 429 instead. Usage: stalls-attacker-process.ts
 */
export type StallAttackName = 'ws-ids' | 'ws-ids-token' | 'repeated-fields' | 'distinct-fields' | 'slow-body';

export interface StallAttackOrder {
  name: StallAttackName;
  /** The facade's base URL (http://127.0.0.1:port). */
  baseUrl: string;
  /** How long the flooding attacks run; the slow body runs until the server cuts it. */
  durationMs: number;
  /** Concurrent connections of the flooding attacks. */
  connections: number;
  /** The demo token (`ws-ids-token` only). */
  token: string;
}

export interface StallAttackReport {
  /** Operations sent (the slow body: 1). */
  sent: number;
  /** How each was refused: `"<code> <limit or field>"`, `"HTTP <status> <code> <limit>"`, `"close <code>"`. */
  outcomes: Record<string, number>;
  /** Bytes of one attack message or body (the first one). */
  bytes: number;
  durationMs: number;
  /** Source addresses used. */
  addresses: number;
}

/** Operations sent from one address: fewer than UNAUTHENTICATED_REQUESTS_PER_MINUTE's default (60) minus the upgrade. */
const PER_ADDRESS = 40;

const NODES = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
const MANY_IDS = Array.from({ length: 30_000 }, (_, index) => String(index));
/** 1 200 `team { id }` sharing one response name: MAX_FIELDS_PER_SELECTION refuses it before validation. */
const repeatedFields = (attempt: number) => `# ${attempt}\n{ ${'team { id } '.repeat(1_200)} }`;
/** The control: as large a document of 960 distinct aliased fields, which validation has no pairs to compare in. */
const distinctFields = (attempt: number) =>
  `# ${attempt}\n{ ${Array.from({ length: 960 }, (_, index) => `a${index}: team { id }`).join(' ')} }`;
/** The slow body's headers: 200 bytes announced, then sent a byte every SLOW_BYTE_MS. */
const SLOW_HEADERS =
  'POST /graphql HTTP/1.1\r\nHost: facade\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
const SLOW_BODY = `{"query":"${' '.repeat(190)}`;
const SLOW_BYTE_MS = 250;

let addresses = 0;
/** A new source address in 127.1.0.0/16. */
function nextAddress(): string {
  const n = addresses++;
  return `127.1.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
}

type Tally = { sent: number; outcomes: Record<string, number>; bytes: number };
const count = (tally: Tally, key: string) => {
  tally.outcomes[key] = (tally.outcomes[key] ?? 0) + 1;
};

/** The first error's code and the limit or field it names. */
function refusalOf(body: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }): string {
  const { code, limit, field } = body.errors?.[0]?.extensions ?? {};
  if (code === undefined) return 'not refused';
  return [code, limit, field].filter((part) => part !== undefined).join(' ');
}

function wsClient(baseUrl: string, token: string | undefined): Client {
  const localAddress = nextAddress();
  return createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { localAddress });
      }
    },
    connectionParams: token === undefined ? undefined : { authorization: `Bearer ${token}` },
    lazy: true,
    // Kept open between subscribes: a socket per subscribe would spend a second token of the address's bucket.
    lazyCloseTimeout: 60_000,
    retryAttempts: 0,
  });
}

/** One subscribe of `nodes(ids:)` with 30 000 ids: its refusal, or the close code that ended the socket. */
async function subscribeManyIds(client: Client): Promise<{ outcome: string; closed: boolean }> {
  const iterator = client.iterate({ query: NODES, variables: { ids: MANY_IDS } });
  try {
    const { value } = await iterator.next();
    return { outcome: refusalOf(value as ExecutionResult), closed: false };
  } catch (failure) {
    if (Array.isArray(failure)) return { outcome: refusalOf({ errors: failure }), closed: false };
    const code = (failure as { code?: unknown }).code;
    const reason =
      (failure as { message?: unknown; type?: unknown }).message ?? (failure as { type?: unknown }).type;
    return {
      outcome: typeof code === 'number' ? `close ${code}` : `failed: ${String(reason ?? failure)}`,
      closed: true,
    };
  } finally {
    await iterator.return?.();
  }
}

async function floodWebSocket(order: StallAttackOrder, tally: Tally): Promise<void> {
  const until = Date.now() + order.durationMs;
  const token = order.name === 'ws-ids-token' ? order.token : undefined;
  tally.bytes = Buffer.byteLength(
    JSON.stringify({
      id: crypto.randomUUID(),
      type: 'subscribe',
      payload: { query: NODES, variables: { ids: MANY_IDS } },
    }),
  );
  const attacker = async () => {
    while (Date.now() < until) {
      const client = wsClient(order.baseUrl, token);
      try {
        for (let sent = 0; sent < PER_ADDRESS && Date.now() < until; sent++) {
          const { outcome, closed } = await subscribeManyIds(client);
          tally.sent++;
          count(tally, outcome);
          if (closed) break;
        }
      } finally {
        await client.dispose();
      }
    }
  };
  await Promise.all(Array.from({ length: order.connections }, attacker));
}

/** POST /graphql without a token from `localAddress`, on `agent`: its status and refusal. */
function post(baseUrl: string, agent: Agent, localAddress: string, query: string): Promise<string> {
  const body = JSON.stringify({ query });
  const url = new URL('/graphql', baseUrl);
  return new Promise((resolve) => {
    const sent = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        localAddress,
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let refusal: string;
          try {
            refusal = refusalOf(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            refusal = 'no GraphQL body';
          }
          resolve(`HTTP ${response.statusCode} ${refusal}`);
        });
      },
    );
    sent.on('error', (error) => resolve(`failed: ${(error as { code?: string }).code ?? error.message}`));
    sent.end(body);
  });
}

async function floodDocuments(order: StallAttackOrder, tally: Tally): Promise<void> {
  const until = Date.now() + order.durationMs;
  const document = order.name === 'repeated-fields' ? repeatedFields : distinctFields;
  tally.bytes = Buffer.byteLength(JSON.stringify({ query: document(0) }));
  let attempt = 0;
  const attacker = async () => {
    while (Date.now() < until) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const localAddress = nextAddress();
      try {
        for (let sent = 0; sent < PER_ADDRESS && Date.now() < until; sent++) {
          count(tally, await post(order.baseUrl, agent, localAddress, document(attempt++)));
          tally.sent++;
        }
      } finally {
        agent.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: order.connections }, attacker));
}

/** One POST whose 200-byte body comes a byte every SLOW_BYTE_MS, until the server closes the connection. */
function slowBody(order: StallAttackOrder, tally: Tally): Promise<void> {
  const url = new URL(order.baseUrl);
  tally.bytes = Buffer.byteLength(SLOW_HEADERS) + 200;
  tally.sent = 1;
  return new Promise((resolve) => {
    let received = '';
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: nextAddress() });
    let next = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && next < SLOW_BODY.length) socket.write(SLOW_BODY[next++] ?? '');
    }, SLOW_BYTE_MS);
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', () => undefined); // a reset ends it too: its close is what is looked at
    socket.once('connect', () => socket.write(SLOW_HEADERS));
    socket.on('close', () => {
      clearInterval(timer);
      const status = received.split('\r\n')[0] ?? '';
      count(tally, status === '' ? 'closed unanswered' : status);
      resolve();
    });
  });
}

async function attack(order: StallAttackOrder): Promise<StallAttackReport> {
  const started = performance.now();
  const firstAddress = addresses;
  const tally: Tally = { sent: 0, outcomes: {}, bytes: 0 };
  if (order.name === 'ws-ids' || order.name === 'ws-ids-token') await floodWebSocket(order, tally);
  else if (order.name === 'slow-body') await slowBody(order, tally);
  else await floodDocuments(order, tally);
  return { ...tally, durationMs: performance.now() - started, addresses: addresses - firstAddress };
}

serveParent(true, { attack: (arg) => attack(arg as StallAttackOrder) });
