// Benchmark of `graphrec etl load --format synthetic`: generates a shop per scale, then loads it into an EMPTY
// private Neo4j (startScratchNeo4j: a fresh server per run, so constraints, page cache and store start cold),
// running the CLI in its own process so that peak RSS is the loader's. Prints a markdown table of medians; with
// --write, replaces the table between the bench:etl markers in the `## ETL` section of docs/performance.md.
//   npx graphrec bench etl [small] [default] [10x] [--runs 3] [--write]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchEnv, startScratchNeo4j } from '../test/support';
import type { LoadSummary } from '../etl/load';

const SCALES: Record<string, string[]> = {
  small: ['--users', '20000', '--products', '5000', '--interactions', '200000'],
  default: [],
  '10x': ['--users', '2000000', '--products', '500000', '--interactions', '20000000'],
};
const FILES = ['users.csv', 'products.csv', 'sessions.csv', 'events.csv'];

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 3;
const scales = args.filter((a) => a in SCALES);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cli = (flags: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/graphrec.cjs'), ...flags], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', GRAPHREC_PROGRESS: 'false', ...env },
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`graphrec ${flags.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
};

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const scale of scales.length > 0 ? scales : ['small']) {
    const shop = mkdtempSync(path.join(os.tmpdir(), `graphrec-bench-etl-${scale}-`));
    try {
      cli(['generate', '--out', shop, ...SCALES[scale], '--json']);
      const results: LoadSummary[] = [];
      for (let i = 0; i < runs; i++) {
        const neo = await startScratchNeo4j();
        try {
          const s = cli(
            ['etl', 'load', '--source', shop, '--format', 'synthetic', '--json'],
            scratchEnv(neo),
          );
          results.push(s as LoadSummary);
          console.error(`${scale} run ${i + 1}/${runs}: ${(s as LoadSummary).seconds} s`);
        } finally {
          await neo.stop();
        }
      }
      const perFile = FILES.map((f) => Math.round(median(results.map((r) => r.files[f].rowsPerSecond))));
      rows.push(
        `| ${scale} | ${results[0].files['events.csv'].read} | ${runs} | ${median(results.map((r) => r.seconds)).toFixed(1)} | ` +
          `${perFile.join(' | ')} | ${median(results.map((r) => r.rowsPerSecond))} | ${Math.max(...results.map((r) => r.peakRssMb))} |`,
      );
    } finally {
      rmSync(shop, { recursive: true, force: true });
    }
  }
  const table = [
    '| scale | events | runs | seconds (median) | users rows/s | products rows/s | sessions rows/s | events rows/s | all rows/s | loader peak RSS (MB) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(table);

  if (args.includes('--write')) {
    const file = path.join(root, 'docs/performance.md');
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
    const block = `<!-- bench:etl -->\nMeasured by \`npx graphrec bench etl ${scales.join(' ')} --runs ${runs} --write\` on ${os.cpus().length} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z.\n\n${table}\n<!-- /bench:etl -->`;
    const a = text.indexOf('<!-- bench:etl -->');
    const b = text.indexOf('<!-- /bench:etl -->');
    if (a >= 0 && b > a)
      writeFileSync(file, text.slice(0, a) + block + text.slice(b + '<!-- /bench:etl -->'.length));
    else writeFileSync(file, `${text.trimEnd()}\n\n## ETL\n\n${block}\n`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
