// `train --model auto`: every fast family tuned on the validation split within the time budget, then a blend
// anchored on the best of them, the winner chosen on validation NDCG@20, refitted on the whole of train when
// validation was carved out of it. Test is never looked at here: the caller evaluates the returned scorer once.
//
// Budget shares: an item-item trial is one pass over user pairs, the low-pass filter one truncated SVD for all
// its ranks, an iALS trial seconds per fit; the blend's weight search reuses the fitted models. Then LightGCN is
// fine-tuned from the best factor family (fineTune.ts) for at most `fineTuneShare` of the time spent so far, and
// kept, alone or in the blend, only when validation NDCG@20 improves.
import type { Csr } from '../data/csr';
import type { Dataset } from '../data/dataset';
import { createRng } from '../../core';
import { tuningSplit, type TuningSplit } from '../data/tuningSplit';
import { dotBlockScorer, evaluate, type BlockScorer } from '../eval/evaluate';
import { popularityTables } from '../models/popularity';
import { blendRows, blendRowsBytes, blendScorer, keptBlendScorer } from './blend';
import { defaultIalsOptions, trainIals, type IalsModel, type IalsOptions } from './ials';
import {
  coCounts,
  defaultItemItemOptions,
  itemItemScorer,
  trainItemItem,
  type CoCounts,
  type ItemItemModel,
  type ItemItemOptions,
} from './itemItem';
import { maxNeighbours, maxSvdRank, TABLE_BYTES } from './memory';
import { lowPassBasis, lowPassTables, type LowPassBasis } from './lowPass';
import { coordinateSearch } from './search';
import { fineTuneLightgcn, lightgcnTables, type FineTuneReport, type LightgcnTables } from './fineTune';

export type Family = 'popularity' | 'itemknn' | 'lowpass' | 'ials' | 'blend' | 'lightgcn';
type Component = 'itemknn' | 'lowpass' | 'ials' | 'lightgcn';
const COMPONENTS: readonly Component[] = ['ials', 'itemknn', 'lowpass', 'lightgcn'];

export interface FamilyReport {
  family: Family;
  params: Record<string, number>;
  /** Validation figures of the chosen configuration (on the tuning sample). */
  valid: { 'ndcg@20': number; 'recall@20': number };
  trials: number;
  seconds: number;
  /** LightGCN only: its start, epochs and steps, why it was skipped, and whether it was adopted. */
  fineTune?: FineTuneReport & { adopted: 'alone' | 'blend' | 'no'; bestBeforeNdcg: number };
}

