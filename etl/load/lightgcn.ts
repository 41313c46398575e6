// `--format lightgcn`: the benchmark text format (train.txt, optional test.txt; one line per user,
// `user item item ...`, 0-based integers), e.g. ../shared/datasets/gowalla.
//
// Graph shape (docs/etl.md): users are `User {id: '<dataset>:u<n>'}`, items `Product {id: '<dataset>:p<n>'}`,
// where <dataset> is the source directory's name (`gowalla`), so a benchmark never merges into a shop loaded in
// the same database. Each interaction is a VIEWED relationship (the data are implicit check-ins, the weakest
// event type) with `eventId` '<dataset>:<split>:<user>:<item>', `split` 'train' or 'test' (the benchmark's own
// split: keep test interactions out of training), and `seq` (position on the line). There are no timestamps
// (`ts` is absent) and no sessions.
import fs from 'node:fs';
import path from 'node:path';
import { validationError } from '../../core';
import { FieldError } from './fields';
import { IdTable } from './idTable';
import { FileSpec, FileSummary, fileFingerprint, loadFile, LoadContext } from './loadFile';
import type { WriteRow } from './writer';

export const LIGHTGCN_FILES = ['train.txt', 'test.txt'] as const;
/** Items per line above which the line is rejected as oversized. */
const MAX_ITEMS = 100_000;

export function datasetPrefix(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-');
  if (name === '' || name === '-')
    throw validationError(`cannot name the data set after the directory ${dir}`, { field: '--source' });
  return name;
}

const CREATE = `UNWIND $rows AS r
MERGE (u:User {id: r.u})
WITH u, r UNWIND r.items AS it
MERGE (p:Product {id: it.p})
CREATE (u)-[:VIEWED {eventId: it.e, seq: it.seq, split: r.split}]->(p)`;
const MERGE = `UNWIND $rows AS r
MERGE (u:User {id: r.u})
WITH u, r UNWIND r.items AS it
MERGE (p:Product {id: it.p})
MERGE (u)-[e:VIEWED {eventId: it.e}]->(p) SET e.seq = it.seq, e.split = r.split`;

export interface LightgcnResult {
  files: Record<string, FileSummary>;
  interactions: number;
}

export function preflightLightgcn(dir: string): void {
  const train = path.join(dir, 'train.txt');
  if (!fs.existsSync(train)) throw validationError(`train.txt is missing: ${train}`, { file: 'train.txt' });
}

export async function loadLightgcn(dir: string, ctx: LoadContext): Promise<LightgcnResult> {
  const ds = datasetPrefix(dir);
  const files: Record<string, FileSummary> = {};
  let interactions = 0;
  for (const name of LIGHTGCN_FILES) {
    const file = path.join(dir, name);
    if (name === 'test.txt' && !fs.existsSync(file)) continue;
    const split = name.replace('.txt', '');
    const users = new IdTable();
    const spec: FileSpec = {
      name,
      path: file,
      columns: [],
      headerless: true,
      fingerprint: fileFingerprint(file),
      validate: (row) => {
        const tokens = row.line.trim().split(/\s+/);
        if (!/^\d{1,9}$/.test(tokens[0]))
          throw new FieldError(
            'user',
            `user must be a non-negative integer, but got: ${JSON.stringify(tokens[0].slice(0, 40))}`,
          );
        if (tokens.length - 1 > MAX_ITEMS)
          throw new FieldError(
            'items',
            `a line may list at most ${MAX_ITEMS} items, but got ${tokens.length - 1}`,
          );
        const seen = new Set<string>();
        const items: { p: string; e: string; seq: number }[] = [];
        for (let i = 1; i < tokens.length; i++) {
          const t = tokens[i];
          if (!/^\d{1,9}$/.test(t))
            throw new FieldError(
              'items',
              `item ${i} must be a non-negative integer, but got: ${JSON.stringify(t.slice(0, 40))}`,
            );
          if (seen.has(t)) throw new FieldError('items', `item ${t} appears twice for user ${tokens[0]}`);
          seen.add(t);
          items.push({
            p: `${ds}:p${Number(t)}`,
            e: `${ds}:${split}:${Number(tokens[0])}:${Number(t)}`,
            seq: i - 1,
          });
        }
        const u = `${ds}:u${Number(tokens[0])}`;
        if (users.add(u) < 0) throw new FieldError('user', `user ${tokens[0]} has a second line in ${name}`);
        interactions += items.length;
        return { u, split, items };
      },
      statements: { name: `etl.load.lightgcn.${split}`, create: CREATE, merge: MERGE },
    };
    // Batches count lines; a Gowalla line holds about 27 interactions.
    files[name] = await loadFile(spec, { ...ctx, batchSize: Math.max(1, Math.ceil(ctx.batchSize / 25)) });
  }
  return { files, interactions };
}

export type { WriteRow };
