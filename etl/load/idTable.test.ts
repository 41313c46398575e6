import { IdTable } from './idTable';

describe('IdTable', () => {
  it('gives dense and sparse ids ordinals, refuses duplicates and keeps columns', () => {
    const t = new IdTable(1);
    const a = t.add('u5');
    const b = t.add('anon:xyz');
    const c = t.add('2000000');
    expect([a, b, c]).toEqual([0, 1, 2]);
    expect(t.add('u5')).toBe(-1);
    expect(t.add('anon:xyz')).toBe(-1);
    expect(t.ordinal('u6')).toBe(-1);
    expect(t.ordinal('u05')).toBe(-1);
    expect(t.has('2000000')).toBe(true);
    t.set(a, 0, 42);
    expect(t.get(a, 0)).toBe(42);
    expect(Number.isNaN(t.get(b, 0))).toBe(true);
  });

  it('grows past its first allocation', () => {
    const t = new IdTable(2);
    for (let i = 0; i < 5000; i++) t.set(t.add(`e${i * 3}`), 1, i);
    expect(t.size).toBe(5000);
    expect(t.get(t.ordinal('e14997'), 1)).toBe(4999);
  });
});
