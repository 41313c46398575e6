// Training and evaluation on a generated shop, every model on the same split and code path:
//   pop (global popularity), trend (recency-decayed trending + seasonal), covisit (co-visitation item-kNN),
//   mf (MF-BPR), lightgcn (user-item graph), lightgcn-meta (with metadata nodes, inductive cold users/items),
//   ranker (lightgcn-meta + session transitions + co-visitation + trend + season, weights tuned on validation).
// The split manifest decides visibility: embeddings learn from train-window events only; validation-window
// events drive early stopping and the ranker weights; test-window events are only scored. Counting tables for
// the test are rebuilt from everything before the test window (what a nightly job would have).
import * as tf from '@tensorflow/tfjs';
import { GraphrecError, validationError } from '../../core';
import type { Logger, Progress } from '../../core';
import type { Csr } from '../data/csr';
import { createRng } from '../../core';
import {
  AGE_BANDS,
  LOYALTY_TIERS,
  REGIONS,
  UNKNOWN_BIRTH_YEAR,
  ageBandOf,
  type ShopData,
} from '../data/shop';
import { evaluateShop, type ShopEvalInput, type ShopEvalResult } from '../eval/shopEval';
import {
  metaLayoutOf,
  metaCount,
  shopGraph,
  weightedInteractions,
  type MetaLayout,
} from '../graph/metaGraph';
import {
  inductiveModelOf,
  inferProductEmbedding,
  inferUserEmbedding,
  type InductiveModel,
  isNewArrival,
  newArrivalQuota,
  newArrivalsOff,
  rankScores,
  reserveNewArrivals,
  defaultRankerWeights,
  DEFAULT_NEW_ARRIVALS_BUDGET,
  LIST_SIZE,
  NEW_ARRIVAL_DAYS,
  NEW_ARRIVAL_SLOTS,
  type NewArrivals,
  type RankerWeights,
  type RankerTables,
  coldUserScores,
  defaultColdUserWeights,
  userItemDots,
  type ColdUserWeights,
  categoryPath,
  placementProfile,
  placementScore,
  type PlacementTable,
  type PlacementWeights,
  type Demographics,
  type SegmentTable,
  topK,
} from '../../model';
import { buildPlacementTable, tunePlacement } from './placementTuning';
import { defaultTrainerOptions, type TrainerOptions } from '../lightgcn/options';
import { trainEmbeddings, type CurvePoint } from '../lightgcn/trainer';
import type { InitialTable } from '../lightgcn/warmStart';
import { tuneNewArrivals, tuneRanker } from './rankerTuning';
import { addFromRecent, buildContextTables, seasonalScores, type ContextTables } from './tables';
import { tuneColdUsers } from './rankerTuning';
import { buildSegmentTable, readGenders, shopDemographics } from './segmentTable';

export const SHOP_MODELS = ['pop', 'trend', 'covisit', 'mf', 'lightgcn', 'lightgcn-meta', 'ranker'] as const;
export type ShopModel = (typeof SHOP_MODELS)[number];
export const RECENT = 5;

export interface Phase {
  name: 'validation' | 'test';
  cutoff: number;
  /**
   * When "launched recently" is judged: the window's last instant. One ranked list stands for the whole
   * window, so a product launched during it is a new arrival for the part of the window it is on sale.
   */
  freshAt: number;
  /** Items the user had before the window (excluded from ranking). */
  history: Csr;
  truth: Csr;
  purchases: Csr;
  /** Last RECENT distinct items before the cutoff per user (row-major, -1 padded, most recent last). */
  recent: Int32Array;
  users: Int32Array;
  tables: ContextTables;
  /** Products launched in this window (no events before it): what its cold-item recall counts. */
  coldItems: Uint8Array;
  /** Segment popularity from the events before the cutoff (the cold users' table). */
  segments: SegmentTable;
  /** Every user's demographics (the same array in both phases). */
  demographics: Demographics[];
}

export interface ShopSplit {
  fit: Csr & { val: Float32Array };
  trainEvents: Int32Array;
  /** The test window's cold items (test.coldItems). */
  coldItems: Uint8Array;
  validation: Phase;
  test: Phase;
  /** Validation users with train items, for early stopping. */
  stopUsers: Int32Array;
}

