import { csrFromTriples } from '../data/csr';
import { createRng } from '../../core';
import { normaliseInteractions, randomizedSvd } from './randomizedSvd';
import { symmetricEigen } from './dense';

describe('randomized SVD', () => {
  it('recovers the singular triplets of a small normalised matrix', () => {
    const rng = createRng(7);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < 40; u++)
      for (let i = 0; i < 30; i++)
        if (rng.next() < 0.2 || i === u % 30) {
          rows.push(u);
          cols.push(i);
        }
    const m = normaliseInteractions(csrFromTriples(40, 30, Int32Array.from(rows), Int32Array.from(cols)));
    const svd = randomizedSvd(m, 8, { rng, oversample: 16, powerIterations: 4 });
    // The top singular value of D^-1/2 R D^-1/2 is 1 (for a connected graph).
    expect(svd.sigma[0]).toBeCloseTo(1, 4);
    // R̃ v_k = σ_k u_k for each returned triplet.
    for (let k = 0; k < 4; k++) {
      for (let u = 0; u < 40; u++) {
        let s = 0;
        for (let e = m.r.ptr[u]; e < m.r.ptr[u + 1]; e++) s += m.r.val[e] * svd.v[m.r.idx[e] * 8 + k];
        expect(s).toBeCloseTo(svd.sigma[k] * svd.u[u * 8 + k], 3);
      }
    }
    // Singular values match the eigenvalues of R̃ᵀR̃ computed densely.
    const dense = new Float64Array(30 * 30);
    for (let u = 0; u < 40; u++)
      for (let a = m.r.ptr[u]; a < m.r.ptr[u + 1]; a++)
        for (let b = m.r.ptr[u]; b < m.r.ptr[u + 1]; b++)
          dense[m.r.idx[a] * 30 + m.r.idx[b]] += m.r.val[a] * m.r.val[b];
    const { values } = symmetricEigen(dense, 30);
    for (let k = 0; k < 4; k++) expect(svd.sigma[k]).toBeCloseTo(Math.sqrt(values[k]), 4);
  });
});
