// A LightGCN start from another model's factors: E0 such that the layer mean (1/(K+1)) Σ_k Â^k E0, the item rows
// scaled by degree^β, scores items (about) as the source model does, so fine-tuning begins where that model is.
//
// Two mappings. The low-pass filter has an exact one: its basis holds the top right singular vectors V of
// R̃ = D_u^-1/2 R D_i^-1/2, [U; V] is an eigenvector of Â with eigenvalue σ, and E0 = [U g; V g] propagates to
// [U g h(σ); V g h(σ)], h(σ) = (1 + σ + ... + σ^K)/(K+1). With g² h² = σ and β = 0.5 the scores are
// U Σ Vᵀ D_i^1/2, the filter's r_u D_i^-1/2 V Vᵀ D_i^1/2 divided by d_u^1/2: the same ranking for every user.
// Any other factor model (iALS: users P, items Q) has none: the layer mean is a PSD map (h ≥ 0 on Â's spectrum
// [-1, 1]) but nearly singular where h(λ) ≈ 0, so E0 is a few Landweber steps on  mean(E0) = [P; Q] started at
// the target itself, an approximate inverse that leaves the near-null directions alone.
//
// Layout: row-major Float32Array [nUsers + nItems, dims], users first (the PropagationGraph of userItemGraph).
import type { Csr } from '../data/csr';
import { layerMean } from '../kernels/spmm';

/** The part of a low-pass basis this needs (training/cf/lowPass.ts): D_i^-1/2 V, [nItems, rank]. */
export interface SingularBasis {
  rank: number;
  inV: Float32Array;
}

/** Scale a table to root-mean-square `rms` (the trainer's initScale), keeping its scores' ranking. */
function toRms(x: Float32Array, rms: number): Float32Array {
  let ss = 0;
  for (let j = 0; j < x.length; j++) ss += x[j] * x[j];
  const f = ss > 0 ? rms / Math.sqrt(ss / x.length) : 1;
  for (let j = 0; j < x.length; j++) x[j] *= f;
  return x;
}

/**
 * E0 whose layer mean, with item rows scaled by degree^0.5, reproduces the low-pass filter at `rank` of a basis
 * computed on `fit` (the same interactions the LightGCN graph is built from).
 */
export function lowPassStart(
  basis: SingularBasis,
  fit: Csr,
  rank: number,
  layers: number,
  rms: number,
): { e0: Float32Array; dims: number } {
  const R = basis.rank;
  const k = Math.min(rank, R);
  const nU = fit.nRows;
  const nI = fit.nCols;
  const deg = new Float64Array(nI);
  for (let e = 0; e < fit.ptr[nU]; e++) deg[fit.idx[e]]++;
  // U Σ = R̃ V = D_u^-1/2 R (D_i^-1/2 V): one pass over the interactions, then σ_c = |column c|.
  const us = new Float64Array(nU * k);
  for (let u = 0; u < nU; u++) {
    const n = fit.ptr[u + 1] - fit.ptr[u];
    if (n === 0) continue;
    for (let e = fit.ptr[u]; e < fit.ptr[u + 1]; e++) {
      const i = fit.idx[e];
      for (let c = 0; c < k; c++) us[u * k + c] += basis.inV[i * R + c];
    }
    const s = 1 / Math.sqrt(n);
    for (let c = 0; c < k; c++) us[u * k + c] *= s;
  }
  const sigma = new Float64Array(k);
  for (let j = 0; j < us.length; j++) sigma[j % k] += us[j] * us[j];
  // User rows carry g/σ (U = UΣ/σ), item rows g (V = D_i^1/2 · D_i^-1/2 V).
  const gUser = new Float64Array(k);
  const gItem = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const s = Math.sqrt(sigma[c]);
    let h = 0;
    for (let l = 0; l <= layers; l++) h += s ** l;
    h /= layers + 1;
    const g = s > 0 && h > 0 ? Math.sqrt(s) / h : 0;
    gItem[c] = g;
    gUser[c] = s > 0 ? g / s : 0;
  }
  const e0 = new Float32Array((nU + nI) * k);
  for (let u = 0; u < nU; u++) for (let c = 0; c < k; c++) e0[u * k + c] = us[u * k + c] * gUser[c];
  for (let i = 0; i < nI; i++) {
    const d = Math.sqrt(Math.max(deg[i], 1));
    for (let c = 0; c < k; c++) e0[(nU + i) * k + c] = basis.inV[i * R + c] * d * gItem[c];
  }
  return { e0: toRms(e0, rms), dims: k };
}

/**
 * E0 whose layer mean over `adj` approximates users `users` and items `items` ([n, dims] each, scores = dot
 * products, no item degree scale): `iterations` Landweber steps. The two sides
 * are first balanced to the same rms (P a, Q / a scores the same), so neither dominates the residual.
 */
export function factorStart(
  adj: Csr & { val: Float32Array },
  users: Float32Array,
  items: Float32Array,
  dims: number,
  layers: number,
  rms: number,
  iterations = 8,
): Float32Array {
  const d = dims;
  const rmsOf = (x: Float32Array) => {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += x[j] * x[j];
    return Math.sqrt(s / Math.max(1, x.length));
  };
  const a = Math.sqrt(rmsOf(items) / (rmsOf(users) || 1)) || 1;
  const t = new Float32Array(users.length + items.length);
  for (let j = 0; j < users.length; j++) t[j] = users[j] * a;
  for (let j = 0; j < items.length; j++) t[users.length + j] = items[j] / a;
  // Landweber: x += t - mean(x). M's eigenvalues lie in [0, 1], so each step shrinks the residual along every
  // well-propagating direction and barely moves the near-null ones (a conjugate-gradient solve chases those and
  // loses the ranking).
  const x = Float32Array.from(t);
  for (let it = 0; it < iterations; it++) {
    const m = layerMean(adj, x, d, layers);
    for (let j = 0; j < x.length; j++) x[j] += t[j] - m[j];
  }
  return toRms(x, rms);
}
