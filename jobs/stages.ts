// The refresh pipeline's stages. Each is a function of the run so far; it returns a JSON-able result that the
// pipeline persists before moving on, so re-running a finished stage never happens and re-running an
// interrupted one is safe (every stage is idempotent: ingestion waits for the stream, features and publish
// overwrite, train writes a new version directory and the run records which one it kept).
// A stage whose building block is not in this build fails with a message saying so; it never pretends.
import fs from 'node:fs';
import path from 'node:path';
import type Redis from 'ioredis';
import { createProgress, unavailable, type Config, type Logger } from '../core';
import type { GraphClient } from '../graph';
import { evaluateVersion, parseDataSource, trainModel, type WarmStartRecord } from '../training';
import { publishModel, QUERY_SIMILAR, readActiveModel } from '../model';
import { CONSUMER_GROUP } from '../events';
import { refreshFeatures, readSyntheticInteractions } from '../etl';
import { qualityGate, type GateDecision, type ModelScores } from './gate';
import { runDir, type RunState, type StageName } from './runStore';
import { writeRefreshReport } from './report';

export interface StageContext {
  config: Config;
  logger: Logger;
  redis: Redis;
  state: RunState;
  /** A graph client opened on first use and closed by the pipeline. */
  graph(): GraphClient;
}

export interface StageOutcome {
  status: 'done' | 'skipped';
  result: Record<string, unknown>;
}

export type StageFn = (ctx: StageContext) => Promise<StageOutcome>;
export type StageImpls = Record<StageName, StageFn>;

const done = (result: Record<string, unknown>): StageOutcome => ({ status: 'done', result });
const skipped = (result: Record<string, unknown>): StageOutcome => ({ status: 'skipped', result });
const secondsSince = (t0: number) => Math.round((Date.now() - t0) / 10) / 100;

export const missing = (stage: StageName, needs: string) =>
  unavailable(`stage ${stage} needs ${needs}, not available in this build`);

const resultOf = (state: RunState, stage: StageName) => state.stages[stage].result ?? {};

