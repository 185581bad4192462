import { expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { OnlyTeamNameDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

// Real HTTP: what is logged of a request includes what the HTTP layer saw.
const harness = useHarness({
  transport: 'http',
  config: {
    LOG_LEVEL: 'trace',
    INBOX_TIMEOUT_MS: '200',
    INBOX_MAX_RETRIES: '1',
    COLLECTION_CACHE_TTL_MS: '0',
  },
});

it('the token never reaches a log line, at the most verbose level, on success and on every failure', async () => {
  const secretToken = DEMO_TOKEN;
  await harness.graphql(OnlyTeamNameDocument, { token: secretToken });
  harness.simulator.injectFault({ kind: 'status', status: 500, path: '/team', times: 2 });
  await harness.graphql(OnlyTeamNameDocument, { token: secretToken });
  harness.simulator.injectFault({ kind: 'reset', path: '/team', times: 2 });
  await harness.graphql(OnlyTeamNameDocument, { token: secretToken });
  harness.simulator.injectFault({ kind: 'slow', delayMs: 500, path: '/team' });
  await harness.graphql(OnlyTeamNameDocument, { token: secretToken });
  await harness.graphql(OnlyTeamNameDocument, { token: 'a-wrong-token' });
  await harness.graphql('{ team { nope } }', { token: secretToken });

  // The logs are real and verbose (upstream calls are logged at debug), so this can fail.
  expect(harness.logLines.filter((line) => line.includes('inbox call')).length).toBeGreaterThanOrEqual(6);
  for (const line of harness.logLines) {
    expect(line).not.toContain(secretToken);
    expect(line).not.toContain('a-wrong-token');
    expect(line).not.toMatch(/Bearer/i);
  }
});

it('a token that slips into a logged object is redacted', async () => {
  harness.facade.transport.options.logger.info(
    { headers: { authorization: `Bearer ${DEMO_TOKEN}` } },
    'careless',
  );
  const line = harness.logLines.find((entry) => entry.includes('careless'));
  expect(line).toContain('[redacted]');
  expect(line).not.toContain(DEMO_TOKEN);
});

it('logs one line per operation: name, duration, upstream calls and error codes', async () => {
  // Inline: the operation names are what the log must show.
  await harness.graphql('query InboxRows { team { name } threads(first: 3) { edges { node { id } } } }');
  const calls = harness.simulator.calls.length;
  harness.simulator.injectFault({ kind: 'status', status: 404, path: '/team' });
  await harness.graphql('query Failing { team { name } }');
  const lines = harness.logLines
    .map((line) => JSON.parse(line))
    .filter((line) => line.msg === 'graphql operation');
  expect(lines).toEqual([
    expect.objectContaining({ operation: 'InboxRows', upstreamCalls: calls, ms: expect.any(Number) }),
    expect.objectContaining({ operation: 'Failing', upstreamCalls: 1, errors: ['NOT_FOUND'] }),
  ]);
  expect(calls).toBe(2);
});

it('a caller’s mistake (an upstream 4xx, no token) is logged at debug without a stack; upstream failures at error', async () => {
  const levels = () => harness.logLines.map((line) => JSON.parse(line) as { level: number; msg: string });
  harness.logLines.length = 0;
  for (let index = 0; index < 20; index++) {
    await harness.graphql(`{ thread(id: "unknown${index}") { id } }`);
  }
  await harness.graphql('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Thread { id } } }', {
    variables: {
      r: Array.from({ length: 10 }, (_, index) => ({ __typename: 'Thread', inboxId: `gone${index}` })),
    },
  });
  await harness.graphql('{ team { name } }', { token: null });
  await harness.graphql('{ team { name } }', { token: 'a-wrong-token' });
  // Variables that do not coerce (refused by graphql-jit or graphql-js): the caller's input, too.
  await harness.graphql('query ($first: Int) { threads(first: $first) { edges { cursor } } }', {
    variables: { first: ['not', 'an', 'int'] },
  });

  expect(levels().filter((line) => line.level >= 40)).toEqual([]);
  expect(harness.logLines.join('\n')).not.toContain('"stack"');
  // Each operation still has its one line, with its error codes.
  const operations = levels().filter((line) => line.msg === 'graphql operation');
  expect(operations).toHaveLength(24);
  expect(harness.logLines.filter((line) => line.includes('NOT_FOUND')).length).toBeGreaterThanOrEqual(21);

  harness.logLines.length = 0;
  harness.simulator.injectFault({ kind: 'status', status: 500, path: '/team', times: 2 });
  await harness.graphql('{ team { name } }');
  expect(levels().filter((line) => line.level >= 50)).toHaveLength(1);
});
