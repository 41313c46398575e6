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
    expect(() => f.isoTime(row, 'p')).toThrow(
      'p must be an ISO 8601 timestamp with a time zone such as 2026-11-23T10:00:00.000Z, but got: "19.99"',
    );
    expect(() => f.text(row, 'long')).toThrow('long must be at most 4096 characters, but got 5000');
    expect(() => f.oneOf(row, 'x', ['view', 'cart'])).toThrow('x must be one of view, cart, but got: "yes"');
    expect(() => f.inWindow('t', 5, 10, 20)).toThrow(
      't must be inside the data window 1970-01-01T00:00:00.010Z .. 1970-01-01T00:00:00.020Z, but got: 1970-01-01T00:00:00.005Z',
    );
    expect(() => f.id({ i: 'a\tb' }, 'i')).toThrow('i must not contain control characters');
  });

  it('holds events to the plausibility rules trackEvents applies too (core/eventRules.ts)', () => {
    const now = Date.parse('2026-11-23T10:00:00.000Z');
    const amounts = (r: Record<string, string>, isView: boolean, requireThem = true) =>
      f.eventAmounts(r, { quantity: 'quantity', price: 'price' }, isView, requireThem);
    expect(amounts({ quantity: '2', price: '19.99' }, false)).toEqual({ quantity: 2, price: 19.99 });
    expect(amounts({ quantity: '', price: '' }, true)).toEqual({ quantity: null, price: null });
    expect(amounts({ quantity: '', price: '' }, false, false)).toEqual({ quantity: null, price: null });
    expect(() => amounts({ quantity: '5000', price: '1' }, false)).toThrow(
      'quantity must be an integer in [1, 1000], but got: "5000"',
    );
    expect(() => amounts({ quantity: '1', price: '2000000' }, false)).toThrow(
      'price must be a number in (0, 1000000], but got: "2000000"',
    );
    expect(() => amounts({ quantity: '', price: '9.99' }, true)).toThrow(
      'price must be empty for a view, but got: "9.99"',
    );
    expect(() => f.isoTime({ t: '2026-02-30T10:00:00.000Z' }, 't')).toThrow(
      't must be a real calendar date and time, but got: "2026-02-30T10:00:00.000Z"',
    );
    expect(() => f.eventTime('ts', Date.UTC(1999, 11, 31), now)).toThrow(
      'ts must not be before 2000-01-01T00:00:00.000Z, but got: 1999-12-31T00:00:00.000Z',
    );
    expect(() => f.eventTime('ts', now + 3_600_000, now)).toThrow(
      'ts must not be in the future (more than 5 minutes ahead of the clock 2026-11-23T10:00:00.000Z), but got: 2026-11-23T11:00:00.000Z',
    );
  });
});
