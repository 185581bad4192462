import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import chromium from '@sparticuz/chromium';
import {
  type Browser,
  type Locator,
  type Response as PlaywrightResponse,
  chromium as playwright,
  type Request,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createFacade } from '../../src/yoga.js';
import { useHarness } from '../support/harness.js';
import { until } from '../support/live.js';

/**
 * GraphiQL as `npm run demo` serves it (simulator + facade with the demo token pre-filled), rendered by
 * a real headless Chromium from npm (@sparticuz/chromium): no other host is ever contacted.
 */

const BROWSER_TIMEOUT = 120_000;

const harness = useHarness({ transport: 'http', graphiqlToken: DEMO_TOKEN });
let browser: Browser;

const launch = async () =>
  playwright.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args, '--no-sandbox'],
    headless: true,
  });

beforeAll(async () => {
  browser = await launch();
}, BROWSER_TIMEOUT);

/** The text of a Monaco editor: its rendered lines (no line numbers), with Monaco's no-break spaces as spaces. */
async function editorText(editor: Locator): Promise<string> {
  const text = await editor.locator('.view-lines').textContent();
  return (text ?? '').replace(/\u00a0/g, ' ');
}

afterAll(async () => {
  await browser?.close();
});

describe('GraphiQL in headless Chromium', () => {
  it(
    'runs the pre-filled query with the demo token and shows the result, loading nothing from another host',
    async () => {
      const context = await browser.newContext();
      const requests: Request[] = [];
      context.on('request', (request) => requests.push(request));
      const page = await context.newPage();
      const pageErrors: Error[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));

      await page.goto(`${harness.server.url}/graphql`);
      const execute = page.getByRole('button', { name: /^Execute query/ });
      await execute.waitFor();

      // The headers editor holds the demo token.
      await page.getByRole('button', { name: 'Headers' }).click();
      const headers = JSON.parse(
        await editorText(page.locator('.graphiql-editor-tool .graphiql-editor:visible')),
      );
      expect(headers).toEqual({ Authorization: `Bearer ${DEMO_TOKEN}` });

      // Run the first example tab and wait for its answer.
      const [response] = await Promise.all([
        page.waitForResponse(
          (candidate) =>
            candidate.url() === `${harness.server.url}/graphql` && candidate.request().method() === 'POST',
        ),
        execute.click(),
      ]);
      expect(response.request().headers().authorization).toBe(`Bearer ${DEMO_TOKEN}`);
      const body = await response.json();
      expect(body.errors).toBeUndefined();

      // The result pane shows what the simulator holds for the demo team.
      const team = harness.simulator.store.teamByToken(DEMO_TOKEN)?.team;
      expect(body.data.team).toEqual({ id: expect.any(String), name: team?.name, currency: team?.currency });
      const shown = () => editorText(page.locator('.graphiql-response'));
      await expect.poll(shown).toContain(`"name": "${team?.name}"`);
      expect(await shown()).toContain(`"currency": "${team?.currency}"`);

      expect(pageErrors).toEqual([]);
      // Every request stayed on the demo's origin (blob: workers carry it too) or was inline data.
      const demoOrigin = new URL(harness.server.url).origin;
      const elsewhere = requests
        .map((request) => request.url())
        .filter((url) => !url.startsWith('data:') && new URL(url).origin !== demoOrigin);
      expect(elsewhere).toEqual([]);
      expect(requests.length).toBeGreaterThan(1);
      await context.close();
    },
    BROWSER_TIMEOUT,
  );
});

