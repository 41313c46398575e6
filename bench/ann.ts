// The in-process vector search: the IVF index (api/model/ivfIndex.ts) against the exact scan, on the active
// model's item table, and on a table 10x larger made from it (each item repeated 10 times with Gaussian noise
// of 0.3x the per-dimension spread, so the copies form clusters the way real catalogues do). Two query kinds,
// as the API issues them:
//   similar  cosine top-20 around a product's own row (similarProducts; the product itself skipped)
//   recs     dot-product top-200 for a user's row (the embedding candidates of a cache miss)
// Per scale and probes: build time, median and p99 latency per query, recall against the exact top-k, and
// the score ratio (mean score returned / mean exact score: how much worse the misses are).
// With --write-docs it replaces `## In-process vector index` in docs/performance.md.
//
//   npx tsx bench/ann.ts [--queries 300] [--probes 4,8,16,32] [--scales 1,10] [--lists N] [--json] [--write-docs]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, createProgress, loadConfig, createRng } from '../core';
import {
  loadModel,
  readActivePointer,
  rowNorms,
  topK,
  type ItemTable,
  buildIvfIndexSync,
  searchIvf,
  type IvfIndex,
  VECTOR_QUERY,
} from '../api';
import { replaceSection } from './docsSection';
import { createGraphClient } from '../graph';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

interface Row {
  items: number;
  kind: 'similar' | 'recs';
  k: number;
  probes: number | 'exact' | 'neo4j';
  lists: number;
  buildS: number;
  medianMs: number;
  p99Ms: number;
  recall: number;
  /** Mean score of the returned items over the mean of the exact top-k's (1 = as good as exact). */
  scoreRatio: number;
}

function grow(base: ItemTable, factor: number, seed: number): ItemTable {
  if (factor === 1) return base;
  const { dims, nItems, items } = base;
  const spread = new Float64Array(dims);
  for (let r = 0; r < nItems; r++) for (let d = 0; d < dims; d++) spread[d] += items[r * dims + d] ** 2;
  for (let d = 0; d < dims; d++) spread[d] = Math.sqrt(spread[d] / nItems);
  const rng = createRng(seed);
  const n = nItems * factor;
  const out = new Float32Array(n * dims);
  for (let r = 0; r < n; r++) {
    const src = (r % nItems) * dims;
    for (let d = 0; d < dims; d++)
      out[r * dims + d] = items[src + d] + (r < nItems ? 0 : 0.3 * spread[d] * rng.normal());
  }
  return { dims, nItems: n, items: out, norms: rowNorms(out, n, dims) };
}

