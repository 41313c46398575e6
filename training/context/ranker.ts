// The final ranker: a weighted sum of per-request normalised signals,
//   score(i) = gnn(u, i) + session · S(i) + covisit · C(i) + trend · T(i) + season · P(i)
// gnn is the cosine of the (trained or inferred) user vector and the item vector; S are order-aware transitions
// from the session's recent items, C co-visitation item-kNN from them, T recency-decayed trending, P seasonal
// popularity of the item's category at the request's week. Each signal except gnn is scaled to max 1 per request.
// Weights are tuned on the validation window (tuneRanker: coordinate search over a small grid).
import type { ContextTables, ItemGraph } from './tables';
import { addFromRecent, seasonalScores } from './tables';

export interface RankerWeights {
  gnn: number;
  session: number;
  covisit: number;
  trend: number;
  season: number;
}

export const RANKER_SIGNALS = ['session', 'covisit', 'trend', 'season'] as const;
export const defaultRankerWeights: RankerWeights = {
  gnn: 1,
  session: 0.2,
  covisit: 0.2,
  trend: 0.1,
  season: 0,
};

/** What serving needs besides the embeddings (the stored tables, decoded). */
export interface RankerTables {
  transitions: ItemGraph;
  covisit: ItemGraph;
  trending: Float32Array;
  seasonal: Float32Array;
  itemShare: Float32Array;
  itemCategory: Int32Array;
}

export interface RankRequest {
  /** Cosine gnn scores per item (scoreItems), or undefined for no embedding signal. */
  gnn?: Float32Array;
  /** Recent item rows of the session, most recent last. */
  recent: ArrayLike<number>;
  /** Request time (ms), for the seasonal week. */
  at: number;
}

function scaleMax(a: Float32Array): void {
  let m = 0;
  for (const x of a) if (x > m) m = x;
  if (m > 0) for (let i = 0; i < a.length; i++) a[i] /= m;
}

/** Pure: fill `out` with ranker scores for every item. `scratch` is reused between calls when given. */
export function rankScores(
  t: RankerTables,
  w: RankerWeights,
  req: RankRequest,
  out: Float32Array,
  scratch = { s: new Float32Array(out.length), p: new Float32Array(out.length) },
): Float32Array {
  const n = out.length;
  if (req.gnn && w.gnn !== 0) for (let i = 0; i < n; i++) out[i] = w.gnn * req.gnn[i];
  else out.fill(0);
  const add = (src: Float32Array, wt: number) => {
    if (wt === 0) return;
    scaleMax(src);
    for (let i = 0; i < n; i++) out[i] += wt * src[i];
  };
  if (req.recent.length > 0) {
    scratch.s.fill(0);
    addFromRecent(t.transitions, req.recent, scratch.s);
    add(scratch.s, w.session);
    scratch.s.fill(0);
    addFromRecent(t.covisit, req.recent, scratch.s);
    add(scratch.s, w.covisit);
  }
  if (w.trend !== 0) {
    scratch.p.set(t.trending);
    add(scratch.p, w.trend);
  }
  if (w.season !== 0) {
    seasonalScores(
      { seasonal: t.seasonal, itemShare: t.itemShare } as ContextTables,
      t.itemCategory,
      req.at,
      scratch.p,
    );
    add(scratch.p, w.season);
  }
  return out;
}

export const RANKER_GRID = [0, 0.05, 0.1, 0.2, 0.5, 1] as const;

/** Coordinate search: one signal at a time over the grid, keeping the best validation objective; `passes` rounds. */
export function tuneRanker(
  objective: (w: RankerWeights) => number,
  start: RankerWeights = defaultRankerWeights,
  passes = 1,
  log?: (w: RankerWeights, value: number) => void,
): { weights: RankerWeights; value: number; tried: number } {
  let best = { ...start };
  let bestV = objective(best);
  log?.(best, bestV);
  let tried = 1;
  for (let p = 0; p < passes; p++) {
    for (const sig of RANKER_SIGNALS) {
      for (const v of RANKER_GRID) {
        if (v === best[sig]) continue;
        const cand = { ...best, [sig]: v };
        const value = objective(cand);
        tried++;
        log?.(cand, value);
        if (value > bestV) {
          bestV = value;
          best = cand;
        }
      }
    }
  }
  return { weights: best, value: bestV, tried };
}
