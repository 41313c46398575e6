// Warm start: the trainable table E0 of a new training starts from a previous model's E0 (artifacts/e0File.ts).
// Rows are matched by node id within each node type (users by user id, items by product id, metadata nodes by
// their ids), so a graph that gained or lost users, products or categories since still reuses every node the two
// have in common. A node the old model did not know starts from the Â-weighted mean of its reused neighbours'
// rows (a new user next to the items it touched, a new product next to its category and brand), or, with no
// reused neighbour, from the usual N(0, initScale²). Adam's state is not stored, so it starts fresh.
import { validationError } from '../../core';
import type { NodeTypeIds } from '../../model';
import type { Csr } from '../data/csr';
import type { Rng } from '../../core';

export interface RowRemap {
  /** For each node of the new graph, its row in the old table, or -1 when the old model did not know it. */
  rows: Int32Array;
  reused: number;
  /** Per new node type: rows reused and rows in total. */
  byType: Record<string, { reused: number; total: number }>;
}

/** Match the new graph's nodes to the old table's rows by (type, id). O(old + new) with one Map per type. */
export function remapRows(old: NodeTypeIds[], next: NodeTypeIds[]): RowRemap {
  const lookup = new Map<string, Map<string, number>>();
  let offset = 0;
  for (const t of old) {
    const m = lookup.get(t.type) ?? new Map<string, number>();
    for (let i = 0; i < t.ids.length; i++) m.set(String(t.ids[i]), offset + i);
    lookup.set(t.type, m);
    offset += t.ids.length;
  }
  let n = 0;
  for (const t of next) n += t.ids.length;
  const rows = new Int32Array(n).fill(-1);
  const byType: RowRemap['byType'] = {};
  let reused = 0;
  let at = 0;
  for (const t of next) {
    const m = lookup.get(t.type);
    let k = 0;
    if (m)
      for (let i = 0; i < t.ids.length; i++) {
        const r = m.get(String(t.ids[i]));
        if (r !== undefined) {
          rows[at + i] = r;
          k++;
        }
      }
    const prev = byType[t.type] ?? { reused: 0, total: 0 };
    byType[t.type] = { reused: prev.reused + k, total: prev.total + t.ids.length };
    reused += k;
    at += t.ids.length;
  }
  return { rows, reused, byType };
}

/** A table to start training from: the old rows and where each new node finds its own. */
export interface InitialTable {
  /** The old E0, [old rows, dims] row-major. */
  table: Float32Array;
  dims: number;
  remap: RowRemap;
}

/**
 * The new E0, [rows.length, dims]: reused rows copied, new nodes from their reused neighbours in `adj` (Â, over
 * the new graph's nodes), the rest N(0, scale²) from `rng`.
 */
export function warmStartRows(
  init: InitialTable,
  adj: Csr & { val: Float32Array },
  rng: Rng,
  scale: number,
): Float32Array {
  const { rows } = init.remap;
  const d = init.dims;
  const n = rows.length;
  if (adj.nRows !== n)
    throw validationError(`the warm-start remap covers ${n} nodes, but the training graph has ${adj.nRows}`, {
      field: 'warm-start',
    });
  if (init.table.length % d !== 0)
    throw validationError(
      `the warm-start table has ${init.table.length} values, not a multiple of ${d} dims`,
      {
        field: 'warm-start',
      },
    );
  const oldRows = init.table.length / d;
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const o = rows[r];
    if (o < 0) continue;
    if (o >= oldRows)
      throw validationError(`the warm-start remap points at row ${o}, but the table has ${oldRows} rows`, {
        field: 'warm-start',
      });
    out.set(init.table.subarray(o * d, o * d + d), r * d);
  }
  for (let r = 0; r < n; r++) {
    if (rows[r] >= 0) continue;
    let w = 0;
    for (let e = adj.ptr[r]; e < adj.ptr[r + 1]; e++) {
      const nb = adj.idx[e];
      if (rows[nb] < 0) continue;
      const a = adj.val[e];
      w += a;
      for (let j = 0; j < d; j++) out[r * d + j] += a * out[nb * d + j];
    }
    if (w > 0) for (let j = 0; j < d; j++) out[r * d + j] /= w;
    else for (let j = 0; j < d; j++) out[r * d + j] = rng.normal() * scale;
  }
  return out;
}
