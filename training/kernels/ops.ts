// Our typed-array kernels as tfjs ops with their own gradients (tf.customGrad), so tfjs can do autograd, the
// losses and the optimiser while the sparse work stays in our loops. Neither op uses tf.gather: its gradient is
// an UnsortedSegmentSum, which the pure-JS backend runs in O(segments x input) and the wasm backend lacks.
import * as tf from '@tensorflow/tfjs';
import type { Csr } from '../data/csr';
import { layerMean, spmmChunk8 } from './spmm';

type Adjacency = Csr & { val: Float32Array };

/**
 * The LightGCN layer mean as an op: [N, D] -> [N, D]. Self-adjoint, so backward runs the same kernel on dy.
 * With `rowScale`, row n of the output is multiplied by rowScale[n] (a fixed diagonal S after the mean M):
 * y = S M x, whose backward is M S dy since M is symmetric.
 */
export function propagateOp(
  adj: Adjacency,
  layers: number,
  spmm = spmmChunk8,
  rowScale?: Float32Array,
): (x: tf.Tensor2D) => tf.Tensor2D {
  const mean = (x: Float32Array, d: number) => layerMean(adj, x, d, layers, spmm);
  const forward = (t: tf.Tensor): tf.Tensor2D => {
    const [n, d] = t.shape as [number, number];
    const y = mean(t.dataSync() as Float32Array, d);
    if (rowScale) scaleRows(y, d, rowScale);
    return tf.tensor2d(y, [n, d]);
  };
  const backward = (t: tf.Tensor): tf.Tensor2D => {
    const [n, d] = t.shape as [number, number];
    const dy = rowScale
      ? scaleRows(Float32Array.from(t.dataSync() as Float32Array), d, rowScale)
      : (t.dataSync() as Float32Array);
    return tf.tensor2d(mean(dy, d), [n, d]);
  };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([]);
    return { value: forward(x) as tf.Tensor, gradFunc: (dy: tf.Tensor) => [backward(dy)] };
  });
  return (x: tf.Tensor2D) => op(x) as tf.Tensor2D;
}

/** In place: row r of a row-major [N, d] table times scale[r]. */
export function scaleRows(x: Float32Array, d: number, scale: Float32Array): Float32Array {
  for (let r = 0; r < scale.length; r++) {
    const f = scale[r];
    if (f === 1) continue;
    for (let j = r * d, end = j + d; j < end; j++) x[j] *= f;
  }
  return x;
}

/** Rows of a [N, D] table: forward copies rows, backward scatter-adds dy into a zero [N, D] (typed arrays). */
export function gatherRows(table: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([]);
    const [n, d] = x.shape as [number, number];
    const src = x.dataSync() as Float32Array;
    const out = new Float32Array(rows.length * d);
    for (let r = 0; r < rows.length; r++) out.set(src.subarray(rows[r] * d, rows[r] * d + d), r * d);
    return {
      value: tf.tensor2d(out, [rows.length, d]) as tf.Tensor,
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const acc = new Float32Array(n * d);
        for (let r = 0; r < rows.length; r++) {
          const o = rows[r] * d;
          const go = r * d;
          for (let j = 0; j < d; j++) acc[o + j] += g[go + j];
        }
        return [tf.tensor2d(acc, [n, d])];
      },
    };
  });
  return op(table) as tf.Tensor2D;
}

/**
 * A · Bᵀ with a gradient built only from non-transposed matMuls. On the wasm backend a matMul with
 * transposeB falls off the XNNPACK path and was measured 10-20x slower than an explicit transpose followed by
 * a plain matMul ([16384, 64] x [64, 1024]: 6-12 s against 0.5 s); tfjs's own matMul gradient uses those flags.
 */
export function matMulNT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const y = args[1] as tf.Tensor2D;
    (args[2] as tf.GradSaveFunc)([x, y]);
    return {
      value: tf.matMul(x, tf.transpose(y)) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as tf.Tensor2D[];
        const d = dy as tf.Tensor2D;
        return [tf.matMul(d, ys), tf.matMul(tf.transpose(d), xs)];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}

