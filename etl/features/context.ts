// Context features of a moment: what the ranker knows about "when" without knowing "who".
// All in UTC: the shop's events are stored in UTC, and the seasonal effects are learned in the same frame.
export interface ContextFeatures {
  /** 0 = Monday 00:00-01:00 ... 167 = Sunday 23:00-24:00. */
  hourOfWeek: number;
  /** 1-12. */
  month: number;
  /** ISO week of year, 1-53. */
  weekOfYear: number;
  isWeekend: boolean;
  /** A named shopping holiday, or null. */
  holiday: Holiday | null;
}

export type Holiday = 'new_year' | 'black_friday_weekend' | 'christmas' | 'new_years_eve';

const DAY = 86_400_000;

export function contextFeatures(ts: number): ContextFeatures {
  const d = new Date(ts);
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0
  return {
    hourOfWeek: dow * 24 + d.getUTCHours(),
    month: d.getUTCMonth() + 1,
    weekOfYear: isoWeek(d),
    isWeekend: dow >= 5,
    holiday: holidayOf(d),
  };
}

/** Black Friday is the day after the fourth Thursday of November; its weekend runs to Cyber Monday. */
export function blackFriday(year: number): number {
  const nov1 = Date.UTC(year, 10, 1);
  const dow = new Date(nov1).getUTCDay(); // 0 Sunday
  const firstThursday = 1 + ((4 - dow + 7) % 7);
  return Date.UTC(year, 10, firstThursday + 21 + 1);
}

function holidayOf(d: Date): Holiday | null {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  if (m === 0 && day === 1) return 'new_year';
  if (m === 11 && day >= 24 && day <= 26) return 'christmas';
  if (m === 11 && day === 31) return 'new_years_eve';
  const bf = blackFriday(y);
  const t = Date.UTC(y, m, day);
  if (t >= bf && t <= bf + 3 * DAY) return 'black_friday_weekend';
  return null;
}

function isoWeek(d: Date): number {
  const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const dow = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = t + (3 - dow) * DAY;
  const yearStart = Date.UTC(new Date(thursday).getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday - yearStart) / (7 * DAY));
}