/** Distinct items per user of the events kept, minus those in `minus` (rows sorted). */
function distinct(shop: ShopData, keep: (e: number) => boolean, minus?: Csr): Csr {
  const ev = shop.events;
  const rows: number[][] = [];
  const lists = new Map<number, Set<number>>();
  for (let e = 0; e < ev.n; e++) {
    if (!keep(e)) continue;
    let s = lists.get(ev.user[e]);
    if (!s) lists.set(ev.user[e], (s = new Set()));
    s.add(ev.item[e]);
  }
  const ptr = new Int32Array(shop.nUsers + 1);
  const idx: number[] = [];
  for (let u = 0; u < shop.nUsers; u++) {
    const s = lists.get(u);
    if (s) {
      let out = Array.from(s);
      if (minus) {
        const have = new Set(minus.idx.subarray(minus.ptr[u], minus.ptr[u + 1]));
        out = out.filter((i) => !have.has(i));
      }
      out.sort((a, b) => a - b);
      for (const i of out) idx.push(i);
    }
    ptr[u + 1] = idx.length;
  }
  void rows;
  return { nRows: shop.nUsers, nCols: shop.nItems, ptr, idx: Int32Array.from(idx) };
}

function recentBefore(shop: ShopData, cutoff: number): Int32Array {
  const ev = shop.events;
  const r = new Int32Array(shop.nUsers * RECENT).fill(-1);
  for (let e = 0; e < ev.n; e++) {
    if (ev.ts[e] >= cutoff) continue;
    const o = ev.user[e] * RECENT;
    const i = ev.item[e];
    if (r[o + RECENT - 1] === i) continue;
    r.copyWithin(o, o + 1, o + RECENT);
    r[o + RECENT - 1] = i;
  }
  return r;
}

export const recentOf = (p: Phase, u: number): Int32Array => {
  const s = p.recent.subarray(u * RECENT, u * RECENT + RECENT);
  let k = 0;
  while (k < RECENT && s[k] < 0) k++;
  return s.subarray(k);
};

function sample(users: number[], max: number, seed: number): Int32Array {
  const rng = createRng(seed);
  for (let i = users.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [users[i], users[j]] = [users[j], users[i]];
  }
  return Int32Array.from(users.slice(0, max)).sort();
}

export interface SplitOptions {
  maxEvalUsers: number;
  maxValidUsers: number;
  seed: number;
}
export const defaultSplitOptions: SplitOptions = { maxEvalUsers: 5000, maxValidUsers: 1500, seed: 7 };

