// `graphrec worker`: the BullMQ workers (refresh stages and the nightly trigger; reports), the event-stream
// consumer (events/), the repeatable nightly schedule, and /healthz, /readyz, /metrics over HTTP. Stops
// gracefully: the HTTP server closes, workers finish their current job (BullMQ returns an unfinished one to
// the queue when the process dies instead), the consumer acknowledges what it wrote.
import http from 'node:http';
import express from 'express';
import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import type { Config, Logger } from '../core';
import { consumerMetrics, migrateLegacyKeys, startEventConsumer, type EventConsumer } from '../events';
import { connectRedis } from '../stack';
import { runDriftJob } from '../monitoring';
import { workerMetrics, type WorkerMetrics } from './metrics';
import { REFRESH_QUEUE, REPORTS_QUEUE, refreshProcessor, type StageJobData } from './pipeline';
import { defaultStages, type StageImpls } from './stages';

export interface WorkerOptions {
  config: Config;
  logger: Logger;
  /** BullMQ key prefix (default config.jobs.prefix; in-process tests pass their own). */
  prefix?: string;
  /** HTTP port; 0 picks a free one; null serves no HTTP. Default config.jobs.port. */
  port?: number | null;
  /** HTTP interface. Default config.jobs.host (WORKER_HOST, loopback). */
  host?: string;
  stages?: StageImpls;
  /** Run the event-stream consumer (default true). */
  events?: boolean;
  /** Move the untagged keys of an upgraded single Redis to their new names first (default true; events/legacyKeys.ts). */
  migrateLegacyKeys?: boolean;
  /** Register the nightly schedule (default true). */
  schedule?: boolean;
  /** How long a job may go without its lock renewed before it counts as stalled (default
   * config.jobs.lockDurationMs, 5 min: training keeps the event loop busy for long stretches). */
  lockDurationMs?: number;
  /** How often to look for stalled jobs (default config.jobs.stalledIntervalMs). */
  stalledIntervalMs?: number;
}

export interface RunningWorker {
  port: number | null;
  /** The address the HTTP server listens on (null: none). */
  host: string | null;
  metrics: WorkerMetrics;
  refreshQueue: Queue;
  reportsQueue: Queue;
  stop(): Promise<void>;
}

/** How long /readyz waits for Redis: its connection queues commands while Redis is down, so a bare PING
 * would hang the probe for as long as the outage lasts. */
export const READY_CHECK_TIMEOUT_MS = 1000;

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export const NIGHTLY_SCHEDULER = 'nightly-refresh';
export const DRIFT_SCHEDULER = 'nightly-drift';

/**
 * A connection BullMQ accepts for blocking commands: to REDIS_URL's server, or to the configured Redis (a
 * Cluster when it is one; the queues' prefix then carries a hash tag, core/config.ts, as BullMQ requires).
 */
