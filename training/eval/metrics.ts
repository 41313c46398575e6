// Ranking metrics exactly as the LightGCN paper's code computes them, per user, from a best-first top list and
// the user's held-out items; then averaged over users that have held-out items.
//   recall@K = hits/|T|, precision@K = hits/K, hit@K = [hits > 0],
//   ndcg@K = Σ_{r<K, hit} 1/log2(r+2) / Σ_{r<min(K,|T|)} 1/log2(r+2),
//   mrr@K = 1/(rank of the first hit) within the top K, else 0.

export const METRIC_KS = [10, 20, 50] as const;
export type MetricName = 'recall' | 'ndcg' | 'precision' | 'hitrate' | 'mrr';
export const METRIC_NAMES: MetricName[] = ['recall', 'ndcg', 'precision', 'hitrate', 'mrr'];

/** Sums of per-user metrics, by K; `users` is the number of users added. */
export interface MetricSums {
  ks: number[];
  users: number;
  sums: Record<MetricName, Float64Array>;
}

export function emptySums(ks: readonly number[] = METRIC_KS): MetricSums {
  const z = () => new Float64Array(ks.length);
  return { ks: [...ks], users: 0, sums: { recall: z(), ndcg: z(), precision: z(), hitrate: z(), mrr: z() } };
}

/** Discount 1/log2(r + 2) for 0-based rank r. */
const discount = (r: number) => 1 / Math.log2(r + 2);

/**
 * Add one user's metrics. `ranked[0..n)` is the top list (best first), `truth` the held-out items, which the
 * caller gives as a sorted array so membership is a binary search.
 */
export function addUser(acc: MetricSums, ranked: Int32Array, n: number, truth: Int32Array): void {
  if (truth.length === 0) return;
  acc.users++;
  for (let q = 0; q < acc.ks.length; q++) {
    const k = acc.ks[q];
    let hits = 0;
    let dcg = 0;
    let firstHit = -1;
    for (let r = 0; r < Math.min(k, n); r++) {
      if (!contains(truth, ranked[r])) continue;
      hits++;
      dcg += discount(r);
      if (firstHit < 0) firstHit = r;
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(k, truth.length); r++) idcg += discount(r);
    acc.sums.recall[q] += hits / truth.length;
    acc.sums.precision[q] += hits / k;
    acc.sums.hitrate[q] += hits > 0 ? 1 : 0;
    acc.sums.ndcg[q] += dcg / idcg;
    acc.sums.mrr[q] += firstHit >= 0 ? 1 / (firstHit + 1) : 0;
  }
}

function contains(sorted: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** `{"recall@20": 0.18, ...}`: the averages, keyed the way the CLI's JSON reports them. */
export function averages(acc: MetricSums): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of METRIC_NAMES) {
    acc.ks.forEach((k, q) => {
      out[`${name}@${k}`] = acc.users > 0 ? acc.sums[name][q] / acc.users : 0;
    });
  }
  return out;
}