export function shopSplit(shop: ShopData, o: SplitOptions = defaultSplitOptions): ShopSplit {
  const { validationStart: vs, testStart: ts } = shop.bounds;
  const ev = shop.events;
  const fit = weightedInteractions(shop, (e) => ev.ts[e] < vs, vs);
  const trainEvents = new Int32Array(shop.nUsers);
  for (let e = 0; e < ev.n; e++) if (ev.ts[e] < vs) trainEvents[ev.user[e]]++;
  const histTest = distinct(shop, (e) => ev.ts[e] < ts);
  const demographics = shopDemographics(shop, readGenders(shop));
  const itemIndex = new Map(shop.itemIds.map((id, i) => [id, i]));
  const maskOf = (ids: string[]) => {
    const m = new Uint8Array(shop.nItems);
    for (const id of ids) {
      const i = itemIndex.get(id);
      if (i !== undefined) m[i] = 1;
    }
    return m;
  };
  const phase = (
    name: Phase['name'],
    cutoff: number,
    end: number,
    history: Csr,
    max: number,
    seed: number,
    coldItems: Uint8Array,
  ): Phase => {
    const truth = distinct(shop, (e) => ev.ts[e] >= cutoff && ev.ts[e] < end, history);
    const purchases = distinct(
      shop,
      (e) => ev.ts[e] >= cutoff && ev.ts[e] < end && ev.type[e] === 2,
      history,
    );
    const us: number[] = [];
    for (let u = 0; u < shop.nUsers; u++) if (truth.ptr[u + 1] > truth.ptr[u]) us.push(u);
    return {
      name,
      cutoff,
      freshAt: Math.min(end, shop.bounds.end + 1) - 1,
      history,
      truth,
      purchases,
      recent: recentBefore(shop, cutoff),
      users: sample(us, max, seed),
      tables: buildContextTables(shop, cutoff),
      coldItems,
      segments: buildSegmentTable(shop, demographics, cutoff),
      demographics,
    };
  };
  const segs = shop.manifest.segments;
  const validation = phase(
    'validation',
    vs,
    ts,
    fit,
    o.maxValidUsers,
    o.seed,
    maskOf(segs.coldValidationProducts),
  );
  const test = phase(
    'test',
    ts,
    Infinity,
    histTest,
    o.maxEvalUsers,
    o.seed + 1,
    maskOf(segs.coldTestProducts),
  );
  const stop: number[] = [];
  for (let u = 0; u < shop.nUsers; u++)
    if (validation.truth.ptr[u + 1] > validation.truth.ptr[u] && fit.ptr[u + 1] > fit.ptr[u]) stop.push(u);
  if (test.users.length === 0)
    throw validationError('the split has no test users: no events in the test window', { field: 'data' });
  if (fit.ptr[fit.nRows] === 0)
    throw validationError('the split has no train events: nothing to learn from', { field: 'data' });
  return {
    fit,
    trainEvents,
    coldItems: test.coldItems,
    validation,
    test,
    stopUsers: sample(stop, o.maxValidUsers, o.seed + 2),
  };
}

/** Warm / cold users and activity buckets (train events) of the split. */
export function segmentsOf(shop: ShopData, s: ShopSplit): Record<string, Uint8Array> {
  const n = shop.nUsers;
  const seg = {
    warmUsers: new Uint8Array(n),
    coldUsers: new Uint8Array(n),
    'activity:1-4': new Uint8Array(n),
    'activity:5-19': new Uint8Array(n),
    'activity:20+': new Uint8Array(n),
  };
  for (let u = 0; u < n; u++) {
    const k = s.trainEvents[u];
    if (k === 0) seg.coldUsers[u] = 1;
    else {
      seg.warmUsers[u] = 1;
      seg[k < 5 ? 'activity:1-4' : k < 20 ? 'activity:5-19' : 'activity:20+'][u] = 1;
    }
  }
  return seg;
}

export function userMeta(shop: ShopData, u: number) {
  return {
    ageBand:
      shop.users.birthYear[u] === UNKNOWN_BIRTH_YEAR
        ? undefined
        : AGE_BANDS[ageBandOf(shop.users.birthYear[u], shop.refYear)],
    region: REGIONS[shop.users.region[u]],
    loyaltyTier: LOYALTY_TIERS[shop.users.loyalty[u]],
  };
}

/** Block scorer of an embedding model: trained rows for users with train items, inferred rows otherwise. */
export function embeddingScorer(shop: ShopData, split: ShopSplit, model: InductiveModel, phase: Phase) {
  const d = model.dims;
  const nI = shop.nItems;
  const itemsT = new Float32Array(d * nI);
  for (let i = 0; i < nI; i++) for (let j = 0; j < d; j++) itemsT[j * nI + i] = model.items[i * d + j];
  const itemT = tf.tensor2d(itemsT, [d, nI]);
  let maxPop = 0;
  for (const x of phase.tables.popularity) if (x > maxPop) maxPop = x;
  const tie = Float32Array.from(phase.tables.popularity, (x) => (1e-3 * x) / (maxPop || 1));
  const userVec = (u: number): Float32Array => {
    if (split.fit.ptr[u + 1] > split.fit.ptr[u]) return model.users.subarray(u * d, u * d + d);
    const recent = Array.from(recentOf(phase, u), (i) => shop.itemIds[i]);
    try {
      return inferUserEmbedding(model, { ...userMeta(shop, u), recentProductIds: recent });
    } catch (err) {
      if (err instanceof GraphrecError) return new Float32Array(d); // nothing known: popularity decides
      throw err;
    }
  };
  const score = (block: Int32Array, out: Float32Array) => {
    const ub = new Float32Array(block.length * d);
    block.forEach((u, r) => ub.set(userVec(u), r * d));
    const m = tf.tidy(() => tf.matMul(tf.tensor2d(ub, [block.length, d]), itemT));
    out.set(m.dataSync() as Float32Array);
    m.dispose();
    for (let r = 0; r < block.length; r++) for (let i = 0; i < nI; i++) out[r * nI + i] += tie[i];
  };
  return { score, dispose: () => itemT.dispose() };
}

