// An inverted-file (IVF) index over the item table, built in process when a model loads. Spherical k-means
// splits the items by direction into ~sqrt(n) lists; a query scores the list centroids, then scans only the
// `probes` best lists. At 50k items and 224 lists, 16 probes read about a tenth of the table.
//
// Lists are scored by q·c for cosine, and by q·c times the list's largest item norm for dot products, since
// the dot score grows with the norm (popular items have long vectors) and a long vector in a less aligned list
// can still win.
//
// Layout: the items are copied into list order (`vectors`, row-major, nItems x dims), so a probed list is one
// contiguous run of memory; `rows[i]` maps position i back to the model's item row.
//
// The build runs in slices of a few milliseconds between which the event loop serves requests, so a model swap
// never stalls serving; until it finishes, callers use the exact scan.
import { createRng } from '../../core';
import { dotAt as importedDotAt, queryNorm } from './dot';

// Under tsx (esbuild's CommonJS output) every call of an imported function reads a getter; the hot loops below
// call a local binding instead, which V8 inlines (measured: searchIvf 1.1 -> 0.9 ms, as with tsc's output).
const dotAt = importedDotAt;
import { createDotKernel, DOTS_BLOCK, type DotKernel } from './simdDots';
import { TopHeap, type Neighbour } from './topHeap';

/** The item table an index is built from (embeddingIndex's ItemTable). */
export interface IndexedItems {
  dims: number;
  nItems: number;
  items: Float32Array;
  norms: Float32Array;
}

export interface IvfIndex {
  dims: number;
  nLists: number;
  /** Unit-length centroids, nLists x dims (inside `centroidKernel`'s memory when there is one). */
  centroids: Float32Array;
  /** WebAssembly SIMD scoring of `centroids`. */
  centroidKernel?: DotKernel;
  /** List l holds positions listStart[l] .. listStart[l+1]-1. */
  listStart: Int32Array;
  /** The largest item norm in each list (the dot-product list score). */
  listMaxNorm: Float32Array;
  /** Position -> item row. */
  rows: Int32Array;
  /** Item vectors in list order (inside `kernel`'s memory when there is one). */
  vectors: Float32Array;
  /** WebAssembly SIMD scoring of `vectors` (simdDots.ts); absent where SIMD is not available. */
  kernel?: DotKernel;
  /** Item norms in list order. */
  norms: Float32Array;
}

export interface IvfBuildOptions {
  /** Number of lists; default ~sqrt(n), at least 16. */
  lists?: number;
  iterations?: number;
  /** k-means trains on this many sampled items (all items are then assigned). */
  sample?: number;
  seed?: number;
  /** Yield to the event loop after this much work (ms). */
  sliceMs?: number;
}

export const defaultLists = (nItems: number) => Math.max(16, Math.round(Math.sqrt(nItems)));

