import { afterAll, beforeAll, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../../scripts/otlp-receiver.js';
import { type Cluster, describeWithRedis, startCluster, untilRedis } from '../support/replicas.js';

/**
 * Cross-replica invalidation, traced: a write on one replica makes the others drop what it changed, each in
 * a trace of its own that links to the write's. Replicas are real processes sharing a Redis (REDIS_URL).
 */
const CREATE_TAG = 'mutation CreateTag($input: CreateTagInput!) { createTag(input: $input) { tag { id } } }';

describeWithRedis('traces across replicas', () => {
  let receiver: OtlpReceiver;
  let cluster: Cluster;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    cluster = await startCluster([], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const a = await cluster.start('a', { OTEL_SERVICE_NAME: 'replica-a' });
    const b = await cluster.start('b', { OTEL_SERVICE_NAME: 'replica-b' });
    await untilRedis([a, b]);
  });
  afterAll(async () => {
    await cluster?.close();
    await receiver?.close();
  });

  it('links each other replica’s invalidation to the write that caused it', async () => {
    const [a] = cluster.replicas;
    const written = await a?.graphql(CREATE_TAG, {
      variables: { input: { name: 'traced-across', color: 'red' } },
    });
    expect(written?.body.errors).toBeUndefined();
    const spans = await receiver.waitFor((all) =>
      all.some(
        (span) => span.name === 'inbox.cache.invalidate' && span.resource['service.name'] === 'replica-b',
      ),
    );
    const write = spans.find(
      (span) => span.name === 'mutation CreateTag' && span.resource['service.name'] === 'replica-a',
    );
    expect(write).toBeDefined();
    const invalidation = spans.find(
      (span) => span.name === 'inbox.cache.invalidate' && span.resource['service.name'] === 'replica-b',
    );
    // Its own trace on replica b, linked to the write's trace on replica a.
    expect(invalidation?.parentSpanId).toBeUndefined();
    expect(invalidation?.traceId).not.toBe(write?.traceId);
    expect(invalidation?.links.map((link) => link.traceId)).toContain(write?.traceId);
    // Replica a applied its own change: no invalidation span there for it.
    expect(
      spans.some(
        (span) => span.name === 'inbox.cache.invalidate' && span.resource['service.name'] === 'replica-a',
      ),
    ).toBe(false);
  });
});
