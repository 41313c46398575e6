// The worker's Prometheus metrics (names are the contract in k8s/monitoring/prometheus-rules.yaml).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { CONSUMER_GROUP, deadLetterStream } from '../events';

export interface WorkerMetrics {
  registry: Registry;
  jobDuration: Histogram<'queue' | 'job' | 'outcome'>;
  refreshRuns: Counter<'outcome'>;
  refreshLastSuccess: Gauge;
  driftPsi: Gauge<'feature'>;
  driftPsiThreshold: Gauge<'feature'>;
  coverage: Gauge;
}

/** Redis reads for a scrape give up after this long: a down Redis must not hang /metrics (readyz reports it). */
const SCRAPE_REDIS_MS = 1000;

/** `read()`'s value, or undefined when it has not answered within SCRAPE_REDIS_MS (or failed). */
async function withinScrape<T>(read: () => Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), SCRAPE_REDIS_MS);
  });
  try {
    return await Promise.race([read().catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function workerMetrics(queues: Queue[], redis: Redis, stream: string): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'graphrec_worker_' });
  new Gauge({
    name: 'graphrec_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const q of queues) {
        const c = await withinScrape(() => q.getJobCounts('waiting', 'active', 'delayed', 'failed'));
        for (const [state, n] of Object.entries(c ?? {})) this.set({ queue: q.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'graphrec_ingestion_lag_seconds',
    help: 'Age of the oldest event in the stream not yet delivered to the ingestion consumer (0 when drained)',
    registers: [registry],
    async collect() {
      const lag = await withinScrape(() => ingestionLagSeconds(redis, stream));
      if (lag !== undefined) this.set(lag);
    },
  });
  new Gauge({
    name: 'graphrec_events_dead_letters',
    help: 'Entries in the dead-letter stream: events the graph refused (unknown product) or could not parse',
    registers: [registry],
    async collect() {
      const n = await withinScrape(() => redis.xlen(deadLetterStream(stream)));
      if (n !== undefined) this.set(n);
    },
  });
  return {
    registry,
    jobDuration: new Histogram({
      name: 'graphrec_job_duration_seconds',
      help: 'Job (refresh stage) duration',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600],
      registers: [registry],
    }),
    refreshRuns: new Counter({
      name: 'graphrec_refresh_runs_total',
      help: 'Refresh runs by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    refreshLastSuccess: new Gauge({
      name: 'graphrec_refresh_last_success_timestamp_seconds',
      help: 'When a refresh last published a model',
      registers: [registry],
    }),
    driftPsi: new Gauge({
      name: 'graphrec_drift_psi',
      help: 'Population stability index, latest window vs training window',
      labelNames: ['feature'],
      registers: [registry],
    }),
    driftPsiThreshold: new Gauge({
      name: 'graphrec_drift_psi_threshold',
      help: 'Alert threshold of graphrec_drift_psi',
      labelNames: ['feature'],
      registers: [registry],
    }),
    coverage: new Gauge({
      name: 'graphrec_recommendation_coverage_ratio',
      help: 'Share of the catalogue appearing in sampled top-20 recommendations (last drift report)',
      registers: [registry],
    }),
  };
}

/** Seconds between the newest delivered id and the newest entry of the stream (ids are ms timestamps). */
export async function ingestionLagSeconds(redis: Redis, stream: string): Promise<number> {
  if ((await redis.exists(stream)) === 0) return 0;
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  const last = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1))[0]?.[0];
  if (!last) return 0;
  const g = groups
    .map((flat) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
      return o;
    })
    .find((x) => x.name === CONSUMER_GROUP);
  const delivered = String(g?.['last-delivered-id'] ?? '0-0');
  const ms = (id: string) => Number(id.split('-')[0]);
  return Math.max(0, (ms(last) - ms(delivered)) / 1000);
}
