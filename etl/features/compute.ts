// Batch user and product features, computed "as of" a cutoff in one pass over the interaction columns. Only
// events strictly before the cutoff count, so features for training (cutoff = the split's validation start)
// cannot see validation or test events. Tables are columns of typed arrays, row = user or product index.
import { EVENT_TYPES, validationError } from '../../core';
import type { InteractionColumns } from '../split';

export const WINDOWS_DAYS = [7, 30, 365] as const;
export const TYPE_NAMES = EVENT_TYPES;
const DAY = 86_400_000;

export interface UserFeatures {
  /** counts[(type * 3 + window) * nUsers + u]: events of `type` within WINDOWS_DAYS[window] before the cutoff. */
  counts: Int32Array;
  /** Days since the user's last event before the cutoff; NaN when none. */
  recencyDays: Float32Array;
  /** The user's three most frequent categories (index into categoryIds, -1 if fewer) and their shares. */
  topCategory: Int32Array;
  topCategoryShare: Float32Array;
  /** Mean of price / median price of the same category over the user's cart and purchase events; NaN when none. */
  priceLevel: Float32Array;
}

export interface ProductFeatures {
  counts: Int32Array;
  /** Smoothed view-to-purchase conversion: (purchases + a·g) / (views + a), g the catalogue rate, a = 50. */
  conversion: Float32Array;
  /** seasonality[p * 12 + month]: share of the product's events in each calendar month (sums to 1; 0 if none). */
  seasonality: Float32Array;
  /** 0-4: quintile of log price across the catalogue. */
  priceBand: Uint8Array;
  /** Days between launch and the cutoff; NaN when the launch date is unknown. */
  ageDays: Float32Array;
}

export interface FeatureSnapshot {
  cutoff: number;
  nUsers: number;
  nProducts: number;
  users: UserFeatures;
  products: ProductFeatures;
  priceBandEdges: number[];
}

export function computeFeatures(cols: InteractionColumns, cutoff: number): FeatureSnapshot {
  const { n, ts, user, product, eventType, productPrice, productCategory, categoryIds } = cols;
  if (!eventType || !productPrice || !productCategory || !categoryIds) {
    throw validationError(
      'features need event types, product prices and categories in the interaction columns',
      { field: 'columns' },
    );
  }
  const nUsers = cols.userIds.length;
  const nProducts = cols.productIds.length;
  const nCats = categoryIds.length;
  const uCounts = new Int32Array(9 * nUsers);
  const pCounts = new Int32Array(9 * nProducts);
  const lastSeen = new Float64Array(nUsers).fill(-Infinity);
  const monthCounts = new Float32Array(12 * nProducts);
  const catMedian = categoryMedianPrice(productPrice, productCategory, nCats);
  const priceSum = new Float64Array(nUsers);
  const priceN = new Int32Array(nUsers);
  // User x category counts are sparse; a Map keyed u * nCats + c keeps memory to what occurs.
  const userCat = new Map<number, number>();

  for (let i = 0; i < n; i++) {
    const t = ts[i];
    if (t >= cutoff) continue;
    const u = user[i];
    const p = product[i];
    const type = eventType[i];
    const age = cutoff - t;
    for (let w = 0; w < 3; w++) {
      if (age <= WINDOWS_DAYS[w] * DAY) {
        uCounts[(type * 3 + w) * nUsers + u]++;
        pCounts[(type * 3 + w) * nProducts + p]++;
      }
    }
    if (t > lastSeen[u]) lastSeen[u] = t;
    monthCounts[p * 12 + new Date(t).getUTCMonth()]++;
    const c = productCategory[p];
    const key = u * nCats + c;
    userCat.set(key, (userCat.get(key) ?? 0) + 1);
    if (type > 0 && catMedian[c] > 0) {
      priceSum[u] += productPrice[p] / catMedian[c];
      priceN[u]++;
    }
  }

  const topCategory = new Int32Array(3 * nUsers).fill(-1);
  const topCategoryShare = new Float32Array(3 * nUsers);
  const totals = new Float64Array(nUsers);
  for (const [key, count] of userCat) {
    const u = Math.floor(key / nCats);
    totals[u] += count;
    insertTop3(topCategory, topCategoryShare, u, key - u * nCats, count);
  }
  for (let u = 0; u < nUsers; u++)
    for (let k = 0; k < 3; k++) if (totals[u] > 0) topCategoryShare[u * 3 + k] /= totals[u];

  const recencyDays = new Float32Array(nUsers);
  const priceLevel = new Float32Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    recencyDays[u] = lastSeen[u] === -Infinity ? NaN : (cutoff - lastSeen[u]) / DAY;
    priceLevel[u] = priceN[u] === 0 ? NaN : priceSum[u] / priceN[u];
  }

  // Conversion over all time before the cutoff (window index 2), smoothed towards the catalogue's rate.
  let views = 0;
  let buys = 0;
  for (let p = 0; p < nProducts; p++) {
    views += pCounts[2 * nProducts + p];
    buys += pCounts[(2 * 3 + 2) * nProducts + p];
  }
  const g = views > 0 ? buys / views : 0;
  const a = 50;
  const conversion = new Float32Array(nProducts);
  const seasonality = new Float32Array(12 * nProducts);
  const ageDays = new Float32Array(nProducts);
  for (let p = 0; p < nProducts; p++) {
    conversion[p] = (pCounts[(2 * 3 + 2) * nProducts + p] + a * g) / (pCounts[2 * nProducts + p] + a);
    let total = 0;
    for (let m = 0; m < 12; m++) total += monthCounts[p * 12 + m];
    for (let m = 0; m < 12; m++) seasonality[p * 12 + m] = total > 0 ? monthCounts[p * 12 + m] / total : 0;
    ageDays[p] = Number.isNaN(cols.productLaunch[p]) ? NaN : (cutoff - cols.productLaunch[p]) / DAY;
  }
  const { band, edges } = priceBands(productPrice);

  return {
    cutoff,
    nUsers,
    nProducts,
    users: { counts: uCounts, recencyDays, topCategory, topCategoryShare, priceLevel },
    products: { counts: pCounts, conversion, seasonality, priceBand: band, ageDays },
    priceBandEdges: edges,
  };
}

