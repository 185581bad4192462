import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Histogram, type Registry } from 'prom-client';
import type { UpstreamAttempt } from '../inbox/rest-client.js';

/** Prometheus metrics at /metrics: Yoga's own, plus every Inbox call by method, route template and status. */
export function useMetrics(registry: Registry): {
  plugin: Plugin;
  onUpstreamAttempt(attempt: UpstreamAttempt): void;
} {
  const upstreamDuration = new Histogram({
    name: 'inbox_upstream_request_duration_seconds',
    help: 'Inbox REST calls by method, route template and status (or timeout/network).',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  return {
    plugin: usePrometheus({ endpoint: '/metrics', registry }),
    onUpstreamAttempt: ({ method, route, status, ms }) =>
      upstreamDuration.observe({ method, route, status }, ms / 1000),
  };
}
