import { csrFromTriples } from '../data/csr';
import { evaluate } from './evaluate';

describe('evaluate (full ranking, train items excluded)', () => {
  it('ranks all items with train items excluded and reports exact metrics and coverage', () => {
    // 2 users, 4 items, 1-d scores: item scores 4 > 3 > 2 > 1.
    const items = Float32Array.from([4, 3, 2, 1]);
    const users = Float32Array.from([1, 1]);
    // User 0 trained on item 0, so its ranking is [1, 2, 3]; user 1 trained on nothing: [0, 1, 2, 3].
    const train = csrFromTriples(2, 4, Int32Array.from([0]), Int32Array.from([0]));
    const test = csrFromTriples(2, 4, Int32Array.from([0, 1]), Int32Array.from([2, 3]));
    const r = evaluate({ dims: 1, users, items }, { exclude: train, truth: test, ks: [1, 2] });
    expect(r.users).toBe(2);
    expect(r.metrics['recall@1']).toBe(0);
    // User 0: item 2 at rank 2 -> recall 1, ndcg 1/log2(3); user 1: item 3 not in its top 2.
    expect(r.metrics['recall@2']).toBe(0.5);
    expect(r.metrics['ndcg@2']).toBeCloseTo(1 / Math.log2(3) / 2, 6);
    expect(r.metrics['mrr@2']).toBe(0.25);
    // Top-1 lists: {1} and {0}: 2 of 4 items; top-2: {1,2} and {0,1}: 3 of 4.
    expect(r.coverage['coverage@1']).toBe(0.5);
    expect(r.coverage['coverage@2']).toBe(0.75);
  });
});
