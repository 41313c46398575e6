// Model registry benchmark at the default shop scale: publish and rollback of 50,000 product embeddings
// (64 dims; 200,000 user rows in the artifact, read and verified but not written) against a private scratch
// Neo4j, so the shared graph and the shared active pointer are never touched. Prints a table of medians; with
// --write-docs it replaces the `## Model registry` section of docs/performance.md.
//
//   npx tsx bench/registry.ts [--products 50000] [--users 200000] [--dims 64] [--runs 3] [--write-docs]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core';
import { startScratchNeo4j, scratchEnv } from '../test/support';
import { writeModelDir, publishModel, rollbackModel, type ApplySummary } from '../model';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function randomTable(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const t = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    t[j] = s / 4294967296 - 0.5;
  }
  return t;
}

async function main(): Promise<void> {
  const products = arg('products', 50_000);
  const users = arg('users', 200_000);
  const dims = arg('dims', 64);
  const runs = arg('runs', 3);
  const logger = createLogger('warn', 'bench-registry');
  process.stderr.write(`starting a scratch Neo4j and writing ${products} products...\n`);
  const scratch = await startScratchNeo4j();
  try {
    const g = scratch.graph;
    const dataDir = scratch.config.dataDir;
    await g.write({
      name: 'bench.constraint',
      cypher: 'CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE',
    });
    for (let start = 0; start < products; start += 10_000) {
      await g.write(
        {
          name: 'bench.products',
          cypher:
            'UNWIND range($from, $to - 1) AS i CREATE (:Product {id: "p" + i, name: "product " + i, price: 10.0})',
        },
        { from: start, to: Math.min(products, start + 10_000) },
      );
    }
    const versions = ['lightgcn-20261123-010000-aaaaaa', 'lightgcn-20261123-020000-bbbbbb'];
    const itemIds = Array.from({ length: products }, (_, i) => `p${i}`);
    const userIds = Array.from({ length: users }, (_, i) => `u${i}`);
    versions.forEach((v, k) =>
      writeModelDir(dataDir, v, {
        embeddings: {
          dims,
          nUsers: users,
          nItems: products,
          users: randomTable(users * dims, 7 + k),
          items: randomTable(products * dims, 99 + k),
        },
        ids: { users: userIds, items: itemIds },
        config: { model: 'lightgcn', createdAt: new Date().toISOString() },
        metrics: { metrics: {} },
        report: '# bench\n',
      }),
    );
    const deps = { dataDir, graph: g, logger };
    const first = await publishModel(deps, versions[0]);
    process.stderr.write(`first publish (index created): ${first.seconds} s\n`);
    const pub: ApplySummary[] = [];
    const pubSeconds: number[] = [];
    const rb: ApplySummary[] = [];
    const rbSeconds: number[] = [];
    const rbServing: number[] = [];
    const loadAtStart = os.loadavg()[0];
    for (let r = 0; r < runs; r++) {
      const p = await publishModel(deps, versions[1]);
      pub.push(p);
      pubSeconds.push(p.seconds);
      const b = await rollbackModel(deps);
      rb.push(b);
      rbSeconds.push(b.seconds);
      rbServing.push(b.servingSeconds);
      process.stderr.write(
        `run ${r + 1}: publish ${p.seconds} s, rollback serving after ${b.servingSeconds} s, graph after ${b.seconds} s\n`,
      );
    }
    // One rollback the way an operator runs it: the CLI in a fresh process (Node + tsx start-up included).
    await publishModel(deps, versions[1]);
    const t = performance.now();
    const cli = spawnSync(
      process.execPath,
      [path.join(__dirname, '..', 'bin', 'graphrec.cjs'), 'models', 'rollback', '--json'],
      {
        env: { ...process.env, ...scratchEnv(scratch), LOG_LEVEL: 'warn' },
        encoding: 'utf8',
      },
    );
    const cliWall = Math.round((performance.now() - t) / 100) / 10;
    if (cli.status !== 0) throw new Error(`CLI rollback failed: ${cli.stderr}`);
    const cliSummary = JSON.parse(cli.stdout) as { seconds: number; servingSeconds: number };

    const m = (xs: ApplySummary[], k: keyof ApplySummary['timings']) =>
      median(xs.map((x) => x.timings[k])).toFixed(2);
    const table = [
      '| operation | total (median) | verify (read + checks) | write embeddings | clear stale | index ONLINE | runs |',
      '|---|---|---|---|---|---|---|',
      `| publish (same dims, index kept) | ${median(pubSeconds).toFixed(2)} s | ${m(pub, 'verifySeconds')} s | ${m(pub, 'writeSeconds')} s | ${m(pub, 'clearSeconds')} s | ${m(pub, 'indexSeconds')} s | ${runs} |`,
      `| rollback: serving the restored version (pointer flipped) | ${median(rbServing).toFixed(2)} s | | | | | ${runs} |`,
      `| rollback: graph embeddings and index restored | ${median(rbSeconds).toFixed(2)} s | ${m(rb, 'verifySeconds')} s | ${m(rb, 'writeSeconds')} s | ${m(rb, 'clearSeconds')} s | ${m(rb, 'indexSeconds')} s | ${runs} |`,
      `| first publish (creates the index) | ${first.seconds.toFixed(2)} s | ${first.timings.verifySeconds.toFixed(2)} s | ${first.timings.writeSeconds.toFixed(2)} s | ${first.timings.clearSeconds.toFixed(2)} s | ${first.timings.indexSeconds.toFixed(2)} s | 1 |`,
      `| \`graphrec models rollback\` (CLI, fresh process) | ${cliWall.toFixed(1)} s wall (serving after ${cliSummary.servingSeconds.toFixed(2)} s, graph after ${cliSummary.seconds.toFixed(2)} s in the command) | | | | | 1 |`,
    ].join('\n');
    process.stdout.write(
      `\n${products} products x ${dims} dims (${users} user rows in the artifact)\n\n${table}\n`,
    );
    const load = `load average (1 min) ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end`;
    process.stdout.write(`${load}\n`);
    const verdict = `median ${median(rbServing).toFixed(2)} s in process, ${cliSummary.servingSeconds.toFixed(2)} s into the CLI command after ~${(cliWall - cliSummary.seconds).toFixed(0)} s of process start-up`;
    if (process.argv.includes('--write-docs')) writeDocs(table, products, users, dims, runs, load, verdict);
  } finally {
    await scratch.stop();
  }
}

