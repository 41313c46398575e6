// Train and evaluate models end to end: read the data, carve validation out of train, train, evaluate on test
// with the paper's protocol, and write a versioned model directory. The CLI and the benchmark call these.
import fs from 'node:fs';
import path from 'node:path';
import { GraphrecError, validationError } from '../core';
import type { Config, Logger, Progress } from '../core';
import { writeModelDir, readModelDir, newVersion, encodeEmbeddings, e0Files } from '../model';
import { curveSvg, renderReport } from './artifacts/report';
import type { Dataset } from './data/dataset';
import { createRng } from '../core';
import { carveValidation } from './data/split';
import { evaluate, type BlockScorer, type EvalResult, type Scorer } from './eval/evaluate';
import { userItemGraph } from './graph/propagationGraph';
import { backendFallbackReason, useBackend, type BackendChoice } from './kernels/backend';
import { benchmarkTrainerOptions, type TrainerOptions } from './lightgcn/options';
import { scorerOf, trainEmbeddings, type CurvePoint } from './lightgcn/trainer';
import { checkMemoryPlan, withMemoryErrors } from './lightgcn/memoryPlan';
import { popularityTables } from './models/popularity';
import { evaluateShopVersion, runShop } from './context/shopRun';
import type { ShopModel } from './context/shopTrain';
import { loadDataSource, parseDataSource, shopSource } from './source';
import { prepareWarmStart, type WarmStartRecord, type WarmStartRequest } from './warmStart';
import { codeVersion, peakRssMb } from './provenance';
import { runAuto, storedAutoScorer } from './autoRun';
import type { FamilyReport, Family } from './cf/auto';

export type ModelKind = 'auto' | 'lightgcn' | 'mf' | 'pop' | Exclude<ShopModel, 'lightgcn' | 'mf' | 'pop'>;
export const MODEL_KINDS: ModelKind[] = [
  'auto',
  'lightgcn',
  'mf',
  'pop',
  'trend',
  'covisit',
  'lightgcn-meta',
  'ranker',
];
/** Models that need a shop's metadata, sessions or time stamps. */
const SHOP_ONLY: ModelKind[] = ['trend', 'covisit', 'lightgcn-meta', 'ranker'];

export interface TrainRequest {
  model: ModelKind;
  /** A data source spec, e.g. `lightgcn:/path/to/gowalla`, `shop:DIR` or `neo4j`. */
  data: string;
  /** `--data neo4j`: the connection settings, and the split manifest (a file or an id; default the latest). */
  neo4j?: Config['neo4j'];
  split?: string;
  /** Overrides of the trainer defaults (ignored by pop). */
  options?: Partial<TrainerOptions>;
  backend?: BackendChoice;
  /** Where `models/<version>/` goes. */
  dataDir: string;
  /** The checkout, to record the code version (git HEAD). */
  home: string;
  /** Evaluate test at every validation too (excluded from training time): for time-to-quality benchmarks. */
  trackTest?: boolean;
  /** Write the model directory (default true). */
  save?: boolean;
  /**
   * Benchmark data: once validation has picked the step count, train again on the whole train set for that
   * many steps (default true). Validation's carve-out holds back about 3% of train; the refit gives it back.
   */
  refit?: boolean;
  /**
   * Start E0 from a stored model's table (rows matched by node id) instead of the usual init. Embedding models
   * only (lightgcn, mf, lightgcn-meta, ranker); ignored by the others.
   */
  warmStart?: WarmStartRequest;
  /** Ranker: the share of validation NDCG@20 its new-arrivals quota may cost (default 0.02; see runShop). */
  newArrivalsBudget?: number;
}

export interface TrainDeps {
  logger: Logger;
  progress?: (label: string, total: number) => Progress;
  signal?: AbortSignal;
}

export interface TrainSummary {
  model: ModelKind;
  version: string;
  seconds: number;
  epochs: number;
  peakRssMb: number;
  metrics: Record<string, number>;
  segments: Record<string, Record<string, number>>;
  /** Present when a warm start was asked for: where it started from and how many rows it reused. */
  warmStart?: WarmStartRecord;
  /** The tfjs backend that ran ('tensorflow' is native TensorFlow), and why a faster one did not load. */
  backend?: string;
  backendFallback?: string;
  /** `--model auto`: every family's validation figures, the choice, and the split it was tuned on. */
  auto?: {
    choice: Family;
    split: string;
    families: FamilyReport[];
    tuneSeconds: number;
    refitSeconds: number;
  };
}

export interface TrainOutcome {
  summary: TrainSummary;
  dir?: string;
  curve: CurvePoint[];
  backend: string;
  options?: TrainerOptions;
  stoppedBy?: string;
  /** Seconds of the refit on the whole train set (included in summary.seconds); 0 when none ran. */
  refitSeconds: number;
  loadSeconds: number;
  initSeconds: number;
  steps: number;
  stepsPerEpoch: number;
}

