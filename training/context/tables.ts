// Item-to-item and popularity tables built from events before a cutoff, all as typed arrays:
//  - transitions: order-aware "next item after X" within a session, weight 0.5^(distance-1) for the next
//    `window` items, kept as each item's top `keep` successors (CSR, rows scaled to max 1);
//  - co-visitation item-kNN: items seen in the same session within `window` positions, both directions;
//  - popularity: event-type weighted counts (view 1, cart 2, purchase 4), global; trending with a short
//    recency half-life; seasonal by leaf category x ISO-ish week of year (week = floor(dayOfYear / 7));
//  - co-purchase: items bought by the same users (the serving API's "bought together" candidates).
import { EVENT_TYPES } from '../../etl';
import type { ShopData } from '../data/shop';
import { EVENT_WEIGHTS } from '../graph/metaGraph';
import { WEEKS, weekOfYear, type ContextTables, type ItemGraph } from '../../model';
export { WEEKS, weekOfYear, seasonalScores, addFromRecent } from '../../model';
export type { ContextTables, ItemGraph } from '../../model';

/** Aggregate (from, to, w) triples into a CSR keeping each row's `keep` heaviest entries, rows scaled to max 1. */
export function topPairs(
  nItems: number,
  from: Int32Array,
  to: Int32Array,
  w: Float32Array,
  n: number,
  keep: number,
): ItemGraph {
  const ptr = new Int32Array(nItems + 1);
  for (let e = 0; e < n; e++) ptr[from[e] + 1]++;
  for (let i = 0; i < nItems; i++) ptr[i + 1] += ptr[i];
  const fill = ptr.slice(0, nItems);
  const idx = new Int32Array(n);
  const val = new Float32Array(n);
  for (let e = 0; e < n; e++) {
    const at = fill[from[e]]++;
    idx[at] = to[e];
    val[at] = w[e];
  }
  const acc = new Float32Array(nItems);
  const touched: number[] = [];
  const outPtr = new Int32Array(nItems + 1);
  const outIdx: number[] = [];
  const outVal: number[] = [];
  for (let i = 0; i < nItems; i++) {
    touched.length = 0;
    for (let k = ptr[i]; k < ptr[i + 1]; k++) {
      if (acc[idx[k]] === 0) touched.push(idx[k]);
      acc[idx[k]] += val[k];
    }
    touched.sort((a, b) => acc[b] - acc[a]);
    const top = touched.slice(0, keep);
    const max = top.length > 0 ? acc[top[0]] : 1;
    for (const j of top) {
      outIdx.push(j);
      outVal.push(acc[j] / max);
    }
    for (const j of touched) acc[j] = 0;
    outPtr[i + 1] = outIdx.length;
  }
  return {
    nRows: nItems,
    nCols: nItems,
    ptr: outPtr,
    idx: Int32Array.from(outIdx),
    val: Float32Array.from(outVal),
  };
}

export interface ContextOptions {
  window: number;
  keep: number;
  trendHalfLifeDays: number;
}
export const defaultContextOptions: ContextOptions = { window: 3, keep: 50, trendHalfLifeDays: 7 };

export function buildContextTables(
  shop: ShopData,
  cutoff: number,
  o: ContextOptions = defaultContextOptions,
): ContextTables {
  const ev = shop.events;
  const nI = shop.nItems;
  const cap = ev.n * o.window;
  const tf = new Int32Array(cap);
  const tt = new Int32Array(cap);
  const tw = new Float32Array(cap);
  const cf = new Int32Array(2 * cap);
  const ct = new Int32Array(2 * cap);
  const cw = new Float32Array(2 * cap);
  let nt = 0;
  let nc = 0;
  const popularity = new Float32Array(nI);
  const trending = new Float32Array(nI);
  const nCat = shop.categoryIds.length;
  const seasonal = new Float32Array(nCat * WEEKS);
  const decay = Math.LN2 / (o.trendHalfLifeDays * 86_400_000);
  for (let e = 0; e < ev.n; e++) {
    if (ev.ts[e] >= cutoff) continue;
    const i = ev.item[e];
    const w = EVENT_WEIGHTS[ev.type[e]];
    popularity[i] += w;
    trending[i] += w * Math.exp(-decay * (cutoff - ev.ts[e]));
    seasonal[shop.items.category[i] * WEEKS + weekOfYear(ev.ts[e])] += w;
    // Events of a session are contiguous and in order in events.csv.
    for (let k = 1; k <= o.window; k++) {
      const f = e + k;
      if (f >= ev.n || ev.session[f] !== ev.session[e] || ev.ts[f] >= cutoff) break;
      const j = ev.item[f];
      if (j === i) continue;
      const wk = 0.5 ** (k - 1);
      tf[nt] = i;
      tt[nt] = j;
      tw[nt++] = wk;
      cf[nc] = i;
      ct[nc] = j;
      cw[nc++] = 1;
      cf[nc] = j;
      ct[nc] = i;
      cw[nc++] = 1;
    }
  }
  const catTotal = new Float32Array(nCat);
  for (let i = 0; i < nI; i++) catTotal[shop.items.category[i]] += popularity[i];
  const itemShare = new Float32Array(nI);
  for (let i = 0; i < nI; i++) {
    const c = catTotal[shop.items.category[i]];
    itemShare[i] = c > 0 ? (popularity[i] + 1) / (c + 1) : 0;
  }
  return {
    cutoff,
    transitions: topPairs(nI, tf, tt, tw, nt, o.keep),
    covisit: topPairs(nI, cf, ct, cw, nc, o.keep),
    copurchase: copurchaseGraph(shop, cutoff, o.keep),
    popularity,
    trending,
    seasonal,
    itemShare,
  };
}

const PURCHASE = EVENT_TYPES.indexOf('purchase');

/**
 * Co-purchase item-kNN: for every user, each pair of distinct products they bought before the cutoff (their
 * latest `perUser` products, so that one bulk buyer costs at most perUser² pairs) counts once, both directions;
 * each item keeps its `keep` strongest partners, rows scaled to max 1.
 */
export function copurchaseGraph(shop: ShopData, cutoff: number, keep: number, perUser = 50): ItemGraph {
  const ev = shop.events;
  const bought: number[] = [];
  for (let e = 0; e < ev.n; e++) if (ev.type[e] === PURCHASE && ev.ts[e] < cutoff) bought.push(e);
  bought.sort((a, b) => ev.user[a] - ev.user[b] || ev.ts[b] - ev.ts[a]);
  const from: number[] = [];
  const to: number[] = [];
  const items: number[] = [];
  for (let s = 0; s < bought.length;) {
    let end = s;
    while (end < bought.length && ev.user[bought[end]] === ev.user[bought[s]]) end++;
    items.length = 0;
    for (let k = s; k < end && items.length < perUser; k++) {
      const i = ev.item[bought[k]];
      if (!items.includes(i)) items.push(i);
    }
    for (const i of items)
      for (const j of items)
        if (i !== j) {
          from.push(i);
          to.push(j);
        }
    s = end;
  }
  const n = from.length;
  return topPairs(
    shop.nItems,
    Int32Array.from(from),
    Int32Array.from(to),
    new Float32Array(n).fill(1),
    n,
    keep,
  );
}
