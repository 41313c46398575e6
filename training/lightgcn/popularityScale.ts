// Popularity put back into cosine embeddings. The softmax losses score cosines, so every item row has unit length
// and no item can be favoured for being popular: on data where much of what users do next is what everyone does
// (a shop), the model then loses to plain popularity. The stored item rows are scaled by max(w_i, 1)^γ, where w_i
// is the item's weighted train degree (the graph's edge weights: event type x recency decay), so a dot product
// is cos(u, i) x w_i^γ. γ is chosen on the validation users from a small grid, 0 (pure cosine) included, so the
// scale is only kept where it pays. Nothing downstream changes: the API and the evaluation already score dot
// products, and a cosine search (similar products) divides the norms out again.
import type { Csr } from '../data/csr';
import { evaluate } from '../eval/evaluate';

/** Candidate exponents γ, tried in order on validation (ties keep the smaller one). */
export const POPULARITY_EXPONENTS = [0, 0.1, 0.2, 0.3, 0.4, 0.6];

/** Weighted train degree of every item (column sums of `fit`, 1 per entry when it has no weights). */
export function itemWeightedDegree(fit: Csr): Float64Array {
  const w = new Float64Array(fit.nCols);
  const n = fit.ptr[fit.nRows];
  for (let e = 0; e < n; e++) w[fit.idx[e]] += fit.val ? fit.val[e] : 1;
  return w;
}

/** Item rows (row-major [nItems, d]) scaled in place by max(degree, 1)^γ. */
export function scaleItemsByPopularity(
  items: Float32Array,
  d: number,
  degree: Float64Array,
  gamma: number,
): void {
  if (gamma === 0) return;
  for (let i = 0; i < degree.length; i++) {
    const f = Math.max(degree[i], 1) ** gamma;
    for (let j = i * d; j < i * d + d; j++) items[j] *= f;
  }
}

export interface PopularityTuning {
  gamma: number;
  /** Validation NDCG@20 of every exponent tried. */
  tried: Array<{ gamma: number; ndcg: number }>;
}

/**
 * Pick γ by validation NDCG@20 and scale the item rows of `emb` (users first, then items) in place.
 * `emb` must hold unit rows (what the softmax losses produce).
 */
export function tunePopularityExponent(
  emb: Float32Array,
  fit: Csr,
  d: number,
  valid: { truth: Csr; users: Int32Array },
  exponents: readonly number[] = POPULARITY_EXPONENTS,
): PopularityTuning {
  const nU = fit.nRows;
  const nI = fit.nCols;
  const degree = itemWeightedDegree(fit);
  const users = emb.subarray(0, nU * d);
  const base = emb.slice(nU * d, (nU + nI) * d);
  const tried: PopularityTuning['tried'] = [];
  let best = { gamma: 0, ndcg: -Infinity };
  for (const gamma of exponents) {
    const items = Float32Array.from(base);
    scaleItemsByPopularity(items, d, degree, gamma);
    const r = evaluate(
      { dims: d, users, items },
      { exclude: fit, truth: valid.truth, users: valid.users, ks: [20] },
    );
    const ndcg = r.metrics['ndcg@20'];
    tried.push({ gamma, ndcg });
    if (ndcg > best.ndcg) best = { gamma, ndcg };
  }
  scaleItemsByPopularity(emb.subarray(nU * d, (nU + nI) * d), d, degree, best.gamma);
  return { gamma: best.gamma, tried };
}
