import { addUser, averages, emptySums } from './metrics';
import { kthLargest, topK } from '../../model';

describe('ranking metrics', () => {
  it('match hand-computed values for one user', () => {
    // Ranked list [4, 1, 7]; truth {1, 9}: one hit at rank 2 (0-based 1).
    const acc = emptySums([1, 3]);
    addUser(acc, Int32Array.from([4, 1, 7]), 3, Int32Array.from([1, 9]));
    const m = averages(acc);
    expect(m['recall@1']).toBe(0);
    expect(m['recall@3']).toBe(0.5);
    expect(m['precision@3']).toBeCloseTo(1 / 3, 12);
    expect(m['hitrate@1']).toBe(0);
    expect(m['hitrate@3']).toBe(1);
    expect(m['mrr@3']).toBe(0.5);
    // dcg = 1/log2(3); idcg = 1 + 1/log2(3).
    expect(m['ndcg@3']).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
  });

  it('average over users and skip users without truth', () => {
    const acc = emptySums([2]);
    addUser(acc, Int32Array.from([0, 1]), 2, Int32Array.from([0]));
    addUser(acc, Int32Array.from([0, 1]), 2, Int32Array.from([5]));
    addUser(acc, Int32Array.from([0, 1]), 2, Int32Array.from([]));
    const m = averages(acc);
    expect(acc.users).toBe(2);
    expect(m['recall@2']).toBe(0.5);
    expect(m['ndcg@2']).toBe(0.5);
    expect(m['precision@2']).toBe(0.25);
  });
});

describe('topK', () => {
  it('returns the best K, best first, skipping excluded entries, ties to the lower index', () => {
    const s = Float32Array.from([0.5, 3, -Infinity, 3, 1, 9, 2]);
    const out = new Int32Array(4);
    const n = topK(s, 0, s.length, 4, out, new Float32Array(4));
    expect(n).toBe(4);
    expect(Array.from(out)).toEqual([5, 1, 3, 6]);
  });

  it('returns fewer when fewer are eligible, and works on a row offset', () => {
    const s = Float32Array.from([7, 7, -Infinity, 2, -Infinity]);
    const out = new Int32Array(3);
    expect(topK(s, 2, 3, 3, out, new Float32Array(3))).toBe(1);
    expect(out[0]).toBe(1);
  });
});

describe('kthLargest', () => {
  it('finds the k-th largest of random, sorted, reversed and tied rows, leaving the input alone', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows = [
      Float32Array.from({ length: 500 }, () => Math.floor(rnd() * 50)),
      Float32Array.from({ length: 300 }, (_, i) => i),
      Float32Array.from({ length: 300 }, (_, i) => -i),
      new Float32Array(40).fill(2),
      Float32Array.from([5]),
    ];
    const scratch = new Float32Array(500);
    for (const row of rows) {
      const before = Array.from(row);
      const desc = [...before].sort((a, b) => b - a);
      for (const k of [1, 2, 7, Math.ceil(row.length / 2), row.length].filter((k) => k <= row.length))
        expect(kthLargest(row, row.length, k, scratch)).toBe(desc[k - 1]);
      expect(Array.from(row)).toEqual(before);
    }
  });
});
