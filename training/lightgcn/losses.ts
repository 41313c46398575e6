// The losses the trainer can minimise, each on the propagated table E (tfjs autograd through our custom ops).
// All take E0 and the encoder so the L2 term can use the ego embeddings, as LightGCN does.
import * as tf from '@tensorflow/tfjs';
import type { Csr } from '../data/csr';
import { fullSoftmaxCrossEntropy, gatherRows, matMulNT, softmaxCrossEntropy } from '../kernels/ops';

export type Encoder = (x: tf.Tensor2D) => tf.Tensor2D;

/** BPR with q negatives per positive: mean softplus(-(s_up - s_uj)) (softplus, not -logSigmoid: see the notes). */
export function bprLoss(
  e0: tf.Variable,
  encode: Encoder,
  batch: { users: Int32Array; pos: Int32Array; neg: Int32Array },
  nU: number,
  d: number,
  l2: number,
): tf.Scalar {
  const bsz = batch.users.length;
  const q = batch.neg.length / bsz;
  const rows = new Int32Array(bsz * (2 + q));
  rows.set(batch.users, 0);
  for (let b = 0; b < bsz; b++) rows[bsz + b] = nU + batch.pos[b];
  for (let j = 0; j < batch.neg.length; j++) rows[2 * bsz + j] = nU + batch.neg[j];
  const e = encode(e0 as unknown as tf.Tensor2D);
  const g = gatherRows(e, rows);
  const u = g.slice([0, 0], [bsz, d]);
  const p = g.slice([bsz, 0], [bsz, d]);
  const n = g.slice([2 * bsz, 0], [bsz * q, d]).reshape([bsz, q, d]);
  const sp = tf.sum(tf.mul(u, p), 1, true); // [B, 1]
  const sn = tf.sum(tf.mul(tf.expandDims(u, 1), n), 2); // [B, q]
  const bpr = tf.mean(tf.softplus(tf.neg(tf.sub(sp, sn))));
  const ego = gatherRows(e0 as unknown as tf.Tensor2D, rows);
  const sq = tf.sum(tf.square(ego), 1); // [rows]
  const regU = tf.sum(sq.slice([0], [2 * bsz]));
  const regN = tf.div(tf.sum(sq.slice([2 * bsz], [bsz * q])), q);
  const reg = tf.mul(tf.add(regU, regN), l2 / 2 / bsz);
  return tf.add(bpr, reg) as tf.Scalar;
}

/**
 * Sampled softmax over cosine similarities: -log exp(c_ui/τ) / (exp(c_ui/τ) + Σ_j exp(c_uj/τ)), the negatives j
 * shared by the batch (one [B, D] x [D, S] matMul). Converges in far fewer steps than BPR: the softmax weights
 * each negative by how close it is, so hard negatives dominate the gradient.
 */
export function softmaxLoss(
  e0: tf.Variable,
  encode: Encoder,
  batch: { users: Int32Array; pos: Int32Array; neg: Int32Array },
  nU: number,
  d: number,
  l2: number,
  temperature: number,
): tf.Scalar {
  const bsz = batch.users.length;
  const s = batch.neg.length;
  const rows = new Int32Array(2 * bsz + s);
  rows.set(batch.users, 0);
  for (let b = 0; b < bsz; b++) rows[bsz + b] = nU + batch.pos[b];
  for (let j = 0; j < s; j++) rows[2 * bsz + j] = nU + batch.neg[j];
  const e = encode(e0 as unknown as tf.Tensor2D);
  const g = gatherRows(e, rows);
  const u = unit(g.slice([0, 0], [bsz, d]));
  const p = unit(g.slice([bsz, 0], [bsz, d]));
  const n = unit(g.slice([2 * bsz, 0], [s, d]));
  const pos = tf.div(tf.sum(tf.mul(u, p), 1, true), temperature) as tf.Tensor2D; // [B, 1]
  const neg = tf.div(matMulNT(u, n), temperature) as tf.Tensor2D; // [B, S]
  let loss: tf.Scalar = softmaxCrossEntropy(pos, neg);
  if (l2 > 0) {
    const ego = gatherRows(e0 as unknown as tf.Tensor2D, rows.subarray(0, 2 * bsz));
    loss = tf.add(loss, tf.mul(tf.sum(tf.square(ego)), l2 / 2 / bsz));
  }
  return loss as tf.Scalar;
}

/** Scale each row of a row-major [n, d] table to unit length (cosine scoring). */
export function normaliseRows(e: Float32Array, d: number): void {
  for (let o = 0; o < e.length; o += d) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += e[o + j] * e[o + j];
    const f = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) e[o + j] *= f;
  }
}

/**
 * The most logits one full-softmax step holds (users x items float32s). The step keeps several tensors of that
 * size alive (logits, their scaled copy, the gradients) and the WebAssembly backend has 4 GiB in all: at 500k
 * items a block of 1,024 users (2 GiB of logits) ran out of memory. 64M logits (256 MiB a tensor) leave the
 * default shop's block (1,024 users x 50k items) as it is.
 */
export const FULL_SOFTMAX_MAX_LOGITS = 64 * 2 ** 20;

/** The user block of a full-softmax step: `batch` users, fewer when nItems makes their logits too big. */
export const fullSoftmaxBlock = (batch: number, nItems: number): number =>
  Math.max(1, Math.min(batch, Math.floor(FULL_SOFTMAX_MAX_LOGITS / Math.max(1, nItems))));

/**
 * Full softmax: a block of users, each against every item (cosine / temperature), all of the user's train
 * items as positives. One step sees ~B x nItems logits: no negative sampling at all.
 */
export function fullSoftmaxLoss(
  e0: tf.Variable,
  encode: Encoder,
  users: Int32Array,
  fit: Csr,
  nU: number,
  d: number,
  l2: number,
  temperature: number,
): tf.Scalar {
  const nI = fit.nCols;
  const posPtr = new Int32Array(users.length + 1);
  for (let r = 0; r < users.length; r++)
    posPtr[r + 1] = posPtr[r] + fit.ptr[users[r] + 1] - fit.ptr[users[r]];
  const posIdx = new Int32Array(posPtr[users.length]);
  for (let r = 0; r < users.length; r++)
    posIdx.set(fit.idx.subarray(fit.ptr[users[r]], fit.ptr[users[r] + 1]), posPtr[r]);
  const e = encode(e0 as unknown as tf.Tensor2D);
  const u = unit(gatherRows(e, users));
  const items = unit(e.slice([nU, 0], [nI, d]));
  const logits = tf.div(matMulNT(u, items), temperature) as tf.Tensor2D;
  let loss: tf.Scalar = fullSoftmaxCrossEntropy(logits, posPtr, posIdx);
  if (l2 > 0) {
    const ego = gatherRows(e0 as unknown as tf.Tensor2D, users);
    loss = tf.add(loss, tf.mul(tf.sum(tf.square(ego)), l2 / 2 / users.length));
  }
  return loss;
}

/** Rows scaled to unit length; rsqrt(|x|² + ε) keeps the gradient finite at all-zero rows (items with no edges),
 * where the gradient of tf.norm is 0/0. */
function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D;
}
