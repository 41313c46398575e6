// The loader's one public door: `loadSource(options, deps)` validates and loads a shop's files into Neo4j
// (docs/etl.md). Constraints first, then files in dependency order, each streamed, validated row by row and
// written in checkpointed batches; rejected rows go to a quarantine file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Config, Logger, notFound, validationError } from '../../core';
import type { GraphClient } from '../../graph';
import { FileSummary, LoadContext, round } from './loadFile';
import { Quarantine } from './quarantine';
import { ensureSchema } from './schema';
import { loadSyntheticBulk } from './bulk';
import { chooseMode, LOAD_MODES, LoadMode, targetFacts, WriteMode } from './mode';
import { loadEventsCsv, preflightEventsCsv } from './eventsCsv';
import { loadLightgcn, preflightLightgcn } from './lightgcn';
import { loadSynthetic, preflightSynthetic } from './synthetic';

export const LOAD_FORMATS = ['synthetic', 'events-csv', 'lightgcn'] as const;
export type LoadFormat = (typeof LOAD_FORMATS)[number];

export interface LoadOptions {
  source: string;
  format: LoadFormat;
  mapping?: string;
  /** Rows per write transaction. */
  batchSize?: number;
  /** How rows are written (mode.ts); default transactional. */
  mode?: LoadMode;
}

export interface LoadDeps {
  graph: GraphClient;
  logger: Logger;
  dataDir: string;
  progressBar: boolean;
  /** How long to keep retrying while Neo4j is away before giving up (default 120 s). */
  retryForMs?: number;
  onRow?: LoadContext['onRow'];
  /** The configuration of the local stack: bulk mode stops and starts its Neo4j. Without it, never bulk. */
  config?: Config;
}

export interface LoadSummary {
  loadId: string;
  format: LoadFormat;
  source: string;
  /** How the rows were written, and why (the choice of `--mode auto`). */
  mode: WriteMode;
  modeReason: string;
  files: Record<string, FileSummary>;
  read: number;
  loaded: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
  /** The quarantine file, when rows were rejected. */
  quarantine: string | null;
  peakRssMb: number;
  extra: Record<string, number>;
}

export const DEFAULT_BATCH_SIZE = 10_000;

export function parseLoadOptions(raw: Record<string, unknown>): LoadOptions {
  if (typeof raw.source !== 'string' || raw.source === '')
    throw validationError('--source DIR is required', { field: '--source' });
  const format = raw.format ?? 'synthetic';
  if (typeof format !== 'string' || !(LOAD_FORMATS as readonly string[]).includes(format))
    throw validationError(`--format must be one of ${LOAD_FORMATS.join(', ')}, but got: ${String(format)}`, {
      field: '--format',
    });
  let batchSize = DEFAULT_BATCH_SIZE;
  if (raw.batchSize !== undefined) {
    batchSize = Number(raw.batchSize);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
      throw validationError(
        `--batch-size must be an integer in [1, 100000], but got: ${String(raw.batchSize)}`,
        {
          field: '--batch-size',
        },
      );
  }
  const mode = raw.mode ?? 'transactional';
  if (typeof mode !== 'string' || !(LOAD_MODES as readonly string[]).includes(mode))
    throw validationError(`--mode must be one of ${LOAD_MODES.join(', ')}, but got: ${String(mode)}`, {
      field: '--mode',
    });
  const mapping = typeof raw.mapping === 'string' ? path.resolve(raw.mapping) : undefined;
  if (format === 'events-csv' && !mapping)
    throw validationError('--mapping FILE is required with --format events-csv', { field: '--mapping' });
  return {
    source: path.resolve(raw.source),
    format: format as LoadFormat,
    mapping,
    batchSize,
    mode: mode as LoadMode,
  };
}

export async function loadSource(options: LoadOptions, deps: LoadDeps): Promise<LoadSummary> {
  const t0 = performance.now();
  const source = path.resolve(options.source);
  if (!fs.existsSync(source)) throw notFound(`--source does not exist: ${source}`, { field: '--source' });
  const loadId = `${new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${crypto.randomBytes(3).toString('hex')}`;
  const quarantine = new Quarantine(deps.dataDir, loadId);
  const ctx: LoadContext = {
    graph: deps.graph,
    logger: deps.logger,
    quarantine,
    progressBar: deps.progressBar,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    checkpointPrefix: options.format,
    retryForMs: deps.retryForMs,
    onRow: deps.onRow,
  };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 250);
  sampler.unref();
  let files: Record<string, FileSummary>;
  let extra: Record<string, number> = {};
  const requested = options.mode ?? 'transactional';
  const choice =
    requested === 'transactional'
      ? chooseMode(requested, { format: options.format, localStack: false, nodes: 0, foreignSchema: [] })
      : chooseMode(requested, await targetFacts(options.format, deps.graph, deps.config));
  deps.logger.info({ mode: choice.mode, reason: choice.reason }, 'load mode');
  try {
    switch (options.format) {
      case 'synthetic': {
        await preflightSynthetic(source);
        if (choice.mode === 'bulk') {
          const importDir = path.join(deps.dataDir, 'import', loadId);
          const r = await loadSyntheticBulk(source, ctx, deps.config!, importDir);
          files = r.files;
          extra = r.extra;
          break;
        }
        await ensureSchema(deps.graph);
        const r = await loadSynthetic(source, ctx);
        files = r.files;
        extra = { priceBandLinksChanged: r.priceBandLinksChanged };
        break;
      }
      case 'lightgcn': {
        preflightLightgcn(source);
        await ensureSchema(deps.graph);
        const r = await loadLightgcn(source, ctx);
        files = r.files;
        extra = { interactions: r.interactions };
        break;
      }
      case 'events-csv': {
        const mapping = await preflightEventsCsv(source, options.mapping!);
        await ensureSchema(deps.graph);
        const r = await loadEventsCsv(source, mapping, ctx);
        files = r.files;
        extra = { sessions: r.sessions, duplicates: r.duplicates };
        break;
      }
    }
  } finally {
    clearInterval(sampler);
    quarantine.close();
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const all = Object.values(files);
  const read = all.reduce((s, x) => s + x.read, 0);
  const seconds = round((performance.now() - t0) / 1000, 3);
  return {
    loadId,
    format: options.format,
    source,
    mode: choice.mode,
    modeReason: choice.reason,
    files,
    read,
    loaded: all.reduce((s, x) => s + x.loaded, 0),
    rejected: all.reduce((s, x) => s + x.rejected, 0),
    seconds,
    rowsPerSecond: seconds > 0 ? Math.round(read / seconds) : read,
    quarantine: quarantine.path() ?? null,
    peakRssMb: Math.round(peakRss / 2 ** 20),
    extra,
  };
}

export type { FileSummary } from './loadFile';
export { LOAD_MODES } from './mode';
export type { LoadMode, WriteMode } from './mode';