export function rankerTablesOf(t: ContextTables, shop: ShopData): RankerTables {
  return { ...t, itemCategory: shop.items.category };
}

/** Products that are new arrivals at `at` (launched less than `days` days before it). */
export function newArrivalMask(shop: ShopData, at: number, days: number): Uint8Array {
  return Uint8Array.from(shop.items.launch, (l) => (isNewArrival(l, at, days) ? 1 : 0));
}

/** A user with no event before the phase's cutoff: a new account, scored by the cold-user scorer. */
export const isNewUser = (phase: Phase, u: number) => phase.history.ptr[u + 1] === phase.history.ptr[u];

/**
 * How the ranker scores new users (coldUsers.ts): the weights, and each user's gnn dot products (the inductive
 * embedding of their demographics against every item row; undefined without metadata nodes). The dots depend
 * only on the demographics the model knows, so they are computed once per (age band, region, loyalty).
 */
export interface ColdScoring {
  weights: ColdUserWeights;
  gnn: (u: number) => Float32Array | undefined;
}

export function coldScoring(
  shop: ShopData,
  model: InductiveModel | undefined,
  weights: ColdUserWeights,
): ColdScoring {
  const cache = new Map<string, Float32Array | undefined>();
  const gnn = (u: number) => {
    if (!model?.meta) return undefined;
    const meta = userMeta(shop, u);
    const key = `${meta.ageBand}|${meta.region}|${meta.loyaltyTier}`;
    if (cache.has(key)) return cache.get(key);
    let dots: Float32Array | undefined;
    try {
      dots = userItemDots(inferUserEmbedding(model, meta), model.items, new Float32Array(shop.nItems));
    } catch (err) {
      if (!(err instanceof GraphrecError)) throw err; // nothing known: the segment decides
    }
    cache.set(key, dots);
    return dots;
  };
  return { weights, gnn };
}

