// `graphrec train --data shop:DIR --model M` and the shop benchmark: read the shop, split it, train the asked
// models (lightgcn-meta is trained once when both it and the ranker are asked for), evaluate on the test window
// with segments, and write one model version per model. A failed training throws before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger, Progress } from '../../core';
import {
  contextFiles,
  readContextFiles,
  encodeHistory,
  HISTORY_FILE,
  metaFiles,
  readMetaFiles,
  newVersion,
  readModelDir,
  writeModelDir,
  inductiveModelOf,
  type InductiveModel,
  DEFAULT_NEW_ARRIVALS_BUDGET,
  newArrivalsOf,
  type NewArrivals,
  type RankerWeights,
  coldUserWeightsOf,
  type ColdUserWeights,
  encodeSegmentTable,
  SEGMENTS_FILE,
} from '../../model';
import { userHistory } from './history';
import { readShop, type ShopData } from '../data/shop';
import type { ShopEvalResult } from '../eval/shopEval';
import { useBackend, type BackendChoice } from '../kernels/backend';
import type { TrainerOptions } from '../lightgcn/options';
import { buildPlacementTable } from './placementTuning';
import { encodePlacement, placementOf, type PlacementWeights } from '../../model';
import { buildSegmentTable, readGenders, shopDemographics } from './segmentTable';
import {
  coldScoring,
  contextScorer,
  embeddingScorer,
  evalPhase,
  fitEmbeddings,
  shopSplit,
  tuneRankerWeights,
  defaultSplitOptions,
  type EmbeddingFit,
  type Phase,
  type ShopModel,
  type ShopSplit,
  type SplitOptions,
} from './shopTrain';
import { buildContextTables } from './tables';
import { sessionFiles } from '../session/sessionFiles';
import { shopE0Files, shopWarmStart, type WarmStartRecord, type WarmStartRequest } from '../warmStart';

/** A shop from somewhere other than a directory's files (the Neo4j export); `spec` goes into the model's config. */
export interface ShopReader {
  spec: string;
  read(): Promise<ShopData>;
}

export interface ShopRunRequest {
  /** A generated shop directory (read by readShop), unless `source` says otherwise. */
  dir?: string;
  source?: ShopReader;
  models: ShopModel[];
  options?: Partial<TrainerOptions>;
  /** Per-model trainer overrides (the benchmark's time budgets). */
  perModel?: Partial<Record<ShopModel, Partial<TrainerOptions>>>;
  split?: Partial<SplitOptions>;
  dataDir: string;
  codeVersion: string;
  save?: boolean;
  backend?: BackendChoice;
  /**
   * How much validation NDCG@20 (relative) the ranker's new-arrivals quota may cost (tuneNewArrivals);
   * default DEFAULT_NEW_ARRIVALS_BUDGET (0.02); 0: the quota must pay for itself.
   */
  newArrivalsBudget?: number;
  /** Also score the test window with every slot count of the quota (a report; the choice stays validation's). */
  newArrivalsSweep?: boolean;
  /** Warm start of the embedding models (training/warmStart.ts). */
  warmStart?: WarmStartRequest;
}

export interface ShopRunResult {
  summary: {
    model: ShopModel;
    version: string;
    seconds: number;
    epochs: number;
    peakRssMb: number;
    metrics: Record<string, number>;
    segments: Record<string, Record<string, number>>;
    warmStart?: WarmStartRecord;
  };
  dir?: string;
  stoppedBy?: string;
  ranker?: RankerWeights;
  /** The ranker's tuned new-arrivals quota. */
  newArrivals?: NewArrivals;
  /** The ranker's tuned scorer of new users (coldUsers.ts). */
  coldUsers?: ColdUserWeights;
  /** The ranker's tuned placement of new arrivals in its quota (newArrivalPlacement.ts). */
  placement?: PlacementWeights;
  /** With `newArrivalsSweep`: validation and test figures of every slot count, same embeddings and weights. */
  newArrivalsSweep?: NewArrivalsSweepRow[];
}

export interface NewArrivalsSweepRow {
  slots: number;
  validation: { ndcg: number; coldRecall: number };
  test: { ndcg: number; recall: number; coldRecall: number };
}

export interface ShopDeps {
  logger: Logger;
  progress?: (label: string, total: number) => Progress;
  signal?: AbortSignal;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const versionName = (m: ShopModel) => newVersion(m.replace(/-/g, ''));
const round = (r: Record<string, number>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 1e5) / 1e5]));

function readerOf(req: { dir?: string; source?: ShopReader }): ShopReader {
  if (req.source) return req.source;
  const dir = req.dir;
  if (dir === undefined) throw new Error('a shop run needs a dir or a source');
  return { spec: `shop:${path.resolve(dir)}`, read: () => readShop(dir) };
}

