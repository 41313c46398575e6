// What makes an interaction event plausible, in one place for both ways events come in: the ETL's files
// (etl/load) and the storefront's trackEvents (api/validate.ts). A rule that only one of them applied would let
// the other poison what training and analytics read (revenue sums, popularity, recency).
//
// Each rule returns undefined when the value passes, else the broken rule as "must ..., but got: <value>"; the
// caller puts its own field name in front (`price` in a CSV, `events[3].price` in GraphQL), so both surfaces
// state the same rule in the same words. Values arrive already parsed to numbers (NaN when they were not
// numbers at all); `shown` is how the caller quotes the value it received.
//
// Users are not a rule of this module: whether an event's user exists is a question for the graph, asked by
// each surface (docs/data-format.md, "Plausible events").

/** The bounds, named so that documentation and tests quote them rather than repeat numbers. */
export const EVENT_LIMITS = {
  /** Units in one cart or purchase line; more is a wholesale order or a script, not a shopper. */
  maxQuantity: 1000,
  /** Unit price, in the shop's currency; the catalogue's dearest product is far below it. */
  maxPrice: 1_000_000,
  /** No shop in scope has events before this; older stamps are zeroed or mis-scaled clocks. */
  earliest: Date.UTC(2000, 0, 1),
  /** Clients' clocks drift a little, not by hours: later stamps are refused. */
  maxClockSkewMs: 5 * 60_000,
} as const;

/** `2026-11-23T10:00:00Z`, `2026-11-23T10:00:00.123+01:00`: date, time and zone, nothing left to guess. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|([+-])(\d{2}):(\d{2}))$/;

const iso = (t: number) => new Date(t).toISOString();

export type TimestampResult = { ok: true; ts: number } | { ok: false; rule: string };

/**
 * An ISO 8601 timestamp with its zone, as epoch milliseconds. Strict about the calendar: JavaScript's
 * Date.parse would shift 2026-02-30 to 2 March, so every component is checked before it is trusted.
 */
export function parseIsoTimestamp(value: string, shown = JSON.stringify(value)): TimestampResult {
  const m = ISO.exec(value);
  if (!m)
    return {
      ok: false,
      rule: `must be an ISO 8601 timestamp with a time zone such as 2026-11-23T10:00:00.000Z, but got: ${shown}`,
    };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const zoneOk = m[9] === undefined || (Number(m[10]) <= 23 && Number(m[11]) <= 59);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59 || !zoneOk)
    return { ok: false, rule: `must be a real calendar date and time, but got: ${shown}` };
  return { ok: true, ts: Date.parse(value) };
}

/** An event time inside [EVENT_LIMITS.earliest, now + EVENT_LIMITS.maxClockSkewMs]. */
export function eventTimeRule(ts: number, now: number, shown = iso(ts)): string | undefined {
  if (ts < EVENT_LIMITS.earliest)
    return `must not be before ${iso(EVENT_LIMITS.earliest)}, but got: ${shown}`;
  if (ts > now + EVENT_LIMITS.maxClockSkewMs)
    return `must not be in the future (more than ${EVENT_LIMITS.maxClockSkewMs / 60_000} minutes ahead of the clock ${iso(now)}), but got: ${shown}`;
  return undefined;
}

/** A cart or purchase quantity: a whole number of units in [1, maxQuantity]. */
export function quantityRule(q: number, shown = String(q)): string | undefined {
  return Number.isInteger(q) && q >= 1 && q <= EVENT_LIMITS.maxQuantity
    ? undefined
    : `must be an integer in [1, ${EVENT_LIMITS.maxQuantity}], but got: ${shown}`;
}

/** A cart or purchase unit price: a number in (0, maxPrice]. */
export function priceRule(p: number, shown = String(p)): string | undefined {
  return Number.isFinite(p) && p > 0 && p <= EVENT_LIMITS.maxPrice
    ? undefined
    : `must be a number in (0, ${EVENT_LIMITS.maxPrice}], but got: ${shown}`;
}

/** A view is a look at a product: it carries neither a quantity nor a price, and one that does is refused
 * rather than stripped, so a client that sends them learns of its mistake. */
export const viewFieldRule = (shown: string): string => `must be empty for a view, but got: ${shown}`;
