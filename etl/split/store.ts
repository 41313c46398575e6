// Split manifests persist as JSON under <dataDir>/splits/: `<id>.json`, plus `latest.json` naming the newest.
// Written to a temporary file and renamed, so a reader never sees half a manifest.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { corrupt, notFound } from '../../core';
import type { SplitManifest } from './manifest';

const counts = z.object({
  events: z.number().int().min(0),
  users: z.number().int().min(0),
  products: z.number().int().min(0),
});
const manifestSchema = z.object({
  formatVersion: z.literal(1),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  policy: z.object({ testDays: z.number().int().min(1), validationDays: z.number().int().min(1) }),
  boundaries: z.object({
    start: z.iso.datetime(),
    validationStart: z.iso.datetime(),
    testStart: z.iso.datetime(),
    end: z.iso.datetime(),
  }),
  counts: z.object({ train: counts, validation: counts, test: counts }),
  segments: z.object({
    coldTestUsers: z.array(z.string()),
    coldValidationUsers: z.array(z.string()),
    coldTestProducts: z.array(z.string()),
    coldValidationProducts: z.array(z.string()),
    warmTestUsers: z.number().int().min(0),
  }),
  leakage: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })),
});

export const splitsDir = (dataDir: string) => path.join(dataDir, 'splits');

export function writeSplitManifest(dataDir: string, m: SplitManifest): string {
  const dir = splitsDir(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${m.id}.json`);
  atomicWrite(file, `${JSON.stringify(m, null, 1)}\n`);
  atomicWrite(path.join(dir, 'latest.json'), `${JSON.stringify({ id: m.id })}\n`);
  return file;
}

/** Read a manifest by id, or the latest when `id` is omitted. */
export function readSplitManifest(dataDir: string, id?: string): SplitManifest {
  const dir = splitsDir(dataDir);
  let wanted = id;
  if (wanted === undefined) {
    const latest = path.join(dir, 'latest.json');
    if (!fs.existsSync(latest))
      throw notFound(`no split manifest yet in ${dir}: run 'graphrec etl split' first`, { file: latest });
    wanted = String((JSON.parse(fs.readFileSync(latest, 'utf8')) as { id?: unknown }).id);
  }
  if (!/^[0-9a-f]{16}$/.test(wanted))
    throw notFound(`a split id is 16 hex digits, but got: ${JSON.stringify(wanted)}`, { field: 'split' });
  const file = path.join(dir, `${wanted}.json`);
  if (!fs.existsSync(file)) throw notFound(`no split manifest ${wanted} in ${dir}`, { file });
  return readSplitManifestFile(file);
}

/** Read and check one manifest file (as `etl split` writes them). */
export function readSplitManifestFile(file: string): SplitManifest {
  if (!fs.existsSync(file)) throw notFound(`no split manifest file ${file}`, { file });
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw corrupt(`split manifest is not valid JSON: ${(err as Error).message}`, { file });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(`split manifest field ${issue.path.join('.')}: ${issue.message}`, {
      file,
      field: issue.path.join('.'),
    });
  }
  return parsed.data as SplitManifest;
}

function atomicWrite(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
