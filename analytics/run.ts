// One co-purchase communities run: read the edges, analyse them in memory, describe the largest communities,
// and (with `write`) put the results on the products.
import type { Logger } from '../core';
import type { GraphClient } from '../graph';
import { analyseCoPurchase } from './communities';
import { readCoPurchaseEdges, writeCoPurchase } from './neo4j';
import type { CommunitiesOptions } from './options';
import { describeCommunities, type CommunityDescription } from './summary';

export interface CommunitiesDeps {
  graph: GraphClient;
  logger: Logger;
  /** The run record's ranAt; the only clock the run reads. */
  now: () => number;
}

export interface CommunitiesSummary {
  products: number;
  edges: number;
  communities: number;
  modularity: number;
  options: Omit<CommunitiesOptions, 'batchSize' | 'top' | 'write'>;
  /** null without --write. */
  written: { products: number; cleared: number; ranAt: number } | null;
  largest: CommunityDescription[];
}

export async function runCoPurchaseCommunities(
  deps: CommunitiesDeps,
  opts: CommunitiesOptions,
): Promise<CommunitiesSummary> {
  const { graph, logger } = deps;
  logger.info({ minWeight: opts.minWeight, since: opts.since }, 'reading the co-purchase graph');
  const edges = await readCoPurchaseEdges(graph, opts, logger);
  logger.info({ products: edges.ids.length, edges: edges.src.length }, 'finding communities and ranks');
  const result = analyseCoPurchase(edges, { seed: opts.seed, resolution: opts.resolution });
  logger.info({ communities: result.sizes.length, modularity: result.modularity }, 'communities found');
  const summary: CommunitiesSummary = {
    products: edges.ids.length,
    edges: edges.src.length,
    communities: result.sizes.length,
    modularity: result.modularity,
    options: {
      minWeight: opts.minWeight,
      since: opts.since,
      maxItemsPerShopper: opts.maxItemsPerShopper,
      maxEdges: opts.maxEdges,
      seed: opts.seed,
      resolution: opts.resolution,
    },
    written: null,
    largest: await describeCommunities(graph, result, opts.top),
  };
  if (opts.write) {
    const ranAt = deps.now();
    const w = await writeCoPurchase(
      graph,
      result,
      opts,
      {
        ranAt,
        products: summary.products,
        edges: summary.edges,
        communities: summary.communities,
        modularity: summary.modularity,
      },
      logger,
    );
    summary.written = { products: w.written, cleared: w.cleared, ranAt };
  }
  return summary;
}
