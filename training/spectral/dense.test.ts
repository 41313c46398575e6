import { createRng } from '../../core';
import { cholesky, gram, lowerInverse, orthonormalize, panelTimes, solveRowsLowerT } from './dense';

// The tfjs path (tfAbove = 0 forces it) must agree with the float64 loops to float32 precision.
describe('dense panels', () => {
  const rng = createRng(3);
  const n = 300;
  const l = 24;
  const y = Float32Array.from({ length: n * l }, () => rng.normal());

  it('YᵀY and Y·W agree between the loops and tfjs', () => {
    const a = gram(y, n, l, Infinity);
    const b = gram(y, n, l, 0);
    for (let j = 0; j < l * l; j++) expect(b[j]).toBeCloseTo(a[j], 2);
    const w = Float64Array.from({ length: l * 5 }, () => rng.normal());
    const p = panelTimes(y, n, l, w, 5, Infinity);
    const q = panelTimes(y, n, l, w, 5, 0);
    for (let j = 0; j < n * 5; j++) expect(q[j]).toBeCloseTo(p[j], 3);
  });

  it('the triangular solve agrees, and L · L^-1 = I', () => {
    const c = cholesky(gram(y, n, l, Infinity), l);
    const inv = lowerInverse(c, l);
    for (let i = 0; i < l; i++)
      for (let j = 0; j < l; j++) {
        let s = 0;
        for (let k = 0; k < l; k++) s += c[i * l + k] * inv[k * l + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
      }
    const a = Float32Array.from(y);
    const b = Float32Array.from(y);
    solveRowsLowerT(a, n, l, c, Infinity);
    solveRowsLowerT(b, n, l, c, 0);
    for (let j = 0; j < n * l; j++) expect(b[j]).toBeCloseTo(a[j], 4);
  });

  it('CholeskyQR2 through tfjs leaves orthonormal columns', () => {
    // Ill-conditioned on purpose (column j scaled by 10^-j/8), about as badly as a power iteration's panel.
    const z = Float32Array.from(y, (v, k) => v * 10 ** (-(k % l) / 8));
    const g0 = gram(z, n, l, Infinity);
    expect(g0[0] / g0[(l - 1) * l + (l - 1)]).toBeGreaterThan(1e5);
    const zz = Float32Array.from(z);
    orthonormalize(zz, n, l, 2, 0);
    const g = gram(zz, n, l, Infinity);
    for (let i = 0; i < l; i++)
      for (let j = 0; j < l; j++) expect(g[i * l + j]).toBeCloseTo(i === j ? 1 : 0, 3);
  });
});
