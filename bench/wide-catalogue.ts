// Does `graphrec train` (auto, the default) finish within its time budget and without a crash from a small to a
// very wide catalogue? For each item count it writes a planted-taste interaction set in the LightGCN format
// (users pick mostly from two of many taste clusters, with a popularity skew inside each; a fifth of each user's
// items held out as test, in random order) under .cache/wide-catalogue/, trains it in a child process, and prints
// wall time against the budget, peak RSS and what auto chose.
//
//   npx graphrec bench wide-catalogue [--items 1000,50000,500000] [--users 100000] [--budget MIN] [--json]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../core';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const home = path.join(__dirname, '..');
const itemCounts = arg('items', '1000,50000,500000').split(',').map(Number);
const nUsers = Number(arg('users', '100000'));
const budgetMin = Number(arg('budget', '8'));
const json = process.argv.includes('--json');
const CLUSTER_ITEMS = 1000;
const MEAN_ITEMS = 20;

/** Writes train.txt and test.txt for `nItems` items into `dir` (skipped when already there). */
function writeDataset(dir: string, nItems: number): void {
  if (fs.existsSync(path.join(dir, 'test.txt'))) return;
  fs.mkdirSync(dir, { recursive: true });
  const rng = createRng(nItems);
  const clusters = Math.max(2, Math.floor(nItems / CLUSTER_ITEMS));
  const size = Math.floor(nItems / clusters);
  const train: string[] = [];
  const test: string[] = [];
  for (let u = 0; u < nUsers; u++) {
    const n = 2 + Math.floor(-Math.log(1 - rng.next()) * (MEAN_ITEMS - 2));
    const tastes = [rng.int(clusters), rng.int(clusters)];
    const items = new Set<number>();
    for (let t = 0; t < n; t++) {
      const c = tastes[t % 2];
      items.add(rng.next() < 0.9 ? c * size + Math.floor(Math.pow(rng.next(), 2) * size) : rng.int(nItems));
    }
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    const k = Math.max(1, Math.floor(a.length / 5));
    test.push(`${u} ${a.slice(0, k).join(' ')}`);
    train.push(`${u} ${a.slice(k).join(' ')}`);
  }
  fs.writeFileSync(path.join(dir, 'train.txt'), `${train.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'test.txt'), `${test.join('\n')}\n`);
}

interface Row {
  items: number;
  users: number;
  budgetSeconds: number;
  wallSeconds: number;
  peakRssMb?: number;
  choice?: string;
  'ndcg@20'?: number;
  error?: string;
}

const rows: Row[] = [];
for (const nItems of itemCounts) {
  const dir = path.join(home, '.cache', 'wide-catalogue', `${nUsers}x${nItems}`);
  writeDataset(dir, nItems);
  const t0 = Date.now();
  const res = spawnSync(
    process.execPath,
    [
      path.join(home, 'bin', 'graphrec.cjs'),
      'train',
      '--data',
      `lightgcn:${dir}`,
      '--time-budget',
      `${budgetMin}`,
      '--json',
    ],
    {
      cwd: home,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, GRAPHREC_DATA_DIR: path.join(dir, 'data') },
    },
  );
  const wallSeconds = Math.round((Date.now() - t0) / 100) / 10;
  const row: Row = { items: nItems, users: nUsers, budgetSeconds: budgetMin * 60, wallSeconds };
  try {
    const s = JSON.parse(res.stdout.trim().split('\n').pop() ?? '');
    if (s.error) row.error = s.error.message;
    else
      Object.assign(row, {
        peakRssMb: s.peakRssMb,
        choice: s.auto?.choice,
        'ndcg@20': s.metrics?.['ndcg@20'],
      });
  } catch {
    row.error = `exit ${res.status ?? res.signal}: ${(res.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  }
  rows.push(row);
  if (!json) console.log(JSON.stringify(row));
}
if (json) console.log(JSON.stringify({ rows }));
else {
  console.log('| items | users | budget s | wall s | peak RSS MB | chosen | NDCG@20 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.items} | ${r.users} | ${r.budgetSeconds} | ${r.wallSeconds} | ${r.peakRssMb ?? '-'} | ${r.error ?? r.choice} | ${r['ndcg@20']?.toFixed(4) ?? '-'} |`,
    );
}
