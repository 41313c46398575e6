// The trained ranker online (model/ranker/ranker.ts `rankScores`), computed sparsely for a request's
// candidates instead of for every item:
//   score(i) = w.gnn·gnn(i) + w.session·S(i) + w.covisit·C(i) + w.trend·T(i) + w.season·P(i)
// gnn is the unit query vector's dot product with the item row (queryDot) plus the offline evaluation's tie-breaker
// (1e-3 x popularity / max popularity, training/context/shopTrain.ts `embeddingScorer`); S and C come from the
// request's recent items through the stored transition and co-visitation graphs (0.7^age, `addFromRecent`);
// T is trending, P the seasonal popularity of the item's category at the request's week. Each of S, C, T, P is
// scaled to max 1 over all items, as offline: T's and P's maxima are per-model constants (P's one per week of
// year) computed when the model loads, and S's and C's maxima are the maxima over the entries the recent items
// touch (every other item is 0 there), so a request does O(recent x 50 + candidates) work.
// Pure: the tables are passed in; loading them is api/model/activeModel.ts's job.
import { corrupt } from '../../core';
import {
  placementOf,
  type readContextFiles,
  type PlacementTable,
  type PlacementWeights,
  type RankerWeights,
  WEEKS,
  weekOfYear,
  type ItemGraph,
} from '../../model';

export type ContextFiles = NonNullable<ReturnType<typeof readContextFiles>>;

/** A model's trained ranker, decoded and checked, with its per-model constants. */
export interface TrainedRanker {
  weights: RankerWeights;
  /** Which new arrivals fill the quota (ranker.json `newArrivalPlacement`); absent in versions made before it. */
  placement?: { table: PlacementTable; weights: PlacementWeights };
  /** How many recent items a request uses (ranker.json `recentItems`: what the weights were tuned with). */
  recentItems: number;
  nItems: number;
  transitions: ItemGraph;
  covisit: ItemGraph;
  /** Bought together (copurchase.bin), for the co-purchase candidates; absent in versions made before it. */
  copurchase?: ItemGraph;
  trending: Float32Array;
  itemShare: Float32Array;
  itemCategory: Int32Array;
  /** [nCategories x WEEKS] seasonal counts. */
  seasonal: Float32Array;
  popularity: Float32Array;
  trendMax: number;
  popularityMax: number;
  /** Per week of year: the maximum over every item of the seasonal signal at that week. */
  seasonMax: Float32Array;
}

const WEIGHT_KEYS = ['gnn', 'session', 'covisit', 'trend', 'season'] as const;
const DEFAULT_RECENT = 5;
export const MAX_RECENT = 10;

function maxOf(a: Float32Array): number {
  let m = 0;
  for (const x of a) if (x > m) m = x;
  return m;
}

/** The 3-week category weight of `seasonalScores` (weeks w-1..w+1), in float32 as offline. */
function categoryWeek(seasonal: Float32Array, c: number, w: number): number {
  let s = 0;
  for (const dw of [-1, 0, 1]) s = Math.fround(s + seasonal[c * WEEKS + ((w + dw + WEEKS) % WEEKS)]);
  return s;
}

function checkGraph(g: ItemGraph, nItems: number, name: string): void {
  if (g.nRows !== nItems)
    throw corrupt(`${name} has ${g.nRows} rows, the model has ${nItems} items`, { file: name });
  const nnz = g.ptr[g.nRows];
  for (let r = 0; r < g.nRows; r++)
    if (g.ptr[r] > g.ptr[r + 1]) throw corrupt(`${name} row pointers are not monotone`, { file: name });
  for (let k = 0; k < nnz; k++)
    if (!(g.idx[k] >= 0 && g.idx[k] < nItems))
      throw corrupt(`${name} has an item index out of range`, { file: name });
}

/**
 * The trained ranker of a model dir's context files, or undefined when the version has none (ranker.json
 * without `weights`, as trend and covisit versions store). Tables that do not fit the model's `nItems` item
 * rows are CORRUPT.
 */
export function trainedRankerOf(files: ContextFiles, nItems: number): TrainedRanker | undefined {
  const json = (files.ranker ?? {}) as { weights?: unknown; recentItems?: unknown };
  const w = json.weights as Record<string, unknown> | null | undefined;
  if (w === null || w === undefined) return undefined;
  if (typeof w !== 'object' || !WEIGHT_KEYS.every((k) => typeof w[k] === 'number' && Number.isFinite(w[k])))
    throw corrupt('ranker.json weights must hold finite numbers gnn, session, covisit, trend, season', {
      file: 'ranker.json',
    });
  const weights = Object.fromEntries(WEIGHT_KEYS.map((k) => [k, w[k] as number])) as unknown as RankerWeights;
  const recentItems =
    typeof json.recentItems === 'number' && json.recentItems >= 1
      ? Math.min(MAX_RECENT, Math.floor(json.recentItems))
      : DEFAULT_RECENT;
  checkGraph(files.transitions, nItems, 'transitions.bin');
  checkGraph(files.covisit, nItems, 'covisit.bin');
  if (files.copurchase) checkGraph(files.copurchase, nItems, 'copurchase.bin');
  if (files.trending.length !== nItems)
    throw corrupt(`seasonal.bin has ${files.trending.length} items, the model has ${nItems}`, {
      file: 'seasonal.bin',
    });
  const nCat = files.seasonal.length / WEEKS;
  // The largest item share per category, so that the seasonal maximum per week costs nCategories, not nItems.
  const maxShare = new Float32Array(nCat);
  for (let i = 0; i < nItems; i++) {
    const c = files.itemCategory[i];
    if (!(c >= 0 && c < nCat))
      throw corrupt('seasonal.bin has a category out of range', { file: 'seasonal.bin' });
    if (files.itemShare[i] > maxShare[c]) maxShare[c] = files.itemShare[i];
  }
  const seasonMax = new Float32Array(WEEKS);
  for (let wk = 0; wk < WEEKS; wk++) {
    let m = 0;
    for (let c = 0; c < nCat; c++) {
      const v = Math.fround(categoryWeek(files.seasonal, c, wk) * maxShare[c]);
      if (v > m) m = v;
    }
    seasonMax[wk] = m;
  }
  return {
    weights,
    placement: placementOf(files.ranker),
    recentItems,
    nItems,
    transitions: files.transitions,
    covisit: files.covisit,
    copurchase: files.copurchase,
    trending: files.trending,
    itemShare: files.itemShare,
    itemCategory: files.itemCategory,
    seasonal: files.seasonal,
    popularity: files.popularity,
    trendMax: maxOf(files.trending),
    popularityMax: maxOf(files.popularity),
    seasonMax,
  };
}

