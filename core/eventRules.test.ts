import {
  EVENT_LIMITS,
  eventTimeRule,
  parseIsoTimestamp,
  priceRule,
  quantityRule,
  viewFieldRule,
} from './eventRules';

const now = Date.parse('2026-11-23T10:00:00.000Z');

describe('event plausibility rules', () => {
  it('parses ISO timestamps with their zone', () => {
    expect(parseIsoTimestamp('2026-11-23T10:00:00Z')).toEqual({ ok: true, ts: now });
    expect(parseIsoTimestamp('2026-11-23T11:30:00.000+01:30')).toEqual({ ok: true, ts: now });
    expect(parseIsoTimestamp('2024-02-29T00:00:00Z')).toEqual({ ok: true, ts: Date.UTC(2024, 1, 29) });
  });

  it('refuses impossible calendar dates instead of shifting them', () => {
    for (const v of [
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:60:00Z',
      '2026-01-01T10:00:60Z',
      '2026-01-01T10:00:00+25:00',
    ])
      expect(parseIsoTimestamp(v)).toEqual({
        ok: false,
        rule: `must be a real calendar date and time, but got: ${JSON.stringify(v)}`,
      });
  });

  it('refuses timestamps without a zone or in another shape', () => {
    for (const v of ['2026-11-23T10:00:00', '2026-11-23', '1700000000', '2026-11-23T10:00Z'])
      expect(parseIsoTimestamp(v)).toEqual({
        ok: false,
        rule: `must be an ISO 8601 timestamp with a time zone such as 2026-11-23T10:00:00.000Z, but got: ${JSON.stringify(v)}`,
      });
  });

  it('bounds event times below by the earliest date and above by the clock skew', () => {
    expect(eventTimeRule(EVENT_LIMITS.earliest, now)).toBeUndefined();
    expect(eventTimeRule(now + EVENT_LIMITS.maxClockSkewMs, now)).toBeUndefined();
    expect(eventTimeRule(0, now)).toBe(
      'must not be before 2000-01-01T00:00:00.000Z, but got: 1970-01-01T00:00:00.000Z',
    );
    expect(eventTimeRule(now + EVENT_LIMITS.maxClockSkewMs + 1, now)).toBe(
      'must not be in the future (more than 5 minutes ahead of the clock 2026-11-23T10:00:00.000Z), but got: 2026-11-23T10:05:00.001Z',
    );
  });

  it('bounds quantities to whole units in [1, maxQuantity]', () => {
    expect(quantityRule(1)).toBeUndefined();
    expect(quantityRule(EVENT_LIMITS.maxQuantity)).toBeUndefined();
    for (const q of [0, -1, 1.5, EVENT_LIMITS.maxQuantity + 1, NaN])
      expect(quantityRule(q)).toBe(`must be an integer in [1, 1000], but got: ${q}`);
    expect(quantityRule(NaN, '"lots"')).toBe('must be an integer in [1, 1000], but got: "lots"');
  });

  it('bounds prices to (0, maxPrice]', () => {
    expect(priceRule(0.01)).toBeUndefined();
    expect(priceRule(EVENT_LIMITS.maxPrice)).toBeUndefined();
    for (const p of [0, -5, EVENT_LIMITS.maxPrice + 0.01, Infinity, NaN])
      expect(priceRule(p)).toBe(`must be a number in (0, 1000000], but got: ${p}`);
  });

  it('says a view carries no amounts', () => {
    expect(viewFieldRule('3')).toBe('must be empty for a view, but got: 3');
  });
});