function measure(
  table: ItemTable,
  index: IvfIndex | undefined,
  queries: Array<{ q: Float32Array; self: number }>,
  metric: 'dot' | 'cosine',
  k: number,
  probes: number,
  truth: Array<{ kth: number; sum: number }>,
): { times: number[]; recall: number; scoreRatio: number } {
  const times: number[] = [];
  let hit = 0;
  let total = 0;
  let got = 0;
  let best = 0;
  queries.forEach(({ q, self }, i) => {
    const skip = self >= 0 ? (r: number) => r === self : undefined;
    const t = process.hrtime.bigint();
    const found = index ? searchIvf(index, q, k, metric, probes, skip) : topK(table, q, k, metric, skip);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    for (const n of found) got += n.score;
    best += truth[i].sum;
    // An item counts when it scores at least the exact k-th score: among equal scores (items with the same
    // metadata and no history have the same vector) which one is returned does not matter.
    for (const n of found) if (n.score >= truth[i].kth - 1e-6) hit++;
    total += k;
  });
  return { times, recall: total > 0 ? hit / total : 1, scoreRatio: best !== 0 ? got / best : 1 };
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, 'bench-ann');
  const nQueries = Number(arg('queries', '300'));
  const probeList = arg('probes', '4,8,16,32').split(',').map(Number);
  const scales = arg('scales', '1,10').split(',').map(Number);
  const lists = Number(arg('lists', '0'));
  const pointer = readActivePointer(config.dataDir);
  if (!pointer) throw new Error(`no active model under ${config.dataDir}: train and publish one first`);
  const model = loadModel(config.dataDir, pointer.version);
  const rows: Row[] = [];
  const rng = createRng(7);
  const nUsers = model.users.length / model.dims;
  for (const scale of scales) {
    const table = grow(model.table, scale, scale);
    const t0 = performance.now();
    const index = buildIvfIndexSync(table, lists > 0 ? { lists } : {});
    const buildS = (performance.now() - t0) / 1000;
    logger.info({ items: table.nItems, lists: index.nLists, buildS: round(buildS) }, 'IVF index built');
    const kinds: Array<{ kind: 'similar' | 'recs'; metric: 'cosine' | 'dot'; k: number }> = [
      { kind: 'similar', metric: 'cosine', k: 20 },
      { kind: 'recs', metric: 'dot', k: 200 },
    ];
    const progress = createProgress({
      label: `ann ${table.nItems} items`,
      total: kinds.length * (probeList.length + 1),
      tty: Boolean(process.stderr.isTTY),
      logger,
    });
    let done = 0;
    for (const { kind, metric, k } of kinds) {
      const queries = Array.from({ length: nQueries }, () => {
        if (kind === 'similar') {
          const self = rng.int(table.nItems);
          return { q: table.items.subarray(self * table.dims, (self + 1) * table.dims), self };
        }
        const u = rng.int(nUsers);
        return { q: model.users.subarray(u * model.dims, (u + 1) * model.dims), self: -1 };
      });
      const truth = queries.map(({ q, self }) => {
        const skip = self >= 0 ? (r: number) => r === self : undefined;
        const exact = topK(table, q, k, metric, skip);
        return {
          kth: exact[exact.length - 1]?.score ?? -Infinity,
          sum: exact.reduce((s, n) => s + n.score, 0),
        };
      });
      const ex = measure(table, undefined, queries, metric, k, 0, truth);
      rows.push({
        items: table.nItems,
        kind,
        k,
        probes: 'exact',
        lists: 0,
        buildS: 0,
        medianMs: round(median(ex.times), 3),
        p99Ms: round(p99(ex.times), 3),
        recall: 1,
        scoreRatio: 1,
      });
      progress.update(++done, { kind });
      if (scale === 1 && kind === 'similar' && !process.argv.includes('--no-neo4j')) {
        const row = await neo4jRow(config, model.version, table, queries, k, truth, model.itemRow);
        if (row) rows.push(row);
      }
      for (const probes of probeList) {
        const m = measure(table, index, queries, metric, k, probes, truth);
        rows.push({
          items: table.nItems,
          kind,
          k,
          probes,
          lists: index.nLists,
          buildS: round(buildS, 1),
          medianMs: round(median(m.times), 3),
          p99Ms: round(p99(m.times), 3),
          recall: round(m.recall, 4),
          scoreRatio: round(m.scoreRatio, 4),
        });
        progress.update(++done, { kind });
      }
    }
    progress.stop();
  }
  const summary = {
    machine: `${os.cpus().length} vCPU (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0].toFixed(1)} at the end`,
    modelVersion: pointer.version,
    dims: model.dims,
    queries: nQueries,
    rows,
  };
  if (process.argv.includes('--write-docs')) writeDocs(summary);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${render(rows)}\n`);
}

/**
 * The same similar queries through Neo4j's vector index (`db.index.vector.queryNodes` on product_embedding, an
 * HNSW index), as API_VECTOR_INDEX=neo4j runs them, round trip included. Only when the graph holds this
 * model's vectors (it was published to this Neo4j).
 */
async function neo4jRow(
  config: ReturnType<typeof loadConfig>,
  version: string,
  table: ItemTable,
  queries: Array<{ q: Float32Array; self: number }>,
  k: number,
  truth: Array<{ kth: number; sum: number }>,
  ids: Map<string, number>,
): Promise<Row | undefined> {
  const graph = createGraphClient(config.neo4j, { app: 'bench-ann' });
  try {
    const times: number[] = [];
    let hit = 0;
    let got = 0;
    let best = 0;
    for (let i = 0; i < queries.length; i++) {
      const { q, self } = queries[i];
      const t = process.hrtime.bigint();
      const res = await graph.read<{ productId: string; version: string | null; score: number }>(
        VECTOR_QUERY,
        {
          k: k + 1,
          vector: Array.from(q),
        },
      );
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (res.some((r) => r.version !== version)) return undefined; // the graph holds another version
      const qn = Math.sqrt(q.reduce((a, x) => a + x * x, 0)) || 1;
      let n = 0;
      for (const r of res) {
        const row = ids.get(r.productId);
        if (row === undefined || row === self || n >= k) continue;
        n++;
        // Neo4j reports (1 + cos) / 2; recompute the cosine from the model's vectors.
        let dotp = 0;
        for (let d = 0; d < table.dims; d++) dotp += table.items[row * table.dims + d] * q[d];
        const cos = dotp / ((table.norms[row] || 1) * qn);
        got += cos;
        if (cos >= truth[i].kth - 1e-6) hit++;
      }
      best += truth[i].sum;
    }
    return {
      items: table.nItems,
      kind: 'similar',
      k,
      probes: 'neo4j',
      lists: 0,
      buildS: 0,
      medianMs: round(median(times), 3),
      p99Ms: round(p99(times), 3),
      recall: round(hit / (queries.length * k), 4),
      scoreRatio: round(got / best, 4),
    };
  } catch (err) {
    process.stderr.write(`bench ann: Neo4j vector index not measured: ${(err as Error).message}\n`);
    return undefined;
  } finally {
    await graph.close();
  }
}

function render(rows: Row[]): string {
  return [
    '| items | query | k | probes | lists | build s | median ms | p99 ms | recall vs exact | score ratio |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.items} | ${r.kind} | ${r.k} | ${r.probes} | ${r.lists || '-'} | ${r.buildS || '-'} | ${r.medianMs} | ${r.p99Ms} | ${r.recall.toFixed(3)} | ${r.scoreRatio.toFixed(4)} |`,
    ),
  ].join('\n');
}

function writeDocs(s: { machine: string; modelVersion: string; dims: number; queries: number; rows: Row[] }) {
  const file = path.join(__dirname, '..', 'docs', 'performance.md');
  const existing = fs.readFileSync(file, 'utf8');
  const section = [
    '## In-process vector index',
    '',
    `Measured with \`npx tsx bench/ann.ts --write-docs\` on ${s.machine}; model ${s.modelVersion} (${s.dims} dimensions),`,
    `${s.queries} queries per row. The 10x rows use the model's items each repeated 10 times with Gaussian noise (0.3x the`,
    'per-dimension spread). "similar" is similarProducts (cosine top-20 around a product); "recs" is the embedding',
    "candidates of a cache miss (dot-product top-200 for a user's vector). The API's default is 32 probes",
    '(`API_ANN_PROBES`; 0 = the exact scan).',
    '',
    render(s.rows),
    '',
  ].join('\n');
  const next = replaceSection(existing, 'In-process vector index', section, 'API');
  fs.writeFileSync(file, next);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench ann: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
