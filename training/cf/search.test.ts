import { coordinateSearch } from './search';

describe('coordinateSearch', () => {
  it('finds the maximum of a separable function, each configuration evaluated once', () => {
    const calls: string[] = [];
    const f = (p: { a: number; b: number }) => {
      calls.push(JSON.stringify(p));
      return -((p.a - 3) ** 2) - (p.b - 1) ** 2;
    };
    const r = coordinateSearch({ a: 0, b: 0 }, { a: [0, 1, 2, 3, 4], b: [0, 1, 2] }, f, Infinity);
    expect(r.best.params).toEqual({ a: 3, b: 1 });
    expect(r.stoppedBy).toBe('converged');
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('stops at the deadline with the best so far', () => {
    const r = coordinateSearch({ a: 0 }, { a: [1, 2, 3] }, (p) => p.a, Date.now() - 1);
    expect(r.stoppedBy).toBe('deadline');
    expect(r.best.params).toEqual({ a: 0 });
    expect(r.trials).toHaveLength(1);
  });
});
