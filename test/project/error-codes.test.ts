import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { ERROR_CODES } from '../../src/errors.js';
import { type Harness, useHarness } from '../support/harness.js';
import { sseSubscribe, teamOf, until } from '../support/live.js';

/**
 * Every `extensions.code` a client can receive is one of ERROR_CODES (src/errors.ts) or one Yoga sends itself,
 * and has its row in docs/errors.md; the table names no code that nothing sends. Each code is provoked here over
 * real HTTP, the way a client would meet it.
 */

/** The codes graphql-yoga 5 sends itself (besides ours, some of which it shares). */
const YOGA_CODES = [
  // usePreventMutationViaGET (graphql-yoga): a document that does not parse.
  'GRAPHQL_PARSE_FAILED',
  // useHTTPValidationError (graphql-yoga): a document that does not validate against the schema.
  'GRAPHQL_VALIDATION_FAILED',
  // graphql-yoga's request parsers and checks: a body that is not JSON, no query, a method other than GET and
  // POST, a mutation over GET (405).
  'BAD_REQUEST',
  // usePreventMutationViaGET (graphql-yoga): `operationName` names no operation of the document, or several
  // operations and no `operationName`.
  'OPERATION_RESOLUTION_FAILURE',
  // maskedErrors (graphql-yoga's maskError, which ours ends with): anything unexpected.
  'INTERNAL_SERVER_ERROR',
] as const;
// graphql-armor sends no code of its own here: each of its refusals goes through our onReject
// (src/edge/document-limits.ts: GRAPHQL_VALIDATION_FAILED with `extensions.limit`). The CSRF prevention plugin
// (@graphql-yoga/plugin-csrf-prevention) answers 403 with no code: see its provocation below.

const SENT_CODES = new Set<string>([...ERROR_CODES, ...YOGA_CODES]);

const root = new URL('../../', import.meta.url).pathname;

/** The codes of the table of docs/errors.md (its first column). */
async function documentedCodes(): Promise<string[]> {
  const page = await readFile(join(root, 'docs/errors.md'), 'utf8');
  const section = page.slice(
    page.indexOf('\n## Codes\n'),
    page.indexOf('\n## ', page.indexOf('\n## Codes\n') + 1),
  );
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((match) => match[1] ?? '');
}

/** What src/ holds outside what the check leaves out: our own code, comments removed. */
async function ownSources(): Promise<Array<{ path: string; code: string }>> {
  // The simulator's codes are the Inbox API's (REST error bodies), and generated files are not ours.
  const excluded = ['simulator/src/', 'src/client/generated/', 'src/upstream/openapi.d.ts'];
  const entries = await readdir(join(root, 'src'), { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((path) => !excluded.some((prefix) => path.startsWith(prefix)));
  return Promise.all(
    files.map(async (path) => ({
      path,
      code: (await readFile(join(root, path), 'utf8'))
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|\s)\/\/.*$/gm, '$1'),
    })),
  );
}

/**
 * The Inbox API's own error codes, as its OpenAPI document names them (the `code` of its error body): what an
 * UpstreamError carries in `extensions.upstream.code`. Naming one is no code of ours, unless it is ours too.
 */
async function inboxCodes(): Promise<Set<string>> {
  const spec = parseYaml(await readFile(join(root, 'src/upstream/openapi.yaml'), 'utf8')) as {
    components: {
      schemas: {
        ErrorEnvelope: { properties: { error: { properties: { code: { description: string } } } } };
      };
    };
  };
  const { description } = spec.components.schemas.ErrorEnvelope.properties.error.properties.code;
  // "UPPER_SNAKE identifier, e.g. UNAUTHORIZED, FORBIDDEN, THREAD_NOT_FOUND..."
  return new Set(description.slice(description.indexOf('e.g.')).match(/\b[A-Z][A-Z0-9_]{3,}\b/g) ?? []);
}

/**
 * The code literals of a source outside src/errors.ts: any code of ours or Yoga's in quotes, and any
 * UPPER_SNAKE string given as a `code` unless the Inbox API sends it.
 */
