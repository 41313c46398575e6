import { parseParams } from './runtime';

describe('parseParams', () => {
  it('types numbers, booleans, null and JSON, and keeps other text as strings', () => {
    expect(
      parseParams(['n=5', 'f=-1.5e3', 'b=true', 'z=null', 'l=[1,2]', 'o={"a":1}', 's=hello', 'e=', 'eq=a=b']),
    ).toEqual({
      n: 5,
      f: -1500,
      b: true,
      z: null,
      l: [1, 2],
      o: { a: 1 },
      s: 'hello',
      e: '',
      eq: 'a=b',
    });
  });

  it('keeps id-like strings with leading letters as strings', () => {
    expect(parseParams(['id=p123', 'month=2025-12'])).toEqual({ id: 'p123', month: '2025-12' });
  });

  it('rejects a pair without a key', () => {
    expect(() => parseParams(['=5'])).toThrow('--param must look like key=value, but got: "=5"');
    expect(() => parseParams(['novalue'])).toThrow('--param must look like key=value, but got: "novalue"');
  });
});
