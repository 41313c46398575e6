// A weighted item-item neighbourhood model, the family of item-kNN, RP3beta (Paudel et al. 2017) and the linear
// part of GF-CF (Shen et al. 2021): two hops item -> users -> items, normalised by degrees,
//   s(i, j) = Σ_(v ∈ U_i ∩ U_j) d_v^-userExponent / (d_i^fromExponent · d_j^toExponent + shrink),
// pruned to each item's `neighbours` strongest, and a user's score for j is Σ_(i ∈ I_u) s(i, j).
// Cosine is (0.5, 0.5, userExponent 0); RP3beta is (1, β, 1); GF-CF's linear filter is (0.5, 0.5, 1).
//
// Layout: the pruned similarity is a CSR over items (row i: its neighbours j and s(i, j), strongest first).
// Building it costs Σ_v d_v² additions (each user's item pairs), with one dense accumulator row reused.
import type { Csr } from '../data/csr';
import { transpose } from '../data/csr';
import { topK } from '../eval/topk';
import type { BlockScorer } from '../eval/evaluate';

export interface ItemItemOptions {
  neighbours: number;
  fromExponent: number;
  toExponent: number;
  userExponent: number;
  shrink: number;
}

export const defaultItemItemOptions: ItemItemOptions = {
  neighbours: 200,
  fromExponent: 0.5,
  toExponent: 0.5,
  userExponent: 0,
  shrink: 0,
};

export interface ItemItemModel {
  options: ItemItemOptions;
  similarity: Csr & { val: Float32Array };
}

export function trainItemItem(train: Csr, o: ItemItemOptions, signal?: AbortSignal): ItemItemModel {
  const nI = train.nCols;
  const byItem = transpose(train);
  const userWeight = new Float32Array(train.nRows);
  for (let u = 0; u < train.nRows; u++) {
    const d = train.ptr[u + 1] - train.ptr[u];
    userWeight[u] = d > 0 ? Math.pow(d, -o.userExponent) : 0;
  }
  const fromScale = new Float32Array(nI);
  const toScale = new Float32Array(nI);
  for (let i = 0; i < nI; i++) {
    const d = Math.max(1, byItem.ptr[i + 1] - byItem.ptr[i]);
    fromScale[i] = Math.pow(d, o.fromExponent);
    toScale[i] = Math.pow(d, o.toExponent);
  }
  const k = Math.max(1, Math.min(o.neighbours, nI - 1));
  const acc = new Float32Array(nI);
  const touched = new Int32Array(nI);
  const cand = new Float32Array(nI);
  const best = new Int32Array(k);
  const heap = new Float32Array(k);
  const ptr = new Int32Array(nI + 1);
  let idx = new Int32Array(Math.min(nI * k, 1 << 20));
  let val = new Float32Array(idx.length);
  let nnz = 0;
  for (let i = 0; i < nI; i++) {
    if ((i & 1023) === 0 && signal?.aborted) throw new Error('aborted');
    let nt = 0;
    for (let e = byItem.ptr[i]; e < byItem.ptr[i + 1]; e++) {
      const v = byItem.idx[e];
      const w = userWeight[v];
      for (let f = train.ptr[v]; f < train.ptr[v + 1]; f++) {
        const j = train.idx[f];
        if (j === i) continue;
        if (acc[j] === 0) touched[nt++] = j;
        acc[j] += w;
      }
    }
    for (let t = 0; t < nt; t++) {
      const j = touched[t];
      cand[t] = acc[j] / (fromScale[i] * toScale[j] + o.shrink);
      acc[j] = 0;
    }
    const n = topK(cand, 0, nt, k, best, heap);
    if (nnz + n > idx.length) {
      const grow = Math.max(idx.length * 2, nnz + n);
      const idx2 = new Int32Array(grow);
      idx2.set(idx.subarray(0, nnz));
      const val2 = new Float32Array(grow);
      val2.set(val.subarray(0, nnz));
      idx = idx2;
      val = val2;
    }
    for (let r = 0; r < n; r++) {
      idx[nnz] = touched[best[r]];
      val[nnz] = cand[best[r]];
      nnz++;
    }
    ptr[i + 1] = nnz;
  }
  return {
    options: o,
    similarity: { nRows: nI, nCols: nI, ptr, idx: idx.slice(0, nnz), val: val.slice(0, nnz) },
  };
}

/** Scores of a block of users: the sum of their history's neighbour rows. `history` is what they interacted with. */
export function itemItemScorer(m: ItemItemModel, history: Csr, maxBlock = 256): BlockScorer {
  const s = m.similarity;
  const nItems = s.nCols;
  return {
    nItems,
    maxBlock,
    scoreBlock(users, out) {
      out.fill(0);
      for (let r = 0; r < users.length; r++) {
        const u = users[r];
        const base = r * nItems;
        for (let e = history.ptr[u]; e < history.ptr[u + 1]; e++) {
          const i = history.idx[e];
          for (let f = s.ptr[i]; f < s.ptr[i + 1]; f++) out[base + s.idx[f]] += s.val[f];
        }
      }
    },
  };
}
