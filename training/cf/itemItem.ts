// A weighted item-item neighbourhood model, the family of item-kNN, RP3beta (Paudel et al. 2017) and the linear
// part of GF-CF (Shen et al. 2021): two hops item -> users -> items, normalised by degrees,
//   s(i, j) = Σ_(v ∈ U_i ∩ U_j) d_v^-userExponent / (d_i^fromExponent · d_j^toExponent + shrink),
// pruned to each item's `neighbours` strongest, and a user's score for j is Σ_(i ∈ I_u) s(i, j).
// Cosine is (0.5, 0.5, userExponent 0); RP3beta is (1, β, 1); GF-CF's linear filter is (0.5, 0.5, 1).
//
// Layout: the pruned similarity is a CSR over items (row i: its neighbours j and s(i, j), in column-discovery order;
// scoring adds rows, so their order does not matter and pruning needs a selection, not a sort).
// Building it costs Σ_v d_v² additions (each user's item pairs), with one dense accumulator row reused.
import type { Csr } from '../data/csr';
import { transpose } from '../data/csr';
import { kthLargest } from '../../model';
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

/**
 * The unpruned co-occurrence Σ_(v ∈ U_i ∩ U_j) d_v^-userExponent of every item pair, a CSR over items. Every
 * other option (the item exponents, shrink, neighbours) only reweights and prunes it, so a search that varies
 * those keeps it and skips the Σ_v d_v² accumulation in each trial.
 */
export interface CoCounts {
  userExponent: number;
  counts: Csr & { val: Float32Array };
}

/** Item-item co-occurrence rows: for row i, the items sharing a user with i and the user-weighted count. */
function forEachCoRow(
  train: Csr,
  userExponent: number,
  signal: AbortSignal | undefined,
  row: (i: number, cols: Int32Array, counts: Float32Array, n: number) => void,
): void {
  const nI = train.nCols;
  const byItem = transpose(train);
  const userWeight = new Float32Array(train.nRows);
  for (let u = 0; u < train.nRows; u++) {
    const d = train.ptr[u + 1] - train.ptr[u];
    userWeight[u] = d > 0 ? Math.pow(d, -userExponent) : 0;
  }
  const acc = new Float32Array(nI);
  const touched = new Int32Array(nI);
  const counts = new Float32Array(nI);
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
      counts[t] = acc[touched[t]];
      acc[touched[t]] = 0;
    }
    row(i, touched, counts, nt);
  }
}

/** Growable parallel (idx, val) arrays for building a CSR row by row. */
class CsrBuilder {
  ptr: Int32Array;
  idx = new Int32Array(1 << 20);
  val = new Float32Array(1 << 20);
  nnz = 0;
  constructor(readonly nRows: number) {
    this.ptr = new Int32Array(nRows + 1);
  }
  reserve(n: number): number {
    if (this.nnz + n > this.idx.length) {
      const grow = Math.max(this.idx.length * 2, this.nnz + n);
      const idx = new Int32Array(grow);
      idx.set(this.idx.subarray(0, this.nnz));
      const val = new Float32Array(grow);
      val.set(this.val.subarray(0, this.nnz));
      this.idx = idx;
      this.val = val;
    }
    return this.idx.length;
  }
  done(nCols: number): Csr & { val: Float32Array } {
    return {
      nRows: this.nRows,
      nCols,
      ptr: this.ptr,
      idx: this.idx.slice(0, this.nnz),
      val: this.val.slice(0, this.nnz),
    };
  }
}

/** The co-occurrence table, or undefined when it would take more than `maxBytes` (the caller recomputes). */
export function coCounts(
  train: Csr,
  userExponent: number,
  maxBytes: number,
  signal?: AbortSignal,
): CoCounts | undefined {
  const b = new CsrBuilder(train.nCols);
  const tooBig = new Error('too big');
  try {
    forEachCoRow(train, userExponent, signal, (i, cols, counts, n) => {
      if (8 * (b.nnz + n) > maxBytes) throw tooBig;
      b.reserve(n);
      b.idx.set(cols.subarray(0, n), b.nnz);
      b.val.set(counts.subarray(0, n), b.nnz);
      b.nnz += n;
      b.ptr[i + 1] = b.nnz;
    });
  } catch (e) {
    if (e === tooBig) return undefined;
    throw e;
  }
  return { userExponent, counts: b.done(train.nCols) };
}

/**
 * The pruned similarity. With `kept` co-occurrence counts of the same userExponent, only the reweighting and
 * pruning run; otherwise the counts are accumulated afresh.
 */
export function trainItemItem(
  train: Csr,
  o: ItemItemOptions,
  signal?: AbortSignal,
  kept?: CoCounts,
): ItemItemModel {
  const nI = train.nCols;
  const fromScale = new Float32Array(nI);
  const toScale = new Float32Array(nI);
  const itemDegree = new Int32Array(nI);
  for (let u = 0; u < train.nRows; u++)
    for (let e = train.ptr[u]; e < train.ptr[u + 1]; e++) itemDegree[train.idx[e]]++;
  for (let i = 0; i < nI; i++) {
    const d = Math.max(1, itemDegree[i]);
    fromScale[i] = Math.pow(d, o.fromExponent);
    toScale[i] = Math.pow(d, o.toExponent);
  }
  const k = Math.max(1, Math.min(o.neighbours, nI - 1));
  const cand = new Float32Array(nI);
  const scratch = new Float32Array(nI);
  const out = new CsrBuilder(nI);
  const prune = (i: number, cols: Int32Array, off: number, counts: Float32Array, n: number) => {
    for (let t = 0; t < n; t++)
      cand[t] = counts[off + t] / (fromScale[i] * toScale[cols[off + t]] + o.shrink);
    // Keep the k strongest: all of them when the row is short, else everything above the k-th value and its
    // ties in column order until k are kept.
    const cut = n > k ? kthLargest(cand, n, k, scratch) : -Infinity;
    let above = 0;
    if (n > k) for (let t = 0; t < n; t++) if (cand[t] > cut) above++;
    let ties = Math.min(n, k) - above;
    out.reserve(Math.min(n, k));
    for (let t = 0; t < n; t++) {
      const v = cand[t];
      if (v > cut || (v === cut && ties-- > 0)) {
        out.idx[out.nnz] = cols[off + t];
        out.val[out.nnz] = v;
        out.nnz++;
      }
    }
    out.ptr[i + 1] = out.nnz;
  };
  if (kept && kept.userExponent === o.userExponent) {
    const c = kept.counts;
    for (let i = 0; i < nI; i++) {
      if ((i & 1023) === 0 && signal?.aborted) throw new Error('aborted');
      prune(i, c.idx, c.ptr[i], c.val, c.ptr[i + 1] - c.ptr[i]);
    }
  } else forEachCoRow(train, o.userExponent, signal, (i, cols, counts, n) => prune(i, cols, 0, counts, n));
  return { options: o, similarity: out.done(nI) };
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
