import { coordinateSearch } from './search';

describe('coordinateSearch', () => {
  it('finds the maximum of a separable function, each configuration evaluated once', () => {
    const calls: string[] = [];
    const f = (p: { a: number; b: number }) => {
      calls.push(JSON.stringify(p));
      return -((p.a - 3) ** 2) - (p.b - 1) ** 2;
    };
    const r = coordinateSearch({ a: 0, b: 0 }, { a: [0, 1, 2, 3, 4], b: [0, 1, 2] }, f, {
      deadline: Infinity,
    });
    expect(r.best.params).toEqual({ a: 3, b: 1 });
    expect(r.stoppedBy).toBe('converged');
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('stops at the deadline with the best so far', () => {
    const r = coordinateSearch({ a: 0 }, { a: [1, 2, 3] }, (p) => p.a, { deadline: Date.now() - 1 });
    expect(r.stoppedBy).toBe('deadline');
    expect(r.best.params).toEqual({ a: 0 });
    expect(r.trials).toHaveLength(1);
  });

  it('walks along a grid from the current value, both ways, with fewer trials than a sweep', () => {
    const f = (p: { a: number; b: number }) => -((p.a - 1) ** 2) - (p.b - 6) ** 2;
    const grid = { a: [0, 1, 2, 3, 4, 5, 6, 7], b: [0, 1, 2, 3, 4, 5, 6, 7] };
    const walk = coordinateSearch({ a: 4, b: 4 }, grid, f, { deadline: Infinity, mode: 'walk' });
    const sweep = coordinateSearch({ a: 4, b: 4 }, grid, f, { deadline: Infinity });
    expect(walk.best.params).toEqual({ a: 1, b: 6 });
    expect(sweep.best.params).toEqual({ a: 1, b: 6 });
    expect(walk.trials.length).toBeLessThan(sweep.trials.length);
  });

  it('walks from the nearest grid value when the start is off the grid', () => {
    const r = coordinateSearch({ a: 2.4 }, { a: [0, 1, 2, 3] }, (p) => -Math.abs(p.a - 3), {
      deadline: Infinity,
      mode: 'walk',
    });
    expect(r.best.params).toEqual({ a: 3 });
  });
});
