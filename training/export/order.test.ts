import { compareIds, eventOrder, idOrder, sessionOrder } from './order';

describe('export order', () => {
  it('orders ids by length then code units, so generated ids come back in numeric order', () => {
    const ids = ['u10', 'u2', 'u1', 'u0', 'u100', 'u9'];
    const { order, rank } = idOrder(ids);
    expect(Array.from(order, (i) => ids[i])).toEqual(['u0', 'u1', 'u2', 'u9', 'u10', 'u100']);
    expect(Array.from(rank)).toEqual([4, 2, 1, 0, 5, 3]);
    expect(compareIds('b2', 'a10')).toBeLessThan(0);
    expect(compareIds('a1', 'a1')).toBe(0);
  });

  it('orders sessions by start, ties by id, unknown starts last', () => {
    const ids = ['s3', 's1', 's2', 's0'];
    const { order } = sessionOrder(ids, Float64Array.from([5, NaN, 5, 9]));
    expect(Array.from(order, (i) => ids[i])).toEqual(['s2', 's3', 's0', 's1']);
  });

  it('groups events by session and orders each by seq, with the full key breaking ties', () => {
    // Stream order scrambled; sessions 0 and 1 (ranks), seq, and two events sharing session 1, seq 0.
    const k = {
      session: Int32Array.from([1, 0, 1, 0, 1]),
      seq: Float64Array.from([0, 1, 2, 0, 0]),
      ts: Float64Array.from([10, 2, 30, 1, 10]),
      item: Int32Array.from([7, 5, 5, 4, 3]),
      type: Uint8Array.from([0, 0, 0, 0, 0]),
      user: Int32Array.from([1, 0, 1, 0, 1]),
    };
    expect(Array.from(eventOrder(k, 2))).toEqual([3, 1, 4, 0, 2]);
  });
});
