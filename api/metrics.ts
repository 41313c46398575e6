// Prometheus metrics of the API. Names and labels are the contract in k8s/monitoring/prometheus-rules.yaml.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<'operation' | 'outcome'>;
  requests: Counter<'operation' | 'outcome' | 'variant'>;
  inflight: Gauge;
  cacheRequests: Counter<'cache' | 'result'>;
  candidates: Counter<'source'>;
  modelInfo: Gauge<'version' | 'role'>;
  modelActive: Gauge;
  experimentLogFailures: Counter<'kind'>;
  /** Requests refused at the front door before GraphQL ran (transport, key, rate limit, query shape). */
  refused: Counter<'code'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'graphrec_api_process_' });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'graphrec_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation',
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'graphrec_graphql_requests_total',
      help: 'GraphQL requests by operation, outcome and experiment variant',
      labelNames: ['operation', 'outcome', 'variant'],
      registers: [registry],
    }),
    inflight: new Gauge({
      name: 'graphrec_api_inflight_requests',
      help: 'HTTP requests being served',
      registers: [registry],
    }),
    cacheRequests: new Counter({
      name: 'graphrec_cache_requests_total',
      help: 'Result cache lookups by cache and result (hit|miss)',
      labelNames: ['cache', 'result'],
      registers: [registry],
    }),
    candidates: new Counter({
      name: 'graphrec_candidates_total',
      help: 'Recommended items by the candidate source that produced them',
      labelNames: ['source'],
      registers: [registry],
    }),
    modelInfo: new Gauge({
      name: 'graphrec_model_info',
      help: 'The model version served (value 1)',
      labelNames: ['version', 'role'],
      registers: [registry],
    }),
    modelActive: new Gauge({
      name: 'graphrec_model_active',
      help: '1 when an active model is loaded, 0 when popularity serves alone',
      registers: [registry],
    }),
    experimentLogFailures: new Counter({
      name: 'graphrec_experiment_log_failures_total',
      help: 'A/B exposures or outcomes that could not be logged, by kind (exposure|outcome)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'graphrec_api_refused_requests_total',
      help: 'Requests refused before GraphQL ran, by error code (UNSUPPORTED_MEDIA_TYPE, RATE_LIMITED, ...)',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}
