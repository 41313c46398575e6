import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core';
import { buildPropagationGraph, userItemGraph } from '../graph/propagationGraph';
import { csrFromTriples } from '../data/csr';
import { gatherRows, propagateOp, scaleRows } from './ops';
import { layerMean, spmmChunk8, spmmNaive } from './spmm';

/** A random bipartite graph: nU users, nI items, each user with a few random items. */
function randomGraph(nU: number, nI: number, seed: number) {
  const rng = createRng(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < nU; u++) {
    const picked = new Set<number>();
    const k = 1 + rng.int(4);
    while (picked.size < k) picked.add(rng.int(nI));
    for (const i of [...picked].sort((a, b) => a - b)) {
      rows.push(u);
      cols.push(i);
    }
  }
  return userItemGraph(csrFromTriples(nU, nI, Int32Array.from(rows), Int32Array.from(cols)));
}

/** Float64 dense reference of Â X. */
function reference(g: ReturnType<typeof randomGraph>, x: Float32Array, d: number): Float64Array {
  const out = new Float64Array(g.nNodes * d);
  const { ptr, idx, val } = g.adj;
  for (let r = 0; r < g.nNodes; r++)
    for (let e = ptr[r]; e < ptr[r + 1]; e++)
      for (let j = 0; j < d; j++) out[r * d + j] += val[e] * x[idx[e] * d + j];
  return out;
}

describe('normalised adjacency', () => {
  it('is symmetric with values 1/sqrt(deg(a) deg(b)), and keeps node-type ranges', () => {
    // Users 0,1; items 0,1; edges u0-i0, u0-i1, u1-i1.
    const g = userItemGraph(csrFromTriples(2, 2, Int32Array.from([0, 0, 1]), Int32Array.from([0, 1, 1])));
    expect(g.ranges).toEqual([
      { type: 'user', offset: 0, count: 2 },
      { type: 'item', offset: 2, count: 2 },
    ]);
    const dense = new Float64Array(16);
    for (let r = 0; r < 4; r++)
      for (let e = g.adj.ptr[r]; e < g.adj.ptr[r + 1]; e++) dense[r * 4 + g.adj.idx[e]] = g.adj.val[e];
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) expect(dense[a * 4 + b]).toBeCloseTo(dense[b * 4 + a], 7);
    // u0 (deg 2) - i1 (deg 2): 1/2; u1 (deg 1) - i1 (deg 2): 1/sqrt(2).
    expect(dense[0 * 4 + 3]).toBeCloseTo(0.5, 7);
    expect(dense[1 * 4 + 3]).toBeCloseTo(1 / Math.sqrt(2), 7);
  });

  it('accepts extra node types and edge weights (metadata nodes)', () => {
    const g = buildPropagationGraph(
      [
        { type: 'user', count: 1 },
        { type: 'item', count: 2 },
        { type: 'category', count: 1 },
      ],
      [
        {
          from: 'user',
          to: 'item',
          src: Int32Array.from([0, 0]),
          dst: Int32Array.from([0, 1]),
          weight: Float32Array.from([3, 1]),
        },
        { from: 'item', to: 'category', src: Int32Array.from([0, 1]), dst: Int32Array.from([0, 0]) },
      ],
    );
    expect(g.nNodes).toBe(4);
    // deg(user) = 4, deg(item0) = 3 + 1 = 4: weight 3 / sqrt(4 * 4).
    expect(g.adj.val[g.adj.ptr[0]]).toBeCloseTo(0.75, 7);
  });
});

describe('spmm kernels', () => {
  it('chunk8 and naive match a float64 reference', () => {
    const g = randomGraph(37, 29, 1);
    const d = 16;
    const rng = createRng(2);
    const x = Float32Array.from({ length: g.nNodes * d }, () => rng.normal());
    const ref = reference(g, x, d);
    for (const k of [spmmChunk8, spmmNaive]) {
      const out = new Float32Array(g.nNodes * d);
      k(g.adj, x, d, out);
      let maxRel = 0;
      for (let j = 0; j < out.length; j++)
        maxRel = Math.max(maxRel, Math.abs(out[j] - ref[j]) / (Math.abs(ref[j]) + 1e-3));
      expect(maxRel).toBeLessThan(1e-5);
    }
  });

  it('layerMean with 0 layers is the identity', () => {
    const g = randomGraph(5, 4, 3);
    const x = Float32Array.from({ length: g.nNodes * 8 }, (_, i) => i);
    expect(Array.from(layerMean(g.adj, x, 8, 0))).toEqual(Array.from(x));
  });
});

describe('tfjs ops', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // With a row scale, y = S M x is no longer self-adjoint: the backward must scale dy before the mean.
  it.each([
    ['without', false],
    ['with', true],
  ])('propagate (%s an output row scale) and gather gradients match finite differences', (_, scaled) => {
    const g = randomGraph(6, 5, 4);
    const d = 8;
    const rng = createRng(5);
    const x0 = Float32Array.from({ length: g.nNodes * d }, () => rng.normal());
    const w = Float32Array.from({ length: 3 * d }, () => rng.normal());
    const rows = Int32Array.from([0, 7, 7]);
    const scale = scaled ? Float32Array.from({ length: g.nNodes }, (_, n) => 0.5 + n / 4) : undefined;
    const prop = propagateOp(g.adj, 3, undefined, scale);
    // f(X) = Σ W ⊙ gather(prop(X), rows)²: nonlinear so the check exercises dy.
    const f = (x: tf.Tensor) =>
      tf.sum(
        tf.mul(tf.square(gatherRows(prop(x as tf.Tensor2D), rows)), tf.tensor2d(w, [3, d])),
      ) as tf.Scalar;
    const grad = tf
      .grad(f)(tf.tensor2d(x0, [g.nNodes, d]))
      .dataSync();
    const fx = (x: Float32Array) => {
      // float64 re-implementation of f, for the finite differences.
      const p = layerMean(g.adj, x, d, 3);
      if (scale) scaleRows(p, d, scale);
      let s = 0;
      rows.forEach((r, b) => {
        for (let j = 0; j < d; j++) s += w[b * d + j] * p[r * d + j] ** 2;
      });
      return s;
    };
    const h = 1e-2;
    for (const j of [0, 3, 8 * 2 + 1, 8 * 7 + 5, 8 * 10]) {
      const xp = Float32Array.from(x0);
      const xm = Float32Array.from(x0);
      xp[j] += h;
      xm[j] -= h;
      const fd = (fx(xp) - fx(xm)) / (2 * h);
      expect(grad[j]).toBeCloseTo(fd, 2);
    }
  });
});
