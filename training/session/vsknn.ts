// V-SKNN (Ludewig & Jannach 2018, "Evaluation of session-based recommendation algorithms"), the published
// session-kNN baseline the session model is measured against. For the current session's items, weighted by
// position with linear decay (the latest 1, the first 1/n), the candidate neighbours are the `m` most recent
// past sessions that contain any of them; similarity is the sum of the weights of the shared items; the `k`
// most similar neighbours vote for their items with their similarity. Past sessions are those before the
// cutoff, in start order (the data's session order), so "most recent" is the largest session number.
// Beyond the neighbours' items the ranking falls back to popularity (rankSparse.ts).
import type { ShopData } from '../data/shop';
import { nextStepMetrics, type NextStepMetrics, type SessionCase } from './cases';
import { popularityOrder, sparseRank, type PopularityOrder } from '../../model';
import { sessionSteps } from './tables';

export type VsknnDecay = 'linear' | 'harmonic' | 'none';

export interface VsknnParams {
  k: number;
  m: number;
  /** Position weights of the current session: linear (the paper's), harmonic 1/(age+1), or none (plain S-KNN). */
  decay: VsknnDecay;
}

export const VSKNN_GRID = {
  k: [50, 100, 200, 500],
  m: [250, 500, 1000, 2000, 5000],
  decay: ['linear', 'harmonic', 'none'] as VsknnDecay[],
};

const positionWeight = (d: VsknnDecay, r: number, n: number) =>
  d === 'linear' ? (r + 1) / n : d === 'harmonic' ? 1 / (n - r) : 1;

export interface VsknnIndex extends PopularityOrder {
  /** Distinct items per past session (CSR). */
  sessionStart: Int32Array;
  sessionItems: Int32Array;
  /** Past sessions per item (CSR), ascending = oldest first. */
  itemStart: Int32Array;
  itemSessions: Int32Array;
}

export function buildVsknnIndex(shop: ShopData, cutoff: number, popularity: Float32Array): VsknnIndex {
  const s = sessionSteps(shop, (e) => shop.events.ts[e] < cutoff);
  const sessionStart = new Int32Array(s.nSessions + 1);
  const items: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < s.nSessions; k++) {
    seen.clear();
    for (let a = s.start[k]; a < s.start[k + 1]; a++)
      if (!seen.has(s.items[a])) {
        seen.add(s.items[a]);
        items.push(s.items[a]);
      }
    sessionStart[k + 1] = items.length;
  }
  const sessionItems = Int32Array.from(items);
  const itemStart = new Int32Array(shop.nItems + 1);
  for (const i of sessionItems) itemStart[i + 1]++;
  for (let i = 0; i < shop.nItems; i++) itemStart[i + 1] += itemStart[i];
  const fill = itemStart.slice(0, shop.nItems);
  const itemSessions = new Int32Array(sessionItems.length);
  for (let k = 0; k < s.nSessions; k++)
    for (let a = sessionStart[k]; a < sessionStart[k + 1]; a++) itemSessions[fill[sessionItems[a]]++] = k;
  return { sessionStart, sessionItems, itemStart, itemSessions, ...popularityOrder(popularity) };
}

/** V-SKNN's sparse scores for a session prefix (item rows, oldest first). */
export function vsknnScores(ix: VsknnIndex, p: VsknnParams, prefix: number[]): Map<number, number> {
  const n = prefix.length;
  const weight = new Map<number, number>();
  for (let r = 0; r < n; r++) weight.set(prefix[r], positionWeight(p.decay, r, n));
  // The m most recent sessions holding any of the items: each item's list is oldest first.
  const candidates = new Set<number>();
  for (const i of weight.keys())
    for (let a = ix.itemStart[i + 1] - 1, got = 0; a >= ix.itemStart[i] && got < p.m; a--, got++)
      candidates.add(ix.itemSessions[a]);
  const recent = [...candidates].sort((a, b) => b - a).slice(0, p.m);
  const sims: Array<[number, number]> = [];
  for (const s of recent) {
    let sim = 0;
    for (let a = ix.sessionStart[s]; a < ix.sessionStart[s + 1]; a++)
      sim += weight.get(ix.sessionItems[a]) ?? 0;
    if (sim > 0) sims.push([s, sim]);
  }
  sims.sort((a, b) => b[1] - a[1] || b[0] - a[0]);
  const scores = new Map<number, number>();
  for (const [s, sim] of sims.slice(0, p.k))
    for (let a = ix.sessionStart[s]; a < ix.sessionStart[s + 1]; a++) {
      const j = ix.sessionItems[a];
      scores.set(j, (scores.get(j) ?? 0) + sim);
    }
  return scores;
}

/** Popularity's share of a V-SKNN score: a tie-breaker only, below any neighbour vote. */
const POP_EPS = 1e-6;

export function evaluateVsknn(ix: VsknnIndex, p: VsknnParams, cases: SessionCase[]): NextStepMetrics {
  let last: SessionCase | undefined;
  let scores = new Map<number, number>();
  return nextStepMetrics(cases, (c, item) => {
    if (c !== last) {
      last = c;
      scores = vsknnScores(ix, p, c.prefix);
    }
    return sparseRank(scores, POP_EPS, ix, item);
  });
}

/** k and m by coordinate search on validation cases (objective HR@20 + MRR@20). */
export function tuneVsknn(
  ix: VsknnIndex,
  cases: SessionCase[],
): { params: VsknnParams; validation: NextStepMetrics } {
  const objective = (x: NextStepMetrics) => x['hr@20'] + x['mrr@20'];
  let params: VsknnParams = { k: 100, m: 1000, decay: 'linear' };
  let best = evaluateVsknn(ix, params, cases);
  for (let pass = 0; pass < 2; pass++) {
    let moved = false;
    for (const key of ['k', 'm', 'decay'] as const)
      for (const v of VSKNN_GRID[key] as Array<VsknnParams[typeof key]>) {
        if (v === params[key]) continue;
        const trial = { ...params, [key]: v };
        const r = evaluateVsknn(ix, trial, cases);
        if (objective(r) > objective(best) + 1e-9) {
          best = r;
          params = trial;
          moved = true;
        }
      }
    if (!moved) break;
  }
  return { params, validation: best };
}
