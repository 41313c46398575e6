// manifest.json: what was generated, from which seed and parameters, and a sha256 per file so a loader can
// check it reads exactly what was written. It has no wall-clock time in it: the same seed and parameters give
// a byte-identical manifest too.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SHOP_FILES, type ShopFile } from '../../core';
import type { FileStats } from './csvWriter';
import type { GenerateOptions } from './options';

export const GENERATOR = 'graphrec-synthetic';
/** Bump when the same seed and parameters would give different files. */
export const GENERATOR_VERSION = '1.0.0';

// The files are the shop's vocabulary (core/vocabulary.ts).
export const FILE_NAMES = SHOP_FILES;
export type FileName = ShopFile;

export interface ShopCounts {
  categories: number;
  brands: number;
  products: number;
  users: number;
  sessions: number;
  events: number;
  eventsByType: { view: number; cart: number; purchase: number };
}

export interface Manifest {
  generator: typeof GENERATOR;
  generatorVersion: string;
  seed: number;
  params: { users: number; products: number; interactions: number; months: number; end: string };
  window: { start: string; end: string };
  counts: ShopCounts;
  files: Record<FileName, FileStats>;
}

export function buildManifest(
  opts: GenerateOptions,
  window: { startMs: number; endMs: number },
  files: Record<FileName, FileStats>,
  eventsByType: ShopCounts['eventsByType'],
): Manifest {
  return {
    generator: GENERATOR,
    generatorVersion: GENERATOR_VERSION,
    seed: opts.seed,
    params: {
      users: opts.users,
      products: opts.products,
      interactions: opts.interactions,
      months: opts.months,
      end: opts.end,
    },
    window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() },
    counts: {
      categories: files['categories.csv'].rows,
      brands: files['brands.csv'].rows,
      products: files['products.csv'].rows,
      users: files['users.csv'].rows,
      sessions: files['sessions.csv'].rows,
      events: files['events.csv'].rows,
      eventsByType,
    },
    // Fixed key order, whatever order the files were finished in.
    files: Object.fromEntries(FILE_NAMES.map((f) => [f, files[f]])) as Record<FileName, FileStats>,
  };
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
