// The nightly drift job (reports queue, or `graphrec drift`): data drift of the shop's latest window against
// the training window, model drift between the active version and the one before it, metrics, report.
import fs from 'node:fs';
import path from 'node:path';
import { validationError, type Config, type Logger } from '../core';
import { readSyntheticInteractions, type InteractionColumns } from '../etl';
import { readModelDir, readActiveModel } from '../model';
import { createGraphClient } from '../graph';
import {
  DEFAULT_PSI_THRESHOLD,
  dataDrift,
  parseInstantFlag,
  readCategories,
  type CategoryInfo,
} from './dataDrift';
import { readGraphInteractions } from './graphInteractions';
import {
  embeddingDrift,
  recommendationDrift,
  type EmbeddingDrift,
  type RecommendationDrift,
} from './modelDrift';
import { writeDriftReport, type DriftReport } from './report';

export interface DriftJobOptions {
  /** A generated shop's files; without it the job reads the live graph (Neo4j). */
  shop?: string;
  /** Latest window [latestFrom, latestTo); default the last `days` days of the data. */
  latestFrom?: string;
  latestTo?: string;
  /** Training window start (default the data's start); it ends where the latest window starts. */
  trainFrom?: string;
  days?: number;
  out?: string;
  threshold?: number;
}

export interface DriftMetricsSink {
  driftPsi: { set(labels: { feature: string }, v: number): void };
  driftPsiThreshold: { set(labels: { feature: string }, v: number): void };
  coverage: { set(v: number): void };
}

export interface DriftJobSummary {
  dir: string;
  markdown: string;
  psi: Record<string, number>;
  alerts: string[];
  embedding: EmbeddingDrift | null;
  recommendations: RecommendationDrift[];
}

async function readInput(
  config: Config,
  logger: Logger,
  shopDir: string | undefined,
): Promise<{ cols: InteractionColumns; categories: CategoryInfo; source: string }> {
  if (shopDir !== undefined) {
    const shop = path.resolve(shopDir);
    if (!fs.existsSync(path.join(shop, 'manifest.json')))
      throw validationError('--shop must be a generated shop directory (it has no manifest.json)', {
        file: shop,
        field: 'shop',
      });
    return {
      cols: await readSyntheticInteractions(shop),
      categories: readCategories(shop),
      source: `the shop files in ${shop}`,
    };
  }
  const graph = createGraphClient(config.neo4j, { app: 'graphrec-drift' });
  try {
    const { cols, categories } = await readGraphInteractions(graph, logger);
    return { cols, categories, source: `the graph at ${config.neo4j.uri}` };
  } finally {
    await graph.close();
  }
}

export async function runDriftJob(
  config: Config,
  logger: Logger,
  metrics: DriftMetricsSink | null,
  raw: Record<string, unknown> = {},
): Promise<DriftJobSummary> {
  const o = raw as DriftJobOptions;
  const { cols, categories, source } = await readInput(config, logger, o.shop);
  if (cols.n === 0) throw validationError(`no events in ${source}: nothing to compare`, { field: 'source' });
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let i = 0; i < cols.n; i++) {
    if (cols.ts[i] < minTs) minTs = cols.ts[i];
    if (cols.ts[i] > maxTs) maxTs = cols.ts[i];
  }
  const days = o.days ?? 28;
  const latestTo = o.latestTo ? parseInstantFlag(o.latestTo, '--latest-to') : maxTs + 1;
  const latestFrom = o.latestFrom
    ? parseInstantFlag(o.latestFrom, '--latest-from')
    : latestTo - days * 86_400_000;
  const trainFrom = o.trainFrom ? parseInstantFlag(o.trainFrom, '--train-from') : minTs;
  if (!(trainFrom < latestFrom && latestFrom < latestTo))
    throw validationError('windows must satisfy train-from < latest-from < latest-to', {
      field: 'latest-from',
    });
  const threshold = o.threshold ?? DEFAULT_PSI_THRESHOLD;
  const data = dataDrift(
    cols,
    categories,
    { start: trainFrom, end: latestFrom },
    { start: latestFrom, end: latestTo },
    threshold,
  );

  const notes: string[] = [`events read from ${source}`];
  let embedding: EmbeddingDrift | null = null;
  const recommendations: RecommendationDrift[] = [];
  const active = readActiveModel(config.dataDir);
  if (active) {
    const popularity = new Map<string, number>();
    for (let i = 0; i < cols.n; i++)
      if (cols.ts[i] >= trainFrom && cols.ts[i] < latestFrom) {
        const id = cols.productIds[cols.product[i]];
        popularity.set(id, (popularity.get(id) ?? 0) + 1);
      }
    const cur = readModelDir(config.dataDir, active.version);
    recommendations.push(recommendationDrift(cur, popularity));
    const prevVersion = active.history.find((v) => v !== active.version);
    if (prevVersion) {
      try {
        const prev = readModelDir(config.dataDir, prevVersion);
        embedding = embeddingDrift(prev, cur);
        recommendations.unshift(recommendationDrift(prev, popularity));
      } catch (err) {
        notes.push(
          `previous version ${prevVersion} unreadable: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    } else notes.push('only one model version was ever active: no embedding drift yet');
    notes.push('model item ids that are not shop product ids get popularity 0');
  } else notes.push('no active model: model and recommendation drift skipped');

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(o.out ?? path.join(config.dataDir, 'drift', stamp));
  const report: DriftReport = {
    generatedAt: new Date().toISOString(),
    data,
    embedding,
    recommendations,
    notes,
  };
  const files = writeDriftReport(dir, report);
  if (metrics) {
    for (const x of data.features) {
      metrics.driftPsi.set({ feature: x.feature }, x.psi);
      metrics.driftPsiThreshold.set({ feature: x.feature }, x.threshold);
    }
    const last = recommendations[recommendations.length - 1];
    if (last) metrics.coverage.set(last.coverage);
  }
  const alerts = data.features.filter((x) => x.alert).map((x) => x.feature);
  logger.info({ dir, alerts }, 'drift report written');
  return {
    dir,
    markdown: files.markdown,
    psi: Object.fromEntries(data.features.map((x) => [x.feature, x.psi])),
    alerts,
    embedding,
    recommendations,
  };
}
