// `train --model auto`: every fast family tuned on the validation split within the time budget, then a blend of
// the best two, the winner chosen on validation NDCG@20, refitted on the whole of train when validation was
// carved out of it. Test is never looked at here: run.ts evaluates the returned scorer once.
//
// Budget shares: the item-item search is cheap per trial (one pass over user pairs), iALS costs seconds per fit,
// so iALS gets most of the time; the blend's weight search reuses both fitted models.
import type { Csr } from '../data/csr';
import type { Dataset } from '../data/dataset';
import { createRng } from '../data/rng';
import { tuningSplit, type TuningSplit } from '../data/tuningSplit';
import { dotBlockScorer, evaluate, type BlockScorer } from '../eval/evaluate';
import { popularityTables } from '../models/popularity';
import { blendScorer } from './blend';
import { defaultIalsOptions, trainIals, type IalsModel, type IalsOptions } from './ials';
import {
  defaultItemItemOptions,
  itemItemScorer,
  trainItemItem,
  type ItemItemModel,
  type ItemItemOptions,
} from './itemItem';
import { coordinateSearch, type Trial } from './search';

export type Family = 'popularity' | 'itemknn' | 'ials' | 'blend';

export interface FamilyReport {
  family: Family;
  params: Record<string, number>;
  /** Validation figures of the chosen configuration (on the tuning sample). */
  valid: { 'ndcg@20': number; 'recall@20': number };
  trials: number;
  seconds: number;
}

export interface AutoOptions {
  timeBudgetSeconds: number;
  seed: number;
  /** At most this many validation users score each trial (a seeded sample); the choice uses the same sample. */
  validUsers: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

export const defaultAutoOptions: Omit<AutoOptions, 'timeBudgetSeconds'> = { seed: 1, validUsers: 6000 };

export interface AutoModel {
  choice: Family;
  families: FamilyReport[];
  split: TuningSplit['source'];
  /** The final model's scorer, history = all of train; the caller disposes it. */
  scorer: BlockScorer;
  /** The fitted parts, for the model directory. */
  ials?: IalsModel;
  itemItem?: ItemItemModel;
  blendWeight?: number;
  tuneSeconds: number;
  refitSeconds: number;
}

const ITEM_ITEM_GRID: { [K in keyof ItemItemOptions]?: number[] } = {
  neighbours: [50, 100, 200, 400, 800],
  toExponent: [0, 0.25, 0.5, 0.75, 1],
  fromExponent: [0, 0.25, 0.5, 0.75, 1],
  userExponent: [0, 0.5, 1],
  shrink: [0, 2, 10, 50],
};

const IALS_GRID: { [K in keyof IalsOptions]?: number[] } = {
  unobservedWeight: [0.003, 0.01, 0.03, 0.1, 0.3, 1],
  reg: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1],
  regExponent: [0, 0.5, 1],
};
const IALS_SEARCH_DIMS = 64;
const IALS_SEARCH_ITERATIONS = 8;
const IALS_FINAL_DIMS = [128, 256];
const BLEND_WEIGHTS = [0.1, 0.2, 0.35, 0.5, 0.7, 1, 1.4, 2, 3, 5];

