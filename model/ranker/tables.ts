// The ranker's context tables as the model stores and serves them (built by training/context/tables.ts, stored
// by artifacts/contextFiles.ts): item graphs as weighted CSR, popularity, trending and seasonal counts, and the
// two lookups the ranker scores with.
import type { Csr } from '../csr';

export type ItemGraph = Csr & { val: Float32Array };

export interface ContextTables {
  cutoff: number;
  transitions: ItemGraph;
  covisit: ItemGraph;
  /** Items bought by the same users, weighted by how many users bought both. */
  copurchase: ItemGraph;
  /** Event-weighted counts before the cutoff. */
  popularity: Float32Array;
  /** Recency-decayed counts as of the cutoff (half-life `trendHalfLifeDays`). */
  trending: Float32Array;
  /** [nCategories x 53] event-weighted counts by week of year, and each item's share within its category. */
  seasonal: Float32Array;
  itemShare: Float32Array;
}

export const WEEKS = 53;
export const weekOfYear = (ms: number) => {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.min(WEEKS - 1, Math.floor((ms - start) / (7 * 86_400_000)));
};

/** Seasonal score of every item at time `at`: its category's weight in weeks w-1..w+1, times its share there. */
export function seasonalScores(
  t: ContextTables,
  itemCategory: Int32Array,
  at: number,
  out: Float32Array,
): Float32Array {
  const w = weekOfYear(at);
  const nCat = t.seasonal.length / WEEKS;
  const catW = new Float32Array(nCat);
  for (let c = 0; c < nCat; c++)
    for (const dw of [-1, 0, 1]) catW[c] += t.seasonal[c * WEEKS + ((w + dw + WEEKS) % WEEKS)];
  for (let i = 0; i < out.length; i++) out[i] = catW[itemCategory[i]] * t.itemShare[i];
  return out;
}

/** out[j] += Σ_r weight(r) · G[items[r], j] over the recent items, most recent weighted most (0.7^age). */
export function addFromRecent(g: ItemGraph, recent: ArrayLike<number>, out: Float32Array, scale = 1): void {
  const n = recent.length;
  for (let r = 0; r < n; r++) {
    const i = recent[n - 1 - r];
    const w = scale * 0.7 ** r;
    for (let k = g.ptr[i]; k < g.ptr[i + 1]; k++) out[g.idx[k]] += w * g.val[k];
  }
}
