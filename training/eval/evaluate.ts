// Full-ranking evaluation, the LightGCN paper's protocol: for each user with held-out items, score every item,
// exclude the user's train items, take the top K, and average the metrics over those users.
// Scoring is blocked: a block of B user rows times the item matrix is one tfjs matMul ([B, D] x [D, nItems]),
// then a partial top-K per row in typed arrays.
import * as tf from '@tensorflow/tfjs';
import type { Csr } from '../data/csr';
import { addUser, averages, emptySums, METRIC_KS } from './metrics';
import { topK } from '../../model';

/** Row-major embedding tables; score(u, i) = <users[u], items[i]> (+ itemBias[i] when given). */
export interface Scorer {
  dims: number;
  users: Float32Array;
  items: Float32Array;
  itemBias?: Float32Array;
}

export interface EvalOptions {
  /** Items not to rank for a user (its train items). */
  exclude: Csr;
  /** Held-out items per user. Users with an empty row are skipped. */
  truth: Csr;
  /** Evaluate only these users (default: every user with held-out items). */
  users?: Int32Array;
  ks?: readonly number[];
  blockSize?: number;
}

export interface EvalResult {
  users: number;
  metrics: Record<string, number>;
  /** Fraction of the catalogue that appears in at least one user's top K, keyed `coverage@K`. */
  coverage: Record<string, number>;
  seconds: number;
}

/**
 * Any model that can score a block of users against the whole catalogue: row r of `out` (nItems wide) gets
 * users[r]'s scores. Embedding tables, item-item neighbourhoods and blends of them all evaluate the same way.
 */
export interface BlockScorer {
  nItems: number;
  /** Largest block `scoreBlock` accepts (the evaluator sizes its buffer from it). */
  maxBlock: number;
  scoreBlock(users: Int32Array, out: Float32Array): void;
  dispose?(): void;
}

export function evaluate(s: Scorer | BlockScorer, opts: EvalOptions): EvalResult {
  if ('scoreBlock' in s) return evaluateBlocks(s, opts);
  const dot = dotBlockScorer(s, opts.exclude.nCols, opts.blockSize ?? 256);
  try {
    return evaluateBlocks(dot, opts);
  } finally {
    dot.dispose();
  }
}

/** Scores = users x itemsᵀ (+ bias), one tfjs matMul per block against the items transposed once. */
export function dotBlockScorer(s: Scorer, nItems: number, maxBlock = 256): Required<BlockScorer> {
  const d = s.dims;
  // Items transposed once to [D, nItems]: the non-transposed matMul is several times faster on wasm.
  const itemsT = new Float32Array(d * nItems);
  for (let i = 0; i < nItems; i++) for (let j = 0; j < d; j++) itemsT[j * nItems + i] = s.items[i * d + j];
  const itemT = tf.tensor2d(itemsT, [d, nItems]);
  const bias = s.itemBias ? tf.tensor2d(s.itemBias, [1, nItems]) : undefined;
  const uBuf = new Float32Array(maxBlock * d);
  return {
    nItems,
    maxBlock,
    scoreBlock(users, out) {
      const nb = users.length;
      for (let r = 0; r < nb; r++) uBuf.set(s.users.subarray(users[r] * d, users[r] * d + d), r * d);
      const scores = tf.tidy(() => {
        const m = tf.matMul(tf.tensor2d(uBuf.subarray(0, nb * d), [nb, d]), itemT);
        return bias ? tf.add(m, bias) : m;
      });
      out.set(scores.dataSync() as Float32Array);
      scores.dispose();
    },
    dispose() {
      itemT.dispose();
      bias?.dispose();
    },
  };
}

function evaluateBlocks(s: BlockScorer, opts: EvalOptions): EvalResult {
  const t0 = Date.now();
  const ks = opts.ks ?? METRIC_KS;
  const kMax = Math.max(...ks);
  const nItems = opts.exclude.nCols;
  const users = opts.users ?? usersWithTruth(opts.truth);
  const block = Math.min(opts.blockSize ?? 256, s.maxBlock);
  const acc = emptySums(ks);
  const seen = ks.map(() => new Uint8Array(nItems));
  const ranked = new Int32Array(kMax);
  const heap = new Float32Array(kMax);
  const sc = new Float32Array(block * nItems);
  for (let b0 = 0; b0 < users.length; b0 += block) {
    const nb = Math.min(block, users.length - b0);
    s.scoreBlock(users.subarray(b0, b0 + nb), sc.subarray(0, nb * nItems));
    for (let r = 0; r < nb; r++) {
      const u = users[b0 + r];
      const base = r * nItems;
      for (let e = opts.exclude.ptr[u]; e < opts.exclude.ptr[u + 1]; e++)
        sc[base + opts.exclude.idx[e]] = -Infinity;
      const n = topK(sc, base, nItems, kMax, ranked, heap);
      addUser(acc, ranked, n, opts.truth.idx.subarray(opts.truth.ptr[u], opts.truth.ptr[u + 1]));
      ks.forEach((k, q) => {
        for (let j = 0; j < Math.min(k, n); j++) seen[q][ranked[j]] = 1;
      });
    }
  }
  const coverage: Record<string, number> = {};
  ks.forEach((k, q) => {
    let c = 0;
    for (let i = 0; i < nItems; i++) c += seen[q][i];
    coverage[`coverage@${k}`] = nItems > 0 ? c / nItems : 0;
  });
  return { users: acc.users, metrics: averages(acc), coverage, seconds: (Date.now() - t0) / 1000 };
}

export function usersWithTruth(truth: Csr): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < truth.nRows; u++) if (truth.ptr[u + 1] > truth.ptr[u]) out.push(u);
  return Int32Array.from(out);
}