export function trainAuto(ds: Dataset, o: AutoOptions): AutoModel {
  const t0 = Date.now();
  const log = o.log ?? (() => undefined);
  const split = tuningSplit(ds);
  const users = sampleUsers(split.users, o.validUsers, o.seed);
  const deadline = (share: number) => Date.now() + share * (o.timeBudgetSeconds * 1000 - (Date.now() - t0));
  const valid = (s: BlockScorer) => {
    try {
      const r = evaluate(s, { exclude: split.fit, truth: split.valid, users, ks: [20] });
      return { 'ndcg@20': r.metrics['ndcg@20'], 'recall@20': r.metrics['recall@20'] };
    } finally {
      s.dispose?.();
    }
  };
  const families: FamilyReport[] = [];
  const report = (
    family: Family,
    best: Trial<object>,
    trials: number,
    seconds: number,
    m: FamilyReport['valid'],
  ) => {
    const r = { family, params: best.params as Record<string, number>, valid: m, trials, seconds };
    families.push(r);
    log('family tuned', { ...r });
    return r;
  };
  log('tuning split', { source: split.source, validUsers: split.users.length, sampled: users.length });

  // Popularity: the floor every family must clear.
  {
    const ts = Date.now();
    const m = valid(dotBlockScorer(popularityTables(split.fit), ds.nItems));
    report('popularity', { params: {}, score: m['ndcg@20'], seconds: 0 }, 1, (Date.now() - ts) / 1000, m);
  }

  // Item-item: coordinate search, each trial a fresh similarity.
  let ts = Date.now();
  const knnFigures = new Map<string, FamilyReport['valid']>();
  const knn = coordinateSearch<ItemItemOptions>(
    defaultItemItemOptions,
    ITEM_ITEM_GRID,
    (p) => {
      const m = valid(itemItemScorer(trainItemItem(split.fit, p, o.signal), split.fit));
      knnFigures.set(JSON.stringify(p), m);
      return m['ndcg@20'];
    },
    deadline(0.2),
  );
  report(
    'itemknn',
    knn.best,
    knn.trials.length,
    (Date.now() - ts) / 1000,
    knnFigures.get(JSON.stringify(knn.best.params))!,
  );

  // iALS: search at a small rank and few iterations, then the final rank on the best of the rest.
  ts = Date.now();
  const alsFigures = new Map<string, FamilyReport['valid']>();
  const alsModels = new Map<string, IalsModel>();
  const alsTrial = (p: IalsOptions) => {
    const model = trainIals(split.fit, p, { signal: o.signal });
    const m = valid(dotBlockScorer({ dims: p.dims, users: model.users, items: model.items }, ds.nItems));
    alsFigures.set(JSON.stringify(p), m);
    alsModels.clear();
    alsModels.set(JSON.stringify(p), model);
    return m['ndcg@20'];
  };
  const alsDeadline = deadline(0.75);
  const als = coordinateSearch<IalsOptions>(
    { ...defaultIalsOptions, dims: IALS_SEARCH_DIMS, iterations: IALS_SEARCH_ITERATIONS, seed: o.seed },
    IALS_GRID,
    alsTrial,
    alsDeadline - 0.35 * (alsDeadline - Date.now()),
  );
  let alsBest: Trial<IalsOptions> = als.best;
  let alsBestModel: IalsModel | undefined;
  for (const dims of IALS_FINAL_DIMS) {
    if (Date.now() >= alsDeadline) break;
    const p = { ...alsBest.params, dims, iterations: defaultIalsOptions.iterations };
    const tt = Date.now();
    const score = alsTrial(p);
    log('ials rank', { dims, 'ndcg@20': score, seconds: (Date.now() - tt) / 1000 });
    if (score > alsBest.score) {
      alsBest = { params: p, score, seconds: (Date.now() - tt) / 1000 };
      alsBestModel = alsModels.get(JSON.stringify(p));
    } else break;
  }
  if (!alsBestModel) {
    const p = alsBest.params;
    alsBestModel = alsModels.get(JSON.stringify(p)) ?? trainIals(split.fit, p, { signal: o.signal });
  }
  report(
    'ials',
    alsBest,
    als.trials.length,
    (Date.now() - ts) / 1000,
    alsFigures.get(JSON.stringify(alsBest.params))!,
  );

  // Blend of the two tuned models: one weight on the item-item part.
  ts = Date.now();
  const knnModel = trainItemItem(split.fit, knn.best.params, o.signal);
  const blendFigures = new Map<number, FamilyReport['valid']>();
  const blendOf = (m: IalsModel, k: ItemItemModel, history: Csr, w: number) =>
    blendScorer(
      [
        { scorer: dotBlockScorer({ dims: m.dims, users: m.users, items: m.items }, ds.nItems), weight: 1 },
        { scorer: itemItemScorer(k, history), weight: w },
      ],
      history,
    );
  const blend = coordinateSearch<{ weight: number }>(
    { weight: 1 },
    { weight: BLEND_WEIGHTS },
    (p) => {
      const m = valid(blendOf(alsBestModel!, knnModel, split.fit, p.weight));
      blendFigures.set(p.weight, m);
      return m['ndcg@20'];
    },
    Number.POSITIVE_INFINITY,
    1,
  );
  report(
    'blend',
    blend.best,
    blend.trials.length,
    (Date.now() - ts) / 1000,
    blendFigures.get(blend.best.params.weight)!,
  );

  const ranked = families
    .filter((f) => f.family !== 'popularity')
    .sort((a, b) => b.valid['ndcg@20'] - a.valid['ndcg@20']);
  const choice = ranked[0].family;
  const tuneSeconds = (Date.now() - t0) / 1000;
  log('choice', { choice, 'ndcg@20': ranked[0].valid['ndcg@20'], tuneSeconds });

  // The final model: refit on all of train when validation was carved out of it.
  const tr = Date.now();
  const refit = split.source === 'carved';
  const ials =
    choice === 'itemknn'
      ? undefined
      : refit
        ? trainIals(ds.train, alsBest.params, { signal: o.signal })
        : alsBestModel;
  const itemItem =
    choice === 'ials' ? undefined : refit ? trainItemItem(ds.train, knn.best.params, o.signal) : knnModel;
  const refitSeconds = (Date.now() - tr) / 1000;
  const scorer =
    choice === 'blend'
      ? blendOf(ials!, itemItem!, ds.train, blend.best.params.weight)
      : choice === 'ials'
        ? dotBlockScorer({ dims: ials!.dims, users: ials!.users, items: ials!.items }, ds.nItems)
        : itemItemScorer(itemItem!, ds.train);
  return {
    choice,
    families,
    split: split.source,
    scorer,
    ials,
    itemItem,
    blendWeight: choice === 'blend' ? blend.best.params.weight : undefined,
    tuneSeconds,
    refitSeconds,
  };
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
