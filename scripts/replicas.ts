import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createProxyServer } from 'http-proxy-3';
import { DEMO_TOKEN, SECOND_TEAM_TOKEN, startSimulator } from '../simulator/src/index.js';
import { simulatorOptionsFromEnv } from '../simulator/src/options.js';
import { redisServerInstalled, startOwnRedis } from '../test/support/redis-server.js';

/**
 * `npm run replicas`: the multi-replica set-up on one machine. A Redis (REDIS_URL, else a `redis-server`
 * started for this run when one is installed), the simulator, REPLICAS (3) facade processes on PORT+1...
 * (each `node dist/main.js`, as `npm start` runs it: `npm run replicas` builds first), and a round-robin proxy on PORT (4000) in front of them (HTTP, SSE and WebSocket), as a load balancer
 * would be. Every other facade variable (EVENTS_POLL_INTERVAL_MS, INBOX_WEBHOOK_SECRETS...) reaches the
 * replicas. Ctrl-C stops everything, each replica with a graceful shutdown.
 */

const environment = process.env;
const proxyPort = Number(environment.PORT ?? 4000);
const replicaCount = Number(environment.REPLICAS ?? 3);
if (!Number.isInteger(proxyPort) || !Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > 9) {
  console.error('PORT must be a port and REPLICAS a number from 1 to 9.');
  process.exit(1);
}

const children: ChildProcess[] = [];

/** REDIS_URL, else a redis-server of this run's own (nothing saved to disk), else none. */
async function redisFor(): Promise<{ url: string | undefined; how: string; stop?: () => Promise<void> }> {
  if (environment.REDIS_URL) return { url: environment.REDIS_URL, how: 'REDIS_URL' };
  if (!redisServerInstalled) {
    return { url: undefined, how: 'none: redis-server is not installed, so each replica works alone' };
  }
  const server = await startOwnRedis();
  return {
    url: server.url,
    how: `started for this run (pid ${server.pid}), stopped with it`,
    stop: server.stop,
  };
}

const mainScript = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(mainScript)) {
  console.error(`${mainScript} is missing: run \`npm run build\` first (\`npm run replicas\` does).`);
  process.exit(1);
}

interface RunningReplica {
  name: string;
  url: string;
  process: ChildProcess;
}

/** One facade process, its log lines prefixed with its name; resolves once it listens. */
function startReplica(
  name: string,
  port: number,
  env: Record<string, string | undefined>,
): Promise<RunningReplica> {
  const child = spawn(process.execPath, [mainScript], {
    env: { ...environment, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        console.log(`[${name}] ${line}`);
        if (line.includes('Inbox GraphQL facade ready'))
          resolve({ name, url: `http://127.0.0.1:${port}`, process: child });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`replica ${name} exited (${code}) before it was ready`)));
  });
}

const simulatorOptions = simulatorOptionsFromEnv(environment, 0);
const redis = await redisFor();
// The replicas must share FACADE_SECRET (their token keys and seals derive from it): this run's own if unset.
const secret = environment.FACADE_SECRET || randomBytes(32).toString('base64url');
const simulator = await startSimulator(simulatorOptions);
const replicas = await Promise.all(
  Array.from({ length: replicaCount }, (_, index) =>
    startReplica(`r${index + 1}`, proxyPort + index + 1, {
      INBOX_API_URL: simulator.url,
      REDIS_URL: redis.url,
      FACADE_SECRET: secret,
    }),
  ),
);

// Round robin over the replicas still running; a replica that refuses (it is shutting down) answers 502,
// and the client's retry goes to the next one.
const proxy = createProxyServer({ xfwd: true });
let turn = 0;
const nextReplica = () => {
  const running = replicas.filter(
    (replica) => replica.process.exitCode === null && replica.process.signalCode === null,
  );
  if (running.length === 0) return undefined;
  turn = (turn + 1) % running.length;
  return running[turn];
};
proxy.on('error', (error, _request, response) => {
  if ('writeHead' in response && !response.headersSent) {
    response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ errors: [{ message: `replica unavailable: ${error.message}` }] }));
  } else {
    response.destroy();
  }
});
const balancer = createServer((request, response) => {
  const target = nextReplica();
  if (!target) {
    response.writeHead(503).end();
    return;
  }
  response.setHeader('x-replica', target.name);
  proxy.web(request, response, { target: target.url });
});
balancer.on('upgrade', (request, socket, head) => {
  const target = nextReplica();
  if (!target) {
    socket.destroy();
    return;
  }
  proxy.ws(request, socket, head, { target: target.url });
});
await new Promise<void>((resolve) => balancer.listen(proxyPort, '127.0.0.1', resolve));

const url = `http://localhost:${proxyPort}`;
const json = `-H 'content-type: application/json' -H 'authorization: Bearer ${DEMO_TOKEN}'`;
console.log(`
  Inbox GraphQL facade: ${replicaCount} replicas behind a round-robin proxy

  GraphQL (proxy):  ${url}/graphql   (each request, SSE stream or WebSocket goes to the next replica;
                                       the x-replica response header names it)
  Replicas:         ${replicas.map((replica) => `${replica.name} ${replica.url} (pid ${replica.process.pid})`).join('\n                    ')}
  Redis:            ${redis.url ?? '-'}  ${redis.how}
  Simulated Inbox:  ${simulator.url}
  Tokens:           ${DEMO_TOKEN} (demo team), ${SECOND_TEAM_TOKEN} (second team)

  Live events in one shell (SSE; resume after a reconnect with "variables":{"afterSeq":<last seq>}):
    curl -N ${url}/graphql ${json} -H 'accept: text/event-stream' \\
      -d '{"query":"subscription ($afterSeq: Int) { inboxEvents(afterSeq: $afterSeq) { seq type } }"}'
  An event from another (whichever replica takes it, every subscriber gets it once):
    curl -s ${url}/graphql ${json} -d '{"query":"mutation { createTag(input: { name: \\"Hello\\" }) { tag { id } } }"}'
  A graceful shutdown of one replica (its subscribers are told to subscribe again):
    kill -TERM ${replicas[0]?.process.pid}
  Each replica's state:  curl ${replicas[0]?.url}/readiness

  Ctrl-C stops everything.
`);

let stopping = false;
const stopAll = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  const exits = replicas.map(
    (replica) =>
      new Promise((resolve) =>
        replica.process.exitCode !== null ? resolve(null) : replica.process.once('exit', resolve),
      ),
  );
  for (const replica of replicas) replica.process.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await redis.stop?.();
  balancer.closeAllConnections();
  balancer.close();
  await simulator.close();
  process.exit(0);
};
process.on('SIGINT', () => void stopAll());
process.on('SIGTERM', () => void stopAll());