function codeLiterals(code: string, upstream: Set<string>): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/\bcode\s*:\s*(['"`])([A-Z][A-Z0-9_]*)\1/g)) {
    const literal = match[2] ?? '';
    if (!upstream.has(literal) || SENT_CODES.has(literal)) found.push(match[0]);
  }
  for (const match of code.matchAll(/(['"`])([A-Z][A-Z0-9_]{3,})\1/g)) {
    if (SENT_CODES.has(match[2] ?? '') && !found.some((hit) => hit.endsWith(match[0]))) found.push(match[0]);
  }
  return found;
}

describe('every code is one type, and every code is documented', () => {
  it('no code is a string literal outside src/errors.ts', async () => {
    const upstream = await inboxCodes();
    const offences: string[] = [];
    for (const { path, code } of await ownSources()) {
      if (path === 'src/errors.ts') continue;
      for (const literal of codeLiterals(code, upstream)) offences.push(`${path}: ${literal}`);
    }
    expect(offences).toEqual([]);
  });

  it('the scan finds a code of ours, and a new one, written as a literal; not a code of the Inbox API', async () => {
    const upstream = await inboxCodes();
    expect(upstream).toContain('UNAUTHORIZED');
    expect(upstream).toContain('THREAD_NOT_FOUND');
    expect(
      codeLiterals("throw new GraphQLError('x', { extensions: { code: 'NOT_FOUND' } });", upstream),
    ).toEqual(["code: 'NOT_FOUND'"]);
    expect(codeLiterals('const refused = "UNAUTHENTICATED";', upstream)).toEqual(['"UNAUTHENTICATED"']);
    expect(codeLiterals("{ code: 'SOMETHING_NEW' }", upstream)).toEqual(["code: 'SOMETHING_NEW'"]);
    // RATE_LIMITED is the Inbox API's and ours: as a literal, it is ours.
    expect(codeLiterals("{ code: 'RATE_LIMITED' }", upstream)).toEqual(["code: 'RATE_LIMITED'"]);
    expect(codeLiterals("new UpstreamError({ status: 401, code: 'UNAUTHORIZED' })", upstream)).toEqual([]);
  });

  it('every code of ERROR_CODES is sent from somewhere in src/', async () => {
    const sources = (await ownSources())
      .map(({ code }) => code.replace(/export const ERROR_CODES = \[[\s\S]*?\] as const;/, ''))
      .join('\n');
    const unused = ERROR_CODES.filter(
      (code) => !sources.includes(`ErrorCode.${code}`) && !sources.includes(`'${code}'`),
    );
    expect(unused).toEqual([]);
  });

  it('docs/errors.md has a row for every code ours or Yoga sends, and only once', async () => {
    const documented = await documentedCodes();
    expect([...SENT_CODES].filter((code) => !documented.includes(code))).toEqual([]);
    expect(documented.filter((code, index) => documented.indexOf(code) !== index)).toEqual([]);
  });

  it('docs/errors.md lists no code that neither we nor Yoga send', async () => {
    expect((await documentedCodes()).filter((code) => !SENT_CODES.has(code))).toEqual([]);
  });
});

interface Answer {
  status: number;
  /** The `extensions.code` of each error that has one. */
  codes: string[];
  /** How many errors have none. */
  uncoded: number;
}

/** Every code the server sent to the provocations below. */
const seen = new Set<string>();

async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  const errors = text.startsWith('{')
    ? ((JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors ?? [])
    : [];
  const codes = errors.flatMap(({ extensions }) =>
    typeof extensions?.code === 'string' ? [extensions.code] : [],
  );
  for (const code of codes) seen.add(code);
  return { status: response.status, codes, uncoded: errors.length - codes.length };
}

const json = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
const bearer = { authorization: `Bearer ${DEMO_TOKEN}` };

function post(harness: Harness, body: unknown, headers: Record<string, string> = bearer): Promise<Answer> {
  return fetch(`${harness.server.url}/graphql`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(answerOf);
}

const TEAM = { query: '{ team { name } }' };

interface Provocation {
  /** The code it must receive; `undefined`: none is required (but one it gets must be documented). */
  code: string | undefined;
  what: string;
  status: number;
  provoke(harness: Harness): Promise<Answer>;
}

/** Each code, as a client meets it; the upstream's failures come from the simulator's faults on `GET /team`. */
const provocations: Provocation[] = [
  {
    code: 'UNAUTHENTICATED',
    what: 'a field of Inbox data without a token',
    status: 200,
    provoke: (harness) => post(harness, TEAM, {}),
  },
  ...(
    [
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [409, 'CONFLICT'],
      [422, 'BAD_USER_INPUT'],
      [429, 'RATE_LIMITED'],
      [500, 'UPSTREAM_ERROR'],
    ] as const
  ).map(
    ([status, code]): Provocation => ({
      code,
      what: `the Inbox API answers ${status}`,
      status: 200,
      provoke: (harness) => {
        // A 429 comes with `Retry-After: 60`, longer than INBOX_MAX_RETRY_AFTER_MS: not waited out.
        harness.simulator.injectFault({ kind: 'status', status, path: '/team' });
        return post(harness, TEAM);
      },
    }),
  ),
  {
    code: 'BAD_USER_INPUT',
    what: 'an argument out of its bounds (first: 101)',
    status: 200,
    provoke: (harness) => post(harness, { query: '{ threads(first: 101) { edges { node { id } } } }' }),
  },
  {
    code: 'UPSTREAM_TIMEOUT',
    what: 'the Inbox API answers after INBOX_TIMEOUT_MS',
    status: 200,
    provoke: (harness) => {
      harness.simulator.injectFault({ kind: 'slow', delayMs: 2_000, path: '/team' });
      return post(harness, TEAM);
    },
  },
  {
    code: 'UPSTREAM_UNAVAILABLE',
    what: 'the connection to the Inbox API is reset',
    status: 200,
    provoke: (harness) => {
      harness.simulator.injectFault({ kind: 'reset', path: '/team' });
      return post(harness, TEAM);
    },
  },
  {
    code: 'UPSTREAM_ERROR',
    what: 'the Inbox API answers 200 with a body that is not JSON',
    status: 200,
    provoke: (harness) => {
      harness.simulator.injectFault({ kind: 'brokenJson', path: '/team' });
      return post(harness, TEAM);
    },
  },
  {
    code: 'OUTCOME_UNKNOWN',
    what: 'a write with a clientMutationId answered 502',
    status: 200,
    provoke: (harness) => {
      harness.simulator.injectFault({ kind: 'status', status: 502, method: 'POST', path: '/tags' });
      return post(harness, {
        query: 'mutation ($input: CreateTagInput!) { createTag(input: $input) { tag { id } } }',
        variables: { input: { name: 'Provoked', color: '#ff0000', clientMutationId: 'error-codes' } },
      });
    },
  },
  {
    code: 'INTERNAL_SERVER_ERROR',
    what: 'the Inbox API answers a team without a name (masked)',
    status: 200,
    provoke: (harness) => {
      harness.simulator.injectFault({ kind: 'status', status: 200, path: '/team', body: {} });
      return post(harness, TEAM);
    },
  },
  {
    code: 'GRAPHQL_PARSE_FAILED',
    what: 'a document that does not parse',
    status: 400,
    provoke: (harness) => post(harness, { query: '{ team {' }),
  },
  {
    code: 'GRAPHQL_VALIDATION_FAILED',
    what: 'an unknown field',
    status: 400,
    provoke: (harness) => post(harness, { query: '{ nope }' }),
  },
  {
    code: 'GRAPHQL_VALIDATION_FAILED',
    what: 'a document over MAX_DEPTH',
    status: 400,
    provoke: (harness) =>
      post(harness, {
        query: `{ node(id: "x") { ... on Thread { ${'prospect { threads { '.repeat(6)}id${' } }'.repeat(6)} } } }`,
      }),
  },
  {
    code: 'OPERATION_RESOLUTION_FAILURE',
    what: 'an operationName the document does not hold',
    status: 400,
    provoke: (harness) => post(harness, { query: 'query A { __typename }', operationName: 'B' }),
  },
  {
    code: 'BAD_REQUEST',
    what: 'a mutation over GET',
    status: 405,
    provoke: (harness) =>
      fetch(
        `${harness.server.url}/graphql?query=${encodeURIComponent('mutation { deleteTag(input: { id: "tag1" }) { deletedId } }')}`,
        { headers: { ...json, ...bearer } },
      ).then(answerOf),
  },
  {
    code: 'BAD_REQUEST',
    what: 'a body that is not JSON',
    status: 400,
    provoke: (harness) => post(harness, '{"query":'),
  },
  {
    code: 'REQUEST_ENTITY_TOO_LARGE',
    what: 'a body over MAX_BODY_BYTES',
    status: 413,
    provoke: (harness) => post(harness, { query: `{ __typename }${' '.repeat(2_000)}` }),
  },
  {
    code: 'PERSISTED_QUERY_NOT_FOUND',
    what: 'the hash of a query the server has not seen',
    status: 404,
    provoke: (harness) =>
      post(harness, {
        extensions: {
          persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('{ never }').digest('hex') },
        },
      }),
  },
  {
    code: 'CSRF_PREVENTED',
    what: 'CSRF prevention: a GET with neither a bearer token nor a preflighted content type or CSRF header',
    status: 403,
    provoke: (harness) =>
      fetch(`${harness.server.url}/graphql?query=${encodeURIComponent('{ __typename }')}`).then(answerOf),
  },
];

describe('each code, provoked over HTTP', () => {
  const harness = useHarness({
    transport: 'http',
    config: {
      // Each request meets its fault: no collection is cached, no GET retried, timeouts come soon.
      COLLECTION_CACHE_TTL_MS: '0',
      INBOX_MAX_RETRIES: '0',
      INBOX_TIMEOUT_MS: '300',
      MAX_BODY_BYTES: '1024',
    },
  });

  it.each(provocations)('$code: $what', async ({ code, status, provoke }) => {
    const answer = await provoke(harness);
    expect(answer.status).toBe(status);
    if (code !== undefined) {
      expect(answer.codes).toContain(code);
      expect(answer.uncoded).toBe(0);
    }
    const documented = await documentedCodes();
    expect(answer.codes.filter((sent) => !documented.includes(sent))).toEqual([]);
  });
});

describe('an upstream value that breaks the schema', () => {
  const harness = useHarness({ transport: 'http', config: { COLLECTION_CACHE_TTL_MS: '0' } });

  it('is masked as INTERNAL_SERVER_ERROR, without echoing the value, and logged', async () => {
    harness.simulator.injectFault({
      kind: 'status',
      status: 200,
      path: '/team',
      body: { id: 'team1', name: { leaked: 'upstream-value' } },
    });
    const { body, text } = await harness.graphql('{ team { name } }');
    expect(body).toEqual({
      extensions: { cost: expect.any(Object) },
      data: { team: null },
      errors: [
        {
          message: 'Unexpected error.',
          path: ['team', 'name'],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ],
    });
    expect(text).not.toContain('upstream-value');
    const logged = harness.logLines.filter((line) => line.includes('"level":50'));
    expect(logged.some((line) => line.includes('String cannot represent value'))).toBe(true);
  });
});

describe('the codes of subscriptions, provoked over SSE', () => {
  const harness = useHarness({
    transport: 'http',
    config: { MAX_SUBSCRIPTIONS_PER_TOKEN: '1', EVENTS_POLL_INTERVAL_MS: '1000' },
  });
  const EVENTS = 'subscription { inboxEvents { seq } }';
  const codesOf = (payloads: ExecutionResult[]) =>
    payloads.flatMap((payload) => (payload.errors ?? []).map((error) => String(error.extensions?.code)));

  it('TOO_MANY_SUBSCRIPTIONS, then SHUTTING_DOWN', async () => {
    const teamId = teamOf(harness).team.id;
    const first = sseSubscribe(harness, EVENTS);
    await until(() => harness.facade.events.bus.listening(teamId) === 1, 'the first subscription is live');

    const refused = sseSubscribe(harness, EVENTS);
    await refused.done;
    const refusal = codesOf(refused.payloads);
    expect(refusal).toEqual(['TOO_MANY_SUBSCRIPTIONS']);

    await harness.facade.shutdown();
    await until(() => first.ended(), 'the first subscription ended');
    const ending = codesOf(first.payloads);
    expect(ending).toEqual(['SHUTTING_DOWN']);
    for (const code of [...refusal, ...ending]) seen.add(code);
  });
});

/** The codes another test file asserts: a code a later feature adds may be provoked by its own suite. */
async function assertedElsewhere(): Promise<Set<string>> {
  const directory = join(root, 'test');
  const files = (await readdir(directory, { recursive: true })).filter(
    (name) => name.endsWith('.test.ts') && !name.endsWith('error-codes.test.ts'),
  );
  const texts = await Promise.all(files.map((name) => readFile(join(directory, name), 'utf8')));
  return new Set(
    texts.flatMap((text) => [...text.matchAll(/code: '([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] ?? '')),
  );
}

describe('the table and what the server sends agree', () => {
  it('every code of docs/errors.md was sent to a provocation above, or is asserted by another suite', async () => {
    const elsewhere = await assertedElsewhere();
    const unseen = (await documentedCodes()).filter((code) => !seen.has(code));
    expect(unseen.filter((code) => !elsewhere.has(code))).toEqual([]);
  });
});
