// Tuning the served scorers on the validation window (never on test): the ranker's signal weights and its
// new-arrival quota (model/ranker/ranker.ts), and the cold-user weights (model/ranker/coldUsers.ts). Training
// runs these; the chosen weights go into ranker.json, which serving reads.
import { coordinateSearch, logged } from '../cf/search';
import {
  DEFAULT_NEW_ARRIVALS_BUDGET,
  NEW_ARRIVAL_DAYS,
  NEW_ARRIVAL_SLOTS,
  RANKER_SIGNALS,
  defaultColdUserWeights,
  defaultRankerWeights,
  type ColdUserWeights,
  type NewArrivals,
  type RankerWeights,
} from '../../model';

/**
 * Tune the quota on validation. Every slot count of the grid is scored; those within `ndcgBudget` (relative)
 * of the best NDCG@20 qualify, and of them the one with the highest cold-item recall@20 wins (ties: fewer
 * slots). The default, DEFAULT_NEW_ARRIVALS_BUDGET, is an explicit price in validation NDCG@20 for showing new
 * arrivals; budget 0 is plain NDCG@20 tuning, like the weights: the quota stays 0 unless it pays for itself.
 */
export function tuneNewArrivals(
  objective: (na: NewArrivals) => { ndcg: number; coldRecall: number },
  ndcgBudget = DEFAULT_NEW_ARRIVALS_BUDGET,
  days: number = NEW_ARRIVAL_DAYS,
  log?: (na: NewArrivals, value: { ndcg: number; coldRecall: number }) => void,
): {
  newArrivals: NewArrivals;
  value: number;
  coldRecall: number;
  /** Every slot count's validation figures, for reports. */
  sweep: Array<{ slots: number; ndcg: number; coldRecall: number }>;
} {
  const scored = NEW_ARRIVAL_SLOTS.map((slots) => {
    const na = { slots, days };
    const v = objective(na);
    log?.(na, v);
    return { na, ...v };
  });
  const top = Math.max(...scored.map((c) => c.ndcg));
  let best = scored[0];
  let first = true;
  for (const c of scored) {
    if (!(c.ndcg >= top * (1 - ndcgBudget))) continue;
    if (first || c.coldRecall > best.coldRecall) best = c;
    first = false;
  }
  return {
    newArrivals: best.na,
    value: best.ndcg,
    coldRecall: best.coldRecall,
    sweep: scored.map((c) => ({ slots: c.na.slots, ndcg: c.ndcg, coldRecall: c.coldRecall })),
  };
}

export const RANKER_GRID = [0, 0.05, 0.1, 0.2, 0.5, 1] as const;

/** Coordinate search: one signal at a time over the grid, keeping the best validation objective; `passes` rounds. */
export function tuneRanker(
  objective: (w: RankerWeights) => number,
  start: RankerWeights = defaultRankerWeights,
  passes = 1,
  log?: (w: RankerWeights, value: number) => void,
): { weights: RankerWeights; value: number; tried: number } {
  const grid = Object.fromEntries(RANKER_SIGNALS.map((sig) => [sig, RANKER_GRID])) as {
    [K in keyof RankerWeights]?: ReadonlyArray<number>;
  };
  const r = coordinateSearch({ ...start }, grid, logged(objective, log), {
    deadline: Infinity,
    maxPasses: passes,
  });
  return { weights: r.best.params, value: r.best.score, tried: r.trials.length };
}

const WEIGHT_GRID = [0, 0.3] as const;
export const ALPHA_GRID = [10, 100, 1000, 10000] as const;
/**
 * Coordinate search on the validation cold users: alpha over ALPHA_GRID, then each weight over the grid
 * (gnn only when there is a user vector), keeping the best objective (NDCG@20); `passes` rounds.
 */
export function tuneColdUsers(
  objective: (w: ColdUserWeights) => number,
  withGnn: boolean,
  passes = 1,
  log?: (w: ColdUserWeights, v: number) => void,
): { weights: ColdUserWeights; value: number; tried: number } {
  let best = { ...defaultColdUserWeights };
  let bestV = objective(best);
  log?.(best, bestV);
  let tried = 1;
  const tryOne = (cand: ColdUserWeights) => {
    const v = objective(cand);
    tried++;
    log?.(cand, v);
    if (v > bestV) {
      bestV = v;
      best = cand;
    }
  };
  for (let p = 0; p < passes; p++) {
    for (const a of ALPHA_GRID) if (a !== best.alpha) tryOne({ ...best, alpha: a });
    for (const sig of withGnn ? (['gnn', 'trend', 'season'] as const) : (['trend', 'season'] as const))
      for (const v of WEIGHT_GRID) if (v !== best[sig]) tryOne({ ...best, [sig]: v });
  }
  return { weights: best, value: bestV, tried };
}