function writeDocs(
  table: string,
  products: number,
  users: number,
  dims: number,
  runs: number,
  load: string,
  verdict: string,
): void {
  const file = path.join(__dirname, '..', 'docs', 'performance.md');
  const text = fs.readFileSync(file, 'utf8');
  const section = [
    '## Model registry',
    '',
    `\`models publish\` / \`models rollback\` (model/registry) at the default shop scale: ${products.toLocaleString('en')} products x ${dims} dims,`,
    `artifact with ${users.toLocaleString('en')} user rows (read and verified, not written to the graph). Measured on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on the`,
    `dev machine (${os.cpus().length} vCPU delivering about one core of throughput, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${load}),`,
    'against a private scratch Neo4j 5.26 (512 MB heap, 256 MB page cache) so the shared graph is untouched.',
    'Each publish/rollback flips between two versions of the same shape, so the index is kept; "write" is 5,000',
    'products per UNWIND transaction. A rollback flips the active pointer first (the API serves from the model files',
    'and follows the pointer within API_MODEL_POLL_MS), then rewrites the embeddings and the vector index.',
    '',
    `Command: \`npx tsx bench/registry.ts ${process.argv.slice(2).join(' ')}\``,
    '',
    table,
    '',
    `Against the 10 s rollback target: serving moves when the pointer flips (${verdict}), plus the API's`,
    'API_MODEL_POLL_MS (2 s) to load the restored files; the graph (vector index, Cypher reports) catches up after',
    'the write column. Nearly all of a publish is Neo4j keeping the HNSW vector index up to date while the vectors',
    'are written; the first publish, which populates a new index, is slower still.',
    '',
  ].join('\n');
  const start = text.indexOf('## Model registry');
  let next: string;
  if (start < 0) next = `${text.trimEnd()}\n\n${section}`;
  else {
    const end = text.indexOf('\n## ', start + 3);
    next = text.slice(0, start) + section + (end < 0 ? '' : text.slice(end + 1));
  }
  fs.writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
