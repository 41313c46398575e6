// Batch features onto the graph: `f_*` properties on (:User {id}) and (:Product {id}), plus `featuresAsOf`
// (the cutoff in ms), so serving (DataLoader lookups), Cypher reports and Browser read the same numbers that
// training computed. Writes are batched, parameterised and idempotent (SET overwrites), so a re-run after a
// failure ends in the same state.
import type { GraphClient } from '../../graph';
import type { InteractionColumns } from '../split';
import { productFeatureRecord, userFeatureRecord, type FeatureSnapshot } from './compute';

export interface FeatureWriteSummary {
  users: number;
  products: number;
  seconds: number;
}

export interface FeatureWriteOptions {
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

const SET_USER_FEATURES = {
  name: 'features.setUsers',
  cypher: `UNWIND $rows AS row
MATCH (u:User {id: row.id})
SET u += row.f, u.featuresAsOf = $asOf`,
};

const SET_PRODUCT_FEATURES = {
  name: 'features.setProducts',
  cypher: `UNWIND $rows AS row
MATCH (p:Product {id: row.id})
SET p += row.f, p.featuresAsOf = $asOf`,
};

/** Prefix every feature with `f_` so feature properties never collide with the shop's own attributes. */
function prefixed(rec: Record<string, number | string | null>): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const [k, v] of Object.entries(rec)) out[`f_${k}`] = v;
  return out;
}

export function userGraphRecord(
  f: FeatureSnapshot,
  cols: InteractionColumns,
  u: number,
): Record<string, number | string | null> {
  const rec: Record<string, number | string | null> = userFeatureRecord(f, u);
  const top = f.users.topCategory[u * 3];
  rec.top_category = top >= 0 && cols.categoryIds ? cols.categoryIds[top] : null;
  rec.top_category_share = top >= 0 ? Math.round(f.users.topCategoryShare[u * 3] * 1e4) / 1e4 : null;
  return prefixed(rec);
}

export function productGraphRecord(f: FeatureSnapshot, p: number): Record<string, number | string | null> {
  const rec: Record<string, number | string | null> = productFeatureRecord(f, p);
  // The month with the largest share of the product's events: "its season" in one readable number.
  let peak = -1;
  let best = 0;
  for (let m = 0; m < 12; m++) {
    const s = f.products.seasonality[p * 12 + m];
    if (s > best) {
      best = s;
      peak = m + 1;
    }
  }
  rec.peak_month = peak > 0 ? peak : null;
  rec.peak_month_share = peak > 0 ? Math.round(best * 1e4) / 1e4 : null;
  return prefixed(rec);
}

/** Write every user's and product's features; users/products absent from the graph are skipped by MATCH. */
export async function writeFeaturesToGraph(
  graph: GraphClient,
  f: FeatureSnapshot,
  cols: InteractionColumns,
  opts: FeatureWriteOptions = {},
): Promise<FeatureWriteSummary> {
  const batch = opts.batchSize ?? 10_000;
  const started = Date.now();
  const total = f.nUsers + f.nProducts;
  let done = 0;
  const flush = async (
    query: typeof SET_USER_FEATURES,
    count: number,
    record: (i: number) => Record<string, unknown>,
    ids: Array<string | number>,
  ) => {
    for (let from = 0; from < count; from += batch) {
      const rows = [];
      for (let i = from; i < Math.min(count, from + batch); i++)
        rows.push({ id: String(ids[i]), f: record(i) });
      await graph.write(query, { rows, asOf: f.cutoff });
      done += rows.length;
      opts.onProgress?.(done, total);
    }
  };
  await flush(SET_USER_FEATURES, f.nUsers, (u) => userGraphRecord(f, cols, u), cols.userIds);
  await flush(SET_PRODUCT_FEATURES, f.nProducts, (p) => productGraphRecord(f, p), cols.productIds);
  return { users: f.nUsers, products: f.nProducts, seconds: (Date.now() - started) / 1000 };
}