/**
 * mean_b [ logsumexp(pos_b, neg_b,:) - pos_b ] for pos [B, 1], neg [B, S]: the sampled-softmax cross-entropy.
 * One typed-array pass computes the loss and its gradient together (the softmax weights); tfjs's logSumExp +
 * concat chain was several times slower on wasm at B x S = 16M logits.
 */
export function softmaxCrossEntropy(pos: tf.Tensor2D, neg: tf.Tensor2D): tf.Scalar {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const p = (args[0] as tf.Tensor).dataSync() as Float32Array;
    const n = (args[1] as tf.Tensor).dataSync() as Float32Array;
    const b = p.length;
    const s = n.length / b;
    const gp = new Float32Array(b);
    const gn = new Float32Array(n.length);
    let total = 0;
    for (let r = 0; r < b; r++) {
      const o = r * s;
      let m = p[r];
      for (let j = 0; j < s; j++) if (n[o + j] > m) m = n[o + j];
      let z = Math.exp(p[r] - m);
      const ep = z;
      for (let j = 0; j < s; j++) {
        const e = Math.exp(n[o + j] - m);
        gn[o + j] = e;
        z += e;
      }
      total += Math.log(z) + m - p[r];
      const inv = 1 / (z * b);
      gp[r] = ep * inv - 1 / b;
      for (let j = 0; j < s; j++) gn[o + j] *= inv;
    }
    return {
      value: tf.scalar(total / b),
      gradFunc: (dy: tf.Tensor) => {
        const k = (dy.dataSync() as Float32Array)[0];
        if (k !== 1) {
          for (let r = 0; r < b; r++) gp[r] *= k;
          for (let j = 0; j < gn.length; j++) gn[j] *= k;
        }
        return [tf.tensor2d(gp, [b, 1]), tf.tensor2d(gn, [b, s])];
      },
    };
  });
  return op(pos, neg) as tf.Scalar;
}

/**
 * Multinomial (full-softmax) cross-entropy for a block of users against every item: logits [B, nItems], and each
 * user's positives as CSR rows over the block. Loss = mean over the block's positive pairs of
 * logsumexp(logits_u) - logits_ui. Every item is a negative, so the hardest ones always take part; the gradient
 * (|P_u| softmax_u - 1[P_u]) / N is computed in the same typed-array pass as the loss.
 */
export function fullSoftmaxCrossEntropy(
  logits: tf.Tensor2D,
  posPtr: Int32Array,
  posIdx: Int32Array,
): tf.Scalar {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor2D;
    const [b, n] = x.shape;
    const l = x.dataSync() as Float32Array;
    const g = new Float32Array(l.length);
    const total = posPtr[b];
    let loss = 0;
    for (let r = 0; r < b; r++) {
      const o = r * n;
      const np = posPtr[r + 1] - posPtr[r];
      if (np === 0) continue;
      let m = -Infinity;
      for (let j = 0; j < n; j++) if (l[o + j] > m) m = l[o + j];
      let z = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(l[o + j] - m);
        g[o + j] = e;
        z += e;
      }
      const lse = Math.log(z) + m;
      const f = np / (z * total);
      for (let j = 0; j < n; j++) g[o + j] *= f;
      for (let e = posPtr[r]; e < posPtr[r + 1]; e++) {
        loss += lse - l[o + posIdx[e]];
        g[o + posIdx[e]] -= 1 / total;
      }
    }
    return {
      value: tf.scalar(total > 0 ? loss / total : 0),
      gradFunc: (dy: tf.Tensor) => {
        const k = (dy.dataSync() as Float32Array)[0];
        if (k !== 1) for (let j = 0; j < g.length; j++) g[j] *= k;
        return [tf.tensor2d(g, [b, n])];
      },
    };
  });
  return op(logits) as tf.Scalar;
}
