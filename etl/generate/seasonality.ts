// Calendar structure planted in the traffic: the window, holiday peaks (Black Friday weekend, December),
// weekly and daily cycles, and the seasons of categories. All times are UTC; the shop is European.

export const DAY_MS = 86_400_000;

export type Season = 'none' | 'summer' | 'winter' | 'back_to_school' | 'december_gifts';
export const SEASONS: readonly Season[] = ['none', 'summer', 'winter', 'back_to_school', 'december_gifts'];

export interface Window {
  /** First millisecond of the window (00:00:00.000 UTC of its first day). */
  startMs: number;
  /** Last millisecond of the window (23:59:59.999 UTC of its last day). */
  endMs: number;
  /** Number of whole days in the window; day d covers [startMs + d*DAY_MS, startMs + (d+1)*DAY_MS). */
  days: number;
}

/** The `months` calendar months that end with the UTC day `endDay` (YYYY-MM-DD), inclusive. */
export function makeWindow(months: number, endDay: string): Window {
  const [y, m, d] = endDay.split('-').map(Number);
  const endExclusive = Date.UTC(y, m - 1, d + 1);
  const next = new Date(endExclusive);
  const startMs = Date.UTC(next.getUTCFullYear(), next.getUTCMonth() - months, next.getUTCDate());
  return { startMs, endMs: endExclusive - 1, days: Math.round((endExclusive - startMs) / DAY_MS) };
}

/** Black Friday: the day after the fourth Thursday of November (US Thanksgiving), as a UTC midnight. */
export function blackFriday(year: number): number {
  const nov1 = new Date(Date.UTC(year, 10, 1)).getUTCDay(); // 0 = Sunday
  const firstThursday = 1 + ((4 - nov1 + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

// Sunday..Saturday: weekends and Monday evenings are the busy times.
const WEEKDAY = [1.12, 1.03, 0.96, 0.95, 0.96, 0.92, 1.06];

/** Relative traffic of the UTC day that starts at `dayMs` (1 = an ordinary Wednesday-ish day). */
export function dayWeight(dayMs: number): number {
  const date = new Date(dayMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const dom = date.getUTCDate();
  let holiday = 1;
  const bf = blackFriday(year);
  const sinceBf = Math.round((dayMs - bf) / DAY_MS);
  if (sinceBf >= -7 && sinceBf < 0) holiday = 1.3;
  else if (sinceBf === 0) holiday = 2.8;
  else if (sinceBf === 1) holiday = 2.1;
  else if (sinceBf === 2) holiday = 1.8;
  else if (sinceBf === 3)
    holiday = 2.3; // Cyber Monday
  else if (month === 11) {
    if (dom <= 21) holiday = 1.45 + (0.35 * (dom - 1)) / 20;
    else if (dom <= 23) holiday = 1.3;
    else if (dom === 24) holiday = 0.75;
    else if (dom === 25) holiday = 0.55;
    else holiday = 1.15;
  } else if (month === 0) holiday = dom === 1 ? 0.7 : dom <= 15 ? 1.1 : 0.95;
  else if (month === 6 || month === 7) holiday = 0.92; // summer holidays: people are away
  return holiday * WEEKDAY[date.getUTCDay()];
}

/** True on Black Friday through Cyber Monday: the days with sale prices. */
export function isBlackFridayWeekend(dayMs: number): boolean {
  const bf = blackFriday(new Date(dayMs).getUTCFullYear());
  return dayMs >= bf && dayMs < bf + 4 * DAY_MS;
}

// Share of a day's sessions starting in each UTC hour: quiet nights, a lunch bump, the evening peak.
const HOURS_WEEKDAY = [
  0.9, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.8, 2.6, 2.8, 3.0, 3.3, 4.2, 4.0, 3.4, 3.3, 3.5, 4.0, 5.2, 6.6, 7.2,
  6.6, 4.6, 2.2,
];
const HOURS_WEEKEND = [
  1.3, 0.8, 0.5, 0.3, 0.2, 0.2, 0.4, 0.9, 1.8, 3.0, 4.0, 4.6, 4.8, 4.7, 4.5, 4.5, 4.6, 4.8, 5.2, 5.9, 6.2,
  5.6, 4.0, 2.3,
];

/** Hour-of-day weights (24 values) for the UTC day that starts at `dayMs`. */
export function hourWeights(dayMs: number): readonly number[] {
  const dow = new Date(dayMs).getUTCDay();
  return dow === 0 || dow === 6 ? HOURS_WEEKEND : HOURS_WEEKDAY;
}

const SUMMER = [0.5, 0.5, 0.6, 0.8, 1.2, 1.7, 1.9, 1.5, 0.8, 0.6, 0.5, 0.5];
const WINTER = [1.8, 1.5, 0.9, 0.6, 0.4, 0.35, 0.35, 0.4, 0.6, 1.0, 1.5, 1.8];

/** How much more (or less) a category of this season sells on the UTC day `dayMs` than on average. */
export function seasonFactor(season: Season, dayMs: number): number {
  const date = new Date(dayMs);
  const month = date.getUTCMonth();
  const dom = date.getUTCDate();
  switch (season) {
    case 'none':
      return 1;
    case 'summer':
      return SUMMER[month];
    case 'winter':
      return WINTER[month];
    case 'back_to_school':
      if (month === 7) return dom < 15 ? 1.7 : 2.5;
      if (month === 8) return dom <= 15 ? 2.4 : 1.3;
      return month === 6 ? 1.0 : 0.6;
    case 'december_gifts':
      if (month === 11) return dom <= 24 ? 2.8 : 0.8;
      if (month === 10) return dom > 20 ? 1.7 : 1.0;
      return 0.7;
  }
}

/** dayWeight for every day of the window. */
export function dayWeights(w: Window): Float64Array {
  const out = new Float64Array(w.days);
  for (let d = 0; d < w.days; d++) out[d] = dayWeight(w.startMs + d * DAY_MS);
  return out;
}
