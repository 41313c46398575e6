// The served scoring of a cold user: a shopper with no event at all before the request (a new account), of whom
// the request knows only demographics. One pure function, used by the offline evaluation, the bench and the
// API (api/recs/coldUser.ts), so what is measured is what is served:
//   score(i) = segment · Seg(i) + gnn · <v, item_i> + trend · T(i) + season · P(i) + 1e-3 · pop(i)
// Seg is the segment popularity of segmentPopularity.ts (age band x region x gender, smoothed with `alpha`), v
// the inductive user embedding of the demographics (metadata nodes; absent without them), T trending, P the
// seasonal popularity of the item's category at the request's week. Seg, T, P are scaled to max 1 per request,
// as in rankScores; the popularity term is the evaluation's tie-breaker. Weights are tuned on the validation
// window's cold users (tuneColdUsers), never on test.
import { topK } from './topk';
import type { RankerTables } from './ranker';
import { segmentScores, type Demographics, type SegmentTable } from './segmentPopularity';
import { seasonalScores, type ContextTables } from './tables';

export interface ColdUserWeights {
  segment: number;
  gnn: number;
  trend: number;
  season: number;
  /** Smoothing mass of the segment levels (weighted events). */
  alpha: number;
}

/** Until tuned (and for versions trained before it): segment popularity alone, lightly smoothed. */
export const defaultColdUserWeights: ColdUserWeights = {
  segment: 1,
  gnn: 0,
  trend: 0,
  season: 0,
  alpha: 100,
};

/** What the cold scorer reads: the ranker's tables plus popularity. */
export type ColdTables = RankerTables & { popularity: Float32Array };

export interface ColdRequest {
  demographics: Demographics;
  /**
   * The inductive user vector's dot product with every item row (userItemDots), or undefined when the model
   * has no metadata nodes to place the user with.
   */
  gnn?: Float32Array;
  at: number;
}

/** Pure: the dot product of a user vector with every item row (nItems x dims), the gnn term of a cold user. */
export function userItemDots(v: Float32Array, itemRows: Float32Array, out: Float32Array): Float32Array {
  const d = v.length;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    const o = i * d;
    for (let j = 0; j < d; j++) s += v[j] * itemRows[o + j];
    out[i] = s;
  }
  return out;
}

function addScaled(out: Float32Array, src: Float32Array, w: number): void {
  if (w === 0) return;
  let m = 0;
  for (let i = 0; i < src.length; i++) if (src[i] > m) m = src[i];
  if (m <= 0) return;
  const k = w / m;
  for (let i = 0; i < out.length; i++) out[i] += k * src[i];
}

/** Pure: fill `out` (one per item) with the cold-user score. */
export function coldUserScores(
  t: ColdTables,
  seg: SegmentTable,
  w: ColdUserWeights,
  req: ColdRequest,
  out: Float32Array,
  scratch: Float32Array = new Float32Array(out.length),
): Float32Array {
  const n = out.length;
  let pm = 0;
  const pop = t.popularity;
  for (let i = 0; i < n; i++) if (pop[i] > pm) pm = pop[i];
  const tie = pm > 0 ? 1e-3 / pm : 0;
  for (let i = 0; i < n; i++) out[i] = tie * pop[i];
  addScaled(out, segmentScores(seg, req.demographics, w.alpha, scratch), w.segment);
  if (req.gnn && w.gnn !== 0) for (let i = 0; i < n; i++) out[i] += w.gnn * req.gnn[i];
  if (w.trend !== 0) {
    scratch.set(t.trending);
    addScaled(out, scratch, w.trend);
  }
  if (w.season !== 0) {
    seasonalScores(
      { seasonal: t.seasonal, itemShare: t.itemShare } as ContextTables,
      t.itemCategory,
      req.at,
      scratch,
    );
    addScaled(out, scratch, w.season);
  }
  return out;
}

/** The best `k` items of a score row, best first (ties: lower index). */
export function topItems(scores: Float32Array, k: number): number[] {
  const idx = new Int32Array(k);
  const n = topK(scores, 0, scores.length, k, idx, new Float32Array(k));
  return Array.from(idx.subarray(0, n));
}

/** Parse ranker.json's `coldUsers` weights; missing or malformed (an older model): the defaults. */
export function coldUserWeightsOf(ranker: unknown): ColdUserWeights {
  const c = (ranker as { coldUsers?: Record<string, unknown> } | null)?.coldUsers;
  if (!c || typeof c !== 'object') return defaultColdUserWeights;
  const keys = ['segment', 'gnn', 'trend', 'season', 'alpha'] as const;
  if (!keys.every((k) => typeof c[k] === 'number' && Number.isFinite(c[k]))) return defaultColdUserWeights;
  return Object.fromEntries(keys.map((k) => [k, c[k] as number])) as unknown as ColdUserWeights;
}
