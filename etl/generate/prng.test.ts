import { Rng } from './prng';

describe('Rng (sfc32)', () => {
  it('gives the same sequence for the same seed and stream', () => {
    const a = new Rng(42, 'x');
    const b = new Rng(42, 'x');
    for (let i = 0; i < 1000; i++) expect(a.u32()).toBe(b.u32());
  });

  it('gives different sequences for other seeds or streams', () => {
    const first = (r: Rng) => Array.from({ length: 8 }, () => r.u32());
    expect(first(new Rng(42, 'x'))).not.toEqual(first(new Rng(43, 'x')));
    expect(first(new Rng(42, 'x'))).not.toEqual(first(new Rng(42, 'y')));
    expect(first(new Rng(0))).not.toEqual(first(new Rng(1)));
  });

  it('is pinned: these values must not change, or every generated shop changes', () => {
    const r = new Rng(42, 'pin');
    expect(Array.from({ length: 4 }, () => r.u32())).toMatchSnapshot();
  });

  it('draws uniform floats in [0, 1) and integers in [0, n)', () => {
    const r = new Rng(7);
    const buckets = new Array(10).fill(0);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = r.float();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      buckets[r.int(10)]++;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('draws standard normals and exponentials with the right moments', () => {
    const r = new Rng(9);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let e = 0;
    for (let i = 0; i < n; i++) {
      const x = r.normal();
      s += x;
      s2 += x * x;
      e += r.exponential(3);
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(e / n).toBeGreaterThan(2.9);
    expect(e / n).toBeLessThan(3.1);
  });
});