/** Build the index, yielding to the event loop between slices of work. */
export async function buildIvfIndex(t: IndexedItems, opts: IvfBuildOptions = {}): Promise<IvfIndex> {
  const steps = ivfBuildSteps(t, opts);
  const sliceMs = opts.sliceMs ?? 4;
  for (;;) {
    const started = performance.now();
    let r = steps.next();
    while (!r.done && performance.now() - started < sliceMs) r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The same build without yielding (tests, benchmarks). */
export function buildIvfIndexSync(t: IndexedItems, opts: IvfBuildOptions = {}): IvfIndex {
  const steps = ivfBuildSteps(t, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

// A generator so that the async driver can stop between chunks of 64 points.
function* ivfBuildSteps(t: IndexedItems, opts: IvfBuildOptions): Generator<void, IvfIndex> {
  const { dims, nItems, items, norms } = t;
  const nLists = Math.max(1, Math.min(nItems, opts.lists ?? defaultLists(nItems)));
  const iterations = opts.iterations ?? 8;
  const rng = createRng(opts.seed ?? 1);
  const unitRow = (r: number, out: Float32Array, o: number) => {
    const inv = 1 / (norms[r] || 1);
    for (let d = 0; d < dims; d++) out[o + d] = items[r * dims + d] * inv;
  };

  // Sample rows without replacement (partial Fisher-Yates), normalised.
  const nSample = Math.min(nItems, opts.sample ?? nLists * 64);
  const order = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) order[i] = i;
  for (let i = 0; i < nSample; i++) {
    const j = i + rng.int(nItems - i);
    const x = order[i];
    order[i] = order[j];
    order[j] = x;
  }
  const sample = new Float32Array(nSample * dims);
  for (let i = 0; i < nSample; i++) unitRow(order[i], sample, i * dims);

  const centroidKernel = createDotKernel(nLists, dims);
  const centroids = centroidKernel?.vectors ?? new Float32Array(nLists * dims);
  centroids.set(sample.subarray(0, nLists * dims)); // the first nLists sampled rows (already random)
  const scores = new Float32Array(nLists);
  const bestCentroid = (x: Float32Array) => {
    centroidScores(centroids, centroidKernel, nLists, dims, x, scores);
    let best = 0;
    for (let c = 1; c < nLists; c++) if (scores[c] > scores[best]) best = c;
    return best;
  };
  const sums = new Float64Array(nLists * dims);
  const counts = new Int32Array(nLists);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < nSample; i++) {
      const c = bestCentroid(sample.subarray(i * dims, (i + 1) * dims));
      counts[c]++;
      for (let d = 0; d < dims; d++) sums[c * dims + d] += sample[i * dims + d];
      if ((i & 63) === 63) yield;
    }
    for (let c = 0; c < nLists; c++) {
      if (counts[c] === 0) {
        // An empty list takes a random sampled point, so every list stays in use.
        const j = rng.int(nSample);
        centroids.set(sample.subarray(j * dims, (j + 1) * dims), c * dims);
        continue;
      }
      let n = 0;
      for (let d = 0; d < dims; d++) n += sums[c * dims + d] * sums[c * dims + d];
      const inv = 1 / (Math.sqrt(n) || 1);
      for (let d = 0; d < dims; d++) centroids[c * dims + d] = sums[c * dims + d] * inv;
    }
    yield;
  }

  // Assign every item, then lay the lists out contiguously (a counting sort by list).
  const assign = new Int32Array(nItems);
  const unit = new Float32Array(dims);
  const sizes = new Int32Array(nLists);
  for (let r = 0; r < nItems; r++) {
    unitRow(r, unit, 0);
    assign[r] = bestCentroid(unit);
    sizes[assign[r]]++;
    if ((r & 63) === 63) yield;
  }
  const listStart = new Int32Array(nLists + 1);
  for (let c = 0; c < nLists; c++) listStart[c + 1] = listStart[c] + sizes[c];
  const fill = listStart.slice(0, nLists);
  const rows = new Int32Array(nItems);
  for (let r = 0; r < nItems; r++) rows[fill[assign[r]]++] = r;
  // Each list longest vector first: a dot-product search stops scanning a list once |q|·|x| cannot beat its
  // k-th best (searchIvf).
  const byNorm = (a: number, b: number) => norms[b] - norms[a] || a - b;
  for (let c = 0; c < nLists; c++) {
    rows.subarray(listStart[c], listStart[c + 1]).sort(byNorm);
    if ((c & 15) === 15) yield;
  }
  const kernel = createDotKernel(nItems, dims);
  const vectors = kernel?.vectors ?? new Float32Array(nItems * dims);
  const posNorms = new Float32Array(nItems);
  const listMaxNorm = new Float32Array(nLists);
  for (let pos = 0; pos < nItems; pos++) {
    const r = rows[pos];
    vectors.set(items.subarray(r * dims, (r + 1) * dims), pos * dims);
    posNorms[pos] = norms[r];
  }
  for (let c = 0; c < nLists; c++) listMaxNorm[c] = sizes[c] > 0 ? posNorms[listStart[c]] : 0;
  return {
    dims,
    nLists,
    centroids,
    centroidKernel,
    listStart,
    listMaxNorm,
    rows,
    vectors,
    kernel,
    norms: posNorms,
  };
}

/** out[c] = x · centroid c for every list: through the SIMD kernel when there is one. */
function centroidScores(
  centroids: Float32Array,
  kernel: DotKernel | undefined,
  nLists: number,
  dims: number,
  x: Float32Array,
  out: Float32Array | Float64Array,
): void {
  if (!kernel) {
    for (let c = 0; c < nLists; c++) out[c] = dotAt(centroids, c * dims, x, dims);
    return;
  }
  kernel.setQuery(x);
  for (let from = 0; from < nLists; from += DOTS_BLOCK) {
    const count = Math.min(DOTS_BLOCK, nLists - from);
    out.set(kernel.dots(from, count).subarray(0, count), from);
  }
}

/**
 * The approximate top-k: the `probes` best lists, scanned like the exact top-k (embeddingIndex.topK).
 * Returns item rows of the model's table, best first.
 */
export function searchIvf(
  ix: IvfIndex,
  query: Float32Array,
  k: number,
  metric: 'dot' | 'cosine',
  probes: number,
  skip?: (row: number) => boolean,
): Neighbour[] {
  const { dims, nLists, centroids, centroidKernel, listStart, listMaxNorm, vectors, norms, rows } = ix;
  // Score the lists; keep the best `probes` with a small insertion-sorted buffer.
  const p = Math.min(probes, nLists);
  const bestLists = new Int32Array(p);
  const bestScores = new Float64Array(p).fill(-Infinity);
  const listScores = new Float64Array(nLists);
  centroidScores(centroids, centroidKernel, nLists, dims, query, listScores);
  for (let c = 0; c < nLists; c++) {
    let s = listScores[c];
    if (metric === 'dot') s *= listMaxNorm[c];
    if (s <= bestScores[p - 1]) continue;
    let i = p - 1;
    while (i > 0 && bestScores[i - 1] < s) {
      bestScores[i] = bestScores[i - 1];
      bestLists[i] = bestLists[i - 1];
      i--;
    }
    bestScores[i] = s;
    bestLists[i] = c;
  }
  const qn = queryNorm(query, dims, metric);
  const heap = new TopHeap(k);
  // For a dot product, |q|·|x| bounds the score, and each list is in decreasing |x|: once the bound cannot enter
  // the heap, neither can the rest of the list. (A cosine has no such bound: every item is read.)
  const bound = queryNorm(query, dims, 'cosine');
  const bounded = metric === 'dot';
  // Scores come in blocks: from the SIMD kernel, else from the JavaScript loop.
  const { kernel } = ix;
  kernel?.setQuery(query);
  const jsBlock = kernel ? undefined : new Float32Array(DOTS_BLOCK);
  const scoreBlock = (from: number, count: number): Float32Array => {
    if (kernel) return kernel.dots(from, count);
    const out = jsBlock as Float32Array;
    for (let t = 0; t < count; t++) out[t] = dotAt(vectors, (from + t) * dims, query, dims);
    return out;
  };
  for (let j = 0; j < p; j++) {
    const c = bestLists[j];
    const end = listStart[c + 1];
    let pos = listStart[c];
    scan: while (pos < end && !(bounded && !heap.beats(bound * norms[pos]))) {
      const count = Math.min(DOTS_BLOCK, end - pos);
      const scores = scoreBlock(pos, count);
      for (let t = 0; t < count; t++, pos++) {
        if (bounded && !heap.beats(bound * norms[pos])) break scan;
        let s = scores[t];
        if (metric === 'cosine') s /= (norms[pos] || 1) * qn;
        if (!heap.beats(s)) continue;
        const row = rows[pos];
        if (skip && skip(row)) continue;
        heap.push(row, s);
      }
    }
  }
  return heap.sorted();
}
