// The final ranker: a weighted sum of per-request normalised signals,
//   score(i) = gnn(u, i) + session · S(i) + covisit · C(i) + trend · T(i) + season · P(i)
// gnn is the dot product of the (trained or inferred) unit user vector and the item row (a cosine times the
// item's popularity scale, lightgcn/popularityScale.ts); S are order-aware transitions
// from the session's recent items, C co-visitation item-kNN from them, T recency-decayed trending, P seasonal
// popularity of the item's category at the request's week. Each signal except gnn is scaled to max 1 per request.
// Weights are tuned on the validation window (tuneRanker: coordinate search over a small grid).
//
// New arrivals: products launched within `days` of the request have no events yet, so every history-based
// signal is 0 for them and a warm product always outranks them. `reserveNewArrivals` gives them a quota: of
// every LIST_SIZE slots, `slots` go to the best new arrivals by their metadata placement (newArrivalPlacement.ts;
// a version without one: by the same score, i.e. mostly their inductive embedding), placed at the bottom of the
// list, where they displace the warm items ranked last.
// The quota is tuned on validation after the weights (tuneNewArrivals): by default it may cost up to
// DEFAULT_NEW_ARRIVALS_BUDGET (2%) of validation NDCG@20, the price chosen for showing new arrivals at all.
import { topK } from './topk';
import { type ContextTables, type ItemGraph, addFromRecent, seasonalScores } from './tables';

export interface RankerWeights {
  gnn: number;
  session: number;
  covisit: number;
  trend: number;
  season: number;
}

export const RANKER_SIGNALS = ['session', 'covisit', 'trend', 'season'] as const;
export const defaultRankerWeights: RankerWeights = {
  gnn: 1,
  session: 0.2,
  covisit: 0.2,
  trend: 0.1,
  season: 0,
};

/** What serving needs besides the embeddings (the stored tables, decoded). */
export interface RankerTables {
  transitions: ItemGraph;
  covisit: ItemGraph;
  trending: Float32Array;
  seasonal: Float32Array;
  itemShare: Float32Array;
  itemCategory: Int32Array;
}

export interface RankRequest {
  /** gnn scores per item (scoreItems: dot products), or undefined for no embedding signal. */
  gnn?: Float32Array;
  /** Recent item rows of the session, most recent last. */
  recent: ArrayLike<number>;
  /** Request time (ms), for the seasonal week. */
  at: number;
}

function scaleMax(a: Float32Array): void {
  let m = 0;
  for (const x of a) if (x > m) m = x;
  if (m > 0) for (let i = 0; i < a.length; i++) a[i] /= m;
}

/** Pure: fill `out` with ranker scores for every item. `scratch` is reused between calls when given. */
export function rankScores(
  t: RankerTables,
  w: RankerWeights,
  req: RankRequest,
  out: Float32Array,
  scratch = { s: new Float32Array(out.length), p: new Float32Array(out.length) },
): Float32Array {
  const n = out.length;
  if (req.gnn && w.gnn !== 0) for (let i = 0; i < n; i++) out[i] = w.gnn * req.gnn[i];
  else out.fill(0);
  const add = (src: Float32Array, wt: number) => {
    if (wt === 0) return;
    scaleMax(src);
    for (let i = 0; i < n; i++) out[i] += wt * src[i];
  };
  if (req.recent.length > 0) {
    scratch.s.fill(0);
    addFromRecent(t.transitions, req.recent, scratch.s);
    add(scratch.s, w.session);
    scratch.s.fill(0);
    addFromRecent(t.covisit, req.recent, scratch.s);
    add(scratch.s, w.covisit);
  }
  if (w.trend !== 0) {
    scratch.p.set(t.trending);
    add(scratch.p, w.trend);
  }
  if (w.season !== 0) {
    seasonalScores(
      { seasonal: t.seasonal, itemShare: t.itemShare } as ContextTables,
      t.itemCategory,
      req.at,
      scratch.p,
    );
    add(scratch.p, w.season);
  }
  return out;
}