/** Scores of the non-embedding baselines and of the ranker (given an embedding scorer). */
export function contextScorer(
  shop: ShopData,
  phase: Phase,
  kind: 'pop' | 'trend' | 'covisit' | 'ranker',
  weights: RankerWeights = defaultRankerWeights,
  gnn?: (block: Int32Array, out: Float32Array) => void,
  newArrivals: NewArrivals = newArrivalsOff,
  cold?: ColdScoring,
  placement?: Placement,
) {
  const nI = shop.nItems;
  const t = phase.tables;
  const tables = rankerTablesOf(t, shop);
  const norm = (a: Float32Array) => {
    let m = 0;
    for (const x of a) if (x > m) m = x;
    return Float32Array.from(a, (x) => x / (m || 1));
  };
  const pop = norm(t.popularity);
  const trend = norm(t.trending);
  const season = norm(seasonalScores(t, shop.items.category, phase.cutoff, new Float32Array(nI)));
  const scratch = { s: new Float32Array(nI), p: new Float32Array(nI) };
  const quota = kind === 'ranker' ? newArrivalQuota(newArrivals.slots, LIST_SIZE) : 0;
  const isNew = quota > 0 ? newArrivalMask(shop, phase.freshAt, newArrivals.days) : undefined;
  // Which new arrivals fill the quota: their metadata placement when the ranker has one.
  const newItems: number[] = [];
  if (isNew && placement) for (let i = 0; i < nI; i++) if (isNew[i]) newItems.push(i);
  const placed = placement ? placedItems(shop, placement.table) : undefined;
  const pick = placement ? new Float32Array(nI) : undefined;
  return (block: Int32Array, out: Float32Array) => {
    if (kind === 'ranker' && gnn) gnn(block, out);
    for (let r = 0; r < block.length; r++) {
      const o = out.subarray(r * nI, (r + 1) * nI);
      const u = block[r];
      if (kind === 'pop') o.set(pop);
      else if (kind === 'trend')
        for (let i = 0; i < nI; i++) o[i] = trend[i] + 0.5 * season[i] + 1e-3 * pop[i];
      else if (kind === 'covisit') {
        for (let i = 0; i < nI; i++) o[i] = 1e-3 * pop[i];
        addFromRecent(t.covisit, recentOf(phase, u), o);
      } else {
        if (cold && isNewUser(phase, u)) {
          const gnnDots = cold.weights.gnn !== 0 ? cold.gnn(u) : undefined;
          const req = { demographics: phase.demographics[u], gnn: gnnDots, at: phase.cutoff };
          coldUserScores(
            { ...tables, popularity: t.popularity },
            phase.segments,
            cold.weights,
            req,
            o,
            scratch.p,
          );
        } else {
          const g = Float32Array.from(o);
          rankScores(tables, weights, { gnn: g, recent: recentOf(phase, u), at: phase.cutoff }, o, scratch);
        }
        if (isNew) {
          // The quota counts in the list the user sees: what they already had is excluded first.
          for (let e = phase.history.ptr[u]; e < phase.history.ptr[u + 1]; e++)
            o[phase.history.idx[e]] = -Infinity;
          if (placement && pick && placed)
            placementPick(shop, phase, placement, u, newItems, pick, placed, newArrivals.days);
          reserveNewArrivals(o, isNew, quota, LIST_SIZE, pick);
        }
      }
    }
  };
}

/** The evaluation input of a phase (its users, truth, exclusions, segments) for a block scorer. */
export function evalInput(
  shop: ShopData,
  split: ShopSplit,
  phase: Phase,
  score: (block: Int32Array, out: Float32Array) => void,
): ShopEvalInput {
  return {
    nItems: shop.nItems,
    users: phase.users,
    truth: phase.truth,
    purchases: phase.purchases,
    exclude: phase.history,
    itemCategory: shop.items.category,
    itemPrice: shop.items.price,
    popularity: phase.tables.popularity,
    coldItems: phase.coldItems,
    segments: segmentsOf(shop, split),
    score,
  };
}

export function evalPhase(
  shop: ShopData,
  split: ShopSplit,
  phase: Phase,
  score: (block: Int32Array, out: Float32Array) => void,
  progress?: Progress,
): ShopEvalResult {
  progress?.setTotal(phase.users.length);
  const r = evaluateShop({
    ...evalInput(shop, split, phase, score),
    onBlock: (n) => progress?.update(n),
  });
  progress?.stop();
  return r;
}

export interface EmbeddingFit {
  model: InductiveModel;
  layout?: MetaLayout;
  curve: CurvePoint[];
  epochs: number;
  seconds: number;
  stoppedBy: string;
  options: TrainerOptions;
  /** The trainable table E0 at the kept point, graph row order (stored for later warm starts). */
  e0: Float32Array;
  /** The popularity exponent γ the item rows carry (0: pure cosines; popularityScale.ts), with what was tried. */
  popularity?: { gamma: number; tried: Array<{ gamma: number; ndcg: number }> };
}

