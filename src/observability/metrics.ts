import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { UpstreamAttempt } from '../upstream/rest-client.js';

/**
 * Prometheus metrics at /metrics: Yoga's requests (count, duration, errors, HTTP duration), every GraphQL
 * operation by name and outcome, and every Inbox call by method, route template and status.
 *
 * Every label holds a value from a set fixed by the server, never what a client sent: no URL (GET variables
 * travel in it), no error path, and an operation name only if the operator listed it
 * (METRICS_OPERATION_NAMES), else `other`. A client can therefore neither grow /metrics nor publish text in it.
 *
 * Lean on purpose: the per-phase histograms (parse, validate, context, execute), the summary (quantiles
 * recomputed per observation) and the deprecated-field counter (a schema walk of every document) cost more
 * CPU per request than the rest of the plugins together.
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

export function useMetrics(
  registry: Registry,
  knownOperationNames: readonly string[] = [],
): {
  plugin: Plugin;
  onUpstreamAttempt(attempt: UpstreamAttempt): void;
} {
  const upstreamDuration = new Histogram({
    name: 'inbox_upstream_request_duration_seconds',
    help: 'Inbox REST calls by method, route template and status (or timeout/network).',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by name (one listed in METRICS_OPERATION_NAMES, else "other"), type and outcome.',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [registry],
  });
  const known = new Set(knownOperationNames);
  const countOperations: Plugin = {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        if (!('errors' in result) && !('data' in result)) return; // a stream (@defer, subscription)
        const operation = getOperationAST(args.document, args.operationName);
        const name = operation?.name?.value;
        operations.inc({
          operation: name !== undefined && known.has(name) ? name : 'other',
          type: operation?.operation ?? 'unknown',
          outcome: result.errors?.length ? 'error' : 'ok',
        });
      },
    }),
  };
  return {
    plugin: {
      onPluginInit: ({ addPlugin }) => {
        addPlugin(
          usePrometheus({
            endpoint: '/metrics',
            registry,
            metrics: LEAN,
            labels: { url: false, path: false, operationName: false },
          }),
        );
        addPlugin(countOperations);
      },
    },
    onUpstreamAttempt: ({ method, route, status, ms }) =>
      upstreamDuration.observe({ method, route, status }, ms / 1000),
  };
}
