// Brute-force top-k over the item table, in process. Layout: `items` is row-major, nItems x dims Float32,
// row r = item r of ids.json; `norms[r]` is the L2 norm of row r (precomputed once per model). At 50k x 64 a
// full scan is ~3.2 M multiply-adds, a few ms, and needs no index build when a model is swapped in.

export interface Neighbour {
  row: number;
  score: number;
}

export interface ItemTable {
  dims: number;
  nItems: number;
  items: Float32Array;
  norms: Float32Array;
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
 * The k rows with the highest score against `query`: dot product (LightGCN's own score) or cosine. `skip`
 * rows are never returned (the query item itself, items already bought). A bounded min-heap keeps it
 * O(n log k) without sorting all n scores.
 */
export function topK(
  t: ItemTable,
  query: Float32Array,
  k: number,
  metric: 'dot' | 'cosine',
  skip?: (row: number) => boolean,
): Neighbour[] {
  const { dims, nItems, items, norms } = t;
  let qn = 1;
  if (metric === 'cosine') {
    qn = 0;
    for (let d = 0; d < dims; d++) qn += query[d] * query[d];
    qn = Math.sqrt(qn) || 1;
  }
  const heapRows = new Int32Array(k);
  const heapScores = new Float64Array(k);
  let size = 0;
  for (let r = 0; r < nItems; r++) {
    const o = r * dims;
    let s = 0;
    for (let d = 0; d < dims; d++) s += items[o + d] * query[d];
    if (metric === 'cosine') s /= (norms[r] || 1) * qn;
    if (size === k && s <= heapScores[0]) continue;
    if (skip && skip(r)) continue;
    if (size < k) {
      // sift up
      let i = size++;
      heapRows[i] = r;
      heapScores[i] = s;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (heapScores[p] <= heapScores[i]) break;
        swap(heapRows, heapScores, i, p);
        i = p;
      }
    } else {
      heapRows[0] = r;
      heapScores[0] = s;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const rr = l + 1;
        let m = i;
        if (l < size && heapScores[l] < heapScores[m]) m = l;
        if (rr < size && heapScores[rr] < heapScores[m]) m = rr;
        if (m === i) break;
        swap(heapRows, heapScores, i, m);
        i = m;
      }
    }
  }
  const out: Neighbour[] = [];
  for (let i = 0; i < size; i++) out.push({ row: heapRows[i], score: heapScores[i] });
  return out.sort((a, b) => b.score - a.score);
}

function swap(rows: Int32Array, scores: Float64Array, i: number, j: number): void {
  const r = rows[i];
  rows[i] = rows[j];
  rows[j] = r;
  const s = scores[i];
  scores[i] = scores[j];
  scores[j] = s;
}

/** Mean of some item rows (the fallback embedding of a product added after training). */
export function meanOfRows(table: Float32Array, dims: number, rows: number[]): Float32Array | undefined {
  if (rows.length === 0) return undefined;
  const out = new Float32Array(dims);
  for (const r of rows) for (let d = 0; d < dims; d++) out[d] += table[r * dims + d];
  for (let d = 0; d < dims; d++) out[d] /= rows.length;
  return out;
}

export const rowOf = (table: Float32Array, dims: number, row: number) =>
  table.subarray(row * dims, (row + 1) * dims);
