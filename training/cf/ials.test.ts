import { evaluate } from '../eval/evaluate';
import { popularityTables } from '../models/popularity';
import { defaultIalsOptions, trainIals } from './ials';
import { plantedTastes } from './testData';

const small = { ...defaultIalsOptions, dims: 8, iterations: 6, reg: 0.01, unobservedWeight: 0.1 };

describe('iALS (conjugate gradient)', () => {
  it('learns planted tastes well beyond popularity', () => {
    const ds = plantedTastes();
    const m = trainIals(ds.train, small);
    const opts = { exclude: ds.train, truth: ds.valid!, ks: [10] };
    const als = evaluate({ dims: 8, users: m.users, items: m.items }, opts).metrics['ndcg@10'];
    const pop = evaluate(popularityTables(ds.train), opts).metrics['ndcg@10'];
    expect(als).toBeGreaterThan(1.5 * pop);
  });

  it("each user's CG solution satisfies the normal equations when run to convergence", () => {
    const ds = plantedTastes(40, 24, 2, 6);
    const o = { ...small, dims: 4, iterations: 1, cgSteps: 40 };
    const m = trainIals(ds.train, o);
    // After the item half-step the users are stale, so check the item side: for item i,
    // (α0 WᵀW + Σ_u∈U_i w_u w_uᵀ + λ_i I) h_i = Σ_u∈U_i w_u, with λ_i = λ (|U_i| + α0 nUsers)^ν.
    const k = 4;
    const W = m.users;
    const byItem: number[][] = Array.from({ length: 24 }, () => []);
    for (let u = 0; u < 40; u++)
      for (let e = ds.train.ptr[u]; e < ds.train.ptr[u + 1]; e++) byItem[ds.train.idx[e]].push(u);
    for (const i of [0, 5, 17]) {
      const h = m.items.subarray(i * k, i * k + k);
      const lam = o.reg * Math.pow(byItem[i].length + o.unobservedWeight * 40, o.regExponent);
      for (let a = 0; a < k; a++) {
        let lhs = lam * h[a];
        let rhs = 0;
        for (let u = 0; u < 40; u++) {
          let dot = 0;
          for (let b = 0; b < k; b++) dot += W[u * k + b] * h[b];
          lhs += o.unobservedWeight * W[u * k + a] * dot;
        }
        for (const u of byItem[i]) {
          let dot = 0;
          for (let b = 0; b < k; b++) dot += W[u * k + b] * h[b];
          lhs += W[u * k + a] * dot;
          rhs += W[u * k + a];
        }
        expect(lhs).toBeCloseTo(rhs, 3);
      }
    }
  });

  it('is reproducible from its seed', () => {
    const ds = plantedTastes();
    const a = trainIals(ds.train, small);
    const b = trainIals(ds.train, small);
    expect(Array.from(a.items.subarray(0, 16))).toEqual(Array.from(b.items.subarray(0, 16)));
  });

  it('refuses dims that are not a positive multiple of 4', () => {
    const ds = plantedTastes();
    expect(() => trainIals(ds.train, { ...small, dims: 6 })).toThrow(
      'iALS dims must be a positive multiple of 4, but got: 6',
    );
  });
});
