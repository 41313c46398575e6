// The shop's propagation graph: users and items first (the trainer's layout), then metadata node ranges joined to
// them: Category (a product's leaf, its parent and grandparent, with halving weights), Brand, PriceBand (price
// quantiles), and on the user side AgeBand, Region and LoyaltyTier. Their embeddings are learned with the rest.
// User-item edge weights come from the event type (view 1, cart 2, purchase 4) and recency (half-life decay
// from the end of the train window); repeated events add up.
import type { Csr } from '../data/csr';
import {
  AGE_BANDS,
  LOYALTY_TIERS,
  REGIONS,
  UNKNOWN_BIRTH_YEAR,
  UNKNOWN_CODE,
  ageBandOf,
  type ShopData,
} from '../data/shop';
import { buildPropagationGraph, type EdgeSet, type PropagationGraph } from './propagationGraph';
import {
  EVENT_WEIGHTS,
  CATEGORY_LEVEL_WEIGHTS,
  META_TYPES,
  PRICE_BANDS,
  metaCount,
  priceBandOf,
  type MetaLayout,
  type MetaType,
} from '../../model';
export {
  EVENT_WEIGHTS,
  META_TYPES,
  CATEGORY_LEVEL_WEIGHTS,
  PRICE_BANDS,
  metaRow,
  priceBandOf,
  metaCount,
} from '../../model';
export type { MetaType, MetaLayout } from '../../model';

export function priceEdgesOf(prices: Float32Array, bands = PRICE_BANDS): number[] {
  const sorted = Float32Array.from(prices).sort();
  const edges: number[] = [];
  for (let q = 1; q < bands; q++)
    edges.push(sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / bands))] ?? 0);
  return edges;
}

export function metaLayoutOf(shop: ShopData, metaWeight = 1): MetaLayout {
  const ids: Record<MetaType, string[]> = {
    category: shop.categoryIds,
    brand: shop.brandIds,
    priceBand: Array.from({ length: PRICE_BANDS }, (_, i) => `band${i}`),
    ageBand: [...AGE_BANDS],
    region: [...REGIONS],
    loyaltyTier: [...LOYALTY_TIERS],
  };
  let offset = 0;
  const types = META_TYPES.map((type) => {
    const t = { type, offset, ids: ids[type] };
    offset += ids[type].length;
    return t;
  });
  const categoryParent: Record<string, string> = {};
  shop.categoryParent.forEach((p, c) => {
    if (p >= 0) categoryParent[shop.categoryIds[c]] = shop.categoryIds[p];
  });
  return {
    formatVersion: 1,
    types,
    priceEdges: priceEdgesOf(shop.items.price),
    refYear: shop.refYear,
    categoryParent,
    metaWeight,
  };
}

/**
 * User -> item weights of the events before `until` (type weight x recency decay), one entry per distinct pair.
 * `keep(i)` filters events.
 */
export function weightedInteractions(
  shop: ShopData,
  keep: (e: number) => boolean,
  until: number,
  halfLifeDays = 60,
): Csr & { val: Float32Array } {
  const ev = shop.events;
  const decay = Math.LN2 / (halfLifeDays * 86_400_000);
  const ptr = new Int32Array(shop.nUsers + 1);
  let n = 0;
  for (let e = 0; e < ev.n; e++) {
    if (!keep(e)) continue;
    ptr[ev.user[e] + 1]++;
    n++;
  }
  for (let u = 0; u < shop.nUsers; u++) ptr[u + 1] += ptr[u];
  const fill = ptr.slice(0, shop.nUsers);
  const idx = new Int32Array(n);
  const val = new Float32Array(n);
  for (let e = 0; e < ev.n; e++) {
    if (!keep(e)) continue;
    const at = fill[ev.user[e]]++;
    idx[at] = ev.item[e];
    val[at] = EVENT_WEIGHTS[ev.type[e]] * Math.exp(-decay * Math.max(0, until - ev.ts[e]));
  }
  // Merge duplicates within each row (sort the row's entries by item).
  const outPtr = new Int32Array(shop.nUsers + 1);
  const outIdx = new Int32Array(n);
  const outVal = new Float32Array(n);
  let w = 0;
  const order: number[] = [];
  for (let u = 0; u < shop.nUsers; u++) {
    order.length = 0;
    for (let k = ptr[u]; k < ptr[u + 1]; k++) order.push(k);
    order.sort((a, b) => idx[a] - idx[b]);
    let last = -1;
    for (const k of order) {
      if (idx[k] === last) outVal[w - 1] += val[k];
      else {
        outIdx[w] = idx[k];
        outVal[w] = val[k];
        last = idx[k];
        w++;
      }
    }
    outPtr[u + 1] = w;
  }
  return {
    nRows: shop.nUsers,
    nCols: shop.nItems,
    ptr: outPtr,
    idx: outIdx.slice(0, w),
    val: outVal.slice(0, w),
  };
}

