// The stages of a scale run, each one or more `graphrec` child processes against the run's private servers:
// the commands a user runs (generate, a bulk `etl load`, `etl split`, `etl features`, a `graphrec worker` doing
// `refresh --now` with the default settings, and `bench api` for serving). A stage run again after an
// interrupted or failed attempt first undoes what that attempt may have left, so the run ends as an
// undisturbed one would (see reset below each stage).
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { createGraphClient, type NamedQuery } from '../../graph';
import type { RunState } from '../../jobs';
import { VECTOR_INDEX } from '../../model';
import type { Child } from './child';
import { generateFlags, type Scale } from './options';
import type { Servers } from './servers';
import type { Stage } from './state';

export interface StageContext {
  scale: Scale;
  shop: string;
  env: NodeJS.ProcessEnv;
  servers: Servers;
  log: string;
  /** 1 for a first attempt; more when an earlier one was interrupted or failed. */
  attempt: number;
  /** Start a child of this stage (its tree is measured). */
  spawn(argv: string[]): Child;
}

export interface StageOutcome {
  seconds: number;
  facts: Record<string, unknown>;
  /** Parts of the stage whose own peak is wanted: name -> [from, to] in epoch milliseconds. */
  windows?: Record<string, [number, number]>;
}

/** Runs one child to its end and parses its one JSON summary; a failure names the command and its exit. */
async function runJson<T>(ctx: StageContext, argv: string[]): Promise<{ out: T; seconds: number }> {
  const r = await ctx.spawn(argv).exited;
  if (r.code !== 0) throw new Error(`graphrec ${argv.join(' ')} exited with ${r.signal ?? `code ${r.code}`}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return { out: JSON.parse(last) as T, seconds: r.seconds };
  } catch {
    throw new Error(`graphrec ${argv.join(' ')} printed no JSON summary`);
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

async function generate(ctx: StageContext): Promise<StageOutcome> {
  // The generator is seeded: a partial shop is simply written again.
  fs.rmSync(ctx.shop, { recursive: true, force: true });
  const { out, seconds } = await runJson<{
    counts: Record<string, number>;
    seconds: number;
    peakRssMb: number;
  }>(ctx, ['generate', '--out', ctx.shop, ...generateFlags(ctx.scale), '--json']);
  return { seconds: round(seconds), facts: { counts: out.counts, ownSeconds: out.seconds } };
}

async function load(ctx: StageContext): Promise<StageOutcome> {
  // Bulk mode imports into an empty database only: a retried load starts from an empty store again.
  if (ctx.attempt > 1) await ctx.servers.emptyNeo4j();
  const { out, seconds } = await runJson<{
    read: number;
    seconds: number;
    mode: string;
    extra?: { importPeakRssMb?: number };
  }>(ctx, ['etl', 'load', '--source', ctx.shop, '--format', 'synthetic', '--mode', 'bulk', '--json']);
  return {
    seconds: round(seconds),
    facts: {
      rows: out.read,
      mode: out.mode,
      ownSeconds: out.seconds,
      importPeakRssMb: out.extra?.importPeakRssMb,
    },
  };
}

async function split(ctx: StageContext): Promise<StageOutcome> {
  const { out, seconds } = await runJson<{ counts: unknown }>(ctx, [
    'etl',
    'split',
    '--source',
    ctx.shop,
    '--json',
  ]);
  return { seconds: round(seconds), facts: { counts: out.counts } };
}

async function features(ctx: StageContext): Promise<StageOutcome> {
  const { out, seconds } = await runJson<Record<string, unknown>>(ctx, [
    'etl',
    'features',
    '--source',
    ctx.shop,
    '--json',
  ]);
  return { seconds: round(seconds), facts: { users: out.users, products: out.products, events: out.events } };
}

// The vector index a partial publish may have created: dropped so the retried publish builds it as the first did.
const DROP_SCALE_VECTOR_INDEX: NamedQuery = {
  name: 'bench.scale.dropVectorIndex',
  cypher: `DROP INDEX ${VECTOR_INDEX} IF EXISTS`,
};

/** What an interrupted refresh may have left: model versions, the pointer, its run, its jobs, the index. */
async function resetRefresh(ctx: StageContext): Promise<void> {
  const { config } = ctx.servers;
  for (const sub of ['models', 'refresh'])
    fs.rmSync(path.join(config.dataDir, sub), { recursive: true, force: true });
  // The run's private Redis (servers.ts refuses any other): its only keys are this run's jobs and lock.
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
  const graph = createGraphClient(config.neo4j, { app: 'graphrec-bench-scale' });
  try {
    await graph.write(DROP_SCALE_VECTOR_INDEX);
  } finally {
    await graph.close();
  }
}

/**
 * The nightly refresh with the default settings, as production runs it: a `graphrec worker` does the work,
 * `graphrec refresh --now` starts and follows it. Its time is the run's, from its first stage's start to its end
 * (the worker's own start-up is not part of a nightly run); its peak is the worker's and the follower's trees.
 */
async function refresh(ctx: StageContext): Promise<StageOutcome> {
  if (ctx.attempt > 1) await resetRefresh(ctx);
  const worker = ctx.spawn(['worker', '--port', '0', '--no-schedule']);
  try {
    const follow = await ctx.spawn(['refresh', '--now', '--timeout', '86400', '--json']).exited;
    let run: RunState;
    try {
      run = JSON.parse(follow.stdout.trim().split('\n').pop() ?? '') as RunState;
    } catch {
      throw new Error(
        `graphrec refresh --now exited with ${follow.signal ?? `code ${follow.code}`} and no run summary`,
      );
    }
    const publish = run.stages.publish;
    if (run.status !== 'published' || publish.status !== 'done' || !publish.startedAt || !publish.finishedAt)
      throw new Error(
        `refresh ${run.runId} ended ${run.status}, publish ${publish.status}: ${run.reason ?? ''}`,
      );
    const start = Date.parse(run.stages.ingest.startedAt ?? run.createdAt);
    const end = Date.parse(run.finishedAt ?? run.stages.report.finishedAt!);
    const stageSeconds = Object.fromEntries(Object.entries(run.stages).map(([name, s]) => [name, s.seconds]));
    const train = run.stages.train.result ?? {};
    return {
      seconds: round((end - start) / 1000),
      facts: {
        runId: run.runId,
        stageSeconds,
        model: train.model,
        version: train.version,
        epochs: train.epochs,
        publishSeconds: publish.seconds,
        published: publish.result,
      },
      windows: { publish: [Date.parse(publish.startedAt), Date.parse(publish.finishedAt)] },
    };
  } finally {
    await worker.stop();
  }
}

interface ApiBench {
  modelVersion: string | null;
  products: number;
  rssMb: number;
  table: { scenario: string; rate: number; p50: number; p99: number; errors: number }[];
}

/** bench/api.ts's miss and hit scenarios (paced, medians of its runs) on the published model. */
async function serving(ctx: StageContext): Promise<StageOutcome> {
  const { out, seconds } = await runJson<ApiBench>(ctx, [
    'bench',
    'api',
    '--only',
    'recs-miss,recs-hit',
    '--json',
  ]);
  if (!out.modelVersion) throw new Error('bench api found no active model to serve');
  const row = (name: string) => {
    const r = out.table.find((t) => t.scenario === name);
    if (!r) throw new Error(`bench api returned no ${name} scenario`);
    return r;
  };
  const miss = row('recs-miss');
  const hit = row('recs-hit');
  return {
    seconds: round(seconds),
    facts: {
      missP99Ms: miss.p99,
      hitP99Ms: hit.p99,
      apiRssMb: out.rssMb,
      missP50Ms: miss.p50,
      hitP50Ms: hit.p50,
      errors: miss.errors + hit.errors,
      products: out.products,
      modelVersion: out.modelVersion,
    },
  };
}

export const STAGE_IMPLS: Record<Stage, (ctx: StageContext) => Promise<StageOutcome>> = {
  generate,
  load,
  split,
  features,
  refresh,
  serving,
};
