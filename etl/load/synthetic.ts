// `--format synthetic`: the six files of `graphrec generate` (docs/data-format.md) into the graph of
// docs/graph-model.md. Files load in dependency order; each row is checked against the rows read before it
// (and the ids already in the graph), so an event of a rejected user is rejected too, naming the reason.
import fs from 'node:fs';
import path from 'node:path';
import { corrupt, notFound, SHOP_COLUMNS, SHOP_FILES } from '../../core';
import { knownIds } from './knownIds';
import { fileFingerprint, FileSpec, FileSummary, loadFile, LoadContext, readHeader } from './loadFile';
import { assignPriceBands, mergeMetadataNodes } from './metadata';
import { SYNTHETIC_CYPHER as Q, syntheticEventStatements } from './syntheticCypher';
import {
  brandRow,
  categoryRow,
  eventRow,
  KnownIds,
  noKnownIds,
  productRow,
  sessionRow,
  SyntheticIds,
  userRow,
  type SyntheticClock,
} from './syntheticRows';

export const SYNTHETIC_FILES = SHOP_FILES;
type SyntheticFile = (typeof SYNTHETIC_FILES)[number];

interface Manifest {
  window: { start: string; end: string };
  counts?: Record<string, unknown>;
  files?: Record<string, { rows?: number; bytes?: number; sha256?: string }>;
}

export function readManifest(dir: string): { manifest: Manifest; start: number; end: number } {
  const file = path.join(dir, 'manifest.json');
  if (!fs.existsSync(file)) throw notFound(`manifest.json is missing: ${file}`, { file: 'manifest.json' });
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw corrupt(`manifest.json is not valid JSON: ${(err as Error).message}`, { file: 'manifest.json' });
  }
  const start = Date.parse(manifest?.window?.start ?? '');
  const end = Date.parse(manifest?.window?.end ?? '');
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start)
    throw corrupt('manifest.json must have window.start <= window.end as ISO timestamps', {
      file: 'manifest.json',
      field: 'window',
    });
  return { manifest, start, end };
}

export interface SyntheticResult {
  files: Record<string, FileSummary>;
  priceBandLinksChanged: number;
}

/** Check everything that would stop the load (files, headers, manifest) before writing anything. */
export async function preflightSynthetic(dir: string): Promise<void> {
  readManifest(dir);
  for (const name of SYNTHETIC_FILES) await readHeader(path.join(dir, name), name, [...SHOP_COLUMNS[name]]);
}

export async function loadSynthetic(dir: string, ctx: LoadContext): Promise<SyntheticResult> {
  const { manifest, start, end } = readManifest(dir);
  // Bulk mode (ctx.openSink) writes nothing before its import: the metadata nodes are in its files, and the
  // price bands are computed once the imported graph is up (bulk.ts).
  const transactional = ctx.openSink === undefined;
  if (transactional) await mergeMetadataNodes(ctx.graph);
  // "Now" for the plausibility rules (no event from the future), read once so every row meets the same clock.
  const clock: SyntheticClock = { start, end, loadStartedAt: Date.now() };
  // Bulk mode imports into an empty database (mode.ts), which is being stopped meanwhile: nothing to read.
  const ids = new SyntheticIds(transactional ? await readKnownIds(ctx) : noKnownIds());
  const spec = (name: SyntheticFile, validate: FileSpec['validate'], statements: Statements) =>
    syntheticFileSpec(dir, manifest, name, validate, statements);

  const files: Record<string, FileSummary> = {};
  files['categories.csv'] = await loadFile(
    spec('categories.csv', categoryRow(ids), [Q.categoriesCreate, Q.categoriesMerge]),
    ctx,
  );
  files['brands.csv'] = await loadFile(
    spec('brands.csv', brandRow(ids), [Q.brandsCreate, Q.brandsMerge]),
    ctx,
  );
  files['products.csv'] = await loadFile(
    spec('products.csv', productRow(ids, clock), [Q.productsCreate, Q.productsMerge]),
    ctx,
  );
  const priceBandLinksChanged = transactional ? await assignPriceBands(ctx.graph) : 0;
  files['users.csv'] = await loadFile(
    spec('users.csv', userRow(ids, clock), [Q.usersCreate, Q.usersMerge]),
    ctx,
  );
  files['sessions.csv'] = await loadFile(
    spec('sessions.csv', sessionRow(ids, clock), [Q.sessionsCreate, Q.sessionsMerge]),
    ctx,
  );
  files['events.csv'] = await loadFile(
    spec('events.csv', eventRow(ids, clock), [
      syntheticEventStatements(false),
      syntheticEventStatements(true),
    ]),
    ctx,
  );
  return { files, priceBandLinksChanged };
}

/** Ids already in the graph, for an incremental load's references (events of users loaded last month). */
async function readKnownIds(ctx: LoadContext): Promise<KnownIds> {
  return {
    categories: await knownIds(ctx.graph, 'Category', 1),
    brands: await knownIds(ctx.graph, 'Brand'),
    products: await knownIds(ctx.graph, 'Product'),
    users: await knownIds(ctx.graph, 'User'),
    sessions: await knownIds(ctx.graph, 'Session'),
  };
}

type Statements = [FileSpec['statements']['create'], FileSpec['statements']['merge']];

/**
 * One file of the shop. The manifest's sha256 is the file's fingerprint (for resume) when its size still matches,
 * saving a hash of the file; its row count is the progress total.
 */
function syntheticFileSpec(
  dir: string,
  manifest: Manifest,
  name: SyntheticFile,
  validate: FileSpec['validate'],
  [create, merge]: Statements,
): FileSpec {
  const p = path.join(dir, name);
  const m = manifest.files?.[name];
  const size = fs.statSync(p).size;
  return {
    name,
    path: p,
    columns: [...SHOP_COLUMNS[name]],
    validate,
    statements: { name: `etl.load.${name.replace('.csv', '')}`, create, merge },
    fingerprint: m?.sha256 && m.bytes === size ? `sha256:${m.sha256}` : fileFingerprint(p),
    expectedRows: m?.rows,
  };
}