describe('GraphiQL’s weight', () => {
  it(
    'files are compressed and kept a year: a second visit transfers less than a tenth of the first',
    async () => {
      // What the server sent, headers included, counted on its sockets; and the paths it was asked for.
      const sockets = new Set<Socket>();
      const sentBefore = new Map<Socket, number>();
      const paths: string[] = [];
      const onConnection = (socket: Socket) => sockets.add(socket);
      let inFlight = 0;
      let lastActivity = Date.now();
      const onRequest = (request: IncomingMessage, response: ServerResponse) => {
        paths.push(request.url ?? '');
        inFlight += 1;
        lastActivity = Date.now();
        response.once('close', () => {
          inFlight -= 1;
          lastActivity = Date.now();
        });
      };
      // Monaco starts its workers a while after the page is idle: a visit ends once the server has had no
      // request for a second (else the next navigation aborts a worker's download, which is then not kept).
      const quiet = () =>
        until(() => inFlight === 0 && Date.now() - lastActivity > 1_000, 'no request for 1 s');
      harness.server.server.on('connection', onConnection);
      harness.server.server.on('request', onRequest);
      // A browser of its own: @sparticuz/chromium runs single-process, which does not outlive a closed context.
      const ownBrowser = await launch();
      const context = await ownBrowser.newContext();
      const page = await context.newPage();
      const assets: PlaywrightResponse[] = [];
      context.on('response', (response) => {
        if (response.url().includes('/graphiql/assets/')) assets.push(response);
      });
      const visit = async () => {
        for (const socket of sockets) sentBefore.set(socket, socket.bytesWritten);
        paths.length = 0;
        assets.length = 0;
        // The first visit compresses the bundle once (a second or so, longer on a loaded machine).
        await page.goto(`${harness.server.url}/graphql`, { waitUntil: 'load', timeout: 120_000 });
        await page.getByRole('button', { name: /^Execute query/ }).waitFor({ timeout: 120_000 });
        await quiet();
        let bytes = 0;
        for (const socket of sockets) bytes += socket.bytesWritten - (sentBefore.get(socket) ?? 0);
        return { bytes, paths: [...paths] };
      };
      try {
        const first = await visit();
        // The bundle and its styles at least (the editor's workers start as the editors need them).
        expect(first.paths.filter((path) => path.startsWith('/graphiql/assets/')).length).toBeGreaterThan(1);
        for (const asset of assets) {
          const headers = await asset.allHeaders();
          expect(headers['cache-control'], asset.url()).toBe('public, max-age=31536000, immutable');
          expect(['br', 'gzip'], asset.url()).toContain(headers['content-encoding']);
        }
        const second = await visit();
        console.info(`GraphiQL over loopback: first visit ${first.bytes} bytes sent, second ${second.bytes}`);
        expect(second.bytes).toBeLessThan(first.bytes / 10);
        // The page is revalidated; the files come from the browser's cache.
        expect(second.paths.filter((path) => path.startsWith('/graphiql/assets/'))).toEqual([]);
        expect(await page.getByRole('button', { name: /^Execute query/ }).isVisible()).toBe(true);
      } finally {
        harness.server.server.off('connection', onConnection);
        harness.server.server.off('request', onRequest);
        await ownBrowser.close();
      }
    },
    3 * BROWSER_TIMEOUT,
  );
});

describe('GRAPHIQL_ENABLED', () => {
  const pageFor = async (environment: Record<string, string>) => {
    const config = loadConfig({ ...environment, INBOX_API_URL: harness.simulator.url, LOG_LEVEL: 'silent' });
    const facade = createFacade({ config, logger: createLogger('silent') });
    const response = await facade.yoga.fetch('http://localhost/graphql', {
      headers: { accept: 'text/html' },
    });
    const text = await response.text();
    facade.close();
    return { status: response.status, contentType: response.headers.get('content-type'), text };
  };

  it('serves GraphiQL by default, in production too (the schema is public, data needs a token)', async () => {
    for (const environment of [{}, { NODE_ENV: 'production' }] as Array<Record<string, string>>) {
      const served = await pageFor(environment);
      expect(served.status).toBe(200);
      expect(served.contentType).toContain('text/html');
      expect(served.text).toContain('<title>Inbox GraphQL</title>');
      // Without the demo, the token is a placeholder to replace.
      expect(served.text).toContain('Bearer \\u003cyour Inbox API token>');
    }
  });

  it('GRAPHIQL_ENABLED=false serves no page', async () => {
    const off = await pageFor({ GRAPHIQL_ENABLED: 'false' });
    expect(off.contentType ?? '').not.toContain('text/html');
    expect(off.text).not.toContain('Inbox GraphQL');
  });
});
