// The model registry's operations: list the versions on disk, publish one (verify, write its product
// embeddings and the vector index into Neo4j, then flip the active pointer), roll back, and collect garbage.
// Ordering is what makes a failure harmless: a publish flips the pointer last, under the registry lock, so one
// that dies midway leaves the previous version active, and running it again completes it. A rollback is the
// way back from a bad model, so it flips first (serving ranks from the model files and follows the pointer
// within seconds) and rewrites the graph's embeddings after; the pointer's `graphVersion` says when they
// match, and `models publish <active version>` finishes a rollback that died midway.
import fs from 'node:fs';
import path from 'node:path';
import { GraphrecError, validationError, type Logger, type Progress } from '../../core';
import type { GraphClient } from '../../graph';
import { modelsRoot } from '../artifacts/modelDir';
import { withRegistryLock, type LockOptions } from './lock';
import {
  graphVersionOf,
  planRollback,
  pointerAfterPublish,
  readActiveModel,
  writeActivePointer,
  type ActivePointer,
} from './pointer';
import {
  awaitVectorIndexOnline,
  clearOtherVersions,
  createVectorIndex,
  DROP_VECTOR_INDEX,
  VECTOR_INDEX,
  vectorIndexState,
  writeProductEmbeddings,
} from './productEmbeddings';
import { verifyModel, type VerifiedModel } from './verify';

const VERSION_DIR = /^[a-z][a-z0-9]*-\d{8}-\d{6}-[0-9a-f]{6}$/;

export interface RegistryDeps {
  dataDir: string;
  graph: GraphClient;
  logger: Logger;
  progress?: (label: string, total: number) => Progress;
  /** Products per write transaction (default 5000). */
  batchSize?: number;
  /** How long to wait for the vector index to come ONLINE (default 5 min). */
  indexTimeoutMs?: number;
  lock?: LockOptions;
  /** Called after each committed embeddings batch; tests use it to make Neo4j fail midway. */
  onBatch?: (batch: number, done: number) => Promise<void> | void;
}

export interface ApplySummary {
  version: string;
  model: string;
  dims: number;
  products: number;
  /** Model items with no (:Product {id}) in the graph. */
  unmatched: number;
  /** Products whose embedding from another version was removed (the new model does not know them). */
  cleared: number;
  index: { name: string; state: string; dims: number; recreated: boolean };
  checksummed: boolean;
  timings: { verifySeconds: number; writeSeconds: number; clearSeconds: number; indexSeconds: number };
}

export interface PublishSummary extends ApplySummary {
  previous: string | null;
  active: ActivePointer;
  seconds: number;
}

export interface RollbackSummary extends ApplySummary {
  from: string;
  active: ActivePointer;
  /** From the start to the pointer naming the restored version (verification included): when serving moves. */
  servingSeconds: number;
  seconds: number;
}

const secondsSince = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

