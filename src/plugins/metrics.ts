import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Histogram, type Registry } from 'prom-client';
import type { UpstreamAttempt } from '../inbox/rest-client.js';

/**
 * Prometheus metrics at /metrics: Yoga's requests (count, duration, errors, HTTP duration), plus every Inbox
 * call by method, route template and status. Lean on purpose: the per-phase histograms (parse, validate,
 * context, execute), the summary (quantiles recomputed per observation) and the deprecated-field counter
 * (a schema walk of every document) cost more CPU per request than the rest of the plugins together.
 */
const LEAN = {
  graphql_envelop_deprecated_field: false,
  graphql_envelop_request_time_summary: false,
  graphql_envelop_phase_parse: false,
  graphql_envelop_phase_validate: false,
  graphql_envelop_phase_context: false,
  graphql_envelop_phase_execute: false,
  graphql_envelop_phase_subscribe: false,
} as const;

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
    plugin: usePrometheus({ endpoint: '/metrics', registry, metrics: LEAN }),
    onUpstreamAttempt: ({ method, route, status, ms }) =>
      upstreamDuration.observe({ method, route, status }, ms / 1000),
  };
}
