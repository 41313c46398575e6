// Ranking over the whole catalogue when a scorer is sparse: score(i) = sparse(i) + eps · popNorm(i), in the total
// order (score desc, item row asc). Items outside the sparse map are then ordered by popularity alone, which
// is a prefix walk of `popOrder` (rows by popNorm desc, row asc), so ranking one target costs O(|sparse| +
// log nItems) instead of a pass over every item.

export interface PopularityOrder {
  /** Popularity scaled to max 1. */
  popNorm: Float32Array;
  /** Item rows by popNorm descending, ties by row ascending. */
  popOrder: Int32Array;
}

export function popularityOrder(popularity: Float32Array): PopularityOrder {
  let max = 0;
  for (const x of popularity) if (x > max) max = x;
  const popNorm = new Float32Array(popularity.length);
  if (max > 0) for (let i = 0; i < popularity.length; i++) popNorm[i] = popularity[i] / max;
  const popOrder = new Int32Array(popularity.length);
  for (let i = 0; i < popOrder.length; i++) popOrder[i] = i;
  popOrder.sort((a, b) => popNorm[b] - popNorm[a] || a - b);
  return { popNorm, popOrder };
}

/** The 1-based rank of `target` among every item under score(i) = sparse(i) + eps · popNorm(i). */
export function sparseRank(
  sparse: Map<number, number>,
  eps: number,
  p: PopularityOrder,
  target: number,
): number {
  const score = (i: number) => (sparse.get(i) ?? 0) + eps * p.popNorm[i];
  const s = score(target);
  const beats = (v: number, i: number) => v > s || (v === s && i < target);
  // Items ordered by popularity alone: those that beat the target form a prefix of popOrder.
  let lo = 0;
  let hi = p.popOrder.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const i = p.popOrder[mid];
    if (beats(eps * p.popNorm[i], i)) lo = mid + 1;
    else hi = mid;
  }
  let above = lo;
  for (const [i, v] of sparse) {
    if (i === target) continue;
    if (beats(eps * p.popNorm[i], i)) above--;
    if (beats(v + eps * p.popNorm[i], i)) above++;
  }
  return above + 1;
}

/** The top `n` items under the same score and order, skipping rows `skip` refuses. */
export function sparseTop(
  sparse: Map<number, number>,
  eps: number,
  p: PopularityOrder,
  n: number,
  skip: (row: number) => boolean = () => false,
): Array<{ row: number; score: number }> {
  const out: Array<{ row: number; score: number }> = [];
  for (const [i, v] of sparse) if (!skip(i)) out.push({ row: i, score: v + eps * p.popNorm[i] });
  let added = 0;
  for (let k = 0; k < p.popOrder.length && added < n; k++) {
    const i = p.popOrder[k];
    if (sparse.has(i) || skip(i)) continue;
    out.push({ row: i, score: eps * p.popNorm[i] });
    added++;
  }
  out.sort((a, b) => b.score - a.score || a.row - b.row);
  return out.slice(0, n);
}