function insertTop3(cat: Int32Array, share: Float32Array, u: number, c: number, count: number): void {
  const o = u * 3;
  for (let k = 0; k < 3; k++) {
    // Ties go to the lower category index, so results do not depend on Map order.
    if (cat[o + k] === -1 || count > share[o + k] || (count === share[o + k] && c < cat[o + k])) {
      for (let j = 2; j > k; j--) {
        cat[o + j] = cat[o + j - 1];
        share[o + j] = share[o + j - 1];
      }
      cat[o + k] = c;
      share[o + k] = count;
      return;
    }
  }
}

function categoryMedianPrice(price: Float32Array, category: Int32Array, nCats: number): Float64Array {
  const byCat: number[][] = Array.from({ length: nCats }, () => []);
  for (let p = 0; p < price.length; p++) byCat[category[p]].push(price[p]);
  return Float64Array.from(byCat.map((ps) => (ps.length === 0 ? 0 : median(ps))));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Quintiles of price over the catalogue: band b holds prices in (edges[b-1], edges[b]]. */
export function priceBands(price: Float32Array): { band: Uint8Array; edges: number[] } {
  const sorted = Float32Array.from(price).sort();
  const edges = [0.2, 0.4, 0.6, 0.8].map(
    (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))],
  );
  const band = new Uint8Array(price.length);
  for (let p = 0; p < price.length; p++) {
    let b = 0;
    while (b < 4 && price[p] > edges[b]) b++;
    band[p] = b;
  }
  return { band, edges };
}

/** One user's features as a plain object, for writing to the graph or showing in a report. */
export function userFeatureRecord(f: FeatureSnapshot, u: number): Record<string, number | null> {
  const rec: Record<string, number | null> = {};
  for (let type = 0; type < 3; type++) {
    for (let w = 0; w < 3; w++)
      rec[`${TYPE_NAMES[type]}s_${WINDOWS_DAYS[w]}d`] = f.users.counts[(type * 3 + w) * f.nUsers + u];
  }
  rec.recency_days = nanToNull(f.users.recencyDays[u]);
  rec.price_level = nanToNull(f.users.priceLevel[u]);
  return rec;
}

export function productFeatureRecord(f: FeatureSnapshot, p: number): Record<string, number | null> {
  const rec: Record<string, number | null> = {};
  for (let type = 0; type < 3; type++) {
    for (let w = 0; w < 3; w++)
      rec[`${TYPE_NAMES[type]}s_${WINDOWS_DAYS[w]}d`] = f.products.counts[(type * 3 + w) * f.nProducts + p];
  }
  rec.conversion = f.products.conversion[p];
  rec.price_band = f.products.priceBand[p];
  rec.age_days = nanToNull(f.products.ageDays[p]);
  return rec;
}

const nanToNull = (x: number) => (Number.isNaN(x) ? null : Math.round(x * 1e4) / 1e4);
