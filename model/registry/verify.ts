// Verification before a version may go live. readModelDir already refuses a wrong magic, a truncated or padded
// embeddings.bin and ids.json lengths that disagree with the tables; here we add what a publish also needs:
// every vector finite, item ids unique and usable as Product ids, dimensions a vector index accepts, and the
// checksums in checksums.json when the version has one. Any failure is CORRUPT (or NOT_FOUND for a version
// that does not exist), and it happens before anything is written, so the active model is untouched.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { corrupt, GraphrecError, notFound } from '../../core';
import { modelsRoot, readModelDir, checkVersionName, type StoredModel } from '../artifacts/modelDir';
import { readE0Files } from '../artifacts/e0File';

/** Neo4j 5 vector indexes accept 1..4096 dimensions. */
export const MAX_VECTOR_DIMS = 4096;

export interface VerifiedModel {
  version: string;
  dir: string;
  model: string;
  dims: number;
  /** Product ids as strings, row-aligned with `vectors`. */
  itemIds: string[];
  /** nItems x dims, row-major (the item table of embeddings.bin). */
  vectors: Float32Array;
  checksummed: boolean;
  /** Rows of the stored E0 table (e0.bin, for warm starts); 0 for a version without one (older versions). */
  e0Rows: number;
}

/** The first non-finite value in a row-major table, as [row, column], or null. */
export function firstNonFinite(table: Float32Array, dims: number): [number, number] | null {
  for (let j = 0; j < table.length; j++) {
    if (!Number.isFinite(table[j])) return [Math.floor(j / dims), j % dims];
  }
  return null;
}

/** Files named in checksums.json ({"embeddings.bin": "<sha256 hex>", ...}) whose content does not match. */
export function checksumMismatches(dir: string, sums: Record<string, unknown>): string[] {
  const bad: string[] = [];
  for (const [name, expected] of Object.entries(sums)) {
    const file = path.join(dir, name);
    if (path.dirname(file) !== dir || typeof expected !== 'string') {
      bad.push(`${name} (not a file name with a sha256 hex string)`);
      continue;
    }
    if (!fs.existsSync(file)) {
      bad.push(`${name} (missing)`);
      continue;
    }
    const actual = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (actual !== expected.toLowerCase()) bad.push(`${name} (sha256 ${actual}, expected ${expected})`);
  }
  return bad;
}

export function verifyModel(dataDir: string, version: string): VerifiedModel {
  checkVersionName(version);
  const dir = path.join(modelsRoot(dataDir), version);
  if (!fs.existsSync(dir))
    throw notFound(`model version does not exist: ${version}`, { file: dir, field: 'version' });

  const sumsFile = path.join(dir, 'checksums.json');
  let checksummed = false;
  if (fs.existsSync(sumsFile)) {
    let sums: unknown;
    try {
      sums = JSON.parse(fs.readFileSync(sumsFile, 'utf8'));
    } catch {
      throw corrupt('checksums.json is not valid JSON', { file: sumsFile });
    }
    if (typeof sums !== 'object' || sums === null || Array.isArray(sums)) {
      throw corrupt('checksums.json must map file names to sha256 hex strings', { file: sumsFile });
    }
    const bad = checksumMismatches(dir, sums as Record<string, unknown>);
    if (bad.length > 0) throw corrupt(`checksum mismatch: ${bad.join('; ')}`, { file: sumsFile });
    checksummed = true;
  }

  let stored: StoredModel;
  try {
    stored = readModelDir(dataDir, version);
  } catch (err) {
    // The version exists, so a missing file inside it is damage, not an unknown version.
    if (err instanceof GraphrecError && err.kind === 'NOT_FOUND') throw corrupt(err.message, err.where);
    throw err;
  }
  const e = stored.embeddings;
  const binFile = path.join(dir, 'embeddings.bin');
  if (e.dims < 1 || e.dims > MAX_VECTOR_DIMS) {
    throw corrupt(
      `embeddings must have 1..${MAX_VECTOR_DIMS} dimensions for a vector index, but got: ${e.dims}`,
      {
        file: binFile,
      },
    );
  }
  if (e.nItems === 0) throw corrupt('the model has no item (product) embeddings', { file: binFile });
  for (const [name, table] of [
    ['item', e.items],
    ['user', e.users],
  ] as const) {
    const at = firstNonFinite(table, e.dims);
    if (at) {
      throw corrupt(
        `${name} row ${at[0]}, dimension ${at[1]} is ${table[at[0] * e.dims + at[1]]}: embeddings must be finite`,
        {
          file: binFile,
        },
      );
    }
  }
  const idsFile = path.join(dir, 'ids.json');
  const itemIds = new Array<string>(stored.ids.items.length);
  const seen = new Set<string>();
  stored.ids.items.forEach((raw, row) => {
    const ok =
      (typeof raw === 'string' && raw.length > 0) || (typeof raw === 'number' && Number.isFinite(raw));
    if (!ok)
      throw corrupt(`items[${row}] must be a non-empty string or a number, but got: ${JSON.stringify(raw)}`, {
        file: idsFile,
        field: `items[${row}]`,
      });
    const id = String(raw);
    if (seen.has(id))
      throw corrupt(`items[${row}] repeats the id ${JSON.stringify(id)}`, {
        file: idsFile,
        field: `items[${row}]`,
      });
    seen.add(id);
    itemIds[row] = id;
  });
  // E0 (e0.json + e0.bin) is optional, but when present it must be whole: readE0Files refuses a missing half,
  // counts or dims that disagree and non-finite values. It must also be the model's own table (same dims).
  const e0 = readE0Files(dir);
  if (e0 && e0.dims !== e.dims)
    throw corrupt(`e0.bin has ${e0.dims} dims, but embeddings.bin has ${e.dims}`, {
      file: path.join(dir, 'e0.bin'),
    });
  const e0Rows = e0 ? e0.table.length / e0.dims : 0;
  const model = typeof stored.config.model === 'string' ? stored.config.model : version.split('-')[0];
  return { version, dir, model, dims: e.dims, itemIds, vectors: e.items, checksummed, e0Rows };
}
