import { GraphrecError } from '../core';
import { checkFirst, checkId, parseContext, parseEvents, parseFilter } from './validate';

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