export async function loadShopSplit(
  source: ShopReader,
  split: Partial<SplitOptions> | undefined,
  logger: Logger,
) {
  const t0 = Date.now();
  const shop = await source.read();
  const s = shopSplit(shop, { ...defaultSplitOptions, ...split });
  logger.info(
    {
      users: shop.nUsers,
      items: shop.nItems,
      events: shop.events.n,
      trainPairs: s.fit.ptr[s.fit.nRows],
      testUsers: s.test.users.length,
      seconds: (Date.now() - t0) / 1000,
    },
    'shop loaded and split',
  );
  return { shop, split: s };
}

export async function runShop(req: ShopRunRequest, deps: ShopDeps): Promise<ShopRunResult[]> {
  await useBackend(req.backend ?? 'auto');
  const source = readerOf(req);
  const { shop, split } = await loadShopSplit(source, req.split, deps.logger);
  const out: ShopRunResult[] = [];
  let metaFit: EmbeddingFit | undefined;
  const warmOf = new Map<EmbeddingFit, WarmStartRecord>();
  for (const m of req.models) {
    const t0 = Date.now();
    const version = versionName(m);
    let fit: EmbeddingFit | undefined;
    let ranker: RankerWeights | undefined;
    let newArrivals: NewArrivals | undefined;
    let coldUsers: ColdUserWeights | undefined;
    let placement: PlacementWeights | undefined;
    let sweep: NewArrivalsSweepRow[] | undefined;
    let reusedSeconds = 0;
    let score: (block: Int32Array, o: Float32Array) => void;
    let dispose = () => {};
    if (m === 'pop' || m === 'trend' || m === 'covisit') {
      score = contextScorer(shop, split.test, m);
    } else {
      const kind = m === 'ranker' ? 'lightgcn-meta' : m;
      if (kind === 'lightgcn-meta' && metaFit) {
        fit = metaFit;
        reusedSeconds = fit.seconds;
      } else {
        const progress = deps.progress?.(`train ${kind}`, 1);
        const overrides = { ...req.options, ...req.perModel?.[m], ...req.perModel?.[kind] };
        const warm = req.warmStart
          ? shopWarmStart(req.warmStart, req.dataDir, shop, kind, overrides, deps.logger)
          : undefined;
        try {
          fit = await fitEmbeddings(
            shop,
            split,
            kind,
            overrides,
            { logger: deps.logger, progress, signal: deps.signal, initial: warm?.initial },
            version,
          );
        } finally {
          progress?.stop();
        }
        if (kind === 'lightgcn-meta') metaFit = fit;
        if (warm) warmOf.set(fit, warm.record);
      }
      const emb = embeddingScorer(shop, split, fit.model, split.test);
      dispose = emb.dispose;
      if (m === 'ranker') {
        const tuned = tuneRankerWeights(
          shop,
          split,
          fit.model,
          deps.logger,
          req.newArrivalsBudget ?? DEFAULT_NEW_ARRIVALS_BUDGET,
        );
        ranker = tuned.weights;
        newArrivals = tuned.newArrivals;
        coldUsers = tuned.coldUsers;
        placement = tuned.placement;
        const testPlacement = {
          table: buildPlacementTable(shop, split.test.tables.popularity),
          weights: placement,
        };
        deps.logger.info({ ...tuned }, 'ranker weights tuned on validation');
        if (req.newArrivalsSweep) {
          const w = tuned.weights;
          sweep = tuned.newArrivalsSweep.map((v) => {
            const na = { slots: v.slots, days: tuned.newArrivals.days };
            const t = evalPhase(
              shop,
              split,
              split.test,
              contextScorer(shop, split.test, 'ranker', w, emb.score, na, undefined, testPlacement),
            ).metrics;
            return {
              slots: v.slots,
              validation: { ndcg: v.ndcg, coldRecall: v.coldRecall },
              test: { ndcg: t['ndcg@20'], recall: t['recall@20'], coldRecall: t['coldItemRecall@20'] },
            };
          });
        }
        score = contextScorer(
          shop,
          split.test,
          'ranker',
          ranker,
          emb.score,
          newArrivals,
          coldScoring(shop, fit.model, coldUsers),
          testPlacement,
        );
      } else score = emb.score;
    }
    // Training seconds: this model's own work, plus the shared embedding training it reused.
    const seconds = (Date.now() - t0) / 1000 + reusedSeconds;
    let r: ShopEvalResult;
    try {
      r = evalPhase(shop, split, split.test, score, deps.progress?.(`eval ${m}`, split.test.users.length));
    } finally {
      dispose();
    }
    const summary = {
      model: m,
      version,
      seconds: Math.round(seconds * 10) / 10,
      epochs: fit?.epochs ?? 0,
      peakRssMb: peakRssMb(),
      metrics: round(r.metrics),
      segments: Object.fromEntries(Object.entries(r.segments).map(([k, v]) => [k, round(v)])),
      ...(fit && warmOf.has(fit) ? { warmStart: warmOf.get(fit) } : {}),
    };
    deps.logger.info(
      { model: m, ndcg20: summary.metrics['ndcg@20'], evalSeconds: r.seconds },
      'test evaluation',
    );
    const res: ShopRunResult = {
      summary,
      stoppedBy: fit?.stoppedBy,
      ranker,
      newArrivals,
      coldUsers,
      placement,
    };
    if (sweep) res.newArrivalsSweep = sweep;
    if (req.save !== false)
      res.dir = saveShopModel(
        req,
        source.spec,
        shop,
        split,
        m,
        version,
        summary,
        fit,
        ranker,
        newArrivals,
        coldUsers,
        placement,
      );
    out.push(res);
  }
  return out;
}

