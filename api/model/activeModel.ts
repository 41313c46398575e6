// The model that serves, and how it changes without a restart. `graphrec models publish` writes
// `<dataDir>/models/active.json` atomically; we poll its mtime (cheap: one stat) and, when it changes, load
// the new version fully before swapping one reference, so a request sees either the old model or the new one.
// A version that fails to load leaves the previous one serving.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../core';
import {
  loadInductiveModel,
  modelsRoot,
  type InductiveModel,
  readContextFiles,
  checkHistory,
  readHistoryFile,
  type UserHistory,
} from '../../model';
import { trainedRankerOf, type TrainedRanker } from '../recs/trainedRanker';
import { rowNorms, startAnnBuild, type ItemTable } from './embeddingIndex';

export interface LoadedModel {
  version: string;
  loadedAt: number;
  dims: number;
  users: Float32Array;
  userRow: Map<string, number>;
  table: ItemTable;
  itemIds: string[];
  itemRow: Map<string, number>;
  /** The same tables plus the metadata rows, for inductive embeddings of new products and users. */
  inductive: InductiveModel;
  /**
   * The version's trained ranker (ranker.json weights and its tables), when it has one; undefined for older
   * or non-ranker versions, and when its files could not be read (`rankerError`): recommend then merges its
   * sources with fixed weights.
   */
  ranker?: TrainedRanker;
  rankerError?: string;
  /** The users' latest events as of the model's export (history.bin), when the version has them. */
  history?: UserHistory;
}

export type ModelState =
  | { phase: 'none'; reason: string }
  | { phase: 'ready'; model: LoadedModel }
  | { phase: 'failed'; error: string; model?: LoadedModel };

export interface ActiveModel {
  current(): LoadedModel | undefined;
  state(): ModelState;
  /** Check the pointer now (the poller calls this; admin `reloadModel` too). */
  refresh(): Promise<ModelState>;
  onChange(fn: (m: LoadedModel | undefined) => void): void;
  stop(): void;
}

/**
 * Load a version's tables, and its trained ranker when the dir has one (ranker.json). With `ann.probes` > 0 the item table's IVF index is then built in the background
 * (searches scan exactly until it is attached).
 */
export function loadModel(
  dataDir: string,
  version: string,
  ann?: { probes: number; logger: Logger },
): LoadedModel {
  const m = loadInductiveModel(dataDir, version);
  const nItems = m.itemIds.length;
  const table: ItemTable = { dims: m.dims, nItems, items: m.items, norms: rowNorms(m.items, nItems, m.dims) };
  if (ann && ann.probes > 0) {
    const started = performance.now();
    startAnnBuild(table, ann.probes).then(
      () =>
        table.ann &&
        ann.logger.info(
          {
            version,
            lists: table.ann.index.nLists,
            probes: ann.probes,
            ms: Math.round(performance.now() - started),
          },
          'IVF index built',
        ),
      (err: unknown) =>
        ann.logger.error({ version, err: (err as Error).message }, 'IVF index build failed; searches scan'),
    );
  }
  let ranker: TrainedRanker | undefined;
  let rankerError: string | undefined;
  try {
    const files = m.dir ? readContextFiles(m.dir) : undefined;
    ranker = files ? trainedRankerOf(files, nItems) : undefined;
  } catch (err) {
    // The embeddings serve on their own: a bad ranker file must not keep the version from serving.
    rankerError = (err as Error).message;
    ann?.logger.error(
      { version, err: rankerError },
      'trained ranker could not be loaded; this version ranks with fixed source weights',
    );
  }
  let history: UserHistory | undefined;
  try {
    history = m.dir ? readHistoryFile(m.dir) : undefined;
    const wrong = history && checkHistory(history, m.userRow.size, nItems);
    if (wrong) throw new Error(wrong);
  } catch (err) {
    // History is then read from Neo4j, as for a version without the file.
    history = undefined;
    ann?.logger.error(
      { version, err: (err as Error).message },
      'history snapshot not loaded; history comes from Neo4j',
    );
  }
  return {
    version,
    loadedAt: Date.now(),
    dims: m.dims,
    users: m.users,
    userRow: m.userRow,
    table,
    itemIds: m.itemIds,
    itemRow: m.itemRow,
    inductive: m,
    ranker,
    rankerError,
    history,
  };
}

export function readActivePointer(dataDir: string): { version: string } | undefined {
  const file = path.join(modelsRoot(dataDir), 'active.json');
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string' || parsed.version.length === 0) return undefined;
  return { version: parsed.version };
}

export function watchActiveModel(
  dataDir: string,
  pollMs: number,
  logger: Logger,
  annProbes = 0,
): ActiveModel {
  const file = path.join(modelsRoot(dataDir), 'active.json');
  let state: ModelState = { phase: 'none', reason: `no active model (${file} does not exist)` };
  let lastMtime = -1;
  const listeners: Array<(m: LoadedModel | undefined) => void> = [];
  const current = () =>
    state.phase === 'ready' ? state.model : state.phase === 'failed' ? state.model : undefined;

  async function refresh(): Promise<ModelState> {
    let mtime = 0;
    try {
      mtime = fs.statSync(file).mtimeMs;
    } catch {
      mtime = 0;
    }
    if (mtime === lastMtime) return state;
    lastMtime = mtime;
    const before = current();
    try {
      const pointer = readActivePointer(dataDir);
      if (!pointer) {
        state = { phase: 'none', reason: `no active model (${file} is missing or names no version)` };
      } else if (before?.version === pointer.version) {
        state = { phase: 'ready', model: before };
      } else {
        const model = loadModel(dataDir, pointer.version, { probes: annProbes, logger });
        state = { phase: 'ready', model };
        logger.info(
          {
            version: model.version,
            items: model.table.nItems,
            users: model.users.length / model.dims,
            ranker: model.ranker ? 'trained' : 'source-weights',
          },
          'model loaded',
        );
      }
    } catch (err) {
      state = { phase: 'failed', error: (err as Error).message, model: before };
      logger.error(
        { err: (err as Error).message },
        'active model could not be loaded; the previous one keeps serving',
      );
    }
    const after = current();
    if (after !== before) for (const fn of listeners) fn(after);
    return state;
  }

  const timer = setInterval(() => void refresh(), pollMs);
  timer.unref();
  return {
    current,
    state: () => state,
    refresh,
    onChange: (fn) => listeners.push(fn),
    stop: () => clearInterval(timer),
  };
}

/**
 * Make a loaded version forget the users erased since it was trained (privacy/): their ids leave `userRow`, so
 * neither their embedding row nor their history snapshot row is found again, and their embedding rows are zeroed.
 * The ids are tested in slices with a yield between them (each test is a keyed hash): a model of many users must
 * not hold the event loop. Resolves to how many rows went.
 */
export async function forgetModelUsers(
  model: LoadedModel,
  isForgotten: (userId: string) => boolean,
  slice = 20_000,
): Promise<number> {
  const ids = [...model.userRow.keys()];
  let removed = 0;
  for (let i = 0; i < ids.length; i += slice) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const id of ids.slice(i, i + slice)) {
      const row = model.userRow.get(id);
      if (row === undefined || !isForgotten(id)) continue;
      model.userRow.delete(id);
      model.users.fill(0, row * model.dims, (row + 1) * model.dims);
      removed++;
    }
  }
  return removed;
}
