import { createRng } from '../../core';
import { dotAt } from './dot';
import { createDotKernel, DOTS_BLOCK } from './simdDots';

describe('WebAssembly SIMD dot kernel', () => {
  it('scores rows in blocks as the JavaScript dot product does, to float32 precision', () => {
    const rng = createRng(3);
    const rows = 3 * DOTS_BLOCK + 17;
    for (const dims of [4, 12, 64]) {
      const k = createDotKernel(rows, dims)!;
      expect(k).toBeDefined();
      for (let i = 0; i < rows * dims; i++) k.vectors[i] = rng.normal();
      const q = Float32Array.from({ length: dims }, () => rng.normal());
      k.setQuery(q);
      for (const [from, count] of [
        [0, DOTS_BLOCK],
        [DOTS_BLOCK + 5, 1],
        [rows - 17, 17],
      ]) {
        const got = Array.from(k.dots(from, count).subarray(0, count));
        got.forEach((s, t) => {
          const want = dotAt(k.vectors, (from + t) * dims, q, dims);
          expect(Math.abs(s - want)).toBeLessThan(1e-5 * (1 + Math.abs(want)));
        });
      }
    }
  });

  it('scores against the latest query, and counts of 0 write nothing', () => {
    const k = createDotKernel(2, 4)!;
    k.vectors.set([1, 0, 0, 0, 0, 2, 0, 0]);
    k.setQuery(Float32Array.from([3, 4, 0, 0]));
    expect(Array.from(k.dots(0, 2).subarray(0, 2))).toEqual([3, 8]);
    k.setQuery(Float32Array.from([-1, 1, 0, 0]));
    const out = k.dots(0, 2);
    expect(Array.from(out.subarray(0, 2))).toEqual([-1, 2]);
    k.dots(0, 0);
    expect(Array.from(out.subarray(0, 2))).toEqual([-1, 2]);
  });

  it('is not offered for dims that are not a multiple of 4 (the caller keeps its JavaScript loop)', () => {
    expect(createDotKernel(10, 6)).toBeUndefined();
    expect(createDotKernel(10, 0)).toBeUndefined();
  });
});