function saveShopModel(
  req: ShopRunRequest,
  data: string,
  shop: ShopData,
  split: ShopSplit,
  m: ShopModel,
  version: string,
  summary: ShopRunResult['summary'],
  fit: EmbeddingFit | undefined,
  ranker: RankerWeights | undefined,
  newArrivals: NewArrivals | undefined,
  coldUsers?: ColdUserWeights,
  placement?: PlacementWeights,
): string {
  const d = fit?.model.dims ?? 0;
  const extra: Record<string, string | Buffer> = {};
  if (fit?.model.meta) Object.assign(extra, metaFiles(d, fit.model.meta));
  if (fit) Object.assign(extra, shopE0Files(shop, fit));
  if (m === 'ranker' || m === 'trend' || m === 'covisit') {
    // Serving tables from every event of the data (the test window included): what the API ranks with.
    const tables = buildContextTables(shop, shop.bounds.end + 1);
    Object.assign(
      extra,
      contextFiles(tables, shop.items.category, {
        weights: ranker ?? null,
        ...(newArrivals ? { newArrivals } : {}),
        ...(coldUsers ? { coldUsers } : {}),
        // Served from every event's popularity, as the other serving tables.
        ...(placement
          ? { newArrivalPlacement: encodePlacement(buildPlacementTable(shop, tables.popularity), placement) }
          : {}),
        cutoff: new Date(tables.cutoff).toISOString(),
        recentItems: 5,
      }),
    );
    // The session model for anonymous visitors and new users (training/session), tuned on validation.
    if (m === 'ranker') Object.assign(extra, sessionFiles(shop));
    // The new users' segment popularity, from every event as the other serving tables.
    if (m === 'ranker')
      extra[SEGMENTS_FILE] = encodeSegmentTable(
        buildSegmentTable(shop, shopDemographics(shop, readGenders(shop)), shop.bounds.end + 1),
      );
  }
  // The users' latest events, when the data is a Neo4j export and the model has user rows (api/recs/recommend.ts).
  if (d > 0 && shop.exportedAt !== undefined)
    extra[HISTORY_FILE] = encodeHistory(userHistory(shop, shop.exportedAt));
  const config = {
    model: m,
    version,
    data,
    dataset: shop.name,
    dataHash: shop.dataHash,
    codeVersion: req.codeVersion,
    split: shop.manifest.boundaries,
    splitId: shop.manifest.id,
    options: fit?.options ?? null,
    stoppedBy: fit?.stoppedBy ?? null,
    popularityExponent: fit?.popularity?.gamma ?? null,
    warmStart: summary.warmStart ?? null,
    ranker: ranker ?? null,
    newArrivals: newArrivals ?? null,
    coldUsers: coldUsers ?? null,
    newArrivalPlacement: placement ?? null,
    createdAt: new Date().toISOString(),
  };
  const lines = [
    `# ${version}`,
    '',
    `${m} trained on ${shop.name} (${shop.nUsers} users, ${shop.nItems} products, ${shop.events.n} events),`,
    `train window ${shop.manifest.boundaries.start} .. ${shop.manifest.boundaries.validationStart}, test from ${shop.manifest.boundaries.testStart}.`,
    '',
    '| metric | all | ' + Object.keys(summary.segments).join(' | ') + ' |',
    '|---|---|' +
      Object.keys(summary.segments)
        .map(() => '---|')
        .join(''),
    ...[
      'ndcg@20',
      'recall@20',
      'hitrate@20',
      'mrr',
      'purchaseRecall@20',
      'revenue@20',
      'coldItemRecall@20',
      'users',
    ].map(
      (k) =>
        `| ${k} | ${summary.metrics[k]?.toFixed(4) ?? '-'} | ` +
        Object.values(summary.segments)
          .map((s) => s[k]?.toFixed(4) ?? '-')
          .join(' | ') +
        ' |',
    ),
    '',
  ];
  return writeModelDir(req.dataDir, version, {
    embeddings: {
      dims: d,
      nUsers: d > 0 ? shop.nUsers : 0,
      nItems: d > 0 ? shop.nItems : 0,
      users: fit?.model.users ?? new Float32Array(0),
      items: fit?.model.items ?? new Float32Array(0),
    },
    ids: { users: d > 0 ? shop.userIds : [], items: d > 0 ? shop.itemIds : [] },
    config,
    metrics: { ...summary, curve: fit?.curve ?? [] },
    report: lines.join('\n'),
    extra,
  });
}

