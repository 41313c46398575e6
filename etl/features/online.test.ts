import { countsFromHash } from './online';

const DAY = 86_400_000;
const now = Date.parse('2026-03-10T12:00:00Z');
const today = Math.floor(now / DAY);

describe('countsFromHash', () => {
  it('sums day buckets into 7, 30 and 365-day windows ending today', () => {
    const c = countsFromHash(
      {
        [`view:${today}`]: '2',
        [`view:${today - 6}`]: '1', // inside 7 days
        [`view:${today - 7}`]: '4', // outside 7, inside 30
        [`purchase:${today - 200}`]: '1',
        [`cart:${today - 400}`]: '9', // older than every window
        last: String(now - 1.5 * DAY),
      },
      now,
    );
    expect(c.counts).toMatchObject({
      views_7d: 3,
      views_30d: 7,
      views_365d: 7,
      purchases_7d: 0,
      purchases_365d: 1,
      carts_365d: 0,
    });
    expect(c.recencyDays).toBeCloseTo(1.5);
  });

  it('ignores buckets from the future and unknown fields, and reports no recency without events', () => {
    const c = countsFromHash({ [`view:${today + 2}`]: '5', 'click:1': '3' }, now);
    expect(c.counts.views_365d).toBe(0);
    expect(c.recencyDays).toBeNull();
  });
});
