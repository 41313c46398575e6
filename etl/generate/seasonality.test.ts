import {
  blackFriday,
  dayWeight,
  DAY_MS,
  hourWeights,
  isBlackFridayWeekend,
  makeWindow,
  seasonFactor,
} from './seasonality';

const day = (iso: string) => Date.parse(`${iso}T00:00:00.000Z`);

describe('seasonality', () => {
  it('makes a window of whole UTC days ending on the given day', () => {
    const w = makeWindow(12, '2026-10-31');
    expect(new Date(w.startMs).toISOString()).toBe('2025-11-01T00:00:00.000Z');
    expect(new Date(w.endMs).toISOString()).toBe('2026-10-31T23:59:59.999Z');
    expect(w.days).toBe(365);
    expect(makeWindow(1, '2026-03-31').days).toBe(31);
  });

  it('finds Black Friday', () => {
    expect(new Date(blackFriday(2025)).toISOString().slice(0, 10)).toBe('2025-11-28');
    expect(new Date(blackFriday(2026)).toISOString().slice(0, 10)).toBe('2026-11-27');
    expect(isBlackFridayWeekend(day('2025-12-01'))).toBe(true); // Cyber Monday
    expect(isBlackFridayWeekend(day('2025-12-02'))).toBe(false);
  });

  it('peaks on Black Friday and in December, dips on Christmas Day', () => {
    const ordinary = dayWeight(day('2026-03-11'));
    expect(dayWeight(day('2025-11-28'))).toBeGreaterThan(2 * ordinary);
    expect(dayWeight(day('2025-12-17'))).toBeGreaterThan(1.4 * ordinary);
    expect(dayWeight(day('2025-12-25'))).toBeLessThan(ordinary);
  });

  it('has weekly and daily cycles: weekends and evenings are busier', () => {
    expect(dayWeight(day('2026-03-15'))).toBeGreaterThan(dayWeight(day('2026-03-11'))); // Sunday vs Wednesday
    const h = hourWeights(day('2026-03-11'));
    expect(h).toHaveLength(24);
    expect(h[20]).toBeGreaterThan(3 * h[4]);
    expect(h[20]).toBe(Math.max(...h));
  });

  it('lifts categories in their season', () => {
    expect(seasonFactor('summer', day('2026-07-10'))).toBeGreaterThan(
      seasonFactor('summer', day('2026-01-10')),
    );
    expect(seasonFactor('winter', day('2026-01-10'))).toBeGreaterThan(
      seasonFactor('winter', day('2026-07-10')),
    );
    expect(seasonFactor('back_to_school', day('2026-08-25'))).toBeGreaterThan(2);
    expect(seasonFactor('december_gifts', day('2025-12-10'))).toBeGreaterThan(2);
    expect(seasonFactor('december_gifts', day('2026-04-10'))).toBeLessThan(1);
    expect(seasonFactor('none', day('2026-04-10'))).toBe(1);
    expect(DAY_MS).toBe(86_400_000);
  });
});
