// The batch feature job: read the interactions, compute features as of a cutoff, write them onto the graph.
// Serving uses the newest features (cutoff = the end of the data); training computes its own in memory as of
// the validation start (computeFeatures), so stored features never leak test events into training.
import type { GraphClient } from '../../graph';
import { createProgress, type Logger } from '../../core';
import type { InteractionColumns } from '../split';
import { computeFeatures } from './compute';
import { writeFeaturesToGraph } from './graphStore';

export interface FeatureRefreshSummary {
  asOf: string;
  users: number;
  products: number;
  events: number;
  computeSeconds: number;
  writeSeconds: number;
  priceBandEdges: number[];
}

export interface FeatureRefreshDeps {
  graph: GraphClient;
  logger: Logger;
  progressBar: boolean;
}

/** `asOf` defaults to just after the newest event, so every loaded event counts. */
export async function refreshFeatures(
  cols: InteractionColumns,
  deps: FeatureRefreshDeps,
  asOf?: number,
): Promise<FeatureRefreshSummary> {
  let newest = -Infinity;
  for (let i = 0; i < cols.n; i++) if (cols.ts[i] > newest) newest = cols.ts[i];
  const cutoff = asOf ?? (Number.isFinite(newest) ? newest + 1 : Date.now());
  const t0 = Date.now();
  const features = computeFeatures(cols, cutoff);
  const computeSeconds = (Date.now() - t0) / 1000;
  const bar = createProgress({
    label: 'features',
    total: features.nUsers + features.nProducts,
    tty: deps.progressBar,
    logger: deps.logger,
  });
  try {
    const written = await writeFeaturesToGraph(deps.graph, features, cols, {
      onProgress: (done) => bar.update(done),
    });
    return {
      asOf: new Date(cutoff).toISOString(),
      users: written.users,
      products: written.products,
      events: cols.n,
      computeSeconds,
      writeSeconds: written.seconds,
      priceBandEdges: features.priceBandEdges,
    };
  } finally {
    bar.stop();
  }
}
