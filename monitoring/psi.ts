// Population stability index and the binning it needs. Pure functions.
//   PSI = sum_i (a_i - e_i) * ln(a_i / e_i), with e the reference (training window) shares and a the latest.
// Shares are floored at `eps` so an empty bin does not make the index infinite. Usual reading: < 0.1 stable,
// 0.1-0.25 moderate shift, > 0.25 significant shift.

export const PSI_EPS = 1e-4;

export interface PsiBin {
  label: string;
  expected: number;
  actual: number;
  /** This bin's term of the sum (>= 0). */
  contribution: number;
}

export interface PsiResult {
  psi: number;
  bins: PsiBin[];
}

export function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return total > 0 ? counts.map((c) => c / total) : counts.map(() => 0);
}

/** PSI between two count vectors over the same bins (labels name the bins). */
export function psi(
  expectedCounts: number[],
  actualCounts: number[],
  labels?: string[],
  eps = PSI_EPS,
): PsiResult {
  if (expectedCounts.length !== actualCounts.length)
    throw new Error(`psi: ${expectedCounts.length} expected bins but ${actualCounts.length} actual bins`);
  const e = shares(expectedCounts);
  const a = shares(actualCounts);
  const bins: PsiBin[] = e.map((ei, i) => {
    const ef = Math.max(ei, eps);
    const af = Math.max(a[i], eps);
    return {
      label: labels?.[i] ?? String(i),
      expected: ei,
      actual: a[i],
      contribution: (af - ef) * Math.log(af / ef),
    };
  });
  return { psi: bins.reduce((s, b) => s + b.contribution, 0), bins };
}

/** Cut points at the reference's quantiles (deduplicated), for numeric features. */
export function quantileEdges(values: ArrayLike<number>, nBins = 10): number[] {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return [];
  const edges: number[] = [];
  for (let q = 1; q < nBins; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((q * sorted.length) / nBins))];
    if (edges.length === 0 || v > edges[edges.length - 1]) edges.push(v);
  }
  return edges;
}

/** Bin index of v: 0 for v < edges[0], i for edges[i-1] <= v < edges[i], edges.length for the last bin. */
export function binOf(v: number, edges: number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function histogram(values: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(values[i], edges)]++;
  return counts;
}

export function edgeLabels(
  edges: number[],
  fmt: (v: number) => string = (v) => String(Math.round(v * 100) / 100),
): string[] {
  if (edges.length === 0) return ['all'];
  return [
    `< ${fmt(edges[0])}`,
    ...edges.slice(1).map((e, i) => `${fmt(edges[i])} - ${fmt(e)}`),
    `>= ${fmt(edges[edges.length - 1])}`,
  ];
}

export type DriftLevel = 'stable' | 'moderate' | 'significant';
export const psiLevel = (v: number): DriftLevel =>
  v < 0.1 ? 'stable' : v < 0.25 ? 'moderate' : 'significant';
