import { densePrefixLength, IdTable } from './idTable';

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

  it('splits dense ids exactly as the documented pattern does', () => {
    const pattern = /^([A-Za-z_:-]{0,16}?)(0|[1-9]\d{0,8})$/;
    const ids = [
      '0',
      '7',
      'u0',
      'u00',
      'u05',
      'u123456789',
      'u1234567890',
      'a'.repeat(16) + '1',
      'a'.repeat(17) + '1',
      'x-y:z_42',
      'é1',
      '',
      'u',
      '1a2',
      '123456789',
      '0123',
      'anon:abc',
      'u1 ',
      ' u1',
    ];
    for (const id of ids)
      expect([id, densePrefixLength(id)]).toEqual([id, pattern.exec(id)?.[1].length ?? -1]);
  });

  it('keeps prefixes apart when ids of several prefixes interleave', () => {
    const t = new IdTable();
    const ords = ['u1', 'p1', 'u2', 's1', 'p2', 'u1', 'p1'].map((id) => t.add(id));
    expect(ords).toEqual([0, 1, 2, 3, 4, -1, -1]);
    expect(['p2', 's1', 'u2', 'u1', 'p1', 's2'].map((id) => t.ordinal(id))).toEqual([4, 3, 2, 0, 1, -1]);
  });
});
