import { GraphrecError } from '../core';
import { checkFirst, checkId, parseContext, parseEvents, parseFilter, type EventInput } from './validate';

const now = Date.parse('2026-11-23T10:00:00.000Z');
const err = (f: () => unknown): GraphrecError => {
  try {
    f();
  } catch (e) {
    return e as GraphrecError;
  }
  throw new Error('expected an error');
};

describe('validate', () => {
  it('checks first and names the field', () => {
    expect(checkFirst(5, 100)).toBe(5);
    for (const bad of [0, -3, 101, 2.5]) {
      const e = err(() => checkFirst(bad, 100));
      expect(e.message).toBe(`\`first\` must be an integer in [1, 100], but got: ${bad}`);
      expect(e.where.field).toBe('first');
    }
  });

  it('checks ids', () => {
    expect(checkId('u12', 'userId')).toBe('u12');
    expect(err(() => checkId("u1' OR 1=1", 'userId')).message).toBe(
      '`userId` must be 1-64 letters, digits, "_" or "-", but got: "u1\' OR 1=1"',
    );
  });

  it('refuses future timestamps beyond the skew and bad filters', () => {
    expect(parseContext({ timestamp: '2026-11-23T10:04:00.000Z' }, now).ts).toBe(now + 240_000);
    expect(err(() => parseContext({ timestamp: '2026-11-23T11:00:00.000Z' }, now)).where.field).toBe(
      'context.timestamp',
    );
    expect(err(() => parseFilter({ minPrice: 50, maxPrice: 10 })).message).toBe(
      '`filter.minPrice` must not exceed `filter.maxPrice`, but got: 50 > 10',
    );
  });

  it('parses events: anonymous sessions, batch size, missing subject', () => {
    const [e] = parseEvents(
      [{ idempotencyKey: 'key-00000001', type: 'VIEW', productId: 'p1', sessionId: 's1' }],
      10,
      now,
    );
    expect(e).toMatchObject({
      eventId: 'key-00000001',
      type: 'view',
      userId: 'anon:s1',
      anonymous: true,
      ts: now,
      quantity: 1,
    });
    const many = Array.from({ length: 11 }, (_, i) => ({
      idempotencyKey: `key-0000000${i}`,
      type: 'VIEW',
      productId: 'p1',
      userId: 'u1',
    }));
    expect(err(() => parseEvents(many, 10, now)).message).toBe(
      '`events` must hold at most 10 events, but got: 11',
    );
    expect(
      err(() => parseEvents([{ idempotencyKey: 'key-00000001', type: 'VIEW', productId: 'p1' }], 10, now))
        .message,
    ).toBe('`events[0].userId` or `events[0].sessionId` must be given, but got neither');
    expect(
      err(() =>
        parseEvents([{ idempotencyKey: 'short', type: 'VIEW', productId: 'p1', userId: 'u1' }], 10, now),
      ).where.field,
    ).toBe('events[0].idempotencyKey');
  });
});

describe('trackEvents plausibility (core/eventRules.ts, shared with the ETL)', () => {
  const base = { idempotencyKey: 'key-00000001', productId: 'p1', userId: 'u1' };
  const message = (e: Partial<EventInput>) => {
    const got = err(() => parseEvents([{ ...base, type: 'PURCHASE', ...e } as EventInput], 10, now));
    return `${got.where.field}: ${got.message}`;
  };

  it.each([
    [
      { price: 1e12 },
      'events[0].price: `events[0].price` must be a number in (0, 1000000], but got: 1000000000000',
    ],
    [{ price: 0 }, 'events[0].price: `events[0].price` must be a number in (0, 1000000], but got: 0'],
    [
      { quantity: 5000 },
      'events[0].quantity: `events[0].quantity` must be an integer in [1, 1000], but got: 5000',
    ],
    [
      { timestamp: '1970-01-01T00:00:00.000Z' },
      'events[0].timestamp: `events[0].timestamp` must not be before 2000-01-01T00:00:00.000Z, but got: "1970-01-01T00:00:00.000Z"',
    ],
    [
      { timestamp: '2026-11-23T10:05:00.001Z' },
      'events[0].timestamp: `events[0].timestamp` must not be in the future (more than 5 minutes ahead of the clock 2026-11-23T10:00:00.000Z), but got: "2026-11-23T10:05:00.001Z"',
    ],
    [
      { timestamp: '2026-02-30T10:00:00.000Z' },
      'events[0].timestamp: `events[0].timestamp` must be a real calendar date and time, but got: "2026-02-30T10:00:00.000Z"',
    ],
    [
      { timestamp: '2026-11-23T10:00:00' },
      'events[0].timestamp: `events[0].timestamp` must be an ISO 8601 timestamp with a time zone such as 2026-11-23T10:00:00.000Z, but got: "2026-11-23T10:00:00"',
    ],
    [
      { type: 'VIEW', quantity: 3 },
      'events[0].quantity: `events[0].quantity` must be empty for a view, but got: 3',
    ],
    [
      { type: 'VIEW', price: 9.99 },
      'events[0].price: `events[0].price` must be empty for a view, but got: 9.99',
    ],
  ])('refuses %j', (e, expected) => {
    expect(message(e)).toBe(expected);
  });

  it('accepts the bounds themselves and gives a view no price', () => {
    const [purchase, view] = parseEvents(
      [
        { ...base, type: 'PURCHASE', quantity: 1000, price: 1_000_000, timestamp: '2000-01-01T00:00:00Z' },
        { ...base, idempotencyKey: 'key-00000002', type: 'VIEW' },
      ],
      10,
      now,
    );
    expect(purchase).toMatchObject({ quantity: 1000, price: 1_000_000, ts: Date.UTC(2000, 0, 1) });
    expect(view).toMatchObject({ type: 'view', price: null });
  });
});
