// The graph LightGCN propagates over: one node range per node type (users, items, and later category, brand,
// price-band and demographic nodes appended as further ranges), and the symmetric-normalised adjacency
//   Â = D^-1/2 A D^-1/2,   Â[a,b] = w(a,b) / sqrt(deg(a) deg(b)),   deg(a) = Σ_b w(a,b)
// stored as CSR with Float32 values. Â is symmetric, which is what lets the backward pass of a propagation
// be the same multiply as the forward pass.
import { validationError } from '../../core';
import type { Csr } from '../data/csr';

export interface NodeRange {
  type: string;
  offset: number;
  count: number;
}

export interface PropagationGraph {
  nNodes: number;
  /** Node-type offset table: node ids of type t are [offset, offset + count). */
  ranges: NodeRange[];
  /** Â as CSR over all nodes (both directions of every edge). */
  adj: Csr & { val: Float32Array };
}

/** One group of undirected edges between two node types, with optional weights (by event type, recency). */
export interface EdgeSet {
  from: string;
  to: string;
  /** Local row numbers within the `from` and `to` ranges. */
  src: Int32Array;
  dst: Int32Array;
  weight?: Float32Array;
}

export function rangeOf(g: Pick<PropagationGraph, 'ranges'>, type: string): NodeRange {
  const r = g.ranges.find((x) => x.type === type);
  if (!r)
    throw validationError(
      `node type must be one of ${g.ranges.map((x) => x.type).join(', ')}, but got: ${type}`,
    );
  return r;
}

/** Lay out node ranges in the given order and build Â over the union of the edge sets. */
export function buildPropagationGraph(
  types: Array<{ type: string; count: number }>,
  edgeSets: EdgeSet[],
): PropagationGraph {
  const ranges: NodeRange[] = [];
  let offset = 0;
  for (const t of types) {
    ranges.push({ type: t.type, offset, count: t.count });
    offset += t.count;
  }
  const nNodes = offset;
  let nEdges = 0;
  for (const s of edgeSets) nEdges += s.src.length;

  // Global endpoints and weights; each undirected edge is stored in both rows.
  const a = new Int32Array(nEdges);
  const b = new Int32Array(nEdges);
  const w = new Float32Array(nEdges);
  let k = 0;
  for (const s of edgeSets) {
    const rf = rangeOf({ ranges }, s.from);
    const rt = rangeOf({ ranges }, s.to);
    for (let e = 0; e < s.src.length; e++, k++) {
      a[k] = rf.offset + s.src[e];
      b[k] = rt.offset + s.dst[e];
      w[k] = s.weight ? s.weight[e] : 1;
    }
  }
  const deg = new Float64Array(nNodes);
  const ptr = new Int32Array(nNodes + 1);
  for (let e = 0; e < nEdges; e++) {
    deg[a[e]] += w[e];
    deg[b[e]] += w[e];
    ptr[a[e] + 1]++;
    ptr[b[e] + 1]++;
  }
  for (let r = 0; r < nNodes; r++) ptr[r + 1] += ptr[r];
  const fill = ptr.slice(0, nNodes);
  const idx = new Int32Array(2 * nEdges);
  const val = new Float32Array(2 * nEdges);
  for (let e = 0; e < nEdges; e++) {
    // An isolated node (degree 0) has no entries, so the division never sees a zero degree.
    const v = w[e] / Math.sqrt(deg[a[e]] * deg[b[e]]);
    let at = fill[a[e]]++;
    idx[at] = b[e];
    val[at] = v;
    at = fill[b[e]]++;
    idx[at] = a[e];
    val[at] = v;
  }
  return { nNodes, ranges, adj: { nRows: nNodes, nCols: nNodes, ptr, idx, val } };
}

/** The user-item graph of a train CSR: users first, then items, edges weighted 1 (or by `weight`). */
export function userItemGraph(train: Csr, weight?: Float32Array): PropagationGraph {
  const n = train.ptr[train.nRows];
  const src = new Int32Array(n);
  for (let u = 0; u < train.nRows; u++) src.fill(u, train.ptr[u], train.ptr[u + 1]);
  return buildPropagationGraph(
    [
      { type: 'user', count: train.nRows },
      { type: 'item', count: train.nCols },
    ],
    [{ from: 'user', to: 'item', src, dst: train.idx, weight }],
  );
}
