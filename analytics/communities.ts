// Louvain communities and weighted PageRank over the co-purchase graph: the pure part, no Neo4j.
//
// Community ids are renumbered by size, largest first (ties by the smallest product id in them), so that
// community 0 is the biggest and the same graph with the same seed gives the same numbers on every run:
// Louvain's own ids depend on its visiting order. PageRank is the weighted stationary share of a random walk
// that follows co-purchases in proportion to their shoppers: a product bought with many others, by many
// shoppers, ranks high. Over the products in the graph the ranks sum to 1.
import { UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import pagerank from 'graphology-metrics/centrality/pagerank';
import type { CoPurchaseEdges } from './edges';
import { createRng } from '../core';

export interface CommunityOptions {
  /** Louvain's random walk order comes from this seed, so a run is reproducible. */
  seed: number;
  /** Louvain resolution: above 1 gives more, smaller communities. */
  resolution: number;
}

export interface CoPurchaseAnalysis {
  /** Product ids in id order; the arrays below are indexed like them. */
  ids: string[];
  community: Int32Array;
  rank: Float64Array;
  /** Products per community, by community id (largest first). */
  sizes: number[];
  modularity: number;
}

/** The weighted undirected graph: node keys are product ids, each edge carries `weight` (shoppers). */
export function buildCoPurchaseGraph(edges: CoPurchaseEdges): UndirectedGraph {
  const g = new UndirectedGraph({ allowSelfLoops: false, multi: false });
  for (const id of edges.ids) g.addNode(id);
  for (let i = 0; i < edges.src.length; i++)
    g.mergeEdge(edges.ids[edges.src[i]], edges.ids[edges.dst[i]], { weight: edges.weight[i] });
  return g;
}

export function analyseCoPurchase(edges: CoPurchaseEdges, opts: CommunityOptions): CoPurchaseAnalysis {
  const n = edges.ids.length;
  if (n === 0)
    return { ids: [], community: new Int32Array(0), rank: new Float64Array(0), sizes: [], modularity: 0 };
  const g = buildCoPurchaseGraph(edges);
  const found = louvain.detailed(g, {
    getEdgeWeight: 'weight',
    resolution: opts.resolution,
    rng: createRng(opts.seed).next,
  });
  const scores = pagerank(g, { getEdgeWeight: 'weight', maxIterations: 1000 });

  const raw = new Int32Array(n);
  const rank = new Float64Array(n);
  edges.ids.forEach((id, i) => {
    raw[i] = found.communities[id];
    rank[i] = scores[id];
  });
  // Renumber: size descending, then first member (ids are in order, so the first index seen is the smallest).
  const size = new Map<number, number>();
  const first = new Map<number, number>();
  raw.forEach((c, i) => {
    size.set(c, (size.get(c) ?? 0) + 1);
    if (!first.has(c)) first.set(c, i);
  });
  const order = [...size.keys()].sort((a, b) => size.get(b)! - size.get(a)! || first.get(a)! - first.get(b)!);
  const renumber = new Map(order.map((c, i) => [c, i]));
  const community = raw.map((c) => renumber.get(c)!);
  return {
    ids: edges.ids,
    community,
    rank,
    sizes: order.map((c) => size.get(c)!),
    modularity: found.modularity,
  };
}
