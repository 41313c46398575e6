import { growFloat64, growInt32, Interner } from './growable';

describe('growable columns', () => {
  it('doubles past its capacity and returns exactly the rows pushed', () => {
    const a = growInt32(2);
    for (let i = 0; i < 1000; i++) a.push(i * 3);
    expect(a.length).toBe(1000);
    const out = a.toArray();
    expect(out).toBeInstanceOf(Int32Array);
    expect(out.length).toBe(1000);
    expect(out[999]).toBe(2997);
    a.truncate(10);
    expect(a.toArray().length).toBe(10);
    a.clear();
    expect(a.toArray().length).toBe(0);
  });

  it('keeps float values exactly', () => {
    const a = growFloat64(1);
    a.push(1.5e12 + 0.25);
    a.push(NaN);
    expect(Array.from(a.toArray())).toEqual([1.5e12 + 0.25, NaN]);
  });
});

describe('Interner', () => {
  it('numbers ids in first-seen order and forgets what truncate drops', () => {
    const ids = new Interner();
    expect([ids.add('p7'), ids.add('p1'), ids.add('p7'), ids.add('p3')]).toEqual([0, 1, 0, 2]);
    expect(ids.find('p1')).toBe(1);
    expect(ids.find('p9')).toBe(-1);
    ids.truncate(2);
    expect(ids.ids).toEqual(['p7', 'p1']);
    expect(ids.find('p3')).toBe(-1);
    expect(ids.add('p3')).toBe(2);
  });
});