/**
 * The block scorer of a stored shop version on a phase, as `graphrec eval` scores it: the ranker with its
 * stored weights, quota and new users' scorer, an embedding model by its rows, a counting model by its kind.
 */
export function versionScorer(
  stored: ReturnType<typeof readModelDir>,
  shop: ShopData,
  split: ShopSplit,
  phase: Phase = split.test,
  options: { coldUsers?: boolean; placement?: boolean; newArrivals?: NewArrivals } = {},
): { model: ShopModel; score: (block: Int32Array, o: Float32Array) => void; dispose: () => void } {
  const m = String(stored.config.model) as ShopModel;
  let model: InductiveModel | undefined;
  const e = stored.embeddings;
  if (e.dims > 0) {
    if (e.nUsers !== shop.nUsers || e.nItems !== shop.nItems)
      throw new Error(
        `model ${stored.version} has ${e.nUsers} users and ${e.nItems} items, the shop ${shop.nUsers} and ${shop.nItems}: wrong data set?`,
      );
    model = inductiveModelOf(stored.version, e.dims, {
      users: e.users,
      items: e.items,
      userIds: shop.userIds,
      itemIds: shop.itemIds,
      meta: readMetaFiles(stored.dir, e.dims),
    });
  }
  if (!model)
    return {
      model: m,
      score: contextScorer(shop, phase, m as 'pop' | 'trend' | 'covisit'),
      dispose: () => {},
    };
  const emb = embeddingScorer(shop, split, model, phase);
  const ctx = m === 'ranker' ? readContextFiles(stored.dir) : undefined;
  const weights = (ctx?.ranker as { weights?: RankerWeights } | undefined)?.weights;
  // An older version has no newArrivals in ranker.json: the quota is off, as it was trained; one without
  // coldUsers ranks its new users like everyone else.
  const cw = (ctx?.ranker as { coldUsers?: unknown } | undefined)?.coldUsers;
  const cold =
    cw && options.coldUsers !== false ? coldScoring(shop, model, coldUserWeightsOf(ctx?.ranker)) : undefined;
  // The placement's weights as stored; its table from the phase's own tables (the stored one holds every event).
  const pw = options.placement !== false ? placementOf(ctx?.ranker)?.weights : undefined;
  const placement = pw
    ? { table: buildPlacementTable(shop, phase.tables.popularity), weights: pw }
    : undefined;
  const score = weights
    ? contextScorer(
        shop,
        phase,
        'ranker',
        weights,
        emb.score,
        options.newArrivals ?? newArrivalsOf(ctx?.ranker),
        cold,
        placement,
      )
    : emb.score;
  return { model: m, score, dispose: emb.dispose };
}

/** `graphrec eval --version V --data shop:DIR`: re-score a stored shop version on the test window. */
export async function evaluateShopVersion(
  req: { version: string; dir?: string; source?: ShopReader; dataDir: string; split?: Partial<SplitOptions> },
  deps: ShopDeps,
) {
  await useBackend('auto');
  const stored = readModelDir(req.dataDir, req.version);
  const { shop, split } = await loadShopSplit(readerOf(req), req.split, deps.logger);
  const t0 = Date.now();
  const { model: m, score, dispose } = versionScorer(stored, shop, split);
  try {
    const r = evalPhase(
      shop,
      split,
      split.test,
      score,
      deps.progress?.(`eval ${m}`, split.test.users.length),
    );
    return {
      model: m,
      version: req.version,
      users: r.users,
      seconds: (Date.now() - t0) / 1000,
      metrics: round(r.metrics),
      segments: Object.fromEntries(Object.entries(r.segments).map(([k, v]) => [k, round(v)])),
    };
  } finally {
    dispose();
  }
}

export const isShopDir = (dir: string) => fs.existsSync(path.join(dir, 'manifest.json'));
