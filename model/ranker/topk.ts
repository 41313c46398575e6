// Top-K of a score row by partial selection: a size-K min-heap replaced only when a score beats its root.
// Over 41k items with K = 50 almost every score fails the first comparison, so this is one pass of loads,
// where a full sort would be n log n. Ties keep the lower item index (strict comparison), so results are stable.

/**
 * Write the indices of the K highest scores of `scores[from, from+n)` into `out` (length >= K), best first.
 * -Infinity marks excluded entries; they are never returned. Returns how many were written.
 */
export function topK(
  scores: Float32Array,
  from: number,
  n: number,
  k: number,
  out: Int32Array,
  heapS: Float32Array,
): number {
  let size = 0;
  for (let j = 0; j < n; j++) {
    const s = scores[from + j];
    if (s === -Infinity || s !== s) continue;
    if (size < k) {
      // Sift up.
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heapS[p], out[p], s, j)) break;
        heapS[i] = heapS[p];
        out[i] = out[p];
        i = p;
      }
      heapS[i] = s;
      out[i] = j;
    } else if (s > heapS[0]) {
      siftDown(heapS, out, size, s, j);
    }
  }
  // Heap-sort the survivors into best-first order.
  for (let end = size - 1; end > 0; end--) {
    const s = heapS[end];
    const j = out[end];
    heapS[end] = heapS[0];
    out[end] = out[0];
    siftDown(heapS, out, end, s, j);
  }
  return size;
}

/** Is (sa, ja) ranked below (sb, jb)? Lower score, or equal score and higher index. */
function worse(sb: number, jb: number, sa: number, ja: number): boolean {
  // Called as worse(parent, child): true when the child should move above the parent in a min-heap.
  return sa < sb || (sa === sb && ja > jb);
}

function siftDown(heapS: Float32Array, heapI: Int32Array, size: number, s: number, j: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    let c = l;
    if (r < size && worse(heapS[l], heapI[l], heapS[r], heapI[r])) c = r;
    if (!worse(s, j, heapS[c], heapI[c])) break;
    heapS[i] = heapS[c];
    heapI[i] = heapI[c];
    i = c;
  }
  heapS[i] = s;
  heapI[i] = j;
}

/**
 * The k-th largest of `values[0, n)` (1 <= k <= n) by quickselect, in expected O(n), without sorting. Reorders
 * `scratch` (length >= n), which it fills with a copy; `values` is left alone. For keeping a row's k strongest
 * entries when their order does not matter, where a heap's k log k sort would dominate.
 */
export function kthLargest(values: Float32Array, n: number, k: number, scratch: Float32Array): number {
  scratch.set(values.subarray(0, n));
  let lo = 0;
  let hi = n - 1;
  const target = k - 1; // index of the answer in descending order
  while (lo < hi) {
    // Median of three as the pivot keeps sorted and reversed rows linear.
    const mid = (lo + hi) >> 1;
    const a = scratch[lo];
    const b = scratch[mid];
    const c = scratch[hi];
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i] > pivot) i++;
      while (scratch[j] < pivot) j--;
      if (i <= j) {
        const t = scratch[i];
        scratch[i] = scratch[j];
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return scratch[target];
  }
  return scratch[target];
}
