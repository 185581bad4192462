import { expect, it } from 'vitest';
import { DEMO_TOKEN } from '../../simulator/src/index.js';
import { TeamAndThreadDocument, ThreadIdByIdDocument } from '../generated/graphql.js';
import { useHarness } from '../support/harness.js';

const harness = useHarness({ config: { METRICS_OPERATION_NAMES: 'TeamName, InboxPage' } });

it('/metrics counts upstream calls by route template and status, never by id or token', async () => {
  const threadId = harness.simulator.store.teamByToken(DEMO_TOKEN)?.threads[0]?.id as string;
  await harness.graphql(TeamAndThreadDocument, { variables: { id: threadId } });
  await harness.graphql(ThreadIdByIdDocument, { variables: { id: 'zzzzzzzzzzzzzzzzzzzzzzzz' } });
  const metrics = await (await harness.fetch('/metrics')).text();
  expect(metrics).toMatch(
    /inbox_upstream_request_duration_seconds_count\{method="GET",route="\/team",status="200"\} 1/,
  );
  expect(metrics).toMatch(
    /inbox_upstream_request_duration_seconds_count\{method="GET",route="\/threads\/\{threadId\}",status="200"\} 1/,
  );
  expect(metrics).toMatch(
    /inbox_upstream_request_duration_seconds_count\{method="GET",route="\/threads\/\{threadId\}",status="404"\} 1/,
  );
  expect(metrics).toContain('graphql_envelop_request_duration');
  expect(metrics).not.toContain(threadId);
  expect(metrics).not.toContain(DEMO_TOKEN);
});

const metricsText = async () => (await fetch(`${harness.server.url}/metrics`)).text();

it('/metrics labels only bounded values: no URL, variables or client-chosen operation name', async () => {
  const secret = 'sEcReT-variable-value';
  const get = (name: string) =>
    fetch(
      `${harness.server.url}/graphql?query=${encodeURIComponent(`query ${name}($v: String!) { team { name } __type(name: $v) { name } }`)}` +
        `&variables=${encodeURIComponent(JSON.stringify({ v: secret }))}&noise=${name}`,
      {
        headers: {
          authorization: `Bearer ${DEMO_TOKEN}`,
          accept: 'application/json',
          'x-graphql-yoga-csrf': '1',
        },
      },
    );
  await get('Warmup');
  await harness.graphql('query TeamName { team { name } }');
  const before = await metricsText();

  for (let index = 0; index < 50; index++) {
    await get(`ClientChosenName${index}`);
    await harness.graphql(`query AnotherName${index} { team { name } }`, {
      headers: { 'x-noise': `header${index}` },
    });
  }
  const metrics = await metricsText();
  expect(metrics.split('\n').length).toBe(before.split('\n').length);
  expect(metrics).not.toMatch(/ClientChosenName|AnotherName|Warmup|noise|header\d/);
  expect(metrics).not.toContain(secret);
  expect(metrics).not.toContain('/graphql?');
  // Listed names keep their own label; the rest count as `other`.
  expect(metrics).toMatch(/graphql_operations_total\{operation="TeamName",type="query",outcome="ok"\} 1/);
  const others = (text: string) =>
    Number(text.match(/graphql_operations_total\{operation="other",type="query",outcome="ok"\} (\d+)/)?.[1]);
  expect(others(metrics) - others(before)).toBe(100);
});