/** Train mf / lightgcn / lightgcn-meta on the train window; early stopping on validation users. */
export async function fitEmbeddings(
  shop: ShopData,
  split: ShopSplit,
  kind: 'mf' | 'lightgcn' | 'lightgcn-meta',
  overrides: Partial<TrainerOptions>,
  // initial: warm start (training/warmStart.ts builds it over the graph's nodes: users, items, meta layout).
  deps: { logger: Logger; progress?: Progress; signal?: AbortSignal; initial?: InitialTable },
  version: string = kind,
): Promise<EmbeddingFit> {
  const base = kind === 'mf' ? 'mf' : 'lightgcn';
  const options: TrainerOptions = { ...defaultTrainerOptions(base), ...overrides, model: base };
  if (kind === 'mf') options.layers = 0;
  // The trainer's spectral start covers users and items only, so a graph with metadata nodes starts from normal.
  if (kind === 'lightgcn-meta') options.init = 'normal';
  const layout = kind === 'lightgcn-meta' ? metaLayoutOf(shop) : undefined;
  const graph = shopGraph(shop, split.fit, layout);
  const result = await trainEmbeddings({
    graph,
    fit: split.fit,
    valid: { truth: split.validation.truth, users: split.stopUsers },
    options,
    progress: deps.progress,
    signal: deps.signal,
    log: (msg, fields) => deps.logger.info(fields ?? {}, msg),
    initial: deps.initial,
  });
  const d = options.dims;
  const nU = shop.nUsers;
  const nI = shop.nItems;
  const emb = result.embeddings;
  for (let j = 0; j < emb.length; j++)
    if (!Number.isFinite(emb[j]))
      throw new GraphrecError(
        'INTERNAL',
        `training produced non-finite embeddings (row ${Math.floor(j / d)})`,
      );
  const users = emb.slice(0, nU * d);
  const items = emb.slice(nU * d, (nU + nI) * d);
  const meta = layout
    ? { layout, embeddings: emb.slice((nU + nI) * d, (nU + nI + metaCount(layout)) * d) }
    : undefined;
  const model = inductiveModelOf(version, d, {
    users,
    items,
    userIds: shop.userIds,
    itemIds: shop.itemIds,
    meta,
  });
  if (meta) {
    // Items without train events (launched late, or never seen) get their inductive embedding.
    const seen = new Uint8Array(nI);
    for (const i of split.fit.idx) seen[i] = 1;
    for (let i = 0; i < nI; i++) {
      if (seen[i]) continue;
      items.set(
        inferProductEmbedding(model, {
          categoryId: shop.categoryIds[shop.items.category[i]],
          brandId: shop.brandIds[shop.items.brand[i]],
          price: shop.items.price[i],
        }),
        i * d,
      );
    }
  }
  return {
    model,
    layout,
    curve: result.curve,
    epochs: result.epochs,
    seconds: result.seconds,
    stoppedBy: result.stoppedBy,
    options,
    e0: result.e0,
    ...(result.popularity ? { popularity: result.popularity } : {}),
  };
}

/**
 * Tune the ranker on the validation window (NDCG@20), given the embedding model: the signal weights first
 * (coordinate search), then the new-arrivals quota with those weights (tuneNewArrivals: the slot count with
 * the best cold-item recall among those within `newArrivalsBudget` of the best validation NDCG@20; default
 * DEFAULT_NEW_ARRIVALS_BUDGET, 0 = pure NDCG@20 tuning).
 */
export function tuneRankerWeights(
  shop: ShopData,
  split: ShopSplit,
  model: InductiveModel,
  logger: Logger,
  newArrivalsBudget = DEFAULT_NEW_ARRIVALS_BUDGET,
): {
  weights: RankerWeights;
  newArrivals: NewArrivals;
  value: number;
  tried: number;
  /** Validation NDCG@20 and cold-item recall@20 of every slot count. */
  newArrivalsSweep: Array<{ slots: number; ndcg: number; coldRecall: number }>;
  /** The new users' scorer (coldUsers.ts), tuned on validation's new users. */
  coldUsers: ColdUserWeights;
  /** Which new arrivals fill the quota (newArrivalPlacement.ts), tuned on validation's own new arrivals. */
  placement: PlacementWeights;
} {
  const phase = split.validation;
  const emb = embeddingScorer(shop, split, model, phase);
  try {
    const w = tuneRanker(
      (w) =>
        evalPhase(shop, split, phase, contextScorer(shop, phase, 'ranker', w, emb.score)).metrics['ndcg@20'],
      defaultRankerWeights,
      1,
      (w, v) => logger.info({ weights: w, ndcg20: v }, 'ranker candidate'),
    );
    const placed = tuneNewArrivalPlacement(shop, split, logger);
    const placement = { table: buildPlacementTable(shop, phase.tables.popularity), weights: placed.weights };
    const na = tuneNewArrivals(
      (na) => {
        const m = evalPhase(
          shop,
          split,
          phase,
          contextScorer(shop, phase, 'ranker', w.weights, emb.score, na, undefined, placement),
        ).metrics;
        return { ndcg: m['ndcg@20'], coldRecall: m['coldItemRecall@20'] };
      },
      newArrivalsBudget,
      NEW_ARRIVAL_DAYS,
      (na, v) =>
        logger.info(
          { newArrivals: na, ndcg20: v.ndcg, coldItemRecall20: v.coldRecall },
          'ranker new-arrivals candidate',
        ),
    );
    const cold = tuneColdUserWeights(shop, split, model, w.weights, na.newArrivals, logger, placement);
    return {
      weights: w.weights,
      newArrivals: na.newArrivals,
      value: na.value,
      tried: w.tried + NEW_ARRIVAL_SLOTS.length + cold.tried + placed.tried,
      newArrivalsSweep: na.sweep,
      coldUsers: cold.weights,
      placement: placed.weights,
    };
  } finally {
    emb.dispose();
  }
}