/** Write a verified version's embeddings and the index; does not touch the pointer. Idempotent. */
async function applyToGraph(
  deps: RegistryDeps,
  m: VerifiedModel,
  verifySeconds: number,
): Promise<ApplySummary> {
  const { graph, logger } = deps;
  let t = performance.now();
  const before = await vectorIndexState(graph, m.dims);
  let recreated = false;
  if (before.exists && !before.matches) {
    // A different shape (usually other dimensions): vectors of the new size would not be indexed by it.
    logger.info(
      { index: VECTOR_INDEX, had: before.dims, wants: m.dims },
      'dropping the vector index: its shape changed',
    );
    await graph.write(DROP_VECTOR_INDEX);
    recreated = true;
  }
  const progress = deps.progress?.(`publish ${m.version}`, m.itemIds.length);
  let written;
  try {
    written = await writeProductEmbeddings(graph, m.version, m.itemIds, m.vectors, m.dims, {
      batchSize: deps.batchSize ?? 5000,
      progress,
      onBatch: deps.onBatch,
    });
  } finally {
    progress?.stop();
  }
  if (written.matched === 0) {
    throw validationError(
      `none of the ${m.itemIds.length} items of ${m.version} (e.g. ${JSON.stringify(m.itemIds[0])}) is a (:Product {id}) in the graph: was it trained on another data set?`,
      { field: 'version' },
    );
  }
  const writeSeconds = secondsSince(t);
  t = performance.now();
  const cleared = await clearOtherVersions(graph, m.version);
  const clearSeconds = secondsSince(t);
  t = performance.now();
  if (!before.exists || recreated) recreated = true;
  await createVectorIndex(graph, m.dims);
  const online = await awaitVectorIndexOnline(graph, m.dims, deps.indexTimeoutMs ?? 300_000);
  const indexSeconds = secondsSince(t);
  const unmatched = m.itemIds.length - written.matched;
  if (unmatched > 0)
    logger.warn({ version: m.version, unmatched }, 'model items without a Product node were skipped');
  return {
    version: m.version,
    model: m.model,
    dims: m.dims,
    products: written.matched,
    unmatched,
    cleared,
    index: { name: VECTOR_INDEX, state: online.state ?? 'ONLINE', dims: m.dims, recreated },
    checksummed: m.checksummed,
    timings: { verifySeconds, writeSeconds, clearSeconds, indexSeconds },
  };
}

function verifyTimed(dataDir: string, version: string): { m: VerifiedModel; seconds: number } {
  const t = performance.now();
  const m = verifyModel(dataDir, version);
  return { m, seconds: secondsSince(t) };
}

export async function publishModel(deps: RegistryDeps, version: string): Promise<PublishSummary> {
  const t0 = performance.now();
  // Verify before taking the lock or touching Neo4j: a corrupt or missing version changes nothing.
  const { m, seconds } = verifyTimed(deps.dataDir, version);
  return withRegistryLock(deps.dataDir, { purpose: `publish ${version}`, ...deps.lock }, async () => {
    const current = readActiveModel(deps.dataDir);
    const applied = await applyToGraph(deps, m, seconds);
    const active = pointerAfterPublish(current, { version, model: m.model, dims: m.dims });
    writeActivePointer(deps.dataDir, active);
    deps.logger.info({ version, previous: current?.version ?? null }, 'published');
    return { ...applied, previous: current?.version ?? null, active, seconds: secondsSince(t0) };
  });
}

export async function rollbackModel(
  deps: RegistryDeps,
  opts: { to?: string } = {},
): Promise<RollbackSummary> {
  const t0 = performance.now();
  return withRegistryLock(deps.dataDir, { purpose: 'rollback', ...deps.lock }, async () => {
    const current = readActiveModel(deps.dataDir);
    const plan = planRollback(current, opts.to);
    if ('error' in plan) {
      throw new GraphrecError(
        current === null || opts.to === undefined ? 'CONFLICT' : 'VALIDATION',
        plan.error,
        {
          field: opts.to === undefined ? 'version' : 'to',
        },
      );
    }
    const from = current as ActivePointer;
    const { m, seconds } = verifyTimed(deps.dataDir, plan.target);
    const serving: ActivePointer = {
      version: plan.target,
      publishedAt: new Date().toISOString(),
      history: plan.history,
      model: m.model,
      dims: m.dims,
      action: 'rollback',
      graphVersion: graphVersionOf(from),
    };
    writeActivePointer(deps.dataDir, serving);
    const servingSeconds = secondsSince(t0);
    deps.logger.info(
      { version: plan.target, from: from.version, seconds: servingSeconds },
      'rolled back: serving the restored version; rewriting the graph embeddings',
    );
    const applied = await applyToGraph(deps, m, seconds);
    const active: ActivePointer = { ...serving, graphVersion: plan.target };
    writeActivePointer(deps.dataDir, active);
    deps.logger.info({ version: plan.target }, 'graph embeddings restored');
    return { ...applied, from: from.version, active, servingSeconds, seconds: secondsSince(t0) };
  });
}

