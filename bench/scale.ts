// The whole nightly cycle at one scale of the default shop, each stage a child process on a private Neo4j and
// Redis (bench/scale/): generate, bulk load, split, features, the refresh (export, train with the default
// settings, evaluate, gate, publish with the vector index), then serving (bench/api.ts's cache-miss and
// cache-hit scenarios). Records each stage's wall seconds and peak RSS (its process tree, polled from /proc;
// bench/scale/procTree.ts). `--keep DIR` keeps the run (servers' data, shop, logs, DIR/state.json) and resumes
// it: finished stages are reused, the first unfinished one runs again from its start.
// `--fit` fits the cost model (bench/scale/costModel.ts) to the --json results of several scales.
//
//   npx graphrec bench scale --scale 0.2x [--json] [--keep DIR]
//   npx graphrec bench scale --fit RUN RUN [...] [--json]   (RUN: a --json result file or a --keep DIR)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core';
import { costModel, renderCostModel, type MeasuredRun } from './scale/costModel';
import { parseScale } from './scale/options';
import { measuredRun, type ScaleResult } from './scale/result';
import { readState } from './scale/state';
import { runScale, StageFailed } from './scale/run';

const args = process.argv.slice(2);
const valueOf = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');

/** A --json result file, or a kept run's directory (its record also splits the refresh into train and the rest). */
function measured(file: string): MeasuredRun {
  if (fs.statSync(file).isDirectory()) {
    const state = readState(file);
    if (!state) throw new Error(`${file} holds no scale run (no state.json)`);
    return measuredRun(state);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as ScaleResult;
}

function fit(): void {
  const files = args.slice(args.indexOf('--fit') + 1).filter((a) => !a.startsWith('--'));
  if (files.length < 2)
    throw new Error('--fit needs the results (--json files or --keep directories) of at least two scales');
  const models = costModel(files.map(measured));
  process.stdout.write(json ? `${JSON.stringify(models)}\n` : `${renderCostModel(models)}\n`);
}

async function measure(): Promise<void> {
  const scale = parseScale(valueOf('scale'));
  const keep = valueOf('keep');
  const dir = keep
    ? path.resolve(keep)
    : fs.mkdtempSync(path.join(os.tmpdir(), `graphrec-bench-scale-${scale.label}-`));
  // On a terminal the progress bar says what runs; elsewhere structured log lines do.
  const tty = Boolean(process.stderr.isTTY);
  const logger = createLogger(process.env.LOG_LEVEL ?? (tty ? 'warn' : 'info'), 'bench-scale');
  try {
    const r = await runScale(scale, dir, logger, tty);
    if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
    else {
      const rows = Object.entries(r.stages).map(([s, f]) => `| ${s} | ${f.seconds} | ${f.peakRssMb} |`);
      process.stdout.write(
        [
          `scale ${r.scale} (${os.cpus().length} vCPU, load average ${os.loadavg()[0].toFixed(1)} at the end; record in ${keep ? dir : 'a deleted temporary directory'})`,
          '',
          '| stage | seconds | peak RSS (MB) |',
          '|---|---|---|',
          ...rows,
          '',
          `serving: miss p99 ${r.serving.missP99Ms} ms at 200 req/s, hit p99 ${r.serving.hitP99Ms} ms at 1,500 req/s, API RSS ${r.serving.apiRssMb} MB`,
          '',
        ].join('\n'),
      );
    }
  } catch (err) {
    // A failed stage's log stays: the directory is kept whatever --keep says.
    if (err instanceof StageFailed) {
      process.stderr.write(`bench scale: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

(args.includes('--fit') ? Promise.resolve().then(fit) : measure()).catch((err: unknown) => {
  process.stderr.write(`bench scale: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
