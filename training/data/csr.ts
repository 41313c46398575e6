// Compressed sparse rows on typed arrays: row r's entries are idx[ptr[r] .. ptr[r+1]) (and val[] when weighted).
// Every interaction structure in training/ is one of these, never an array of objects.

import type { Csr } from '../../model';
export type { Csr } from '../../model';

export const nnz = (m: Csr): number => m.ptr[m.nRows];

export const rowLength = (m: Csr, r: number): number => m.ptr[r + 1] - m.ptr[r];

/** Build a CSR from (row, col[, val]) triples; entries keep their input order within a row. */
export function csrFromTriples(
  nRows: number,
  nCols: number,
  rows: Int32Array,
  cols: Int32Array,
  vals?: Float32Array,
): Csr {
  const ptr = new Int32Array(nRows + 1);
  for (let e = 0; e < rows.length; e++) ptr[rows[e] + 1]++;
  for (let r = 0; r < nRows; r++) ptr[r + 1] += ptr[r];
  const fill = ptr.slice(0, nRows);
  const idx = new Int32Array(rows.length);
  const val = vals ? new Float32Array(rows.length) : undefined;
  for (let e = 0; e < rows.length; e++) {
    const at = fill[rows[e]]++;
    idx[at] = cols[e];
    if (val && vals) val[at] = vals[e];
  }
  return val ? { nRows, nCols, ptr, idx, val } : { nRows, nCols, ptr, idx };
}

/** The transpose (item -> users from user -> items); rows of the result come out sorted by column. */
export function transpose(m: Csr): Csr {
  const n = nnz(m);
  const rows = new Int32Array(n);
  for (let r = 0; r < m.nRows; r++) for (let e = m.ptr[r]; e < m.ptr[r + 1]; e++) rows[e] = r;
  return csrFromTriples(m.nCols, m.nRows, m.idx, rows, m.val);
}

/** Does row r contain column c? Rows are short and unsorted in general, so a linear scan. */
export function hasEntry(m: Csr, r: number, c: number): boolean {
  for (let e = m.ptr[r]; e < m.ptr[r + 1]; e++) if (m.idx[e] === c) return true;
  return false;
}

/** Sort each row's column indices ascending (in place), so membership tests can binary-search. */
export function sortRows(m: Csr): Csr {
  for (let r = 0; r < m.nRows; r++) {
    const row = m.idx.subarray(m.ptr[r], m.ptr[r + 1]);
    if (m.val) {
      const v = m.val.subarray(m.ptr[r], m.ptr[r + 1]);
      const order = Array.from(row.keys()).sort((a, b) => row[a] - row[b]);
      const ri = Int32Array.from(order, (o) => row[o]);
      const rv = Float32Array.from(order, (o) => v[o]);
      row.set(ri);
      v.set(rv);
    } else row.sort();
  }
  return m;
}