export { peakRssMb, codeVersion };

/** Test evaluation exactly as the LightGCN paper: all items ranked, the user's (whole) train list excluded. */
export function evaluateOnTest(ds: Dataset, s: Scorer | BlockScorer): EvalResult {
  return evaluate(s, { exclude: ds.train, truth: ds.test });
}

export async function trainModel(req: TrainRequest, deps: TrainDeps): Promise<TrainOutcome> {
  const t0 = Date.now();
  const backend = await useBackend(req.backend ?? 'auto');
  const backendFallback = backendFallbackReason();
  if (backendFallback)
    deps.logger.warn({ backend, reason: backendFallback }, 'native TensorFlow did not load');
  const ran = { backend, ...(backendFallback ? { backendFallback } : {}) };
  const src = parseDataSource(req.data);
  if (src.kind === 'shop' || src.kind === 'neo4j') {
    // On a shop, the tuned model is the context ranker: its components and weights are chosen on validation.
    const shopModel = req.model === 'auto' ? 'ranker' : req.model;
    const [r] = await runShop(
      {
        source: shopSource(src, { ...req, ...deps }),
        models: [shopModel],
        options: req.options,
        dataDir: req.dataDir,
        codeVersion: codeVersion(req.home),
        save: req.save,
        warmStart: req.warmStart,
        newArrivalsBudget: req.newArrivalsBudget,
      },
      deps,
    );
    return {
      summary: { ...r.summary, ...ran },
      dir: r.dir,
      curve: [],
      backend,
      stoppedBy: r.stoppedBy,
      loadSeconds: 0,
      initSeconds: 0,
      steps: 0,
      stepsPerEpoch: 0,
      refitSeconds: 0,
    };
  }
  if (SHOP_ONLY.includes(req.model))
    throw validationError(
      `--model ${req.model} needs a shop (--data shop:DIR or neo4j), but got: ${req.data}`,
      {
        field: 'model',
      },
    );
  const ds = loadDataSource(src);
  const loadSeconds = (Date.now() - t0) / 1000;
  deps.logger.info(
    { dataset: ds.name, users: ds.nUsers, items: ds.nItems, backend, loadSeconds },
    'data loaded',
  );
  if (req.model === 'auto') {
    const a = await runAuto(
      ds,
      {
        data: req.data,
        dataDir: req.dataDir,
        home: req.home,
        timeBudgetSeconds: req.options?.timeBudgetSeconds ?? Infinity,
        seed: req.options?.seed ?? 1,
        save: req.save !== false,
      },
      deps,
    );
    const m = a.model;
    return {
      summary: {
        model: 'auto',
        version: a.version,
        seconds: Math.round(a.trainSeconds * 10) / 10,
        epochs: 0,
        peakRssMb: a.peakRssMb,
        metrics: a.testMetrics,
        segments: {},
        ...ran,
        auto: {
          choice: m.choice,
          split: m.split,
          families: m.families,
          tuneSeconds: m.tuneSeconds,
          refitSeconds: m.refitSeconds,
        },
      },
      dir: a.dir,
      curve: [],
      backend,
      loadSeconds,
      initSeconds: 0,
      steps: 0,
      stepsPerEpoch: 0,
      refitSeconds: m.refitSeconds,
    };
  }
  const version = newVersion(req.model);
  let scorer: Scorer;
  let curve: CurvePoint[] = [];
  let epochs = 0;
  let steps = 0;
  let stepsPerEpoch = 0;
  let initSeconds = 0;
  let stoppedBy: string | undefined;
  let refitSeconds = 0;
  let options: TrainerOptions | undefined;
  let e0: Float32Array | undefined;
  let warmStart: WarmStartRecord | undefined;
  const tTrain = Date.now();
  let trainSeconds: number;
  if (req.model === 'pop') {
    scorer = popularityTables(ds.train);
    trainSeconds = (Date.now() - tTrain) / 1000;
  } else {
    const kind = req.model as 'lightgcn' | 'mf';
    options = { ...benchmarkTrainerOptions(kind), ...req.options, model: kind };
    if (req.model === 'mf') options.layers = 0;
    checkOptions(options);
    const split =
      options.validUserFraction > 0
        ? carveValidation(ds.train, {
            userFraction: options.validUserFraction,
            itemFraction: options.validItemFraction,
            rng: createRng(options.seed + 1),
          })
        : undefined;
    const fit = split?.fit ?? ds.train;
    const warm = req.warmStart
      ? prepareWarmStart(
          req.warmStart,
          req.dataDir,
          {
            model: kind,
            dims: options.dims,
            nodes: [
              { type: 'user', ids: ds.userIds },
              { type: 'item', ids: ds.itemIds },
            ],
          },
          deps.logger,
        )
      : undefined;
    warmStart = warm?.record;
    checkMemoryPlan(ds.nUsers, ds.nItems, options, backend);
    const opts = options;
    const guarded = <T>(fn: () => Promise<T>) => withMemoryErrors(ds.nUsers, ds.nItems, opts, backend, fn);
    const progress = deps.progress?.(`train ${req.model}`, 1);
    const ckptDir = path.join(req.dataDir, 'models', '.checkpoints', version);
    try {
      const result = await guarded(() =>
        trainEmbeddings({
          graph: userItemGraph(fit),
          fit,
          valid: split ? { truth: split.valid, users: split.users } : undefined,
          options: opts,
          initial: warm?.initial,
          progress,
          signal: deps.signal,
          log: (msg, fields) => deps.logger.info(fields ?? {}, msg),
          track: req.trackTest
            ? (emb) => {
                const r = evaluateOnTest(ds, scorerOf(emb, ds.nUsers, options!.dims));
                return { 'recall@20': r.metrics['recall@20'], 'ndcg@20': r.metrics['ndcg@20'] };
              }
            : undefined,
          checkpoint:
            req.save === false
              ? undefined
              : (emb, point) => {
                  fs.mkdirSync(ckptDir, { recursive: true });
                  const s = scorerOf(emb, ds.nUsers, options!.dims);
                  const tmp = path.join(ckptDir, 'best.bin.tmp');
                  fs.writeFileSync(tmp, encodeEmbeddings({ ...s, nUsers: ds.nUsers, nItems: ds.nItems }));
                  fs.renameSync(tmp, path.join(ckptDir, 'best.bin'));
                  fs.writeFileSync(path.join(ckptDir, 'point.json'), JSON.stringify(point));
                },
        }),
      );
      let embeddings = result.embeddings;
      e0 = result.e0;
      const best = req.refit !== false && split && result.stoppedBy !== 'aborted' ? result.best : undefined;
      // The refit costs about what reaching the best point did; it runs only if that fits the time budget.
      if (best && result.seconds + best.seconds > options.timeBudgetSeconds)
        deps.logger.info({ bestSeconds: best.seconds }, 'refit skipped: it would not fit the time budget');
      else if (best) {
        deps.logger.info({ steps: best.step }, 'refit on the whole train set');
        const refit = await guarded(() =>
          trainEmbeddings({
            graph: userItemGraph(ds.train),
            fit: ds.train,
            options: { ...opts, maxSteps: best.step, timeBudgetSeconds: Infinity, epochs: Infinity },
            initial: warm?.initial,
            signal: deps.signal,
            log: (msg, fields) => deps.logger.info({ refit: true, ...fields }, msg),
          }),
        );
        embeddings = refit.embeddings;
        e0 = refit.e0;
        refitSeconds = refit.seconds;
      }
      scorer = scorerOf(embeddings, ds.nUsers, options.dims);
      curve = result.curve;
      epochs = result.epochs;
      steps = result.steps;
      stepsPerEpoch = result.stepsPerEpoch;
      initSeconds = result.initSeconds;
      stoppedBy = result.stoppedBy;
      trainSeconds = result.seconds + refitSeconds;
    } finally {
      progress?.stop();
    }
  }
  const test = evaluateOnTest(ds, scorer);
  for (const v of Object.values(test.metrics)) {
    if (!Number.isFinite(v))
      throw new GraphrecError('INTERNAL', 'evaluation produced NaN: the embeddings are not finite');
  }
  const metrics = { ...test.metrics, ...test.coverage };
  deps.logger.info({ metrics, evalSeconds: test.seconds }, 'test evaluation');
  const summary: TrainSummary = {
    model: req.model,
    version,
    seconds: Math.round(trainSeconds * 10) / 10,
    epochs,
    peakRssMb: peakRssMb(),
    metrics,
    segments: {},
    ...ran,
    ...(warmStart ? { warmStart } : {}),
  };
  let dir: string | undefined;
  if (req.save !== false) {
    const config = {
      model: req.model,
      version,
      data: req.data,
      dataset: ds.name,
      dataHash: ds.dataHash,
      codeVersion: codeVersion(req.home),
      backend,
      options: options ?? null,
      stoppedBy: stoppedBy ?? null,
      refitSeconds,
      warmStart: warmStart ?? null,
      createdAt: new Date().toISOString(),
    };
    dir = writeModelDir(req.dataDir, version, {
      embeddings: { ...scorer, nUsers: ds.nUsers, nItems: ds.nItems },
      ids: { users: Array.from(ds.userIds), items: Array.from(ds.itemIds) },
      config,
      metrics: { ...summary, testUsers: test.users, curve },
      report: renderReport({
        version,
        model: req.model,
        dataset: ds.name,
        dataHash: ds.dataHash,
        codeVersion: config.codeVersion,
        seconds: trainSeconds,
        epochs,
        metrics,
        curve,
        config,
      }),
      extra: {
        ...(curve.length > 0 ? { 'curve.svg': curveSvg(curve) } : {}),
        ...(e0 && options
          ? e0Files({
              model: options.model,
              layers: options.layers,
              dims: options.dims,
              types: [
                { type: 'user', ids: ds.userIds },
                { type: 'item', ids: ds.itemIds },
              ],
              table: e0,
            })
          : {}),
      },
    });
    fs.rmSync(path.join(req.dataDir, 'models', '.checkpoints', version), { recursive: true, force: true });
  }
  return {
    summary,
    dir,
    curve,
    backend,
    options,
    stoppedBy,
    loadSeconds,
    initSeconds,
    steps,
    stepsPerEpoch,
    refitSeconds,
  };
}