export const bullConnection = (target: string | Config['redis']): Redis =>
  typeof target === 'string'
    ? new Redis(target, { maxRetriesPerRequest: null })
    : connectRedis(target, { maxRetriesPerRequest: null });

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const { config, logger } = opts;
  const prefix = opts.prefix ?? config.jobs.prefix;
  const redis = bullConnection(config.redis);
  // Before anything reads or writes under the new names: the consumer must see the old stream's unacknowledged
  // events, and the schedules below are created under the new prefix.
  if (opts.migrateLegacyKeys ?? true)
    await migrateLegacyKeys(
      redis,
      { stream: config.events.stream, experimentsPrefix: config.experiments.prefix, jobsPrefix: prefix },
      { logger },
    );
  const connection = bullConnection(config.redis);
  const refreshQueue = new Queue(REFRESH_QUEUE, { connection, prefix });
  const reportsQueue = new Queue(REPORTS_QUEUE, { connection, prefix });
  const metrics = workerMetrics([refreshQueue, reportsQueue], redis, config.events.stream);
  // Without a listener BullMQ prints every reconnect attempt while Redis is down to stderr.
  for (const q of [refreshQueue, reportsQueue])
    q.on('error', (err) => logger.debug({ err: err.message, queue: q.name }, 'queue redis error'));

  const pipeline = refreshProcessor({
    config,
    logger,
    redis,
    queue: refreshQueue,
    prefix,
    stages: opts.stages ?? defaultStages(),
    hooks: {
      onStage: (stage, outcome, seconds) =>
        metrics.jobDuration.observe({ queue: REFRESH_QUEUE, job: stage, outcome }, seconds),
      onRunEnd: (s) => {
        metrics.refreshRuns.inc({ outcome: s.status });
        if (s.status === 'published') metrics.refreshLastSuccess.setToCurrentTime();
      },
    },
  });

  const refreshConn = bullConnection(config.redis);
  const reportsConn = bullConnection(config.redis);
  const workerOpts = {
    connection: refreshConn,
    prefix,
    concurrency: 1,
    lockDuration: opts.lockDurationMs ?? config.jobs.lockDurationMs,
    stalledInterval: opts.stalledIntervalMs ?? config.jobs.stalledIntervalMs,
    maxStalledCount: 3,
  };
  const refreshWorker = new Worker(REFRESH_QUEUE, pipeline.process, workerOpts);
  refreshWorker.on('failed', (job: Job | undefined, err: Error) => {
    if (!job || job.name !== 'stage') return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final)
      pipeline
        .failRun(job as Job<StageJobData>, err)
        .catch((e: unknown) => logger.error({ err: e }, 'failRun'));
  });
  refreshWorker.on('error', (err) => logger.error({ err }, 'refresh worker error'));

  const reportsWorker = new Worker(
    REPORTS_QUEUE,
    async (job: Job) => {
      const t0 = Date.now();
      try {
        if (job.name === 'drift') {
          const out = await runDriftJob(config, logger, metrics, job.data as Record<string, unknown>);
          metrics.jobDuration.observe(
            { queue: REPORTS_QUEUE, job: job.name, outcome: 'completed' },
            (Date.now() - t0) / 1000,
          );
          return out;
        }
        throw new Error(`unknown report job ${job.name}`);
      } catch (err) {
        metrics.jobDuration.observe(
          { queue: REPORTS_QUEUE, job: job.name, outcome: 'failed' },
          (Date.now() - t0) / 1000,
        );
        throw err;
      }
    },
    { ...workerOpts, connection: reportsConn },
  );
  reportsWorker.on('error', (err) => logger.error({ err }, 'reports worker error'));

  if (opts.schedule ?? true) {
    await refreshQueue.upsertJobScheduler(
      NIGHTLY_SCHEDULER,
      { pattern: config.jobs.refreshCron, tz: config.jobs.refreshTz },
      { name: 'nightly', data: { trigger: 'schedule' }, opts: { attempts: 1 } },
    );
    logger.info({ cron: config.jobs.refreshCron, tz: config.jobs.refreshTz }, 'nightly refresh scheduled');
    // The drift report feeds graphrec_drift_psi and the coverage gauge, which the alerts read.
    await reportsQueue.upsertJobScheduler(
      DRIFT_SCHEDULER,
      { pattern: config.jobs.driftCron, tz: config.jobs.refreshTz },
      {
        name: 'drift',
        data: config.jobs.driftShop ? { shop: config.jobs.driftShop } : {},
        opts: { attempts: 2, backoff: { type: 'exponential', delay: 60_000 } },
      },
    );
    logger.info({ cron: config.jobs.driftCron, tz: config.jobs.refreshTz }, 'nightly drift report scheduled');
  }

  let consumer: EventConsumer | null = null;
  if (opts.events ?? true) {
    consumer = startEventConsumer({ config, logger });
    consumerMetrics(metrics.registry, consumer);
  }

  let server: http.Server | null = null;
  let port: number | null = null;
  let host: string | null = null;
  let stopping = false;
  if (opts.port !== null) {
    const app = express();
    app.get('/healthz', (_req, res) => {
      res.status(200).json({ ok: true });
    });
    app.get('/readyz', async (_req, res) => {
      try {
        if (stopping) throw new Error('stopping');
        await within(redis.ping(), READY_CHECK_TIMEOUT_MS, 'Redis');
        if (!refreshWorker.isRunning()) throw new Error('refresh worker not running');
        const events = consumer?.health();
        if (events?.stuck) throw new Error(`event consumer stuck: ${events.reason}`);
        res.status(200).json({ ready: true });
      } catch (err) {
        res.status(503).json({ ready: false, why: err instanceof Error ? err.message : String(err) });
      }
    });
    app.get('/metrics', async (_req, res) => {
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    });
    server = http.createServer(app);
    const want = opts.port ?? config.jobs.port;
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(want, opts.host ?? config.jobs.host, () => resolve());
    });
    const addr = server.address();
    port = typeof addr === 'object' && addr ? addr.port : want;
    host = typeof addr === 'object' && addr ? addr.address : null;
    logger.info({ host, port }, 'worker health and metrics listening');
  }

  return {
    port,
    host,
    metrics,
    refreshQueue,
    reportsQueue,
    async stop() {
      stopping = true;
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      await Promise.all([refreshWorker.close(), reportsWorker.close()]);
      if (consumer) await consumer.stop();
      await Promise.all([refreshQueue.close(), reportsQueue.close()]);
      await Promise.all([redis.quit(), connection.quit(), refreshConn.quit(), reportsConn.quit()]);
    },
  };
}
