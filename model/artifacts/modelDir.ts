// The model registry on disk: `<dataDir>/models/<version>/` with
//   embeddings.bin  (embeddingsFile.ts), ids.json (row -> external id), config.json, metrics.json, report.md,
//   curve.svg. Shop models (training/context/shopRun.ts) may add, all optional, readModelDir ignores them:
//     meta.json, meta.bin        metadata nodes (layout, embeddings) of lightgcn-meta / ranker (metaFile.ts)
//     transitions.bin, covisit.bin, copurchase.bin, seasonal.bin, ranker.json   serving tables of ranker / trend / covisit
//                                (contextFiles.ts)
//   Non-embedding shop baselines (pop, trend, covisit) store an embeddings.bin with 0 dims, 0 users, 0 items.
//   A version is written into a hidden temporary directory and renamed into place in one step, so
// readers never see a half-written model, and a failed training leaves no version behind.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { corrupt, notFound, validationError } from '../../core';
import { encodeEmbeddings, readEmbeddingsFile, type EmbeddingTables } from './embeddingsFile';

export const modelsRoot = (dataDir: string) => path.join(dataDir, 'models');

/** `lightgcn-20261122-221800-a1b2c3`: model, UTC timestamp, random suffix. Sorts by time within a model. */
export function newVersion(model: string, at: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getUTCFullYear()}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}-${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
  return `${model}-${stamp}-${randomBytes(3).toString('hex')}`;
}

const VERSION_RE = /^[a-z][a-z0-9]*-\d{8}-\d{6}-[0-9a-f]{6}$/;

export function checkVersionName(version: string): void {
  if (!VERSION_RE.test(version)) {
    throw validationError(
      `a model version looks like lightgcn-YYYYMMDD-HHMMSS-abc123, but got: ${JSON.stringify(version)}`,
      {
        field: 'version',
      },
    );
  }
}

export interface ModelIds {
  users: Array<number | string>;
  items: Array<number | string>;
}

export interface ModelFiles {
  embeddings: EmbeddingTables;
  ids: ModelIds;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  report: string;
  /** Extra small files (charts), name -> content. */
  extra?: Record<string, string | Buffer>;
}

/** Write a version atomically; returns its directory. */
export function writeModelDir(dataDir: string, version: string, files: ModelFiles): string {
  checkVersionName(version);
  const root = modelsRoot(dataDir);
  fs.mkdirSync(root, { recursive: true });
  const final = path.join(root, version);
  if (fs.existsSync(final))
    throw validationError(`model version already exists: ${version}`, { field: 'version' });
  const tmp = path.join(root, `.tmp-${version}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  try {
    fs.writeFileSync(path.join(tmp, 'embeddings.bin'), encodeEmbeddings(files.embeddings));
    fs.writeFileSync(path.join(tmp, 'ids.json'), JSON.stringify(files.ids));
    fs.writeFileSync(path.join(tmp, 'config.json'), `${JSON.stringify(files.config, null, 2)}\n`);
    fs.writeFileSync(path.join(tmp, 'metrics.json'), `${JSON.stringify(files.metrics, null, 2)}\n`);
    fs.writeFileSync(path.join(tmp, 'report.md'), files.report);
    for (const [name, content] of Object.entries(files.extra ?? {}))
      fs.writeFileSync(path.join(tmp, name), content);
    fs.renameSync(tmp, final);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return final;
}

export interface StoredModel {
  version: string;
  dir: string;
  embeddings: EmbeddingTables;
  ids: ModelIds;
  config: Record<string, unknown>;
}

export function readModelDir(dataDir: string, version: string): StoredModel {
  checkVersionName(version);
  const dir = path.join(modelsRoot(dataDir), version);
  if (!fs.existsSync(dir)) throw notFound(`model version does not exist: ${version}`, { file: dir });
  const embeddings = readEmbeddingsFile(path.join(dir, 'embeddings.bin'));
  const ids = readJson(path.join(dir, 'ids.json')) as ModelIds;
  if (!Array.isArray(ids.users) || !Array.isArray(ids.items)) {
    throw corrupt('ids.json must hold "users" and "items" arrays', { file: path.join(dir, 'ids.json') });
  }
  if (ids.users.length !== embeddings.nUsers || ids.items.length !== embeddings.nItems) {
    throw corrupt(
      `ids.json has ${ids.users.length} users and ${ids.items.length} items, but embeddings.bin has ${embeddings.nUsers} and ${embeddings.nItems}`,
      { file: path.join(dir, 'ids.json') },
    );
  }
  const config = readJson(path.join(dir, 'config.json')) as Record<string, unknown>;
  return { version, dir, embeddings, ids, config };
}

function readJson(file: string): unknown {
  if (!fs.existsSync(file)) throw notFound(`model artifact is missing: ${file}`, { file });
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw corrupt('model artifact is not valid JSON', { file });
  }
}
