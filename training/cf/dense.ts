// Dense products for the collaborative-filtering families, on whichever tfjs backend is active (native
// TensorFlow or wasm's XNNPACK): a [n, k] x [k, k] product is the bulk of an ALS step, and these backends do it
// an order of magnitude faster than a scalar JavaScript loop. Plain (non-transposed) matMuls only: wasm falls
// off its fast path with the transpose flags (docs/training.md, "Backend").
import * as tf from '@tensorflow/tfjs';

/** a [m, k] x b [k, n] into a new [m, n] array (row-major). */
export function matMul(a: Float32Array, m: number, k: number, b: Float32Array, n: number): Float32Array {
  const out = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
  const data = out.dataSync() as Float32Array;
  out.dispose();
  return data;
}

/** Xᵀ X of a row-major [n, k] table, as a [k, k] array. */
export function gram(x: Float32Array, n: number, k: number): Float32Array {
  const xt = new Float32Array(n * k);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) xt[j * n + r] = x[r * k + j];
  return matMul(xt, k, n, x, k);
}