export interface AutoOptions {
  timeBudgetSeconds: number;
  seed: number;
  /** At most this many validation users score each trial (a seeded sample); the choice uses the same sample. */
  validUsers: number;
  /**
   * The LightGCN fine-tune may take at most this share of the time the families took (0 skips it): it bounds
   * auto's whole time to (1 + share) x the families', whatever `timeBudgetSeconds` leaves.
   */
  fineTuneShare: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

export const defaultAutoOptions: Omit<AutoOptions, 'timeBudgetSeconds'> = {
  seed: 1,
  validUsers: 6000,
  fineTuneShare: 1 / 3,
};

/** The fitted models the final scorer is made of, with their blend weights (1 for a single family). */
export interface AutoParts {
  ials?: IalsModel;
  itemItem?: ItemItemModel;
  lowPass?: { basis: LowPassBasis; rank: number };
  lightgcn?: LightgcnTables;
  weights: Partial<Record<Component, number>>;
}

export interface AutoModel {
  choice: Family;
  families: FamilyReport[];
  split: TuningSplit['source'];
  parts: AutoParts;
  /** The final model's scorer, history = all of train; the caller disposes it. */
  scorer: BlockScorer;
  tuneSeconds: number;
  refitSeconds: number;
}

const ITEM_ITEM_GRID: { [K in keyof ItemItemOptions]?: number[] } = {
  neighbours: [10, 25, 50, 100, 200, 400, 800, 1600],
  toExponent: [-0.25, 0, 0.25, 0.5, 0.75, 1],
  fromExponent: [0, 0.25, 0.5, 0.75, 1],
  userExponent: [0, 0.5, 1],
  shrink: [0, 2, 10, 50],
};
const IALS_GRID: { [K in keyof IalsOptions]?: number[] } = {
  unobservedWeight: [0.003, 0.01, 0.03, 0.1, 0.3],
  reg: [0.001, 0.003, 0.01, 0.03, 0.1],
};
const IALS_SEARCH = { dims: 64, iterations: 6 };
const IALS_FINAL_DIMS = [128, 256];
/** How far ahead of iALS's small search another family may be for the wider fits to still be tried. */
const WIDENING_GAIN = 1.25;
const LOW_PASS_RANKS = [32, 64, 128, 256, 512];
/** The randomized SVD's extra columns (its default): part of the width its cost grows with. */
const SVD_OVERSAMPLE = 32;
const BLEND_WEIGHTS = [0, 0.1, 0.25, 0.5, 1, 2];
const LIGHTGCN_WEIGHTS = BLEND_WEIGHTS.filter((w) => w > 0);

/** One fitted part's own scorer for users with history `history`. */
function componentScorer(p: AutoParts, c: Component, history: Csr, nItems: number): BlockScorer | undefined {
  if (c === 'ials') return p.ials && dotBlockScorer({ ...p.ials }, nItems);
  if (c === 'itemknn') return p.itemItem && itemItemScorer(p.itemItem, history);
  if (c === 'lightgcn') return p.lightgcn && dotBlockScorer({ ...p.lightgcn }, nItems);
  return p.lowPass && dotBlockScorer(lowPassTables(p.lowPass.basis, history, p.lowPass.rank), nItems);
}

/** Scorer of the given parts for users with history `history` (a blend when several have weight). */
export function partsScorer(p: AutoParts, history: Csr, nItems: number): BlockScorer {
  const scorers: Array<{ scorer: BlockScorer; weight: number }> = [];
  for (const c of COMPONENTS) {
    const weight = p.weights[c];
    const scorer = weight ? componentScorer(p, c, history, nItems) : undefined;
    if (scorer && weight) scorers.push({ scorer, weight });
  }
  return scorers.length === 1 ? scorers[0].scorer : blendScorer(scorers, history);
}

export async function trainAuto(ds: Dataset, o: AutoOptions): Promise<AutoModel> {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const split = tuningSplit(ds);
  const users = sampleUsers(split.users, o.validUsers, o.seed);
  const budgetMs = o.timeBudgetSeconds * 1000;
  /** A deadline at `share` of the whole budget from the start (Infinity when there is no budget). */
  const until = (share: number) => t0 + share * budgetMs;
  const figures = new Map<string, FamilyReport['valid']>();
  let evalSeconds = 0; // the slowest validation so far: what pricing the fine-tune's rounds needs
  const valid = (key: string, s: BlockScorer) => {
    try {
      const r = evaluate(s, { exclude: split.fit, truth: split.valid, users, ks: [20] });
      const m = { 'ndcg@20': r.metrics['ndcg@20'], 'recall@20': r.metrics['recall@20'] };
      evalSeconds = Math.max(evalSeconds, r.seconds);
      figures.set(key, m);
      log('trial', { trial: key, ...m, seconds: r.seconds });
      return m['ndcg@20'];
    } finally {
      s.dispose?.();
    }
  };
  const families: FamilyReport[] = [];
  const report = (
    family: Family,
    params: object,
    trials: number,
    since: number,
    key = `${family}:${JSON.stringify(params)}`,
  ) => {
    const m = figures.get(key)!;
    const r = {
      family,
      params: params as Record<string, number>,
      valid: m,
      trials,
      seconds: (Date.now() - since) / 1000,
    };
    families.push(r);
    log('family tuned', { ...r });
  };
  log('tuning split', { source: split.source, validUsers: split.users.length, sampled: users.length });

  // Popularity: the floor every family must clear.
  let ts = Date.now();
  valid('popularity:{}', dotBlockScorer(popularityTables(split.fit), ds.nItems));
  report('popularity', {}, 1, ts);

  // Item-item: coordinate search, each trial a fresh similarity from kept co-occurrence counts when they fit
  // (false once they did not: no second try).
  ts = Date.now();
  let coKept: CoCounts | false | undefined;
  const knn = coordinateSearch<ItemItemOptions>(
    {
      ...defaultItemItemOptions,
      neighbours: Math.min(defaultItemItemOptions.neighbours, maxNeighbours(ds.nItems)),
    },
    {
      ...ITEM_ITEM_GRID,
      neighbours: ITEM_ITEM_GRID.neighbours!.filter((n) => n <= maxNeighbours(ds.nItems)),
    },
    (p) => {
      // The walk varies one option at a time: the counts of the current userExponent serve every other move.
      if (coKept !== false && coKept?.userExponent !== p.userExponent)
        coKept = coCounts(split.fit, p.userExponent, TABLE_BYTES / 2, o.signal) ?? false;
      const model = trainItemItem(split.fit, p, o.signal, coKept || undefined);
      return valid(`itemknn:${JSON.stringify(p)}`, itemItemScorer(model, split.fit));
    },
    { deadline: until(0.25), maxPasses: 2, mode: 'walk' },
  );
  const knnModel = trainItemItem(split.fit, knn.best.params, o.signal, coKept || undefined);
  coKept = undefined;
  report('itemknn', knn.best.params, knn.trials.length, ts);

  // Low-pass filter: one SVD at the widest rank that fits, every lower rank by truncation; when validation still
  // prefers the widest, one SVD at twice that rank, if it fits the family's share of the budget.
  ts = Date.now();
  const rankCap = Math.max(
    8,
    Math.min(Math.floor(Math.min(ds.nItems, ds.nUsers) / 4), maxSvdRank(ds.nUsers, ds.nItems)),
  );
  const lpRank = (p: { rank: number }) =>
    valid(`lowpass:${JSON.stringify(p)}`, dotBlockScorer(lowPassTables(basis, split.fit, p.rank), ds.nItems));
  const ranks = LOW_PASS_RANKS.filter((r) => r <= rankCap);
  if (ranks.length === 0) ranks.push(rankCap);
  let basis = Number.isFinite(budgetMs)
    ? widestAffordableBasis(split.fit, ranks, o.seed, until(0.35))
    : lowPassBasis(split.fit, ranks[ranks.length - 1], o.seed);
  let lp = coordinateSearch<{ rank: number }>(
    { rank: LOW_PASS_RANKS[0] },
    { rank: LOW_PASS_RANKS.filter((r) => r <= basis.rank) },
    lpRank,
    { deadline: Infinity, maxPasses: 1 },
  );
  const svdSeconds = (Date.now() - ts) / 1000;
  if (
    lp.best.params.rank === basis.rank &&
    2 * basis.rank <= rankCap &&
    Date.now() + 6 * svdSeconds * 1000 < until(0.35)
  ) {
    const wider = lowPassBasis(split.fit, 2 * basis.rank, o.seed);
    const before = basis;
    basis = wider;
    const score = lpRank({ rank: wider.rank });
    if (score > lp.best.score) lp = { ...lp, best: { params: { rank: wider.rank }, score, seconds: 0 } };
    else basis = before;
  }
  report('lowpass', lp.best.params, lp.trials.length, ts);

  // iALS: search at a small rank and few iterations, then larger ranks on the best of the rest.
  ts = Date.now();
  let lastAls: { key: string; model: IalsModel } | undefined;
  const alsTrial = (p: IalsOptions) => {
    const model = trainIals(split.fit, p, { signal: o.signal });
    const key = `ials:${JSON.stringify(p)}`;
    lastAls = { key, model };
    return valid(key, dotBlockScorer({ ...model }, ds.nItems));
  };
  const als = coordinateSearch<IalsOptions>(
    { ...defaultIalsOptions, ...IALS_SEARCH, seed: o.seed },
    IALS_GRID,
    alsTrial,
    { deadline: until(0.6), mode: 'walk' },
  );
  let alsBest = als.best;
  let alsModel = lastAls?.key === `ials:${JSON.stringify(alsBest.params)}` ? lastAls.model : undefined;
  // Wider fits gain iALS a tenth or two on validation; when it trails the best family by more than that, the
  // time goes to the blend instead.
  const leader = Math.max(...families.map((f) => f.valid['ndcg@20']));
  const worthWidening = alsBest.score * WIDENING_GAIN >= leader;
  for (const dims of worthWidening ? IALS_FINAL_DIMS : []) {
    const p = { ...alsBest.params, dims, iterations: defaultIalsOptions.iterations };
    // A fit costs about dims x iterations times the search's (its dense k x k products grow faster: be wary).
    const predictedMs =
      1.5 *
      1000 *
      alsBest.seconds *
      (dims / alsBest.params.dims) *
      (p.iterations / alsBest.params.iterations);
    if (Date.now() + predictedMs >= until(0.75)) break;
    const tt = Date.now();
    const score = alsTrial(p);
    if (!(score > alsBest.score)) break;
    alsBest = { params: p, score, seconds: (Date.now() - tt) / 1000 };
    alsModel = lastAls!.model;
  }
  alsModel ??= trainIals(split.fit, alsBest.params, { signal: o.signal });
  report('ials', alsBest.params, als.trials.length, ts);

  // Blend: the best family at weight 1, the others' weights searched (0 drops a part).
  ts = Date.now();
  const single = families.filter((f) => f.family !== 'popularity');
  const anchor = single.reduce((a, b) => (b.valid['ndcg@20'] > a.valid['ndcg@20'] ? b : a))
    .family as Component;
  const fitted: AutoParts = {
    ials: alsModel,
    itemItem: knnModel,
    lowPass: { basis, rank: lp.best.params.rank },
    weights: {},
  };
  // The stronger of the other two is weighed first: if time runs out, the likelier gain was tried.
  const others = single
    .filter((f) => f.family !== anchor)
    .sort((a, b) => b.valid['ndcg@20'] - a.valid['ndcg@20'])
    .map((f) => f.family as Component);
  // The weight search scores the same users every trial: keep each part's normalised rows when they fit.
  const order: Component[] = [anchor, ...others];
  const kept =
    blendRowsBytes(order.length, users.length, ds.nItems) <= TABLE_BYTES
      ? blendRows(
          order.map((c) => componentScorer(fitted, c, split.fit, ds.nItems)!),
          users,
          split.fit,
        )
      : undefined;
  const blend = coordinateSearch<Record<string, number>>(
    { [others[0]]: 0, [others[1]]: 0 },
    { [others[0]]: BLEND_WEIGHTS, [others[1]]: BLEND_WEIGHTS },
    (w) =>
      valid(
        `blend:${JSON.stringify(w)}`,
        kept
          ? keptBlendScorer(kept, [1, w[others[0]], w[others[1]]])
          : partsScorer({ ...fitted, weights: { ...w, [anchor]: 1 } }, split.fit, ds.nItems),
      ),
    { deadline: Math.max(until(0.95), Date.now() + 1), maxPasses: 1 },
  );
  const blendWeights = { ...blend.best.params, [anchor]: 1 } as AutoParts['weights'];
  report('blend', blendWeights, blend.trials.length, ts, `blend:${JSON.stringify(blend.best.params)}`);

  const best = families
    .filter((f) => f.family !== 'popularity')
    .reduce((a, b) => (b.valid['ndcg@20'] > a.valid['ndcg@20'] ? b : a));
  let choice = best.family;
  let weights: AutoParts['weights'] = choice === 'blend' ? blendWeights : { [choice as Component]: 1 };
  let bestNdcg = best.valid['ndcg@20'];

  // LightGCN from the best factor family's start, adopted only if validation improves.
  ts = Date.now();
  const spent = ts - t0;
  const deadline = Math.min(until(0.95), ts + o.fineTuneShare * spent);
  const ft =
    o.fineTuneShare > 0
      ? await fineTuneLightgcn({
          fit: split.fit,
          valid: split.valid,
          users,
          starts: {
            lowpass: { basis, rank: lp.best.params.rank, ndcg: lp.best.score },
            ials: { model: alsModel, ndcg: alsBest.score },
          },
          deadline,
          evalSeconds,
          seed: o.seed,
          log,
          signal: o.signal,
        })
      : undefined;
  let lgModel: Awaited<ReturnType<typeof fineTuneLightgcn>>['model'];
  if (ft) {
    lgModel = ft.model;
    let adopted: 'alone' | 'blend' | 'no' = 'no';
    let lgWeight = 0;
    let sweep = 0;
    if (lgModel) {
      fitted.lightgcn = lgModel.tables;
      figures.set('lightgcn', lgModel.valid);
      // The current choice at its weights plus LightGCN at each weight, on the kept rows when they fit.
      const lgRows =
        kept && blendRowsBytes(order.length + 1, users.length, ds.nItems) <= TABLE_BYTES
          ? blendRows([componentScorer(fitted, 'lightgcn', split.fit, ds.nItems)!], users, split.fit).rows[0]
          : undefined;
      const blended: Array<{ weight: number; ndcg: number }> = [];
      for (const w of LIGHTGCN_WEIGHTS) {
        const key = `blend+lightgcn:${w}`;
        const ndcg = valid(
          key,
          kept && lgRows
            ? keptBlendScorer({ ...kept, rows: [...kept.rows, lgRows] }, [
                ...order.map((c) => weights[c] ?? 0),
                w,
              ])
            : partsScorer({ ...fitted, weights: { ...weights, lightgcn: w } }, split.fit, ds.nItems),
        );
        sweep++;
        blended.push({ weight: w, ndcg });
      }
      const verdict = adoptLightgcn(bestNdcg, lgModel.valid['ndcg@20'], blended);
      adopted = verdict.adopted;
      lgWeight = verdict.weight;
      if (verdict.adopted === 'alone') {
        choice = 'lightgcn';
        weights = { lightgcn: 1 };
        bestNdcg = verdict.ndcg;
      } else if (verdict.adopted === 'blend') {
        choice = 'blend';
        weights = { ...weights, lightgcn: verdict.weight };
        bestNdcg = verdict.ndcg;
        // The blend's row is the final blend: the families' weights and LightGCN's.
        const i = families.findIndex((f) => f.family === 'blend');
        families[i] = {
          family: 'blend',
          params: weights as Record<string, number>,
          valid: figures.get(`blend+lightgcn:${lgWeight}`)!,
          trials: families[i].trials + sweep,
          seconds: families[i].seconds + (Date.now() - ts) / 1000 - ft.report.seconds,
        };
      }
    }
    const r: FamilyReport = {
      family: 'lightgcn',
      params: lgModel ? { dims: lgModel.tables.dims, blendWeight: lgWeight } : {},
      valid: lgModel?.valid ?? { 'ndcg@20': 0, 'recall@20': 0 },
      trials: sweep + (lgModel ? 1 : 0),
      seconds: (Date.now() - ts) / 1000,
      fineTune: { ...ft.report, adopted, bestBeforeNdcg: best.valid['ndcg@20'] },
    };
    families.push(r);
    log('family tuned', { ...r });
  }
  const tuneSeconds = (Date.now() - t0) / 1000;
  log('choice', { choice, weights, 'ndcg@20': bestNdcg, tuneSeconds });

  // The final model: the parts with weight, refitted on all of train when validation was carved out of it.
  const tr = Date.now();
  const refit = split.source === 'carved';
  const final: AutoParts = { weights };
  if (weights.ials) final.ials = refit ? trainIals(ds.train, alsBest.params, { signal: o.signal }) : alsModel;
  if (weights.itemknn)
    final.itemItem = refit ? trainItemItem(ds.train, knn.best.params, o.signal) : fitted.itemItem;
  if (weights.lowpass)
    final.lowPass = {
      basis: refit ? lowPassBasis(ds.train, basis.rank, o.seed) : basis,
      rank: lp.best.params.rank,
    };
  // LightGCN's E0 stays; its tables are the layer mean over all of train, the graph it will score on.
  if (weights.lightgcn && lgModel)
    final.lightgcn = refit
      ? lightgcnTables(lgModel.e0, ds.train, lgModel.tables.dims, lgModel.layers, lgModel.itemDegreeExponent)
      : lgModel.tables;
  const refitSeconds = (Date.now() - tr) / 1000;
  return {
    choice,
    families,
    split: split.source,
    parts: final,
    scorer: partsScorer(final, ds.train, ds.nItems),
    tuneSeconds,
    refitSeconds,
  };
}

/**
 * Whether LightGCN is kept: alone when it beats the choice so far and every blend with it, in the blend at the
 * weight that scored best when that beats the choice so far, else not at all. Strictly better only: a tie keeps
 * the families, which are cheaper to refit and serve.
 */
export function adoptLightgcn(
  bestNdcg: number,
  alone: number,
  blended: Array<{ weight: number; ndcg: number }>,
): { adopted: 'alone' | 'blend' | 'no'; weight: number; ndcg: number } {
  const top = blended.reduce<{ weight: number; ndcg: number } | undefined>(
    (a, b) => (!a || b.ndcg > a.ndcg ? b : a),
    undefined,
  );
  if (alone > bestNdcg && (!top || alone >= top.ndcg)) return { adopted: 'alone', weight: 1, ndcg: alone };
  if (top && top.ndcg > bestNdcg) return { adopted: 'blend', weight: top.weight, ndcg: top.ndcg };
  return { adopted: 'no', weight: 0, ndcg: bestNdcg };
}

/**
 * The widest of `ranks` (ascending) whose SVD is predicted to take less than `msLeft`, given that one at
 * ranks[0] took `probeMs`. The randomized SVD's cost grows with the square of its width (rank + oversample: the QR
 * of its [rows, width] panels); the margin leaves room for the rank trials that follow.
 */
export function widestAffordableRank(ranks: number[], probeMs: number, msLeft: number): number {
  const width = (r: number) => r + SVD_OVERSAMPLE;
  return ranks.filter((r) => 1.5 * probeMs * (width(r) / width(ranks[0])) ** 2 < msLeft).pop() ?? ranks[0];
}

/** The low-pass basis at the widest affordable rank: one SVD at the smallest times the machine on this data. */
function widestAffordableBasis(fit: Csr, ranks: number[], seed: number, deadline: number): LowPassBasis {
  const t = Date.now();
  const probe = lowPassBasis(fit, ranks[0], seed);
  const rank = widestAffordableRank(ranks, Math.max(1, Date.now() - t), deadline - Date.now());
  return rank === ranks[0] ? probe : lowPassBasis(fit, rank, seed);
}

function sampleUsers(users: Int32Array, max: number, seed: number): Int32Array {
  if (users.length <= max) return users;
  const rng = createRng(seed);
  const a = Int32Array.from(users);
  for (let i = 0; i < max; i++) {
    const j = i + rng.int(a.length - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, max).sort();
}