export interface ModelEntry {
  version: string;
  model: string | null;
  createdAt: string | null;
  metrics: { 'recall@20': number | null; 'ndcg@20': number | null };
  sizeBytes: number;
  active: boolean;
  /** Position in the active pointer's history (0 = what a rollback restores), or null. */
  historyIndex: number | null;
  /** Why the version's metadata could not be read (listing never fails on one bad version). */
  problem?: string;
}

export interface ModelListing {
  active: string | null;
  /** The version whose embeddings the graph holds (differs from `active` while a rollback rewrites them). */
  graphVersion: string | null;
  models: ModelEntry[];
}

function readJsonLoose(file: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function dirSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

const metric = (m: Record<string, unknown> | null, k: string): number | null => {
  const inner = m?.metrics;
  const v = typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** The versions under <dataDir>/models, newest first (by creation time, then name). Reads metadata only. */
export function listModels(dataDir: string): ModelListing {
  const root = modelsRoot(dataDir);
  const pointer = readActiveModel(dataDir);
  const names = fs.existsSync(root)
    ? fs
        .readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory() && VERSION_DIR.test(e.name))
        .map((e) => e.name)
    : [];
  const models = names.map((version): ModelEntry => {
    const dir = path.join(root, version);
    const config = readJsonLoose(path.join(dir, 'config.json'));
    const metrics = readJsonLoose(path.join(dir, 'metrics.json'));
    const problems = [
      config === null ? 'config.json is missing or not JSON' : null,
      metrics === null ? 'metrics.json is missing or not JSON' : null,
      fs.existsSync(path.join(dir, 'embeddings.bin')) ? null : 'embeddings.bin is missing',
    ].filter((p): p is string => p !== null);
    const h = pointer?.history.indexOf(version) ?? -1;
    return {
      version,
      model: typeof config?.model === 'string' ? config.model : null,
      createdAt: typeof config?.createdAt === 'string' ? config.createdAt : null,
      metrics: { 'recall@20': metric(metrics, 'recall@20'), 'ndcg@20': metric(metrics, 'ndcg@20') },
      sizeBytes: dirSize(dir),
      active: pointer?.version === version,
      historyIndex: h >= 0 ? h : null,
      ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
    };
  });
  const stamp = (m: ModelEntry) => m.createdAt ?? m.version.replace(/^[a-z0-9]+-/, '');
  models.sort((a, b) =>
    stamp(a) === stamp(b) ? b.version.localeCompare(a.version) : stamp(b).localeCompare(stamp(a)),
  );
  return { active: pointer?.version ?? null, graphVersion: pointer ? graphVersionOf(pointer) : null, models };
}

export interface GcSummary {
  kept: string[];
  deleted: string[];
  freedBytes: number;
}

/**
 * Delete old versions: keep the active one, the `keep` newest others, and the first `keep` entries of the
 * rollback history (so `models rollback` keeps working). Runs under the registry lock.
 */
export async function gcModels(dataDir: string, keep: number, lock: LockOptions = {}): Promise<GcSummary> {
  if (!Number.isInteger(keep) || keep < 0) {
    throw validationError(`--keep must be an integer >= 0, but got: ${keep}`, { field: 'keep' });
  }
  return withRegistryLock(dataDir, { purpose: 'gc', ...lock }, async () => {
    const { models } = listModels(dataDir);
    const pointer = readActiveModel(dataDir);
    const protect = new Set<string>([
      ...(pointer ? [pointer.version] : []),
      ...(pointer?.history.slice(0, keep) ?? []),
    ]);
    const others = models.filter((m) => !protect.has(m.version));
    for (const m of others.slice(0, keep)) protect.add(m.version);
    const deleted: string[] = [];
    let freedBytes = 0;
    for (const m of models) {
      if (protect.has(m.version)) continue;
      fs.rmSync(path.join(modelsRoot(dataDir), m.version), { recursive: true, force: true });
      deleted.push(m.version);
      freedBytes += m.sizeBytes;
    }
    return { kept: models.filter((m) => protect.has(m.version)).map((m) => m.version), deleted, freedBytes };
  });
}
