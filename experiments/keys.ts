// The Redis keys of the A/B module, all under one configurable prefix (EXPERIMENTS_PREFIX), so tests and
// environments sharing a Redis stay apart. Ids are validated (types.ts, api/validate.ts) before they get here.

export interface ExperimentKeys {
  /** Hash: experiment id -> definition JSON. */
  definitions: string;
  /** Hash per served response: experiment, variant, unit (and clicked/carted flags); expires. */
  exposure: (recId: string) => string;
  /** Marker per attributed event (its idempotency key): makes attribution count an event once. */
  attributed: (eventId: string) => string;
  /** Hash of counters of one variant: exposures, clicks, clickedExposures, carts, purchases, revenueCents. */
  counters: (experimentId: string, variant: string) => string;
  /** Sets of units of one variant: exposed, with a cart addition, with a purchase. */
  units: (experimentId: string, variant: string) => string;
  carters: (experimentId: string, variant: string) => string;
  buyers: (experimentId: string, variant: string) => string;
  /** Hash unit -> revenue in cents (units that bought). */
  revenue: (experimentId: string, variant: string) => string;
  /** Set of the distinct items a variant recommended (catalogue coverage). */
  items: (experimentId: string, variant: string) => string;
  /** Hash latency bucket (upper bound, ms) -> responses. */
  latency: (experimentId: string, variant: string) => string;
  /** Hash of experiment-wide facts seen at serving time (catalogue size). */
  meta: (experimentId: string) => string;
}

export function experimentKeys(prefix: string): ExperimentKeys {
  const v = (e: string, variant: string, what: string) => `${prefix}:x:${e}:${variant}:${what}`;
  return {
    definitions: `${prefix}:defs`,
    exposure: (recId) => `${prefix}:rec:${recId}`,
    attributed: (eventId) => `${prefix}:out:${eventId}`,
    counters: (e, variant) => v(e, variant, 'n'),
    units: (e, variant) => v(e, variant, 'units'),
    carters: (e, variant) => v(e, variant, 'carters'),
    buyers: (e, variant) => v(e, variant, 'buyers'),
    revenue: (e, variant) => v(e, variant, 'rev'),
    items: (e, variant) => v(e, variant, 'items'),
    latency: (e, variant) => v(e, variant, 'lat'),
    meta: (e) => `${prefix}:x:${e}:meta`,
  };
}

/** Upper bounds (ms) of the latency buckets; p95 is reported as the bound of the bucket that holds it. */
export const LATENCY_BUCKETS_MS = [
  1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2500, 5000, 10000,
] as const;

export function latencyBucket(ms: number): string {
  for (const b of LATENCY_BUCKETS_MS) if (ms <= b) return String(b);
  return 'inf';
}