/** The new-arrivals quota, stored in ranker.json as `newArrivals` (missing: off). */
export interface NewArrivals {
  /** Slots of every LIST_SIZE reserved for new arrivals (0: off). */
  slots: number;
  /** A product is a new arrival while it is less than `days` days on sale at the request time. */
  days: number;
}
export const LIST_SIZE = 20;
export const NEW_ARRIVAL_DAYS = 28;
export const NEW_ARRIVAL_SLOTS = [0, 1, 2, 3, 4, 5] as const;
/**
 * The share of validation NDCG@20 the new-arrivals quota may cost unless told otherwise (`graphrec train
 * --new-arrivals-budget`, `bench shop-train`). A product decision: new arrivals have no history, so pure
 * NDCG@20 tuning never gives them a slot and cold-item recall stays 0; 2% buys a few of the 20 places.
 */
export const DEFAULT_NEW_ARRIVALS_BUDGET = 0.02;
export const newArrivalsOff: NewArrivals = { slots: 0, days: NEW_ARRIVAL_DAYS };
const DAY_MS = 86_400_000;

/** Launched at most `days` days before `at` (and not after it). NaN launch dates are never new. */
export const isNewArrival = (launch: number, at: number, days: number): boolean =>
  launch <= at && at - launch < days * DAY_MS;

/** The quota for a list of `first` items: `slots` per LIST_SIZE, rounded (so 20 items get exactly `slots`). */
export const newArrivalQuota = (slots: number, first: number): number =>
  Math.min(first, Math.round((slots * first) / LIST_SIZE));

/** Parse ranker.json's `newArrivals`; anything missing or malformed (an older model) means off. */
export function newArrivalsOf(ranker: unknown): NewArrivals {
  const na = (ranker as { newArrivals?: { slots?: unknown; days?: unknown } } | null)?.newArrivals;
  if (!na || typeof na.slots !== 'number' || typeof na.days !== 'number') return newArrivalsOff;
  if (!(na.slots >= 0) || !(na.days > 0)) return newArrivalsOff;
  return { slots: Math.floor(na.slots), days: na.days };
}

/**
 * Pure: rewrite `scores` (one user's row; -Infinity = excluded) so that its top `k` holds at least `quota`
 * items with `isNew[i]`: the best new items outside the natural top k by `pick` (default: the scores themselves;
 * the ranker passes its metadata placement, newArrivalPlacement.ts) replace the lowest-ranked old items of it
 * and go to its end, in that order. Excluded items (-Infinity scores) are never picked. The final top k get scores above every other item (their
 * order kept); the rest are untouched. Returns how many items were promoted.
 */
export function reserveNewArrivals(
  scores: Float32Array,
  isNew: Uint8Array,
  quota: number,
  k: number = LIST_SIZE,
  pick: Float32Array = scores,
): number {
  if (quota <= 0) return 0;
  const n = scores.length;
  const top = new Int32Array(k);
  const heap = new Float32Array(k);
  const nTop = topK(scores, 0, n, k, top, heap);
  let have = 0;
  for (let j = 0; j < nTop; j++) have += isNew[top[j]];
  const want = Math.min(quota, k) - have;
  if (want <= 0) return 0;
  // The best new items outside the natural top k.
  const inTop = new Set(top.subarray(0, nTop));
  const fresh = new Float32Array(n).fill(-Infinity);
  for (let i = 0; i < n; i++) if (isNew[i] && !inTop.has(i) && scores[i] > -Infinity) fresh[i] = pick[i];
  const add = new Int32Array(want);
  const nAdd = topK(fresh, 0, n, want, add, new Float32Array(want));
  if (nAdd === 0) return 0;
  // Drop the nAdd lowest-ranked old items of the top (there are enough when the list is full; a short list
  // just grows).
  const keep: number[] = [];
  let drop = Math.max(0, nTop + nAdd - k);
  for (let j = nTop - 1; j >= 0; j--) {
    if (drop > 0 && !isNew[top[j]]) drop--;
    else keep.push(top[j]);
  }
  keep.reverse();
  const list = [...keep, ...add.subarray(0, nAdd)];
  let hi = -Infinity;
  for (let i = 0; i < n; i++) if (scores[i] > hi) hi = scores[i];
  for (let p = 0; p < list.length; p++) scores[list[p]] = hi + (list.length - p);
  return nAdd;
}