/** The propagation graph over users, items and (when `layout` is given) the metadata nodes. */
export function shopGraph(
  shop: ShopData,
  fit: Csr & { val: Float32Array },
  layout?: MetaLayout,
): PropagationGraph {
  const nnzFit = fit.ptr[fit.nRows];
  const src = new Int32Array(nnzFit);
  for (let u = 0; u < fit.nRows; u++) src.fill(u, fit.ptr[u], fit.ptr[u + 1]);
  const sets: EdgeSet[] = [{ from: 'user', to: 'item', src, dst: fit.idx, weight: fit.val }];
  const types = [
    { type: 'user', count: shop.nUsers },
    { type: 'item', count: shop.nItems },
  ];
  if (layout) {
    types.push({ type: 'meta', count: metaCount(layout) });
    const mw = layout.metaWeight;
    const off = (t: MetaType) => layout.types.find((x) => x.type === t)!.offset;
    const is: number[] = [];
    const ms: number[] = [];
    const ws: number[] = [];
    for (let i = 0; i < shop.nItems; i++) {
      let c = shop.items.category[i];
      for (let lvl = 0; lvl < CATEGORY_LEVEL_WEIGHTS.length && c >= 0; lvl++) {
        is.push(i);
        ms.push(off('category') + c);
        ws.push(mw * CATEGORY_LEVEL_WEIGHTS[lvl]);
        c = shop.categoryParent[c];
      }
      is.push(i, i);
      ms.push(
        off('brand') + shop.items.brand[i],
        off('priceBand') + priceBandOf(shop.items.price[i], layout.priceEdges),
      );
      ws.push(mw, mw);
    }
    sets.push({
      from: 'item',
      to: 'meta',
      src: Int32Array.from(is),
      dst: Int32Array.from(ms),
      weight: Float32Array.from(ws),
    });
    const n = shop.nUsers;
    const us = new Int32Array(3 * n);
    const um = new Int32Array(3 * n);
    let k = 0;
    const link = (u: number, meta: number) => {
      us[k] = u;
      um[k++] = meta;
    };
    for (let u = 0; u < n; u++) {
      // Unknown demographics (users created from storefront events) get no edge rather than a made-up one.
      const { birthYear, region, loyalty } = shop.users;
      if (birthYear[u] !== UNKNOWN_BIRTH_YEAR)
        link(u, off('ageBand') + ageBandOf(birthYear[u], layout.refYear));
      if (region[u] !== UNKNOWN_CODE) link(u, off('region') + region[u]);
      if (loyalty[u] !== UNKNOWN_CODE) link(u, off('loyaltyTier') + loyalty[u]);
    }
    sets.push({
      from: 'user',
      to: 'meta',
      src: us.subarray(0, k),
      dst: um.subarray(0, k),
      weight: new Float32Array(k).fill(mw),
    });
  }
  return buildPropagationGraph(types, sets);
}
