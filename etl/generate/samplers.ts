// Samplers over the PRNG: alias tables (O(1) draws from a fixed discrete distribution), Zipf weights,
// log-normal, geometric, and binary search over cumulative weights for distributions restricted to a range.
import type { Rng } from './prng';

/**
 * Build Vose's alias table for `weights[0..n)` into `prob[offset..offset+n)` and `alias[offset..offset+n)`
 * (alias holds local indices 0..n-1). Many small tables (one per leaf category) share two big arrays this way.
 * All-zero weights give a uniform table; callers that care check for emptiness themselves.
 */
export function buildAliasInto(
  weights: ArrayLike<number>,
  wOffset: number,
  n: number,
  prob: Float64Array,
  alias: Int32Array,
  offset: number,
): void {
  if (n === 0) return;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[wOffset + i];
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = sum > 0 ? (weights[wOffset + i] * n) / sum : 1;
  const small = new Int32Array(n);
  const large = new Int32Array(n);
  let ns = 0;
  let nl = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (scaled[i] < 1) small[ns++] = i;
    else large[nl++] = i;
  }
  while (ns > 0 && nl > 0) {
    const s = small[--ns];
    const l = large[--nl];
    prob[offset + s] = scaled[s];
    alias[offset + s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) small[ns++] = l;
    else large[nl++] = l;
  }
  // What is left is 1 up to rounding error.
  while (nl > 0) {
    const l = large[--nl];
    prob[offset + l] = 1;
    alias[offset + l] = l;
  }
  while (ns > 0) {
    const s = small[--ns];
    prob[offset + s] = 1;
    alias[offset + s] = s;
  }
}

/** Draw a local index from the table stored at [offset, offset+n). One PRNG call. */
export function sampleAliasAt(
  prob: Float64Array,
  alias: Int32Array,
  offset: number,
  n: number,
  rng: Rng,
): number {
  const u = rng.float() * n;
  const i = Math.floor(u);
  return u - i < prob[offset + i] ? i : alias[offset + i];
}

/** An alias table over one distribution. */
export class AliasTable {
  readonly n: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    this.n = weights.length;
    this.prob = new Float64Array(this.n);
    this.alias = new Int32Array(this.n);
    buildAliasInto(weights, 0, this.n, this.prob, this.alias, 0);
  }

  sample(rng: Rng): number {
    return sampleAliasAt(this.prob, this.alias, 0, this.n, rng);
  }
}

/** Zipf-Mandelbrot weights 1 / (rank + q)^s for ranks 0..n-1. */
export function zipfWeights(n: number, s: number, q = 1): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 1 / Math.pow(i + q, s);
  return w;
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export function logNormal(rng: Rng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * rng.normal());
}

/** Number of failures before the first success, continuing with probability `pContinue` each step. */
export function geometric(rng: Rng, pContinue: number): number {
  let k = 0;
  while (rng.float() < pContinue) k++;
  return k;
}

/** Pick an index from a small array of weights by linear scan (for a handful of options). */
export function pickWeighted(weights: ArrayLike<number>, rng: Rng): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i];
  let x = rng.float() * sum;
  for (let i = 0; i < weights.length; i++) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** First index i in [lo, hi) with sorted[i] > x, or hi: the count of values <= x when lo = 0. */
export function upperBound(sorted: ArrayLike<number>, x: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Split `total` into integer parts proportional to `weights` that sum exactly to `total`
 * (largest remainder; ties go to the lower index, so the split is deterministic).
 */
export function apportion(total: number, weights: ArrayLike<number>): Float64Array {
  const n = weights.length;
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i];
  if (n === 0) return out;
  if (sum <= 0) {
    out[0] = total;
    return out;
  }
  const rem = new Float64Array(n);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const exact = (total * weights[i]) / sum;
    out[i] = Math.floor(exact);
    rem[i] = exact - out[i];
    given += out[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
  for (let k = 0; given < total; k = (k + 1) % n, given++) out[order[k]]++;
  return out;
}
