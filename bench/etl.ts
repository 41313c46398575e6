// Benchmark of `graphrec etl load --format synthetic`, transactional and bulk: generates a shop per scale, then
// loads it into an EMPTY private Neo4j (startScratchNeo4j: a fresh server per run, so constraints, page cache
// and store start cold; bulk mode stops and restarts that server, never the shared one), running the CLI in
// its own process so that peak RSS is the loader's. Prints a markdown table of medians; with --write, puts its
// rows into the table between the bench:etl markers of docs/performance.md, replacing rows of the same scale
// and mode and keeping the others (so scales measured at different times can share the table).
//   npx graphrec bench etl [small] [default:bulk] [10x:transactional] [--runs 3] [--write]
// A scale alone runs both modes; `scale:mode` runs one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchEnv, startScratchNeo4j } from '../test/support';
import type { LoadSummary, WriteMode } from '../etl';

const SCALES: Record<string, string[]> = {
  small: ['--users', '20000', '--products', '5000', '--interactions', '200000'],
  default: [],
  '10x': ['--users', '2000000', '--products', '500000', '--interactions', '20000000'],
};
const MODES: WriteMode[] = ['transactional', 'bulk'];
const FILES = ['users.csv', 'sessions.csv', 'events.csv'];

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1])) : 3;
const plan = args
  .map((a) => a.split(':'))
  .filter(([scale, mode]) => scale in SCALES && (mode === undefined || MODES.includes(mode as WriteMode)))
  .map(([scale, mode]) => ({ scale, modes: mode ? [mode as WriteMode] : MODES }));
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
const load1 = () => os.loadavg()[0].toFixed(1);

const HEADER = [
  '| scale | mode | rows read | runs | seconds (median) | all rows/s | users / sessions / events rows/s (file) | files written, import, server start, schema (s); server stop (overlaps the files) | loader peak RSS (MB) | neo4j-admin peak RSS (MB) | measured (UTC, load avg 1 min before/after) |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];

async function measure(scale: string, mode: WriteMode, shop: string): Promise<string> {
  const results: LoadSummary[] = [];
  const before = load1();
  for (let i = 0; i < runs; i++) {
    const neo = await startScratchNeo4j();
    try {
      const s = cli(
        ['etl', 'load', '--source', shop, '--format', 'synthetic', '--mode', mode, '--json'],
        scratchEnv(neo),
      ) as LoadSummary;
      if (s.mode !== mode) throw new Error(`asked for ${mode}, the load used ${s.mode}: ${s.modeReason}`);
      results.push(s);
      console.error(`${scale} ${mode} run ${i + 1}/${runs}: ${s.seconds} s (load avg ${load1()})`);
    } finally {
      await neo.stop();
    }
  }
  const med = (f: (r: LoadSummary) => number) => median(results.map(f));
  const perFile = FILES.map((f) => Math.round(med((r) => r.files[f].rowsPerSecond))).join(' / ');
  const phases =
    mode === 'bulk'
      ? [
          med((r) => r.extra.finishFilesSeconds + Object.values(r.files).reduce((s, f) => s + f.seconds, 0)),
          med((r) => r.extra.importSeconds),
          med((r) => r.extra.startSeconds),
          med((r) => r.extra.schemaSeconds),
        ]
          .map((x) => x.toFixed(1))
          .join(', ') + `; ${med((r) => r.extra.stopSeconds).toFixed(1)}`
      : '-';
  return (
    `| ${scale} | ${mode} | ${results[0].read} | ${runs} | ${med((r) => r.seconds).toFixed(1)} | ` +
    `${Math.round(med((r) => r.rowsPerSecond))} | ${perFile} | ${phases} | ` +
    `${Math.max(...results.map((r) => r.peakRssMb))} | ` +
    `${mode === 'bulk' ? Math.max(...results.map((r) => r.extra.importPeakRssMb)) : '-'} | ` +
    `${new Date().toISOString().slice(0, 16)}Z, ${before} / ${load1()} |`
  );
}

/** Put `rows` into the table between the markers, replacing rows with the same scale and mode. */
function writeRows(rows: string[]): void {
  const file = path.join(root, 'docs/performance.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const [open, close] = ['<!-- bench:etl -->', '<!-- /bench:etl -->'];
  const a = text.indexOf(open);
  const b = text.indexOf(close);
  const key = (row: string) => row.split('|').slice(1, 3).join('|');
  const old = a >= 0 && b > a ? text.slice(a, b).split('\n') : [];
  const kept = old.filter(
    (l) => /^\| (small|default|10x) \|/.test(l) && !rows.some((r) => key(r) === key(l)),
  );
  const all = [...kept, ...rows].sort((x, y) => key(x).localeCompare(key(y)));
  const block = [
    open,
    `\`npx graphrec bench etl SCALE[:MODE] --runs N --write\` on ${os.cpus().length} vCPU, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; each row says when it was measured and the load average around it.`,
    '',
    ...HEADER,
    ...all,
    close,
  ].join('\n');
  if (a >= 0 && b > a) writeFileSync(file, text.slice(0, a) + block + text.slice(b + close.length));
  else writeFileSync(file, `${text.trimEnd()}\n\n## ETL\n\n${block}\n`);
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const { scale, modes } of plan.length > 0 ? plan : [{ scale: 'small', modes: MODES }]) {
    const shop = mkdtempSync(path.join(os.tmpdir(), `graphrec-bench-etl-${scale}-`));
    try {
      cli(['generate', '--out', shop, ...SCALES[scale], '--json']);
      for (const mode of modes) rows.push(await measure(scale, mode, shop));
    } finally {
      rmSync(shop, { recursive: true, force: true });
    }
  }
  console.log([...HEADER, ...rows].join('\n'));
  if (args.includes('--write')) writeRows(rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
