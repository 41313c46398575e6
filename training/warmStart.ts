// Where a warm start comes from (`graphrec train --warm-start VERSION|DIR|active`, and the nightly refresh, which
// warm-starts from the active model): the E0 table a stored version keeps (artifacts/e0File.ts), remapped onto the
// new graph's nodes by id (lightgcn/warmStart.ts).
//
// A problem with the source (no such version, no active model, a version written before E0 was stored, another
// embedding model, other dims, a corrupt e0.bin, no node in common) is an error when the start was asked for by
// name (`onProblem: 'error'`), and a cold start with a logged warning saying why when it is only the default
// (`onProblem: 'cold'`, the refresh): a nightly run should not fail because the model it would start from is
// unusable, and the run records that it trained cold and why.
import fs from 'node:fs';
import path from 'node:path';
import { GraphrecError, notFound, validationError, type Logger } from '../core';
import {
  e0Files,
  readE0Files,
  type E0Table,
  type NodeTypeIds,
  checkVersionName,
  modelsRoot,
  readActiveModel,
} from '../model';
import type { ShopData } from './data/shop';
import { metaLayoutOf, type MetaLayout } from './graph/metaGraph';
import { defaultTrainerOptions, type TrainerOptions } from './lightgcn/options';
import { remapRows, type InitialTable } from './lightgcn/warmStart';

export interface WarmStartRequest {
  /** A version, a model directory, or `active` (the registry's active pointer). */
  from: string;
  onProblem: 'error' | 'cold';
}

/** What the model records about its start (config.json, metrics.json, the refresh report). */
export interface WarmStartRecord {
  requested: string;
  /** The version (or directory) it started from; null when it trained cold after all. */
  from: string | null;
  reusedRows: number;
  rows: number;
  byType: Record<string, { reused: number; total: number }>;
  /** Why it trained cold (onProblem 'cold' only). */
  fallback?: string;
}

/** The version or directory `from` names, and its directory. */
export function resolveWarmStartSource(dataDir: string, from: string): { name: string; dir: string } {
  if (from === 'active') {
    const active = readActiveModel(dataDir);
    if (!active)
      throw notFound('--warm-start active: no model is active (models/active.json is missing)', {
        field: 'warm-start',
      });
    return { name: active.version, dir: path.join(modelsRoot(dataDir), active.version) };
  }
  if (from.includes('/') || from.includes(path.sep)) {
    const dir = path.resolve(from);
    if (!fs.existsSync(dir))
      throw notFound(`--warm-start: no such model directory: ${dir}`, { file: dir, field: 'warm-start' });
    return { name: dir, dir };
  }
  checkVersionName(from);
  const dir = path.join(modelsRoot(dataDir), from);
  if (!fs.existsSync(dir))
    throw notFound(`--warm-start: model version does not exist: ${from}`, { file: dir, field: 'warm-start' });
  return { name: from, dir };
}

/** The stored E0 of a source, checked against the training about to start. Throws on any problem. */
export function loadWarmStartTable(
  dataDir: string,
  from: string,
  want: { model: string; dims: number },
): { name: string; table: E0Table } {
  const src = resolveWarmStartSource(dataDir, from);
  const table = readE0Files(src.dir);
  if (!table)
    throw validationError(
      `--warm-start ${src.name} has no E0 table (e0.json, e0.bin): it was written before warm starts were stored, or is not an embedding model`,
      { field: 'warm-start', file: src.dir },
    );
  if (table.model !== want.model)
    throw validationError(
      `--warm-start ${src.name} holds a ${table.model} table, but this training is ${want.model}`,
      { field: 'warm-start' },
    );
  if (table.dims !== want.dims)
    throw validationError(
      `--warm-start ${src.name} has ${table.dims} dims, but this training has ${want.dims} (--dims)`,
      { field: 'warm-start' },
    );
  return { name: src.name, table };
}

/**
 * The initial table for a training over `nodes` (the new graph's node ids in row order), or none (cold) with the
 * reason in the record when `onProblem` is 'cold'.
 */
export function prepareWarmStart(
  req: WarmStartRequest,
  dataDir: string,
  want: { model: string; dims: number; nodes: NodeTypeIds[] },
  logger: Logger,
): { initial?: InitialTable; record: WarmStartRecord } {
  const rows = want.nodes.reduce((s, t) => s + t.ids.length, 0);
  const cold = (why: string) => {
    logger.warn({ warmStart: req.from, reason: why }, `warm start not possible, training cold: ${why}`);
    return { record: { requested: req.from, from: null, reusedRows: 0, rows, byType: {}, fallback: why } };
  };
  let loaded: { name: string; table: E0Table };
  try {
    loaded = loadWarmStartTable(dataDir, req.from, want);
  } catch (err) {
    if (req.onProblem === 'error' || !(err instanceof GraphrecError)) throw err;
    return cold(err.describe());
  }
  const remap = remapRows(loaded.table.types, want.nodes);
  if (remap.reused === 0) {
    const why = `${loaded.name} shares no node id with this training's graph`;
    if (req.onProblem === 'error') throw validationError(`--warm-start ${why}`, { field: 'warm-start' });
    return cold(why);
  }
  const record: WarmStartRecord = {
    requested: req.from,
    from: loaded.name,
    reusedRows: remap.reused,
    rows,
    byType: remap.byType,
  };
  logger.info({ ...record }, `warm start from ${loaded.name}: ${remap.reused} of ${rows} rows reused`);
  return { initial: { table: loaded.table.table, dims: loaded.table.dims, remap }, record };
}

/** The shop graph's nodes in row order (metaGraph.shopGraph): users, items, then the metadata layout's types. */
export function shopNodeIds(shop: ShopData, layout?: MetaLayout): NodeTypeIds[] {
  return [
    { type: 'user', ids: shop.userIds },
    { type: 'item', ids: shop.itemIds },
    ...(layout?.types ?? []).map((t) => ({ type: t.type, ids: t.ids })),
  ];
}

/** prepareWarmStart for a shop embedding model (mf, lightgcn, lightgcn-meta; the ranker trains lightgcn-meta). */
export function shopWarmStart(
  req: WarmStartRequest,
  dataDir: string,
  shop: ShopData,
  kind: 'mf' | 'lightgcn' | 'lightgcn-meta',
  overrides: Partial<TrainerOptions>,
  logger: Logger,
): { initial?: InitialTable; record: WarmStartRecord } {
  const model = kind === 'mf' ? 'mf' : 'lightgcn';
  const dims = { ...defaultTrainerOptions(model), ...overrides }.dims;
  const layout = kind === 'lightgcn-meta' ? metaLayoutOf(shop) : undefined;
  return prepareWarmStart(req, dataDir, { model, dims, nodes: shopNodeIds(shop, layout) }, logger);
}

/** e0.json + e0.bin of a trained shop embedding model. */
export function shopE0Files(
  shop: ShopData,
  fit: { e0: Float32Array; options: TrainerOptions; layout?: MetaLayout },
): Record<string, string | Buffer> {
  return e0Files({
    model: fit.options.model,
    layers: fit.options.layers,
    dims: fit.options.dims,
    types: shopNodeIds(shop, fit.layout),
    table: fit.e0,
  });
}
