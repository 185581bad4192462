import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { type AnswerEncoding, copyOf, negotiateEncoding } from './compression.js';

/** Where GraphiQL's files are served, each under a name that holds its content's hash. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets/';

type FetchAPI = Parameters<NonNullable<Plugin['onRequest']>>[0]['fetchAPI'];

/** A file's name changes with its content: a browser may keep it for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

interface Asset {
  readonly type: string;
  readonly identity: Uint8Array<ArrayBuffer>;
  /** Filled in once compressed (in the background, after the first page is rendered). */
  encoded?: Record<AnswerEncoding, Uint8Array<ArrayBuffer>>;
}

/** The URL of each file, for the page; its name → the file, for the requests. */
interface Bundle {
  readonly urls: { js: string; css: string; favicon: string; workers: Record<string, string> };
  readonly assets: Map<string, Asset>;
  /** Resolves once every file is compressed. */
  readonly compressed: Promise<void>;
}

/**
 * GraphiQL served as a small HTML page that references its files by hashed URLs, instead of
 * `@graphql-yoga/render-graphiql`'s single 9 MB page with everything inlined: the files are compressed once
 * (brotli and gzip, one at a time in the background so that the thread pool stays free) and cached by the
 * browser for a year; the page, which holds the tabs and headers, is revalidated with its ETag (304). Nothing
 * comes from another host: it works offline. The bundle (about 80 MB of memory once loaded) is loaded on the
 * first visit, not at start-up.
 */
export class GraphiQLAssets {
  readonly plugin: Plugin;
  private bundle: Promise<Bundle> | undefined;

  constructor(graphqlEndpoint: string) {
    this.plugin = {
      onRequest: ({ request, url, endResponse, fetchAPI }) => {
        if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH) || request.method !== 'GET') return;
        const name = url.pathname.slice(GRAPHIQL_ASSETS_PATH.length);
        return this.serve(name, request, fetchAPI).then(endResponse);
      },
      onResponse: ({ request, response, setResponse, fetchAPI }) => {
        if (request.method !== 'GET' || response.status !== 200) return;
        if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return;
        if (new URL(request.url).pathname.replace(/\/$/, '') !== graphqlEndpoint) return;
        return response.text().then((html) => {
          // Weak: the same page may go compressed or not.
          const etag = `W/"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
          const headers = copyOf(response.headers, fetchAPI.Headers);
          headers.set('etag', etag);
          headers.set('cache-control', 'no-cache');
          setResponse(
            matches(request.headers.get('if-none-match'), etag)
              ? new fetchAPI.Response(null, { status: 304, headers })
              : new fetchAPI.Response(html, { status: 200, headers }),
          );
        });
      },
    };
  }

  /** The page, for Yoga's `renderGraphiQL`. */
  async render(options: GraphiQLOptions | undefined): Promise<string> {
    const { urls } = await this.load();
    const title = escapeHtml(options?.title ?? 'Yoga GraphiQL');
    const favicon = escapeHtml(options?.favicon ?? urls.favicon);
    // In a <script>, `</script>` inside a string would end it: `<` is escaped in the JSON.
    const json = (value: unknown) => JSON.stringify(value ?? {}).replace(/</g, '\\u003c');
    // Monaco starts its workers some time after the page is up: fetched early, they are in the cache by then.
    const prefetch = Object.values(urls.workers)
      .map((url) => `<link rel="prefetch" href="${url}" />`)
      .join('\n    ');
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${favicon}" />
    <link rel="stylesheet" href="${urls.css}" />
    ${prefetch}
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = ((workers) => ({
        globalAPI: false,
        getWorkerUrl: (moduleId, label) => workers[label],
      }))(${json(urls.workers)});
    </script>
    <script src="${urls.js}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(window.document.querySelector('#root'), ${json(options)});
    </script>
  </body>
</html>
`;
  }

  private async serve(name: string, request: Request, fetchAPI: FetchAPI): Promise<Response> {
    const { assets, compressed } = await this.load();
    const asset = assets.get(name);
    if (!asset) return new fetchAPI.Response('Not Found', { status: 404 });
    await compressed;
    const encoding = negotiateEncoding(request.headers.get('accept-encoding'), ['br', 'gzip']);
    const body = encoding && asset.encoded ? asset.encoded[encoding] : asset.identity;
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'content-length': String(body.byteLength),
      'cache-control': IMMUTABLE,
      vary: 'Accept-Encoding',
    };
    if (encoding && asset.encoded) headers['content-encoding'] = encoding;
    return new fetchAPI.Response(body, { status: 200, headers });
  }

  private load(): Promise<Bundle> {
    this.bundle ??= import('@graphql-yoga/render-graphiql/graphiql').then((files) => {
      const assets = new Map<string, Asset>();
      const add = (
        base: string,
        extension: string,
        type: string,
        content: string | Uint8Array<ArrayBuffer>,
      ) => {
        const identity = typeof content === 'string' ? Buffer.from(content) : content;
        const hash = createHash('sha256').update(identity).digest('base64url').slice(0, 16);
        const name = `${base}.${hash}.${extension}`;
        assets.set(name, { type, identity });
        return `${GRAPHIQL_ASSETS_PATH}${name}`;
      };
      const javascript = 'text/javascript; charset=utf-8';
      const favicon = files.favicon.match(/^data:([^;,]+);base64,(.*)$/);
      const urls = {
        js: add('graphiql', 'js', javascript, files.js),
        css: add('graphiql', 'css', 'text/css; charset=utf-8', files.css),
        favicon: favicon
          ? add('favicon', 'ico', favicon[1] as string, Buffer.from(favicon[2] as string, 'base64'))
          : files.favicon,
        workers: {
          editorWorkerService: add('editor.worker', 'js', javascript, files.editorWorkerService),
          json: add('json.worker', 'js', javascript, files.jsonWorker),
          graphql: add('graphql.worker', 'js', javascript, files.graphqlWorker),
        },
      };
      const compressed = (async () => {
        for (const asset of assets.values()) {
          const br = await brotli(asset.identity, {
            params: {
              // Quality 5: 1.9 MB in about a second for the whole bundle; 11 saves 12 % more in 40 s.
              [constants.BROTLI_PARAM_QUALITY]: 5,
              [constants.BROTLI_PARAM_SIZE_HINT]: asset.identity.byteLength,
            },
          });
          asset.encoded = { br, gzip: await gzipped(asset.identity, { level: 6 }) };
        }
      })().catch(() => undefined); // then served as they are
      return { urls, assets, compressed };
    });
    return this.bundle;
  }
}

/** `If-None-Match` holds the (weak) ETag: a list of tags, weak or strong, or `*`. */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
