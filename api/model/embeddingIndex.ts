// Top-k over the item table, in process. Layout: `items` is row-major, nItems x dims Float32, row r = item r
// of ids.json; `norms[r]` is the L2 norm of row r (precomputed once per model). The exact scan reads every row
// (at 50k x 64, ~3.2 M multiply-adds, ~10 ms here); serving uses the IVF index (ivfIndex.ts) once it is built
// in the background after a model loads, and the exact scan until then.

import { dotAt as importedDotAt, queryNorm } from './dot';
import { buildIvfIndex, searchIvf, type IvfIndex } from './ivfIndex';
import { TopHeap, type Neighbour } from './topHeap';

export type { Neighbour } from './topHeap';

// A local binding for the scan loop (see ivfIndex.ts: under tsx an imported call reads a getter).
const dotAt = importedDotAt;

export interface ItemTable {
  dims: number;
  nItems: number;
  items: Float32Array;
  norms: Float32Array;
  /** The IVF index once its background build is done (see `startAnnBuild`); until then searches scan. */
  ann?: { index: IvfIndex; probes: number };
}

export function rowNorms(table: Float32Array, rows: number, dims: number): Float32Array {
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const o = r * dims;
    for (let d = 0; d < dims; d++) s += table[o + d] * table[o + d];
    out[r] = Math.sqrt(s);
  }
  return out;
}

/**
 * The exact k rows with the highest score against `query`: dot product (LightGCN's own score) or cosine.
 * `skip` rows are never returned (the query item itself, items already bought).
 */
export function topK(
  t: ItemTable,
  query: Float32Array,
  k: number,
  metric: 'dot' | 'cosine',
  skip?: (row: number) => boolean,
): Neighbour[] {
  const { dims, nItems, items, norms } = t;
  const qn = queryNorm(query, dims, metric);
  const heap = new TopHeap(k);
  for (let r = 0; r < nItems; r++) {
    let s = dotAt(items, r * dims, query, dims);
    if (metric === 'cosine') s /= (norms[r] || 1) * qn;
    if (!heap.beats(s)) continue;
    if (skip && skip(r)) continue;
    heap.push(r, s);
  }
  return heap.sorted();
}

/** The serving search: the IVF index when it is built (approximate), the exact scan otherwise. */
export function nearestItems(
  t: ItemTable,
  query: Float32Array,
  k: number,
  metric: 'dot' | 'cosine',
  skip?: (row: number) => boolean,
): Neighbour[] {
  return t.ann
    ? searchIvf(t.ann.index, query, k, metric, t.ann.probes, skip)
    : topK(t, query, k, metric, skip);
}

// Below this many items the exact scan is already well under a millisecond.
const ANN_MIN_ITEMS = 4096;
const builds = new WeakMap<ItemTable, Promise<void>>();

/**
 * Build the table's IVF index in the background (slices of a few ms between requests) and attach it when
 * done. `probes` 0 (or a small table) keeps the exact scan. Returns the same promise for the same table.
 */
export function startAnnBuild(t: ItemTable, probes: number): Promise<void> {
  const running = builds.get(t);
  if (running) return running;
  const p =
    probes > 0 && t.nItems >= ANN_MIN_ITEMS
      ? buildIvfIndex(t).then((index) => {
          t.ann = { index, probes };
        })
      : Promise.resolve();
  builds.set(t, p);
  return p;
}

/** Mean of some item rows (the fallback embedding of a product added after training). */
/**
 * The mean direction of some item rows (each at unit length): item rows may carry the model's popularity scale
 * (training/lightgcn/popularityScale.ts), which ranks items but should not let one popular item outweigh the others
 * in a session's or a category's intent. Zero rows are skipped.
 */
export function meanDirection(t: ItemTable, rows: number[]): Float32Array | undefined {
  const { dims, items, norms } = t;
  const out = new Float32Array(dims);
  let n = 0;
  for (const r of rows) {
    if (!(norms[r] > 0)) continue;
    const f = 1 / norms[r];
    for (let d = 0; d < dims; d++) out[d] += items[r * dims + d] * f;
    n++;
  }
  if (n === 0) return undefined;
  for (let d = 0; d < dims; d++) out[d] /= n;
  return out;
}

export const rowOf = (table: Float32Array, dims: number, row: number) =>
  table.subarray(row * dims, (row + 1) * dims);
