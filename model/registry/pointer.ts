// The active-model pointer: `<dataDir>/models/active.json`. This file is the contract between the registry (the
// only writer) and the API and workers (readers):
//
//   {
//     "version": "lightgcn-20261122-221800-a1b2c3",   // the model version serving now; its directory is
//                                                      // <dataDir>/models/<version>/ (read it with readModelDir)
//     "publishedAt": "2026-11-23T01:30:00.000Z",        // when this version became active (ISO 8601, UTC)
//     "history": ["lightgcn-...", ...],                 // versions active before it, newest first (at most 20)
//     "model": "lightgcn", "dims": 64,                   // informative: the model kind and the embedding size
//     "action": "publish" | "rollback",                  // informative: how this version became active
//     "graphVersion": "lightgcn-..."                     // the version whose embeddings are on the (:Product)
//                                                      // nodes and in the vector index
//   }
//
// The pointer is replaced atomically (written to a temporary file in the same directory, fsynced, then renamed
// over active.json), so a reader sees either the old or the new pointer, never a half-written one. The file
// is absent until the first publish: readActiveModel returns null then. A publish writes the embeddings first
// and flips the pointer last, so `graphVersion` equals `version`. A rollback flips first (serving, which ranks
// from the model files in memory, goes back at once) and then rewrites the graph's embeddings, which takes a
// minute at 50k products: until it sets `graphVersion` to `version`, the graph still holds the version rolled
// back from. A pointer without `graphVersion` (written before it existed) means `version`.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt } from '../../core';
import { modelsRoot } from '../artifacts/modelDir';

export const HISTORY_LIMIT = 20;

export interface ActivePointer {
  version: string;
  publishedAt: string;
  history: string[];
  model?: string;
  dims?: number;
  action?: 'publish' | 'rollback';
  /** The version whose embeddings the graph holds; absent means `version`. */
  graphVersion?: string;
}

/** The version whose embeddings are on the (:Product) nodes and in the vector index. */
export const graphVersionOf = (p: ActivePointer): string => p.graphVersion ?? p.version;

export const activePointerPath = (dataDir: string) => path.join(modelsRoot(dataDir), 'active.json');

/** The active model, or null when nothing was ever published. A pointer that does not parse is CORRUPT. */
export function readActiveModel(dataDir: string): ActivePointer | null {
  const file = activePointerPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt('the active-model pointer is not valid JSON', { file });
  }
  return parsePointer(raw, file);
}

export function parsePointer(raw: unknown, file = 'active.json'): ActivePointer {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw corrupt('the active-model pointer must be a JSON object', { file });
  }
  const o = raw as Record<string, unknown>;
  if (typeof o.version !== 'string' || o.version.length === 0) {
    throw corrupt(`"version" must be a non-empty string, but got: ${JSON.stringify(o.version)}`, {
      file,
      field: 'version',
    });
  }
  if (typeof o.publishedAt !== 'string' || Number.isNaN(Date.parse(o.publishedAt))) {
    throw corrupt(`"publishedAt" must be an ISO timestamp, but got: ${JSON.stringify(o.publishedAt)}`, {
      file,
      field: 'publishedAt',
    });
  }
  if (!Array.isArray(o.history) || !o.history.every((v) => typeof v === 'string')) {
    throw corrupt('"history" must be an array of version strings', { file, field: 'history' });
  }
  const p: ActivePointer = { version: o.version, publishedAt: o.publishedAt, history: o.history };
  if (typeof o.model === 'string') p.model = o.model;
  if (typeof o.dims === 'number') p.dims = o.dims;
  if (o.action === 'publish' || o.action === 'rollback') p.action = o.action;
  if (typeof o.graphVersion === 'string' && o.graphVersion.length > 0) p.graphVersion = o.graphVersion;
  return p;
}

/** Replace the pointer atomically: temp file in the same directory, fsync, rename, fsync the directory. */
export function writeActivePointer(dataDir: string, pointer: ActivePointer): void {
  const file = activePointerPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(pointer, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is still atomic.
  }
}

/** The pointer after publishing `version` on top of `current`: the old active version moves to the history. */
export function pointerAfterPublish(
  current: ActivePointer | null,
  next: { version: string; model?: string; dims?: number },
  now: Date = new Date(),
): ActivePointer {
  const history =
    current === null
      ? []
      : current.version === next.version
        ? current.history
        : [current.version, ...current.history.filter((v) => v !== next.version)];
  return {
    version: next.version,
    publishedAt: now.toISOString(),
    history: history.slice(0, HISTORY_LIMIT),
    ...(next.model !== undefined ? { model: next.model } : {}),
    ...(next.dims !== undefined ? { dims: next.dims } : {}),
    action: 'publish',
    graphVersion: next.version,
  };
}

/**
 * Which version a rollback restores, and the pointer afterwards. Without `to`, the newest history entry; with
 * `to`, that entry, which must be in the history. The entries newer than the target (and the version rolled
 * back from) leave the history, so a second rollback goes one step further back, like undo.
 */
export function planRollback(
  current: ActivePointer | null,
  to?: string,
): { target: string; history: string[] } | { error: string } {
  if (current === null) return { error: 'nothing is active: there is no model to roll back from' };
  if (to === undefined) {
    if (current.history.length === 0) {
      return { error: `${current.version} is active and has no previous version to roll back to` };
    }
    return { target: current.history[0], history: current.history.slice(1) };
  }
  if (to === current.version) return { error: `${to} is already the active version` };
  const at = current.history.indexOf(to);
  if (at < 0) {
    return {
      error: `--to must be a version in the active pointer's history (${current.history.join(', ') || 'empty'}), but got: ${to}; use 'models publish' to activate any other version`,
    };
  }
  return { target: to, history: current.history.slice(at + 1) };
}
