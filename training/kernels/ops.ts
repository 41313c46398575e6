// Our typed-array kernels as tfjs ops with their own gradients (tf.customGrad), so tfjs can do autograd, the
// losses and the optimiser while the sparse work stays in our loops. Neither op uses tf.gather: its gradient is
// an UnsortedSegmentSum, which the pure-JS backend runs in O(segments x input) and the wasm backend lacks.
import * as tf from '@tensorflow/tfjs';
import type { Csr } from '../data/csr';
import { layerMean, spmmChunk8 } from './spmm';

type Adjacency = Csr & { val: Float32Array };

/** The LightGCN layer mean as an op: [N, D] -> [N, D]. Self-adjoint, so backward runs the same kernel on dy. */
export function propagateOp(
  adj: Adjacency,
  layers: number,
  spmm = spmmChunk8,
): (x: tf.Tensor2D) => tf.Tensor2D {
  const run = (t: tf.Tensor): tf.Tensor2D => {
    const [n, d] = t.shape as [number, number];
    return tf.tensor2d(layerMean(adj, t.dataSync() as Float32Array, d, layers, spmm), [n, d]);
  };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    (args[1] as tf.GradSaveFunc)([]);
    return { value: run(x) as tf.Tensor, gradFunc: (dy: tf.Tensor) => [run(dy)] };
  });
  return (x: tf.Tensor2D) => op(x) as tf.Tensor2D;
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
