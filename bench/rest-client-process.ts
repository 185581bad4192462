import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type InboxPage, joinInboxPage, type RestInboxParts } from './inbox-page.js';
import { monotonicMs, processStats, serveParent } from './ipc.js';
import { percentile } from './percentile.js';

/**
 * The "no GraphQL" contender of the CPU-bound scenario: a client that builds the inbox page itself from
 * the six REST calls, in its own process (pinned like a facade), so its CPU per page compares with a
 * facade's. Each of `connections` virtual users loops: the six GETs in parallel over keep-alive
 * sockets (node:http, the leanest Node client), JSON.parse of each body, then the join by id into the
 * rows the GraphQL screens show. It is its own load generator and sends the page nowhere.
 * Usage: rest-client-process.ts <INBOX_API_URL> <threads per page>
 */
export interface RestRunOptions {
  connections: number;
  /** Start pages until then (each virtual user builds at least one)… */
  durationSeconds: number;
  /** …or start exactly this many pages, when given. Every page started is finished either way. */
  pages?: number;
  token: string;
}

export interface RestRunResult {
  pages: number;
  /** Pages per second from the first page built to the last. */
  steadyPagesPerSecond: number;
  pagesStarted: number;
  durationSeconds: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** Each page built as [started, done] on the machine's monotonic clock (bench/ipc.ts). */
  pageSpans: Array<[number, number]>;
  /** The last page built, to check that it shows what the GraphQL screens show. */
  sample: InboxPage | null;
}

const [baseUrl, threadsPerPage] = process.argv.slice(2);
if (!baseUrl || !threadsPerPage) throw new Error('usage: rest-client-process.ts <url> <threads>');
const agent = new Agent({ keepAlive: true });

function getJson<T>(path: string, token: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = get(
      `${baseUrl}${path}`,
      { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          if (response.statusCode !== 200) reject(new Error(`GET ${path}: ${response.statusCode}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

async function inboxPage(token: string): Promise<InboxPage> {
  const [team, members, accountLinks, tags, statuses, page] = await Promise.all([
    getJson<RestInboxParts['team']>('/team', token),
    getJson<RestInboxParts['members']>('/members', token),
    getJson<RestInboxParts['accountLinks']>('/account-links', token),
    getJson<RestInboxParts['tags']>('/tags', token),
    getJson<RestInboxParts['statuses']>('/statuses', token),
    getJson<{ threads: RestInboxParts['threads'] }>(`/threads?limit=${threadsPerPage}`, token),
  ]);
  return joinInboxPage({ team, members, accountLinks, tags, statuses, threads: page.threads });
}

async function run({ connections, durationSeconds, pages, token }: RestRunOptions): Promise<RestRunResult> {
  const pageMs: number[] = [];
  const pageSpans: Array<[number, number]> = [];
  let firstDoneAt: number | undefined;
  let lastDoneAt = 0;
  let failures = 0;
  let pagesStarted = 0;
  let sample: InboxPage | null = null;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  const more = () => (pages === undefined ? performance.now() < deadline : pagesStarted < pages);
  const user = async () => {
    do {
      const pageStarted = performance.now();
      const pageStartedMonotonic = monotonicMs();
      pagesStarted++;
      try {
        sample = await inboxPage(token);
        lastDoneAt = performance.now();
        firstDoneAt ??= lastDoneAt;
        pageMs.push(lastDoneAt - pageStarted);
        pageSpans.push([pageStartedMonotonic, monotonicMs()]);
      } catch {
        failures++;
      }
    } while (more());
  };
  await Promise.all(Array.from({ length: connections }, user));
  pageMs.sort((a, b) => a - b);
  return {
    pages: pageMs.length,
    steadyPagesPerSecond:
      (pageMs.length - 1) / ((lastDoneAt - (firstDoneAt ?? lastDoneAt)) / 1000 || Number.NaN),
    pagesStarted,
    // Pages started before the deadline finish after it: they count, and so does the time they took.
    durationSeconds: (performance.now() - started) / 1000,
    p50Ms: percentile(pageMs, 50),
    p99Ms: percentile(pageMs, 99),
    failures,
    pageSpans,
    sample,
  };
}

serveParent({ url: baseUrl }, { run: (options) => run(options as RestRunOptions), stats: processStats });
