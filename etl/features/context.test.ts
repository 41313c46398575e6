import { blackFriday, contextFeatures } from './context';

describe('contextFeatures', () => {
  it('computes hour of week from Monday 00:00 UTC, month, ISO week and weekend', () => {
    expect(contextFeatures(Date.parse('2026-10-05T00:30:00Z'))).toEqual({
      hourOfWeek: 0,
      month: 10,
      weekOfYear: 41,
      isWeekend: false,
      holiday: null,
    });
    expect(contextFeatures(Date.parse('2026-10-11T23:59:00Z'))).toMatchObject({
      hourOfWeek: 167,
      isWeekend: true,
    });
    expect(contextFeatures(Date.parse('2027-01-01T12:00:00Z'))).toMatchObject({
      weekOfYear: 53,
      holiday: 'new_year',
    });
  });

  it('knows Black Friday through Cyber Monday, and Christmas', () => {
    expect(new Date(blackFriday(2025)).toISOString()).toBe('2025-11-28T00:00:00.000Z');
    expect(new Date(blackFriday(2026)).toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(contextFeatures(Date.parse('2026-11-30T20:00:00Z')).holiday).toBe('black_friday_weekend');
    expect(contextFeatures(Date.parse('2026-12-01T20:00:00Z')).holiday).toBeNull();
    expect(contextFeatures(Date.parse('2026-12-25T08:00:00Z')).holiday).toBe('christmas');
  });
});