/** Validation users with held-out items and no event before the window (new accounts), at most `max`. */
export function newUsersOf(phase: Phase, max = 500, seed = 11): Int32Array {
  const us: number[] = [];
  for (let u = 0; u < phase.truth.nRows; u++)
    if (phase.truth.ptr[u + 1] > phase.truth.ptr[u] && isNewUser(phase, u)) us.push(u);
  return sample(us, max, seed);
}

/**
 * Tune the new users' scorer on validation: NDCG@20 of every validation user with no event before the window
 * (up to 500: the nightly budget), the ranker's weights and quota fixed. Without such users the defaults stay.
 */
export function tuneColdUserWeights(
  shop: ShopData,
  split: ShopSplit,
  model: InductiveModel | undefined,
  weights: RankerWeights,
  newArrivals: NewArrivals,
  logger: Logger,
  placement?: Placement,
): { weights: ColdUserWeights; value: number; tried: number; users: number } {
  const phase = split.validation;
  const users = newUsersOf(phase);
  if (users.length === 0) return { weights: defaultColdUserWeights, value: 0, tried: 0, users: 0 };
  const objective = (cw: ColdUserWeights) => {
    const score = contextScorer(
      shop,
      phase,
      'ranker',
      weights,
      undefined,
      newArrivals,
      { ...scoring, weights: cw },
      placement,
    );
    return evaluateShop({ ...evalInput(shop, split, phase, score), users }).metrics['ndcg@20'];
  };
  const scoring = coldScoring(shop, model, defaultColdUserWeights);
  const r = tuneColdUsers(objective, !!model?.meta, 1, (w, v) =>
    logger.debug({ coldUsers: w, ndcg20: v }, 'cold-user candidate'),
  );
  logger.info(
    { coldUsers: r.weights, ndcg20: r.value, users: users.length },
    'cold-user scorer tuned on validation',
  );
  return { ...r, users: users.length };
}

/** The served placement of a ranker (newArrivalPlacement.ts): its weights over its table. */
export interface Placement {
  table: PlacementTable;
  weights: PlacementWeights;
}

/** A shop item as placement sees it. */
export const placedItem = (shop: ShopData, t: PlacementTable, i: number) => ({
  path: categoryPath(t, shop.items.category[i]),
  brand: shop.items.brand[i],
  price: shop.items.price[i],
  launch: Number.isFinite(shop.items.launch[i]) ? shop.items.launch[i] : null,
});

/**
 * Pure: fill `pick` at the new arrivals `newItems` with their placement scores for user u of the phase (the
 * profile of the products they had before it).
 */