/** What a request contributes: its recent-item signals (touched entries only) and its week. */
export interface RankerRequest {
  session: Map<number, number>;
  covisit: Map<number, number>;
  sessionMax: number;
  covisitMax: number;
  week: number;
  categoryWeek: Map<number, number>;
}

/** `addFromRecent` into a sparse map (float32 sums, as offline); returns the map and its maximum. */
function fromRecent(g: ItemGraph, recent: ArrayLike<number>): [Map<number, number>, number] {
  const out = new Map<number, number>();
  const n = recent.length;
  for (let r = 0; r < n; r++) {
    const i = recent[n - 1 - r];
    if (!(i >= 0 && i < g.nRows)) continue;
    const w = 0.7 ** r;
    for (let k = g.ptr[i]; k < g.ptr[i + 1]; k++) {
      const j = g.idx[k];
      out.set(j, Math.fround((out.get(j) ?? 0) + Math.fround(w * g.val[k])));
    }
  }
  let m = 0;
  for (const v of out.values()) if (v > m) m = v;
  return [out, m];
}

/** Prepare a request: `recent` are item rows, most recent last; `at` the request time (ms). */
export function rankerRequest(t: TrainedRanker, recent: ArrayLike<number>, at: number): RankerRequest {
  const [session, sessionMax] = t.weights.session !== 0 ? fromRecent(t.transitions, recent) : [new Map(), 0];
  const [covisit, covisitMax] = t.weights.covisit !== 0 ? fromRecent(t.covisit, recent) : [new Map(), 0];
  return { session, covisit, sessionMax, covisitMax, week: weekOfYear(at), categoryWeek: new Map() };
}

/** The offline gnn input for an item row: the query's dot product (queryDot) plus the popularity tie-breaker. */
export function gnnOf(t: TrainedRanker, row: number | undefined, dot: number): number {
  const tie = row !== undefined && t.popularityMax > 0 ? (1e-3 * t.popularity[row]) / t.popularityMax : 0;
  return dot + tie;
}

/**
 * The trained score of one candidate: `row` is its item row (undefined for a product newer than the model,
 * which has only the gnn term), `gnn` its gnnOf value (0 without a query vector or an embedding).
 */
export function trainedScore(
  t: TrainedRanker,
  req: RankerRequest,
  row: number | undefined,
  gnn: number,
): number {
  const w = t.weights;
  let s = w.gnn !== 0 ? w.gnn * gnn : 0;
  if (row === undefined || !(row >= 0 && row < t.nItems)) return s;
  if (w.session !== 0 && req.sessionMax > 0) s += (w.session * (req.session.get(row) ?? 0)) / req.sessionMax;
  if (w.covisit !== 0 && req.covisitMax > 0) s += (w.covisit * (req.covisit.get(row) ?? 0)) / req.covisitMax;
  if (w.trend !== 0 && t.trendMax > 0) s += (w.trend * t.trending[row]) / t.trendMax;
  const seasonMax = t.seasonMax[req.week];
  if (w.season !== 0 && seasonMax > 0) {
    const c = t.itemCategory[row];
    let cw = req.categoryWeek.get(c);
    if (cw === undefined) req.categoryWeek.set(c, (cw = categoryWeek(t.seasonal, c, req.week)));
    s += (w.season * Math.fround(cw * t.itemShare[row])) / seasonMax;
  }
  return s;
}

/**
 * The gnn input of row `o..o+d` of a row-major table for a query of norm `qNorm`: the unit query's dot product
 * with the stored row, as the offline evaluation scores it. For unit rows that is their cosine; rows that carry
 * the model's popularity scale (training/lightgcn/popularityScale.ts) keep it.
 */
export function queryDot(v: ArrayLike<number>, o: number, q: Float32Array, qNorm: number): number {
  if (!(qNorm > 0)) return 0;
  let s = 0;
  for (let d = 0; d < q.length; d++) s += v[o + d] * q[d];
  return s / qNorm;
}

export function normOf(v: ArrayLike<number>): number {
  let s = 0;
  for (let d = 0; d < v.length; d++) s += v[d] * v[d];
  return Math.sqrt(s);
}
