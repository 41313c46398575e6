// GF-CF's ideal low-pass filter (Shen et al., "How Powerful is Graph Convolution for Recommendation?", CIKM
// 2021): with R̃ = D_u^-1/2 R D_i^-1/2 and V its top right singular vectors, a user's scores are
//   r_u D_i^-1/2 V Vᵀ D_i^1/2,
// i.e. an embedding model with user vector r_u D_i^-1/2 V (computed from the history, so a new user's comes
// for free) and item vector D_i^1/2 V. One truncated SVD serves every rank up to its own: a lower rank is the
// first columns.
import type { Csr } from '../data/csr';
import { createRng } from '../../core';
import { normaliseInteractions, randomizedSvd } from '../spectral/randomizedSvd';

export interface LowPassBasis {
  rank: number;
  /** D_i^-1/2 V and D_i^1/2 V, row-major [nItems, rank]. */
  inV: Float32Array;
  outV: Float32Array;
}

export function lowPassBasis(train: Csr, rank: number, seed: number): LowPassBasis {
  const r = Math.min(rank, train.nRows, train.nCols);
  const svd = randomizedSvd(normaliseInteractions(train), r, { rng: createRng(seed), powerIterations: 3 });
  const k = svd.rank;
  const deg = new Float64Array(train.nCols);
  for (let e = 0; e < train.ptr[train.nRows]; e++) deg[train.idx[e]]++;
  const inV = new Float32Array(train.nCols * k);
  const outV = new Float32Array(train.nCols * k);
  for (let i = 0; i < train.nCols; i++) {
    const d = Math.max(deg[i], 1);
    for (let c = 0; c < k; c++) {
      inV[i * k + c] = svd.v[i * k + c] / Math.sqrt(d);
      outV[i * k + c] = svd.v[i * k + c] * Math.sqrt(d);
    }
  }
  return { rank: k, inV, outV };
}

/** The embedding tables of the filter at `rank` (<= the basis's) for users with history `history`. */
export function lowPassTables(b: LowPassBasis, history: Csr, rank: number) {
  const k = Math.min(rank, b.rank);
  const users = new Float32Array(history.nRows * k);
  const items = new Float32Array(history.nCols * k);
  for (let i = 0; i < history.nCols; i++)
    for (let c = 0; c < k; c++) items[i * k + c] = b.outV[i * b.rank + c];
  for (let u = 0; u < history.nRows; u++) {
    for (let e = history.ptr[u]; e < history.ptr[u + 1]; e++) {
      const i = history.idx[e];
      for (let c = 0; c < k; c++) users[u * k + c] += b.inV[i * b.rank + c];
    }
  }
  return { dims: k, users, items };
}
