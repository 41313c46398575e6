// The session model's tables, built from the events before a cutoff, all typed arrays:
//  - transitions: item -> the items viewed next in the same session (the next `window` steps, 0.5^(distance-1)),
//    each item's `keep` strongest successors, rows scaled to max 1;
//  - leafNext: leaf category -> the leaf of the next step, rows normalised to sum 1 (self-transitions included:
//    "stay in this leaf" is the commonest move);
//  - per item its leaf, list price and event-weighted popularity; per category its parent.
// A session step is a product touched in the session; consecutive repeats of one product are one step.
import type { ShopData } from '../data/shop';
import { EVENT_WEIGHTS } from '../graph/metaGraph';
import { topPairs } from '../context/tables';

import type { SessionTables } from '../../model';
export type { SessionTables } from '../../model';

export const SESSION_WINDOW = 3;
export const SESSION_KEEP = 50;
/** Next leaves kept per leaf: the generator's walk has one substitute leaf and four complements. */
export const LEAF_KEEP = 12;

/** The steps of each session as [start, end) ranges into `items` (consecutive repeats collapsed). */
export function sessionSteps(
  shop: ShopData,
  keep: (e: number) => boolean,
): { items: Int32Array; start: Int32Array; nSessions: number } {
  const ev = shop.events;
  const items = new Int32Array(ev.n);
  const start: number[] = [0];
  let n = 0;
  let last = -1;
  for (let e = 0; e < ev.n; e++) {
    if (!keep(e)) continue;
    const newSession = ev.session[e] !== last;
    last = ev.session[e];
    if (newSession && n > start[start.length - 1]) start.push(n);
    if (!newSession && n > start[start.length - 1] && items[n - 1] === ev.item[e]) continue;
    items[n++] = ev.item[e];
  }
  if (n > start[start.length - 1]) start.push(n);
  return { items, start: Int32Array.from(start), nSessions: start.length - 1 };
}

export function buildSessionTables(shop: ShopData, cutoff: number): SessionTables {
  const ev = shop.events;
  const nI = shop.nItems;
  const nCat = shop.categoryIds.length;
  const popularity = new Float32Array(nI);
  for (let e = 0; e < ev.n; e++) if (ev.ts[e] < cutoff) popularity[ev.item[e]] += EVENT_WEIGHTS[ev.type[e]];
  const s = sessionSteps(shop, (e) => ev.ts[e] < cutoff);
  const cap = s.start[s.nSessions] * SESSION_WINDOW;
  const tf = new Int32Array(cap);
  const tt = new Int32Array(cap);
  const tw = new Float32Array(cap);
  let nt = 0;
  const lf: number[] = [];
  const lt: number[] = [];
  for (let k = 0; k < s.nSessions; k++) {
    const end = s.start[k + 1];
    for (let a = s.start[k]; a < end; a++) {
      for (let d = 1; d <= SESSION_WINDOW && a + d < end; d++) {
        tf[nt] = s.items[a];
        tt[nt] = s.items[a + d];
        tw[nt++] = 0.5 ** (d - 1);
      }
      if (a + 1 < end) {
        lf.push(shop.items.category[s.items[a]]);
        lt.push(shop.items.category[s.items[a + 1]]);
      }
    }
  }
  const nl = lf.length;
  const leafNext = topPairs(
    nCat,
    Int32Array.from(lf),
    Int32Array.from(lt),
    new Float32Array(nl).fill(1),
    nl,
    LEAF_KEEP,
  );
  for (let c = 0; c < nCat; c++) {
    let sum = 0;
    for (let k = leafNext.ptr[c]; k < leafNext.ptr[c + 1]; k++) sum += leafNext.val[k];
    for (let k = leafNext.ptr[c]; k < leafNext.ptr[c + 1]; k++) leafNext.val[k] /= sum;
  }
  return {
    cutoff,
    nItems: nI,
    nCategories: nCat,
    itemLeaf: Int32Array.from(shop.items.category),
    itemPrice: Float32Array.from(shop.items.price),
    categoryParent: Int32Array.from(shop.categoryParent),
    popularity,
    transitions: topPairs(nI, tf, tt, tw, nt, SESSION_KEEP),
    leafNext,
  };
}
