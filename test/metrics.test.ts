import { expect, it } from 'vitest';
import { DEMO_TOKEN } from '../src/simulator/index.js';
import { TeamAndThreadDocument, ThreadIdByIdDocument } from './generated/graphql.js';
import { useHarness } from './support/harness.js';

const harness = useHarness();

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