export function placementPick(
  shop: ShopData,
  phase: Phase,
  p: Placement,
  u: number,
  newItems: ArrayLike<number>,
  pick: Float32Array,
  placed: (i: number) => ReturnType<typeof placedItem>,
  days: number,
): void {
  const past = phase.history.idx.subarray(phase.history.ptr[u], phase.history.ptr[u + 1]);
  const prof = placementProfile(p.table, Array.from(past, placed));
  for (let k = 0; k < newItems.length; k++)
    pick[newItems[k]] = placementScore(p.table, p.weights, prof, placed(newItems[k]), {
      at: phase.freshAt,
      days,
    });
}

/** Memoised placedItem per item row. */
export function placedItems(shop: ShopData, t: PlacementTable) {
  const cache = new Map<number, ReturnType<typeof placedItem>>();
  return (i: number) => {
    let v = cache.get(i);
    if (!v) cache.set(i, (v = placedItem(shop, t, i)));
    return v;
  };
}

export const PLACEMENT_KS = [1, 2, 3, 5] as const;

/**
 * What placement alone can find on a phase: over its users whose held-out items include one of its cold items
 * (all of them, not the evaluation sample: the sample holds too few to tune on), the mean of cold-item recall
 * among the top K new arrivals by placement score, averaged over PLACEMENT_KS (the quota's sizes; one K alone
 * is too coarse a signal). The new arrivals are those of the quota at the phase's `freshAt`.
 */
export function placementRecall(
  shop: ShopData,
  phase: Phase,
  table: PlacementTable,
  maxUsers = 2000,
  days = NEW_ARRIVAL_DAYS,
): { users: number; newArrivals: number; objective: (w: PlacementWeights) => number } {
  const isNew = newArrivalMask(shop, phase.freshAt, days);
  const newItems: number[] = [];
  for (let i = 0; i < shop.nItems; i++) if (isNew[i]) newItems.push(i);
  const us: number[] = [];
  for (let u = 0; u < phase.truth.nRows; u++)
    for (let e = phase.truth.ptr[u]; e < phase.truth.ptr[u + 1]; e++)
      if (phase.coldItems[phase.truth.idx[e]]) {
        us.push(u);
        break;
      }
  const users = sample(us, maxUsers, 19);
  const placed = placedItems(shop, table);
  const pick = new Float32Array(shop.nItems);
  const kMax = PLACEMENT_KS[PLACEMENT_KS.length - 1];
  const top = new Int32Array(kMax);
  const heap = new Float32Array(kMax);
  const objective = (w: PlacementWeights) => {
    let sum = 0;
    for (const u of users) {
      pick.fill(-Infinity);
      placementPick(shop, phase, { table, weights: w }, u, newItems, pick, placed, days);
      for (let e = phase.history.ptr[u]; e < phase.history.ptr[u + 1]; e++)
        pick[phase.history.idx[e]] = -Infinity;
      const n = topK(pick, 0, shop.nItems, kMax, top, heap);
      const truth = new Set<number>();
      for (let e = phase.truth.ptr[u]; e < phase.truth.ptr[u + 1]; e++)
        if (phase.coldItems[phase.truth.idx[e]]) truth.add(phase.truth.idx[e]);
      let r = 0;
      for (const k of PLACEMENT_KS) {
        let hit = 0;
        for (let j = 0; j < Math.min(k, n); j++) hit += truth.has(top[j]) ? 1 : 0;
        r += hit / truth.size;
      }
      sum += r / PLACEMENT_KS.length;
    }
    return users.length > 0 ? sum / users.length : 0;
  };
  return { users: users.length, newArrivals: newItems.length, objective };
}

/** Tune the placement weights on validation's own new arrivals (placementRecall); the table from its tables. */
export function tuneNewArrivalPlacement(shop: ShopData, split: ShopSplit, logger: Logger) {
  const phase = split.validation;
  const table = buildPlacementTable(shop, phase.tables.popularity);
  const r = placementRecall(shop, phase, table);
  const tuned = tunePlacement(r.objective, (w, v) =>
    logger.debug({ placement: w, recall: v }, 'placement candidate'),
  );
  logger.info(
    { placement: tuned.weights, recall: tuned.value, users: r.users, newArrivals: r.newArrivals },
    'new-arrival placement tuned on validation',
  );
  return { ...tuned, users: r.users };
}
