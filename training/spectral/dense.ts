// Small dense linear algebra for the randomized SVD: tall [n, l] row-major Float32Array panels (n up to a few
// hundred thousand, l up to ~600) and l x l Float64Array matrices. Only what the SVD needs. The three panel
// products (YᵀY, Y·W, and the triangular solve as Y·L^-T) go to a tfjs matMul once a panel is big enough: on
// wasm (XNNPACK) that is far faster than these scalar loops, in float32, which CholeskyQR2's second pass
// tolerates (tested against the loops). The l x l work (Cholesky, Jacobi) stays float64 here.
import * as tf from '@tensorflow/tfjs';

/** Panels with n·l² above this use tfjs (below it the loops win: no tensor copies). */
export const TF_PANEL_WORK = 2e7;

/** OUT = A[n, k] · B[k, m] by tfjs, without transposed-operand flags (slow on wasm, see kernels/ops.ts). */
function tfTimes(a: Float32Array, n: number, k: number, b: Float32Array, m: number): Float32Array {
  const at = tf.tensor2d(a, [n, k]);
  const bt = tf.tensor2d(b, [k, m]);
  const out = tf.matMul(at, bt);
  const data = out.dataSync() as Float32Array;
  tf.dispose([at, bt, out]);
  return data;
}

/** G = Yᵀ Y (l x l, float64) for a row-major [n, l] panel. */
export function gram(y: Float32Array, n: number, l: number, tfAbove = TF_PANEL_WORK): Float64Array {
  if (n * l * l > tfAbove) {
    const yt = new Float32Array(l * n);
    for (let r = 0; r < n; r++) for (let j = 0; j < l; j++) yt[j * n + r] = y[r * l + j];
    return Float64Array.from(tfTimes(yt, l, n, y, l));
  }
  const g = new Float64Array(l * l);
  const row = new Float64Array(l);
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let j = 0; j < l; j++) row[j] = y[o + j];
    for (let i = 0; i < l; i++) {
      const yi = row[i];
      if (yi === 0) continue;
      const gi = i * l;
      for (let j = i; j < l; j++) g[gi + j] += yi * row[j];
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i];
  return g;
}

/** Lower Cholesky factor of a symmetric positive definite matrix, with a tiny diagonal shift for safety. */
export function cholesky(a: Float64Array, l: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < l; i++) trace += a[i * l + i];
  const shift = 1e-12 * trace + 1e-300;
  const c = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    let s = a[j * l + j] + shift;
    for (let k = 0; k < j; k++) s -= c[j * l + k] * c[j * l + k];
    const djj = Math.sqrt(Math.max(s, shift));
    c[j * l + j] = djj;
    for (let i = j + 1; i < l; i++) {
      let t = a[i * l + j];
      for (let k = 0; k < j; k++) t -= c[i * l + k] * c[j * l + k];
      c[i * l + j] = t / djj;
    }
  }
  return c;
}

/** In place: each row y of Y becomes y L^-T (solve L qᵀ = yᵀ), i.e. Y := Y R^-1 with R = Lᵀ. */
export function solveRowsLowerT(
  y: Float32Array,
  n: number,
  l: number,
  c: Float64Array,
  tfAbove = TF_PANEL_WORK,
): void {
  if (n * l * l > tfAbove) {
    // Y L^-T as one product: invert the small triangle (float64), then Y · (L^-1)ᵀ.
    const inv = lowerInverse(c, l);
    const invT = new Float32Array(l * l);
    for (let i = 0; i < l; i++) for (let j = 0; j <= i; j++) invT[j * l + i] = inv[i * l + j];
    y.set(tfTimes(y, n, l, invT, l));
    return;
  }
  const q = new Float64Array(l);
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      let s = y[o + i];
      const ci = i * l;
      for (let k = 0; k < i; k++) s -= c[ci + k] * q[k];
      q[i] = s / c[ci + i];
    }
    for (let i = 0; i < l; i++) y[o + i] = q[i];
  }
}

/** L^-1 of a lower-triangular l x l matrix (row-major), by forward substitution per column. */
export function lowerInverse(c: Float64Array, l: number): Float64Array {
  const inv = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    inv[j * l + j] = 1 / c[j * l + j];
    for (let i = j + 1; i < l; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= c[i * l + k] * inv[k * l + j];
      inv[i * l + j] = s / c[i * l + i];
    }
  }
  return inv;
}

/** Orthonormalise the columns of Y in place by Cholesky-QR. `passes` = 2 is CholeskyQR2: the second pass fixes
 * the loss of orthogonality the first leaves when Y is ill-conditioned; inside power iterations one pass is
 * enough (the next iteration re-orthonormalises anyway). */
export function orthonormalize(
  y: Float32Array,
  n: number,
  l: number,
  passes = 2,
  tfAbove = TF_PANEL_WORK,
): void {
  for (let pass = 0; pass < passes; pass++)
    solveRowsLowerT(y, n, l, cholesky(gram(y, n, l, tfAbove), l), tfAbove);
}

/** OUT[n, m] = Y[n, l] · W[l, m] (W float64, row-major). */
export function panelTimes(
  y: Float32Array,
  n: number,
  l: number,
  w: Float64Array,
  m: number,
  tfAbove = TF_PANEL_WORK,
): Float32Array {
  if (n * l * m > tfAbove) return tfTimes(y, n, l, Float32Array.from(w), m);
  const out = new Float32Array(n * m);
  const acc = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    const o = r * l;
    for (let k = 0; k < l; k++) {
      const v = y[o + k];
      if (v === 0) continue;
      const wk = k * m;
      for (let j = 0; j < m; j++) acc[j] += v * w[wk + j];
    }
    const oo = r * m;
    for (let j = 0; j < m; j++) out[oo + j] = acc[j];
  }
  return out;
}

/**
 * Eigen-decomposition of a symmetric l x l matrix by cyclic Jacobi rotations. Returns eigenvalues descending
 * and the matching eigenvectors as the columns of a row-major l x l matrix.
 */
export function symmetricEigen(
  input: Float64Array,
  l: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(input);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < l; i++)
      for (let j = 0; j < l; j++) {
        const x = a[i * l + j] * a[i * l + j];
        total += x;
        if (i !== j) off += x;
      }
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cs = 1 / Math.sqrt(t * t + 1);
        const sn = t * cs;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p];
          const akq = a[k * l + q];
          a[k * l + p] = cs * akp - sn * akq;
          a[k * l + q] = sn * akp + cs * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k];
          const aqk = a[q * l + k];
          a[p * l + k] = cs * apk - sn * aqk;
          a[q * l + k] = sn * apk + cs * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = cs * vkp - sn * vkq;
          v[k * l + q] = sn * vkp + cs * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y] - a[x * l + x]);
  const values = Float64Array.from(order, (i) => a[i * l + i]);
  const vectors = new Float64Array(l * l);
  for (let c = 0; c < l; c++) for (let r = 0; r < l; r++) vectors[r * l + c] = v[r * l + order[c]];
  return { values, vectors };
}
