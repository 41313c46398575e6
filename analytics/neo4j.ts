// Reading the co-purchase edges from Neo4j (streamed) and writing the results back (batched, idempotent).
import { validationError, type Logger } from '../core';
import { toNumber, type GraphClient } from '../graph';
import type { CoPurchaseAnalysis } from './communities';
import { EdgeCollector, type CoPurchaseEdges } from './edges';
import type { CommunitiesOptions } from './options';
import { CLEAR_PRODUCTS, CO_PURCHASE_PAIRS, MARKED_PRODUCTS, WRITE_PRODUCTS, WRITE_RUN } from './queries';

const LOG_EVERY_ROWS = 100_000;

/**
 * Streams the pairs into typed arrays. The edge cap is checked on every row, so a graph above it is refused
 * after reading at most `maxEdges` rows, before graphology allocates anything.
 */
export async function readCoPurchaseEdges(
  graph: GraphClient,
  opts: CommunitiesOptions,
  logger: Logger,
): Promise<CoPurchaseEdges> {
  const edges = new EdgeCollector();
  await graph.stream(
    CO_PURCHASE_PAIRS,
    { minWeight: opts.minWeight, since: opts.since, maxItemsPerShopper: opts.maxItemsPerShopper },
    {
      start: () => edges.reset(),
      row: (r) => {
        if (edges.size >= opts.maxEdges)
          throw validationError(
            `the co-purchase graph has more than --max-edges ${opts.maxEdges} edges with --min-weight ` +
              `${opts.minWeight}; raise --min-weight (or --max-edges, if this machine has the memory)`,
            { field: '--max-edges' },
          );
        edges.add(String(r.get(0)), String(r.get(1)), toNumber(r.get(2)));
        if (edges.size % LOG_EVERY_ROWS === 0)
          logger.info({ edges: edges.size }, 'reading co-purchase pairs');
      },
    },
  );
  return edges.finish();
}

async function markedProducts(graph: GraphClient): Promise<string[]> {
  const ids: string[] = [];
  await graph.stream(
    MARKED_PRODUCTS,
    {},
    { start: () => (ids.length = 0), row: (r) => ids.push(String(r.get(0))) },
  );
  return ids;
}

export interface RunRecord {
  ranAt: number;
  products: number;
  edges: number;
  communities: number;
  modularity: number;
}

/**
 * Writes every product's community and rank, then takes them off the products of an earlier run that this one
 * left out, then records the run. Each step is SET/REMOVE by id, so a re-run with the same graph and options
 * leaves the same properties.
 */
export async function writeCoPurchase(
  graph: GraphClient,
  result: CoPurchaseAnalysis,
  opts: CommunitiesOptions,
  run: RunRecord,
  logger: Logger,
): Promise<{ written: number; cleared: number }> {
  for (let from = 0; from < result.ids.length; from += opts.batchSize) {
    const rows = [];
    for (let i = from; i < Math.min(from + opts.batchSize, result.ids.length); i++)
      rows.push({ id: result.ids[i], community: result.community[i], rank: result.rank[i] });
    await graph.write(WRITE_PRODUCTS, { rows });
    logger.info({ written: from + rows.length, of: result.ids.length }, 'writing co-purchase communities');
  }
  const kept = new Set(result.ids);
  const stale = (await markedProducts(graph)).filter((id) => !kept.has(id));
  for (let from = 0; from < stale.length; from += opts.batchSize)
    await graph.write(CLEAR_PRODUCTS, { ids: stale.slice(from, from + opts.batchSize) });
  await graph.write(WRITE_RUN, {
    ...run,
    minWeight: opts.minWeight,
    since: opts.since,
    maxItemsPerShopper: opts.maxItemsPerShopper,
    seed: opts.seed,
    resolution: opts.resolution,
  });
  return { written: result.ids.length, cleared: stale.length };
}