/** ingest: wait until the API's event stream is drained into Neo4j by the consumer (lag 0, nothing pending). */
async function ingest(ctx: StageContext, timeoutMs = 10 * 60_000): Promise<StageOutcome> {
  const { redis, config } = ctx;
  const stream = config.events.stream;
  const t0 = Date.now();
  if ((await redis.exists(stream)) === 0) return done({ stream, entries: 0, lag: 0, pending: 0, seconds: 0 });
  for (;;) {
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    const g = groups.map(pairs).find((x) => x.name === CONSUMER_GROUP);
    if (!g)
      throw unavailable(
        `stage ingest: stream ${stream} has no consumer group ${CONSUMER_GROUP}; is the event consumer running?`,
      );
    const lag = g.lag === null || g.lag === undefined ? null : Number(g.lag);
    const pending = Number(g.pending ?? 0);
    const entries = await redis.xlen(stream);
    if (lag === 0 && pending === 0) return done({ stream, entries, lag, pending, seconds: secondsSince(t0) });
    if (Date.now() - t0 > timeoutMs)
      throw unavailable(
        `stage ingest: stream ${stream} still has lag ${lag ?? '?'} and ${pending} pending after ${timeoutMs / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function pairs(flat: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
  return o;
}

function shopDir(ctx: StageContext): string | null {
  const explicit = ctx.state.options.shop;
  if (explicit) return path.resolve(explicit);
  const def = path.join(ctx.config.dataDir, 'shops', 'default');
  return fs.existsSync(path.join(def, 'events.csv')) ? def : null;
}

/** features: recompute batch features from the shop files and write them onto the graph (etl/features). */
async function features(ctx: StageContext): Promise<StageOutcome> {
  const dir = shopDir(ctx);
  // Features are computed from the shop files (etl/features reads no graph yet): with none configured the
  // stage says so and changes nothing.
  if (!dir)
    return skipped({
      reason: 'no shop directory (refresh --shop DIR, or <dataDir>/shops/default): features not refreshed',
    });
  const cols = await readSyntheticInteractions(dir);
  const summary = await refreshFeatures(cols, {
    graph: ctx.graph(),
    logger: ctx.logger,
    progressBar: ctx.config.progress,
  });
  return done({ shop: dir, ...summary });
}

/** export: the training data: `--data` / REFRESH_DATA, else the graph itself (`neo4j:`, streamed by training). */
async function exportData(ctx: StageContext): Promise<StageOutcome> {
  const spec = ctx.state.options.data ?? ctx.config.jobs.refreshData;
  if (spec) {
    parseDataSource(spec);
    return done({ data: spec, source: ctx.state.options.data ? '--data' : 'REFRESH_DATA' });
  }
  try {
    parseDataSource('neo4j:');
  } catch {
    throw missing('export', "training's Neo4j export (--data neo4j:)");
  }
  return done({ data: 'neo4j:', source: 'graph' });
}

/**
 * Models that learn an embedding table, so they can start from the active model's (training/warmStart.ts); `auto`
 * is the ranker on a shop (on lightgcn:DIR data it tunes from scratch and records no start).
 */
const WARM_STARTABLE = ['auto', 'lightgcn', 'mf', 'lightgcn-meta', 'ranker'];

/**
 * train: a new version from the exported data, warm-started from the active model's E0 (REFRESH_WARM_START,
 * default `active`). The active pointer is read once, here; when its model cannot be a start (none active, a
 * version without E0, other dims or model, a corrupt table) the stage trains cold and records why.
 */
async function train(ctx: StageContext): Promise<StageOutcome> {
  const data = String(resultOf(ctx.state, 'export').data);
  const model = ctx.state.options.model ?? ctx.config.jobs.refreshModel;
  const active = readActiveModel(ctx.config.dataDir);
  const warm = ctx.config.jobs.refreshWarmStart === 'active' && WARM_STARTABLE.includes(model);
  const out = await trainModel(
    {
      model,
      data,
      dataDir: ctx.config.dataDir,
      home: ctx.config.home,
      neo4j: ctx.config.neo4j,
      // The nightly window is bounded: training stops at the budget and keeps its best validated state.
      options: { timeBudgetSeconds: ctx.config.jobs.refreshTimeBudgetMinutes * 60 },
      // The version itself, not `active`: a publish between here and the read cannot change what we record.
      warmStart: warm ? { from: active?.version ?? 'active', onProblem: 'cold' } : undefined,
    },
    {
      logger: ctx.logger,
      progress: (label, total) =>
        createProgress({ label, total, tty: ctx.config.progress, logger: ctx.logger }),
    },
  );
  return done({
    version: out.summary.version,
    model,
    seconds: out.summary.seconds,
    epochs: out.summary.epochs,
    metrics: out.summary.metrics,
    ...warmStartResult(
      out.summary.warmStart,
      ctx.config.jobs.refreshWarmStart === 'off'
        ? 'REFRESH_WARM_START=off'
        : `${model} learns no embedding table to start from`,
    ),
  });
}

/** The train stage's record of its start: flat fields, so the report's stage table shows them. */
function warmStartResult(
  w: WarmStartRecord | undefined,
  whyNot: string,
): Record<string, string | number | null> {
  if (!w) return { warmStartFrom: null, warmStartNote: `cold: ${whyNot}` };
  return {
    warmStartFrom: w.from,
    reusedRows: w.reusedRows,
    rows: w.rows,
    ...(w.fallback ? { warmStartNote: `cold: ${w.fallback}` } : {}),
  };
}

/** evaluate: the candidate and the active model on the same (latest) test split. */
async function evaluate(ctx: StageContext): Promise<StageOutcome> {
  const data = String(resultOf(ctx.state, 'export').data);
  const candidate = String(resultOf(ctx.state, 'train').version);
  const deps = { logger: ctx.logger };
  const where = { data, dataDir: ctx.config.dataDir, neo4j: ctx.config.neo4j };
  const cand = await evaluateVersion({ version: candidate, ...where }, deps);
  const active = readActiveModel(ctx.config.dataDir);
  let act: ModelScores | null = null;
  let activeProblem: string | null = null;
  if (active) {
    try {
      const e = await evaluateVersion({ version: active.version, ...where }, deps);
      act = { version: e.version, metrics: e.metrics, segments: e.segments };
    } catch (err) {
      // The gate refuses to compare with nothing when something is active: surfaced, and the gate fails.
      activeProblem = err instanceof Error ? err.message : String(err);
    }
  }
  return done({
    candidate: { version: cand.version, metrics: cand.metrics, segments: cand.segments, users: cand.users },
    active: act,
    activeVersion: active?.version ?? null,
    activeProblem,
  });
}

/** gate: no regression beyond the thresholds. */
async function gate(ctx: StageContext): Promise<StageOutcome> {
  const ev = resultOf(ctx.state, 'evaluate') as {
    candidate: ModelScores;
    active: ModelScores | null;
    activeVersion: string | null;
    activeProblem: string | null;
  };
  let decision: GateDecision;
  if (ev.activeVersion && !ev.active)
    decision = {
      passed: false,
      checks: [],
      reason: `the active model ${ev.activeVersion} could not be evaluated (${ev.activeProblem}); refusing to replace it blind`,
    };
  else
    decision = qualityGate(ev.candidate, ev.active, {
      maxNdcgDrop: ctx.config.jobs.gateMaxNdcgDrop,
      maxColdNdcgDrop: ctx.config.jobs.gateMaxColdNdcgDrop,
    });
  return done({ ...decision });
}

/** publish: only when the gate passed; the registry verifies the artifact and flips the pointer last. */
async function publish(ctx: StageContext): Promise<StageOutcome> {
  const g = resultOf(ctx.state, 'gate') as unknown as GateDecision;
  if (!g.passed) return skipped({ reason: `gated out: ${g.reason}` });
  const version = String(resultOf(ctx.state, 'train').version);
  const active = readActiveModel(ctx.config.dataDir);
  if (active?.version === version) return done({ version, alreadyActive: true });
  const s = await publishModel(
    {
      dataDir: ctx.config.dataDir,
      graph: ctx.graph(),
      logger: ctx.logger,
      progress: (label, total) =>
        createProgress({ label, total, tty: ctx.config.progress, logger: ctx.logger }),
    },
    version,
  );
  return done({ version: s.version, previous: s.previous, products: s.products, seconds: s.seconds });
}

/**
 * warmup: query the vector index with the embeddings of a sample of products, so the first requests
 * after a publish do not pay for cold index pages. (The API's result cache is keyed by model version, so old
 * entries simply stop being read.) `toInteger($n)`: a JS number arrives as a float, which LIMIT refuses.
 */
async function warmup(ctx: StageContext, n = 50): Promise<StageOutcome> {
  const pub = ctx.state.stages.publish;
  if (pub.status !== 'done') return skipped({ reason: 'nothing was published' });
  const version = String(pub.result?.version);
  const t0 = Date.now();
  const rows = await ctx.graph().read<{ id: string; vec: number[] }>(
    {
      name: 'jobs.warmupSeeds',
      cypher: `MATCH (p:Product) WHERE p.embeddingVersion = $version AND p.embedding IS NOT NULL
RETURN p.id AS id, p.embedding AS vec LIMIT toInteger($n)`,
    },
    { version, n },
  );
  let neighbours = 0;
  for (const r of rows) neighbours += (await ctx.graph().read(QUERY_SIMILAR, { k: 20, vec: r.vec })).length;
  return done({ version, queries: rows.length, neighbours, seconds: secondsSince(t0) });
}

/** report: markdown + JSON in the run directory. */
async function report(ctx: StageContext): Promise<StageOutcome> {
  const files = writeRefreshReport(ctx.config.dataDir, ctx.state);
  return done({ dir: runDir(ctx.config.dataDir, ctx.state.runId), ...files });
}

export function defaultStages(): StageImpls {
  return {
    ingest: (ctx) => ingest(ctx),
    features,
    export: exportData,
    train,
    evaluate,
    gate,
    publish,
    warmup: (ctx) => warmup(ctx),
    report,
  };
}
