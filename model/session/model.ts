// The order-aware session model for anonymous visitors and new users: what a shopper looks at next follows
// from what they looked at in this visit, the latest step most. For the session's steps s_0 (latest), s_1, ...
// (at most `recent`), each weighted decay^r:
//   score(j) = Σ_r decay^r · [ item · T(s_r, j)                                     (item transitions)
//                             + leaf · Σ_L P(L | leaf(s_r)) · [leaf(j) = L] · share(j) · K(s_r, j) ]
//              + pop · popNorm(j)
// T: the transitions table (next items in sessions, rows max 1); P(L | l): the leaf of the next step given the
// leaf of this one (leafNext, rows sum 1); share(j): j's popularity within its leaf; K: a price kernel inside
// the same leaf, exp(-priceWidth · ln²(price_j / price_s)) (substitutes are near in price), 1 across leaves.
// The leaf term needs only a product's category and price, so a product newer than the model still steers the
// session (its step has no item row but a leaf). Parameters are tuned on the validation window (tune.ts).
// Pure, and the one scorer both `bench cold-start` and the API use.
import { popularityOrder, sparseRank, sparseTop, type PopularityOrder } from './rankSparse';
import type { SessionTables } from './sessionTables';

export interface SessionParams {
  /** Weight of the step r places before the latest: decay^r. */
  decay: number;
  /** How many of the latest steps count. */
  recent: number;
  item: number;
  leaf: number;
  priceWidth: number;
  pop: number;
}

export const defaultSessionParams: SessionParams = {
  decay: 0.5,
  recent: 5,
  item: 1,
  leaf: 1,
  priceWidth: 2,
  pop: 0.02,
};

/** Every score carries this much popularity, so that the order is total and sensible beyond the sparse part. */
const POP_FLOOR = 1e-6;

/** One product touched in the session: its item row (-1: unknown to the model), leaf (-1: unknown) and price. */
export interface SessionStep {
  row: number;
  leaf: number;
  price: number;
}

export interface SessionModel extends PopularityOrder {
  tables: SessionTables;
  params: SessionParams;
  /** Items per leaf (CSR over categories) and each item's popularity share within its leaf. */
  leafStart: Int32Array;
  leafItems: Int32Array;
  share: Float32Array;
}

export function sessionModelOf(tables: SessionTables, params: SessionParams): SessionModel {
  const { nItems, nCategories, itemLeaf, popularity } = tables;
  const leafStart = new Int32Array(nCategories + 1);
  for (let i = 0; i < nItems; i++) leafStart[itemLeaf[i] + 1]++;
  for (let c = 0; c < nCategories; c++) leafStart[c + 1] += leafStart[c];
  const fill = leafStart.slice(0, nCategories);
  const leafItems = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) leafItems[fill[itemLeaf[i]]++] = i;
  const total = new Float64Array(nCategories);
  for (let i = 0; i < nItems; i++) total[itemLeaf[i]] += popularity[i];
  const share = new Float32Array(nItems);
  // Half a count of prior, so that a product without events (new) still has a small share.
  for (let i = 0; i < nItems; i++) {
    const l = itemLeaf[i];
    share[i] = (popularity[i] + 0.5) / (total[l] + 0.5 * (leafStart[l + 1] - leafStart[l]));
  }
  return { tables, params, leafStart, leafItems, share, ...popularityOrder(popularity) };
}

/** A request's sparse scores and, per item, the step that contributed most (for the explanation). */
export interface SessionRequest {
  scores: Map<number, number>;
  via: Map<number, number>;
  steps: SessionStep[];
}

/** Dense scratch per catalogue size, reused between requests (the work is then a pass over touched items). */
let scratch:
  | { acc: Float64Array; best: Float64Array; via: Int32Array; touched: Int32Array; seen: Uint8Array }
  | undefined;

export function sessionRequest(m: SessionModel, steps: SessionStep[]): SessionRequest {
  const { params: p, tables: t } = m;
  if (!scratch || scratch.acc.length !== t.nItems)
    scratch = {
      acc: new Float64Array(t.nItems),
      best: new Float64Array(t.nItems),
      via: new Int32Array(t.nItems),
      touched: new Int32Array(t.nItems),
      seen: new Uint8Array(t.nItems),
    };
  const { acc, best, via: viaOf, touched, seen } = scratch;
  let nTouched = 0;
  const add = (j: number, v: number, step: number) => {
    if (seen[j] === 0) {
      seen[j] = 1;
      touched[nTouched++] = j;
    }
    acc[j] += v;
    if (v > best[j]) {
      best[j] = v;
      viaOf[j] = step;
    }
  };
  const first = Math.max(0, steps.length - p.recent);
  for (let k = steps.length - 1, r = 0; k >= first; k--, r++) {
    const s = steps[k];
    const w = p.decay ** r;
    if (w === 0) break;
    const g = t.transitions;
    if (p.item !== 0 && s.row >= 0 && s.row < t.nItems)
      for (let e = g.ptr[s.row]; e < g.ptr[s.row + 1]; e++) add(g.idx[e], w * p.item * g.val[e], k);
    if (p.leaf === 0 || !(s.leaf >= 0 && s.leaf < t.nCategories)) continue;
    const L = t.leafNext;
    const leafTerm = (leaf: number, pl: number) => {
      for (let e = m.leafStart[leaf]; e < m.leafStart[leaf + 1]; e++) {
        const j = m.leafItems[e];
        let kernel = 1;
        if (leaf === s.leaf && s.price > 0 && t.itemPrice[j] > 0) {
          const lr = Math.log(t.itemPrice[j] / s.price);
          kernel = Math.exp(-p.priceWidth * lr * lr);
        }
        add(j, w * p.leaf * pl * m.share[j] * kernel, k);
      }
    };
    // A leaf without history (new) stays in itself.
    if (L.ptr[s.leaf] === L.ptr[s.leaf + 1]) leafTerm(s.leaf, 1);
    for (let e = L.ptr[s.leaf]; e < L.ptr[s.leaf + 1]; e++) leafTerm(L.idx[e], L.val[e]);
  }
  const scores = new Map<number, number>();
  const via = new Map<number, number>();
  for (let x = 0; x < nTouched; x++) {
    const j = touched[x];
    if (acc[j] > 0) {
      scores.set(j, acc[j]);
      via.set(j, viaOf[j]);
    }
    acc[j] = 0;
    best[j] = 0;
    seen[j] = 0;
  }
  return { scores, via, steps };
}

const eps = (m: SessionModel) => m.params.pop + POP_FLOOR;

/** The score of one item row for a prepared request. */
export function sessionScore(m: SessionModel, req: SessionRequest, row: number): number {
  return (req.scores.get(row) ?? 0) + eps(m) * m.popNorm[row];
}

/** The 1-based rank of `target` among every item (score desc, row asc). */
export function sessionRank(m: SessionModel, req: SessionRequest, target: number): number {
  return sparseRank(req.scores, eps(m), m, target);
}

/** The best `n` items, with the step that explains each (-1: popularity). */
export function sessionTop(
  m: SessionModel,
  req: SessionRequest,
  n: number,
  skip?: (row: number) => boolean,
): Array<{ row: number; score: number; via: number }> {
  return sparseTop(req.scores, eps(m), m, n, skip).map((x) => ({ ...x, via: req.via.get(x.row) ?? -1 }));
}
