// Benchmark of `graphrec generate`: runs the CLI (a fresh process per scale, so peak RSS is its own) and prints
// a markdown table. With --write, replaces the table in the `## Data generation` section of docs/performance.md.
//   npx tsx bench/generate.ts [default] [10x] [--write]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCALES: Record<string, string[]> = {
  default: [],
  '10x': ['--users', '2000000', '--products', '500000', '--interactions', '20000000'],
};

interface Summary {
  seconds: number;
  peakRssMb: number;
  counts: { users: number; products: number; sessions: number; events: number };
}

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const scales = args.filter((a) => a in SCALES);
const rows: string[] = [];
for (const scale of scales.length > 0 ? scales : ['default']) {
  const out = mkdtempSync(path.join(os.tmpdir(), `graphrec-bench-generate-${scale}-`));
  const flags = ['generate', '--out', out, ...SCALES[scale], '--json'];
  const run = spawnSync(process.execPath, [path.join(root, 'bin/graphrec.cjs'), ...flags], {
    encoding: 'utf8',
  });
  rmSync(out, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`graphrec ${flags.join(' ')} failed:\n${run.stderr}`);
  const s = JSON.parse(run.stdout) as Summary;
  rows.push(
    `| ${scale} | ${s.counts.users} | ${s.counts.products} | ${s.counts.events} | ${s.counts.sessions} | ` +
      `${s.seconds.toFixed(1)} | ${s.peakRssMb} | ${Math.round(s.counts.events / s.seconds)} |`,
  );
}
const table = [
  '| scale | users | products | events | sessions | seconds | peak RSS (MB) | events/s |',
  '|---|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(table);

if (args.includes('--write')) {
  const file = path.join(root, 'docs/performance.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const start = text.indexOf('## Data generation');
  const section = `## Data generation\n\nMeasured by \`npx tsx bench/generate.ts ${scales.join(' ')} --write\` on ${os.cpus().length} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.\n\n${table}\n`;
  if (start < 0) writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
  else {
    const next = text.indexOf('\n## ', start + 1);
    writeFileSync(file, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next)));
  }
}
