import { Rng } from './prng';
import {
  AliasTable,
  apportion,
  geometric,
  permutation,
  pickWeighted,
  upperBound,
  zipfWeights,
} from './samplers';

describe('samplers', () => {
  it('AliasTable draws in proportion to the weights, and never a zero weight', () => {
    const w = [1, 0, 2, 7];
    const t = new AliasTable(w);
    const r = new Rng(1);
    const n = 200_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[t.sample(r)]++;
    expect(counts[1]).toBe(0);
    for (const i of [0, 2, 3]) expect(counts[i] / n).toBeCloseTo(w[i] / 10, 2);
  });

  it('AliasTable over all-zero weights is uniform rather than broken', () => {
    const t = new AliasTable([0, 0]);
    const r = new Rng(2);
    const seen = new Set(Array.from({ length: 100 }, () => t.sample(r)));
    expect(seen).toEqual(new Set([0, 1]));
  });

  it('zipfWeights fall off as a power of the rank', () => {
    const w = zipfWeights(100, 1, 1);
    expect(w[0]).toBe(1);
    expect(w[9]).toBeCloseTo(0.1, 10);
    expect(w[0] / w[1]).toBeCloseTo(2, 10);
  });

  it('permutation holds every index once', () => {
    const p = permutation(1000, new Rng(3));
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('geometric has mean p / (1 - p)', () => {
    const r = new Rng(4);
    let s = 0;
    for (let i = 0; i < 50_000; i++) s += geometric(r, 0.75);
    expect(s / 50_000).toBeGreaterThan(2.9);
    expect(s / 50_000).toBeLessThan(3.1);
  });

  it('pickWeighted picks in proportion', () => {
    const r = new Rng(5);
    let ones = 0;
    for (let i = 0; i < 10_000; i++) ones += pickWeighted([1, 3], r);
    expect(ones / 10_000).toBeCloseTo(0.75, 1);
  });

  it('upperBound counts the values <= x in a sorted array', () => {
    const a = [1, 2, 2, 5];
    expect(upperBound(a, 0)).toBe(0);
    expect(upperBound(a, 2)).toBe(3);
    expect(upperBound(a, 9)).toBe(4);
  });

  it('apportion splits a total exactly, in proportion', () => {
    const parts = apportion(10, [1, 1, 1]);
    expect(Array.from(parts)).toEqual([4, 3, 3]);
    const big = apportion(2_000_000, [0.3, 1.7, 2.2, 0.9, 0]);
    expect(big.reduce((a, b) => a + b, 0)).toBe(2_000_000);
    expect(big[4]).toBe(0);
  });
});
