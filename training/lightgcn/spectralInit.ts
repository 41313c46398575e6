// Spectral initialisation: E0 from the top singular vectors of the normalised interaction matrix R̃.
// With E0 = [U g(σ); V g(σ)], the layer mean maps each component to g(σ) h(σ), h(σ) = (1 + σ + ... + σ^K)/(K+1),
// so the initial scores are Σ_k g(σ_k)² h(σ_k)² u_k v_kᵀ: a low-pass graph filter before any training.
// g is chosen so that the initial filter is σ^power (normalised to 1 at σ = 1), then scaled to `scale`.
import type { Csr } from '../data/csr';
import type { Rng } from '../../core';
import { normaliseInteractions, randomizedSvd } from '../spectral/randomizedSvd';

export interface SpectralOptions {
  dims: number;
  layers: number;
  /** Filter exponent of the initial scores: 0 = ideal low-pass, larger favours the top components. */
  power: number;
  /** Root-mean-square of the initial embedding entries. */
  scale: number;
  oversample: number;
  powerIterations: number;
}

/** Row-major [nUsers + nItems, dims] ego embeddings, users first (the PropagationGraph layout). */
export function spectralInit(
  train: Csr,
  opts: SpectralOptions,
  rng: Rng,
): { embeddings: Float32Array; sigma: Float64Array } {
  const svd = randomizedSvd(normaliseInteractions(train), opts.dims, {
    rng,
    oversample: opts.oversample,
    powerIterations: opts.powerIterations,
  });
  const d = opts.dims;
  const k = svd.rank;
  const g = new Float64Array(d);
  for (let c = 0; c < k; c++) {
    const s = Math.max(svd.sigma[c], 0);
    let h = 0;
    for (let l = 0; l <= opts.layers; l++) h += s ** l;
    h /= opts.layers + 1;
    g[c] = h > 0 ? Math.sqrt(s ** opts.power) / h : 0;
  }
  const nU = train.nRows;
  const nI = train.nCols;
  const e = new Float32Array((nU + nI) * d);
  for (let u = 0; u < nU; u++) for (let c = 0; c < k; c++) e[u * d + c] = svd.u[u * k + c] * g[c];
  for (let i = 0; i < nI; i++) for (let c = 0; c < k; c++) e[(nU + i) * d + c] = svd.v[i * k + c] * g[c];
  // Columns beyond the rank (tiny graphs) get small noise so they can still learn.
  let ss = 0;
  for (let j = 0; j < e.length; j++) ss += e[j] * e[j];
  const rms = Math.sqrt(ss / e.length) || 1;
  const f = opts.scale / rms;
  for (let j = 0; j < e.length; j++) e[j] = e[j] * f + (j % d >= k ? rng.normal() * opts.scale * 0.01 : 0);
  return { embeddings: e, sigma: svd.sigma };
}
