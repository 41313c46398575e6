// The export's one order, independent of how Neo4j happens to lay out its store, so that the same graph always
// gives the same ShopData (and hash). For a loaded synthetic shop it is exactly the files' order: ids are
// numbered in file order (u0, u1, ... u10), and events.csv lists sessions by start time (ties by session
// number) and each session's events by seq.

/** Ids by (length, UTF-16 code units): numeric order for ids like `u9` < `u10`; a total, locale-free order. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** `order[k]` is the index of the k-th id in id order; `rank[i]` is the position of ids[i] in it. */
export function idOrder(ids: string[]): { order: Int32Array; rank: Int32Array } {
  const order = Int32Array.from(ids, (_, i) => i).sort((a, b) => compareIds(ids[a], ids[b]));
  return { order, rank: inverse(order) };
}

/** Sessions by start time, ties (and unknown starts, NaN, last) by id. */
export function sessionOrder(ids: string[], start: Float64Array): { order: Int32Array; rank: Int32Array } {
  const key = (i: number) => (Number.isNaN(start[i]) ? Infinity : start[i]);
  const order = Int32Array.from(ids, (_, i) => i).sort(
    (a, b) => key(a) - key(b) || compareIds(ids[a], ids[b]),
  );
  return { order, rank: inverse(order) };
}

/** Event columns already in final numbering (session = session rank, item = item rank). */
export interface EventKeys {
  session: Int32Array;
  seq: Float64Array;
  ts: Float64Array;
  item: Int32Array;
  type: Uint8Array;
  user: Int32Array;
}

/**
 * Events grouped by session (in session rank order), each session's events by seq, then ts, item, type, user:
 * the full key, so ties never fall back to the stream's order. A counting sort by session does the bulk in
 * O(n); only each session's few events are compared.
 */
export function eventOrder(k: EventKeys, nSessions: number): Int32Array {
  const n = k.session.length;
  const start = new Int32Array(nSessions + 1);
  for (let i = 0; i < n; i++) start[k.session[i] + 1]++;
  for (let s = 0; s < nSessions; s++) start[s + 1] += start[s];
  const next = start.slice(0, nSessions);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[next[k.session[i]]++] = i;
  const cmp = (a: number, b: number) =>
    k.seq[a] - k.seq[b] ||
    k.ts[a] - k.ts[b] ||
    k.item[a] - k.item[b] ||
    k.type[a] - k.type[b] ||
    k.user[a] - k.user[b];
  for (let s = 0; s < nSessions; s++)
    if (start[s + 1] - start[s] > 1) order.subarray(start[s], start[s + 1]).sort(cmp);
  return order;
}

function inverse(order: Int32Array): Int32Array {
  const rank = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) rank[order[k]] = k;
  return rank;
}
