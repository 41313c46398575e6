import * as f from './fields';

const row = { a: '12', b: '', t: '2026-01-02T03:04:05.678Z', p: '19.99', x: 'yes', long: 'z'.repeat(5000) };

describe('fields', () => {
  it('parses valid values', () => {
    expect(f.integer(row, 'a', 0, 20)).toBe(12);
    expect(f.isoTime(row, 't')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(f.decimal(row, 'p', 0, 100)).toBe(19.99);
    expect(f.optional(row, 'b')).toBeUndefined();
  });

  it('states the rule and the value received', () => {
    expect(() => f.integer(row, 'a', 0, 10)).toThrow('a must be an integer in [0, 10], but got: "12"');
    expect(() => f.required(row, 'b')).toThrow('b is required, but got an empty value');
    expect(() => f.bool(row, 'x')).toThrow('x must be true or false, but got: "yes"');
    expect(() => f.isoTime(row, 'p')).toThrow('p must be an ISO 8601 UTC timestamp, but got: "19.99"');
    expect(() => f.text(row, 'long')).toThrow('long must be at most 4096 characters, but got 5000');
    expect(() => f.oneOf(row, 'x', ['view', 'cart'])).toThrow('x must be one of view, cart, but got: "yes"');
    expect(() => f.inWindow('t', 5, 10, 20)).toThrow(
      't must be inside the data window 1970-01-01T00:00:00.010Z .. 1970-01-01T00:00:00.020Z, but got: 1970-01-01T00:00:00.005Z',
    );
    expect(() => f.id({ i: 'a\tb' }, 'i')).toThrow('i must not contain control characters');
  });
});