export interface EvalRequest {
  version: string;
  data: string;
  dataDir: string;
  neo4j?: Config['neo4j'];
  split?: string;
  backend?: BackendChoice;
}

export interface EvalSummary {
  model: string;
  version: string;
  users: number;
  seconds: number;
  metrics: Record<string, number>;
  segments: Record<string, Record<string, number>>;
}

/** Evaluate a stored version on a data source's test split; rows are matched by external id. */
export async function evaluateVersion(req: EvalRequest, deps: TrainDeps): Promise<EvalSummary> {
  await useBackend(req.backend ?? 'auto');
  const src = parseDataSource(req.data);
  if (src.kind === 'shop' || src.kind === 'neo4j')
    return evaluateShopVersion(
      { version: req.version, source: shopSource(src, { ...req, ...deps }), dataDir: req.dataDir },
      deps,
    );
  const stored = readModelDir(req.dataDir, req.version);
  const ds = loadDataSource(src);
  if (stored.config.model === 'auto') {
    const s = storedAutoScorer(stored, ds);
    let r: EvalResult;
    try {
      r = evaluateOnTest(ds, s);
    } finally {
      s.dispose?.();
    }
    deps.logger.info({ version: req.version, seconds: r.seconds }, 'evaluated');
    return {
      model: 'auto',
      version: req.version,
      users: r.users,
      seconds: r.seconds,
      metrics: { ...r.metrics, ...r.coverage },
      segments: {},
    };
  }
  const e = stored.embeddings;
  const d = e.dims;
  const align = (ids: Array<number | string>, ext: Int32Array, table: Float32Array, what: string) => {
    const row = new Map<string, number>();
    ids.forEach((id, r) => row.set(String(id), r));
    const out = new Float32Array(ext.length * d);
    let missing = 0;
    for (let r = 0; r < ext.length; r++) {
      const src = row.get(String(ext[r]));
      if (src === undefined) missing++;
      else out.set(table.subarray(src * d, src * d + d), r * d);
    }
    if (missing === ext.length) {
      throw validationError(
        `model ${req.version} knows none of the ${what} in ${req.data}: wrong data set?`,
        {
          field: 'data',
        },
      );
    }
    return out;
  };
  const scorer = {
    dims: d,
    users: align(stored.ids.users, ds.userIds, e.users, 'users'),
    items: align(stored.ids.items, ds.itemIds, e.items, 'items'),
  };
  const r = evaluateOnTest(ds, scorer);
  deps.logger.info({ version: req.version, seconds: r.seconds }, 'evaluated');
  return {
    model: String(stored.config.model ?? 'unknown'),
    version: req.version,
    users: r.users,
    seconds: r.seconds,
    metrics: { ...r.metrics, ...r.coverage },
    segments: {},
  };
}

function checkOptions(o: TrainerOptions): void {
  const positive = (name: keyof TrainerOptions, v: number) => {
    if (!(v > 0)) throw validationError(`${name} must be > 0, but got: ${v}`, { field: name });
  };
  positive('dims', o.dims);
  positive('batchSize', o.batchSize);
  positive('negatives', o.negatives);
  positive('lr', o.lr);
  positive('epochs', o.epochs);
  positive('timeBudgetSeconds', o.timeBudgetSeconds);
  if (o.l2 < 0) throw validationError(`l2 must be >= 0, but got: ${o.l2}`, { field: 'l2' });
  if (o.itemDegreeExponent > 0 && o.loss !== 'bpr')
    throw validationError(
      `--item-degree scales dot-product scores, so it needs --loss bpr (the ${o.loss} loss normalises rows)`,
      { field: 'item-degree' },
    );
}
