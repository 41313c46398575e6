// Exposures and outcomes. An exposure is one served recommendations response under an experiment, keyed by its
// recId; an outcome is a storefront event that quotes that recId (a click is a VIEW of a recommended product,
// then CART and PURCHASE). Outcomes are counted against the exposure's variant and unit, never the event's own
// user, so a shopper who logs in mid-session still counts for the unit that saw the recommendation.
import type Redis from 'ioredis';
import { experimentKeys, latencyBucket } from './keys';

export interface Exposure {
  recId: string;
  experimentId: string;
  variant: string;
  unitId: string;
  latencyMs: number;
  itemIds: string[];
  /** Products in the catalogue when it was served (the denominator of coverage). */
  catalogSize: number;
}

export interface Outcome {
  /** The event's idempotency key: attribution counts each event once, however often it is retried. */
  eventId: string;
  recId: string;
  type: 'view' | 'cart' | 'purchase';
  /** price * quantity of a purchase, in cents; 0 for other events. */
  revenueCents: number;
}

export interface AttributionResult {
  attributed: number;
  /** Already attributed (a retried event). */
  duplicates: number;
  /** The recId names no logged exposure (not under an experiment, expired, or made up). */
  unmatched: number;
}

/** One pipeline, no reads: cheap enough to fire and forget after the response is built. */
export async function recordExposure(
  redis: Redis,
  prefix: string,
  ttlSeconds: number,
  x: Exposure,
): Promise<void> {
  const k = experimentKeys(prefix);
  const p = redis.pipeline();
  p.hset(k.exposure(x.recId), 'e', x.experimentId, 'v', x.variant, 'u', x.unitId);
  p.expire(k.exposure(x.recId), ttlSeconds);
  p.hincrby(k.counters(x.experimentId, x.variant), 'exposures', 1);
  p.sadd(k.units(x.experimentId, x.variant), x.unitId);
  if (x.itemIds.length > 0) p.sadd(k.items(x.experimentId, x.variant), ...x.itemIds);
  p.hincrby(k.latency(x.experimentId, x.variant), latencyBucket(x.latencyMs), 1);
  if (x.catalogSize > 0) p.hset(k.meta(x.experimentId), 'catalogSize', x.catalogSize);
  const res = (await p.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0] as Error;
}

// Per outcome, KEYS: attributed marker, exposure, counters, carters, buyers, revenue; ARGV: type, cents, unit.
// ARGV[1] is the marker TTL. Returns per outcome 1 (counted) or 0 (already counted).
const ATTRIBUTE = `
local ttl = tonumber(ARGV[1])
local out = {}
for i = 0, (#KEYS / 6) - 1 do
  local k = i * 6
  local t = ARGV[2 + i * 3]
  local cents = tonumber(ARGV[3 + i * 3])
  local unit = ARGV[4 + i * 3]
  if redis.call('SET', KEYS[k + 1], '1', 'NX', 'EX', ttl) then
    if t == 'view' then
      redis.call('HINCRBY', KEYS[k + 3], 'clicks', 1)
      if redis.call('HSETNX', KEYS[k + 2], 'clicked', '1') == 1 then
        redis.call('HINCRBY', KEYS[k + 3], 'clickedExposures', 1)
      end
    elseif t == 'cart' then
      redis.call('HINCRBY', KEYS[k + 3], 'carts', 1)
      redis.call('SADD', KEYS[k + 4], unit)
    else
      redis.call('HINCRBY', KEYS[k + 3], 'purchases', 1)
      redis.call('HINCRBY', KEYS[k + 3], 'revenueCents', cents)
      redis.call('SADD', KEYS[k + 5], unit)
      redis.call('HINCRBY', KEYS[k + 6], unit, cents)
    end
    out[i + 1] = 1
  else
    out[i + 1] = 0
  end
end
return out
`;

/** What an exposure hash holds: the experiment, variant and unit a served response counted for. */
export interface LoggedExposure {
  experimentId: string;
  variant: string;
  unitId: string;
}

/** recId -> its logged exposure; a recId with none (not under an experiment, expired, made up) is absent. */
export type ExposuresByRecId = Map<string, LoggedExposure>;

/** One pipelined HMGET per distinct recId; no Redis call at all for a batch without recIds. */
export async function lookupExposures(
  redis: Redis,
  prefix: string,
  recIds: string[],
): Promise<ExposuresByRecId> {
  const found: ExposuresByRecId = new Map();
  const distinct = [...new Set(recIds)];
  if (distinct.length === 0) return found;
  const k = experimentKeys(prefix);
  const lookup = redis.pipeline();
  for (const recId of distinct) lookup.hmget(k.exposure(recId), 'e', 'v', 'u');
  const rows = (await lookup.exec()) ?? [];
  rows.forEach(([err, row], i) => {
    if (err) throw err;
    const [e, v, u] = row as Array<string | null>;
    if (e !== null && v !== null && u !== null)
      found.set(distinct[i], { experimentId: e, variant: v, unitId: u });
  });
  return found;
}

/**
 * Counts the outcomes against the exposures their recIds name, as read by lookupExposures. Exposures never
 * change once written, so reading them first (trackEvents does it before the append, to tag the events) and
 * counting in a second step is race-free.
 */
export async function attributeOutcomes(
  redis: Redis,
  prefix: string,
  ttlSeconds: number,
  outcomes: Outcome[],
  exposures: ExposuresByRecId,
): Promise<AttributionResult> {
  const result: AttributionResult = { attributed: 0, duplicates: 0, unmatched: 0 };
  if (outcomes.length === 0) return result;
  const k = experimentKeys(prefix);
  const keys: string[] = [];
  const argv: string[] = [String(ttlSeconds)];
  for (const o of outcomes) {
    const x = exposures.get(o.recId);
    if (x === undefined) {
      result.unmatched++;
      continue;
    }
    keys.push(
      k.attributed(o.eventId),
      k.exposure(o.recId),
      k.counters(x.experimentId, x.variant),
      k.carters(x.experimentId, x.variant),
      k.buyers(x.experimentId, x.variant),
      k.revenue(x.experimentId, x.variant),
    );
    argv.push(o.type, String(Math.round(o.revenueCents)), x.unitId);
  }
  if (keys.length === 0) return result;
  const counted = (await redis.eval(ATTRIBUTE, keys.length, ...keys, ...argv)) as number[];
  for (const c of counted) {
    if (c === 1) result.attributed++;
    else result.duplicates++;
  }
  return result;
}
