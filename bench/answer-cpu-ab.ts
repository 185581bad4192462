/**
 * CPU per request of two builds of the facade, side by side in one process: the inbox page through
 * `yoga.fetch` (no HTTP), one request at a time, in alternating batches so that the machine's load weighs on
 * both alike. Used to measure what a change adds to an answer (docs/costs.md).
 *
 *   node --import tsx bench/answer-cpu-ab.ts <root A> <root B> [RESPONSE_CACHE_TTL_MS]
 *
 * Each root is a checkout with its `dist/` built (`npm run build`); INBOX_API_URL names a running simulator
 * (`npm run simulator`). BATCHES (30) batches of PER (200) requests each; prints the median and the lowest
 * CPU µs per request of each side.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [rootA, rootB, ttl = '1000'] = process.argv.slice(2);
const upstream = process.env.INBOX_API_URL;
if (!rootA || !rootB || !upstream) {
  console.error('usage: INBOX_API_URL=... node --import tsx bench/answer-cpu-ab.ts <root A> <root B> [ttl]');
  process.exit(1);
}
const batches = Number(process.env.BATCHES ?? 30);
const perBatch = Number(process.env.PER ?? 200);

const INBOX_PAGE = `query InboxPage {
  team { name }
  threads(first: 20) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id done isRequest lastMessageAt
      lastMessage { content createdAt direction sentBy { name } }
      accountLink { username imageUrl }
      assignee { name imageUrl }
      prospect { displayName username imageUrl status { name color } tags { name color } }
    } }
  }
}`;

async function side(root: string) {
  const load = (path: string) => import(pathToFileURL(resolve(root, 'dist', path)).href);
  const { loadConfig } = await load('config.js');
  const { createLogger } = await load('logger.js');
  const { createFacade } = await load('yoga.js');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    TEAM_CALLS_PER_MINUTE: '100000000',
    RESPONSE_CACHE_TTL_MS: ttl,
    INBOX_API_URL: upstream,
  });
  const facade = createFacade({ config, logger: createLogger('silent') });
  const body = JSON.stringify({ query: INBOX_PAGE });
  const ask = async () => {
    const response: Response = await facade.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        authorization: 'Bearer demo-token',
      },
      body,
    });
    const text = await response.text();
    if (!text.startsWith('{"data"')) throw new Error(text.slice(0, 300));
  };
  return { facade, ask, samples: [] as number[] };
}

const sides = { A: await side(rootA), B: await side(rootB) };
for (const { ask } of Object.values(sides)) for (let request = 0; request < 300; request++) await ask();
for (let batch = 0; batch < batches; batch++) {
  for (const name of batch % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
    const { ask, samples } = sides[name];
    const before = process.cpuUsage();
    for (let request = 0; request < perBatch; request++) await ask();
    const spent = process.cpuUsage(before);
    samples.push((spent.user + spent.system) / perBatch);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
for (const [name, { samples, facade }] of Object.entries(sides)) {
  console.log(
    `${name}: median ${median(samples).toFixed(0)} µs, lowest ${Math.min(...samples).toFixed(0)} µs CPU per request`,
  );
  facade.close();
}
process.exit(0);
