// The fast peers a shop could install in five minutes (implicit's ALS and an item-kNN, each tuned on validation,
// and popularity) side by side with graphrec, on the same split, on the same machine, in the same run.
//
//   npx graphrec bench peers --data lightgcn:DIR[,lightgcn:DIR...] [--time-budget MIN] [--model KIND]
//                            [--als-search coordinate|grid] [--python PYTHON] [--blas-threads N] [--skip-graphrec]
//                            [--json] [--write]
//
// For each data set the split graphrec tunes on (training's tuningSplit: valid.txt where the data ships one, else
// a seeded tenth of train carved out) is written as fit/valid/train/test LightGCN text files under
// .cache/peers-split/<name>/ with the dense row numbers, and bench/peers/peers.py tunes, refits and scores the
// peers on them, in a venv (.cache/peers-venv) built from bench/peers/requirements.txt on first use. Then graphrec
// trains on the same data with its time budget. Peers report time to quality as tuning plus the final fit;
// graphrec as its summary's seconds (training and validation). --write records the tables in docs/performance.md
// under `## Peers`.
//
// The peers run with their libraries' thread defaults (the comparison is process against process, and peers.py
// reports what ran). implicit warns that OpenBLAS's own thread pool slows its ALS down; --blas-threads N sets
// OPENBLAS_NUM_THREADS for peers.py, to measure what a shop that follows that advice would see.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, createProgress, loadConfig, type Logger } from '../core';
import { replaceSection } from './docsSection';
import {
  loadDataSource,
  MODEL_KINDS,
  parseDataSource,
  trainModel,
  tuningSplit,
  type Csr,
  type Dataset,
  type ModelKind,
  type TuningSplit,
} from '../training';

export const PEERS = ['pop', 'itemknn', 'als'] as const;
export type PeerName = (typeof PEERS)[number];

const PEER_LABELS: Record<PeerName, string> = {
  pop: 'popularity',
  itemknn: 'item-kNN (tuned)',
  als: 'implicit ALS (tuned)',
};

/** One peer's figures as peers.py prints them (test metrics of the final model; seconds of this process). */
export interface PeerResult {
  'recall@20': number;
  'ndcg@20': number;
  timeToQualitySeconds: number;
  tuneSeconds: number;
  fitSeconds: number;
  scoreSeconds: number;
  /** false when fit.txt is train.txt: the model chosen on validation is the final one. */
  refit: boolean;
  params: Record<string, number | string>;
  /** Every configuration tried, with its validation figures. */
  tried: Array<{ params: Record<string, number>; valid: Record<string, number>; seconds: number }>;
  valid?: Record<string, number>;
  test: Record<string, number>;
}

export interface PeersOutput {
  selectBy: string;
  alsSearch: string;
  python: string;
  versions: Record<string, string>;
  threads: {
    cpus: number;
    env: Record<string, string>;
    pools: Array<{ library: string; prefix: string; threads: number }>;
    implicitNumThreads: string;
    warnings: string[];
  };
  data: Record<string, number | boolean>;
  peers: Partial<Record<PeerName, PeerResult>>;
}

export interface GraphrecResult {
  model: string;
  'recall@20': number;
  'ndcg@20': number;
  /** Training and validation seconds (summary.seconds), graphrec's time to quality. */
  timeToQualitySeconds: number;
  timeBudgetMinutes: number;
  version: string;
  stoppedBy: string | null;
  /** `--model auto`: the family chosen on validation and the blend's weights. */
  choice?: string;
  weights?: Record<string, number>;
  /** `--model auto`: the LightGCN fine-tune's validation figures, start, epochs, steps, seconds and verdict. */
  lightgcn?: {
    valid: Record<string, number>;
    seconds: number;
    fineTune?: {
      start: string | null;
      startNdcg?: number;
      epochs: number;
      steps: number;
      seconds: number;
      skipped?: string;
      adopted: string;
      bestBeforeNdcg: number;
    };
  };
  peakRssMb?: number;
}

export interface DatasetResult {
  name: string;
  split: TuningSplit['source'];
  users: number;
  items: number;
  train: number;
  peers: Partial<Record<PeerName, PeerResult>>;
  graphrec: GraphrecResult | null;
  /** graphrec / peer, per peer: NDCG@20 (above 1: graphrec ranks better) and time (below 1: graphrec is faster). */
  ratios: Partial<Record<PeerName, { 'ndcg@20': number | null; time: number | null }>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Flags

export interface PeersFlags {
  data: string[];
  timeBudgetMinutes: number;
  model: string;
  alsSearch: 'coordinate' | 'grid';
  python: string;
  /** OPENBLAS_NUM_THREADS for peers.py; null leaves the libraries their defaults. */
  blasThreads: number | null;
  json: boolean;
  write: boolean;
  skipGraphrec: boolean;
}

const VALUE_FLAGS = ['--data', '--time-budget', '--model', '--als-search', '--python', '--blas-threads'];
const BOOLEAN_FLAGS = ['--json', '--write', '--skip-graphrec'];

export function parsePeersFlags(argv: string[]): PeersFlags {
  const values: Record<string, string[]> = {};
  const on = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (BOOLEAN_FLAGS.includes(a)) on.add(a);
    else if (VALUE_FLAGS.includes(a)) {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--'))
        throw new Error(`${a} needs a value, but got: ${JSON.stringify(argv[i + 1] ?? '')}`);
      (values[a] ??= []).push(argv[++i]);
    } else
      throw new Error(
        `unknown argument ${JSON.stringify(a)}; the flags are ${[...VALUE_FLAGS, ...BOOLEAN_FLAGS].join(', ')}`,
      );
  }
  const data = (values['--data'] ?? []).flatMap((d) => d.split(',')).filter((d) => d !== '');
  if (data.length === 0)
    throw new Error('--data lightgcn:DIR is required (repeat it, or separate with commas)');
  for (const d of data) {
    if (parseDataSource(d).kind !== 'lightgcn')
      throw new Error(
        `--data must be lightgcn:DIR (the peers read that format), but got: ${JSON.stringify(d)}`,
      );
  }
  const last = (flag: string, fallback: string) => values[flag]?.[values[flag].length - 1] ?? fallback;
  const budget = Number(last('--time-budget', '30'));
  if (!(budget > 0))
    throw new Error(
      `--time-budget must be a positive number of minutes, but got: ${last('--time-budget', '')}`,
    );
  const alsSearch = last('--als-search', 'coordinate');
  if (alsSearch !== 'coordinate' && alsSearch !== 'grid')
    throw new Error(`--als-search must be coordinate or grid, but got: ${JSON.stringify(alsSearch)}`);
  const blas = values['--blas-threads'] ? last('--blas-threads', '') : null;
  if (blas !== null && !/^[1-9][0-9]*$/.test(blas))
    throw new Error(`--blas-threads must be a positive integer, but got: ${JSON.stringify(blas)}`);
  const skipGraphrec = on.has('--skip-graphrec');
  const model = last('--model', 'auto');
  if (!skipGraphrec && !(MODEL_KINDS as string[]).includes(model))
    throw new Error(`--model must be one of ${MODEL_KINDS.join(', ')}, but got: ${JSON.stringify(model)}`);
  return {
    data,
    timeBudgetMinutes: budget,
    model,
    alsSearch,
    python: last('--python', 'python3'),
    blasThreads: blas === null ? null : Number(blas),
    json: on.has('--json'),
    write: on.has('--write'),
    skipGraphrec,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The split, as files

/** A CSR as LightGCN text: one line per row with entries, `row col col ...`, dense row and column numbers. */
export function lightgcnText(m: Csr): string {
  const lines: string[] = [];
  for (let r = 0; r < m.nRows; r++) {
    if (m.ptr[r + 1] === m.ptr[r]) continue;
    lines.push(`${r} ${Array.from(m.idx.subarray(m.ptr[r], m.ptr[r + 1])).join(' ')}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** Write fit.txt, valid.txt, train.txt and test.txt into `dir` (replacing what was there). */
export function writeSplitFiles(dir: string, ds: Dataset, split: TuningSplit): void {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, Csr> = { fit: split.fit, valid: split.valid, train: ds.train, test: ds.test };
  for (const [name, m] of Object.entries(files)) {
    const file = path.join(dir, `${name}.txt`);
    fs.writeFileSync(`${file}.tmp`, lightgcnText(m));
    fs.renameSync(`${file}.tmp`, file);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The venv and peers.py

const PEERS_DIR = path.join(__dirname, 'peers');

export const venvPython = (home: string): string => path.join(home, '.cache', 'peers-venv', 'bin', 'python');

/**
 * The venv at .cache/peers-venv, created and pip-installed from requirements.txt on first use, or again when the
 * requirements changed (their hash is kept in the venv). Returns its interpreter.
 */
export function ensureVenv(home: string, basePython: string, logger: Logger): string {
  const dir = path.join(home, '.cache', 'peers-venv');
  const requirements = path.join(PEERS_DIR, 'requirements.txt');
  const hash = createHash('sha256').update(fs.readFileSync(requirements)).digest('hex');
  const stamp = path.join(dir, '.requirements.sha256');
  const python = venvPython(home);
  if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return python;
  const t0 = Date.now();
  logger.warn({ dir, requirements }, 'peers: creating the venv and installing the requirements (first use)');
  fs.rmSync(dir, { recursive: true, force: true });
  // pip's own output goes to stderr: stdout stays free for --json.
  const run = (cmd: string, args: string[]) => {
    const res = spawnSync(cmd, args, { stdio: ['ignore', 2, 2] });
    if (res.error || res.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`${cmd} ${args.join(' ')} failed: ${res.error?.message ?? `exit code ${res.status}`}`);
    }
  };
  run(basePython, ['-m', 'venv', dir]);
  run(python, ['-m', 'pip', 'install', '--quiet', '--only-binary=:all:', '-r', requirements]);
  fs.writeFileSync(stamp, hash);
  logger.warn({ seconds: (Date.now() - t0) / 1000 }, 'peers: venv ready');
  return python;
}

export function runPeersPy(
  python: string,
  splitDir: string,
  users: number,
  items: number,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<PeersOutput> {
  const script = path.join(PEERS_DIR, 'peers.py');
  const args = [script, '--data', splitDir, '--users', String(users), '--items', String(items), ...extra];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', (err) => reject(new Error(`cannot run ${python}: ${err.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${python} ${script} exited with ${code}`));
      const line = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .pop();
      if (!line) return reject(new Error(`${script} printed no JSON`));
      resolve(JSON.parse(line) as PeersOutput);
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The table

export function ratiosOf(
  peers: DatasetResult['peers'],
  graphrec: GraphrecResult | null,
): DatasetResult['ratios'] {
  const out: DatasetResult['ratios'] = {};
  if (!graphrec) return out;
  for (const name of PEERS) {
    const p = peers[name];
    if (!p) continue;
    out[name] = {
      'ndcg@20': p['ndcg@20'] > 0 ? graphrec['ndcg@20'] / p['ndcg@20'] : null,
      time: p.timeToQualitySeconds > 0 ? graphrec.timeToQualitySeconds / p.timeToQualitySeconds : null,
    };
  }
  return out;
}

/** The LightGCN fine-tune in a few words: its start, steps, seconds, validation NDCG@20 and whether it was kept. */
export function lightgcnNote(l: GraphrecResult['lightgcn']): string {
  const f = l?.fineTune;
  if (!l || !f) return '';
  if (f.skipped) return `LightGCN fine-tune skipped (${f.skipped}); `;
  return (
    `LightGCN from ${f.start}: ${f.steps} steps in ${l.seconds.toFixed(0)} s, validation NDCG@20 ` +
    `${(f.startNdcg ?? 0).toFixed(4)} -> ${l.valid['ndcg@20'].toFixed(4)} against ${f.bestBeforeNdcg.toFixed(4)}, ` +
    `${f.adopted === 'no' ? 'not kept' : `kept (${f.adopted})`}; `
  );
}

const fmtParams = (p: Record<string, number | string>) =>
  Object.entries(p)
    .filter(([k]) => k !== 'random_state')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

const fmtRatio = (r: number | null | undefined) => (r === null || r === undefined ? '-' : r.toFixed(2));

export function renderTable(d: DatasetResult): string {
  const title =
    `### ${d.name} (${d.users.toLocaleString('en-US')} users, ${d.items.toLocaleString('en-US')} items, ` +
    `${d.train.toLocaleString('en-US')} train interactions; tuned on ${d.split === 'valid.txt' ? 'valid.txt' : 'a tenth of train carved out, then refitted on train'})`;
  const rows = PEERS.filter((n) => d.peers[n]).map((n) => {
    const p = d.peers[n]!;
    const r = d.ratios[n];
    return (
      `| ${PEER_LABELS[n]} | ${p['recall@20'].toFixed(4)} | ${p['ndcg@20'].toFixed(4)} | ` +
      `${p.timeToQualitySeconds.toFixed(1)} | ${p.fitSeconds.toFixed(1)}${p.refit ? '' : ' (in tuning)'} | ${fmtRatio(r?.['ndcg@20'])} | ` +
      `${fmtRatio(r?.time)} | ${fmtParams(p.params)} |`
    );
  });
  const g = d.graphrec;
  if (g)
    rows.push(
      `| graphrec (${g.model}) | ${g['recall@20'].toFixed(4)} | ${g['ndcg@20'].toFixed(4)} | ` +
        `${g.timeToQualitySeconds.toFixed(1)} | - | 1.00 | 1.00 | ${g.choice ? `${g.choice}: ${fmtParams(g.weights ?? {})}; ` : ''}${lightgcnNote(g.lightgcn)}budget ${g.timeBudgetMinutes} min |`,
    );
  return [
    title,
    '',
    '| model | Recall@20 | NDCG@20 | time to quality (s) | final fit (s) | graphrec / peer NDCG@20 | graphrec / peer time | chosen |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

async function runDataset(
  spec: string,
  flags: PeersFlags,
  home: string,
  dataDir: string,
  logger: Logger,
  python: string,
  progress: boolean,
): Promise<{ result: DatasetResult; peers: PeersOutput }> {
  const ds = loadDataSource(parseDataSource(spec));
  const split = tuningSplit(ds);
  const splitDir = path.join(home, '.cache', 'peers-split', ds.name);
  writeSplitFiles(splitDir, ds, split);
  process.stderr.write(`peers: ${ds.name}: split (${split.source}) written to ${splitDir}\n`);
  const env =
    flags.blasThreads === null
      ? process.env
      : { ...process.env, OPENBLAS_NUM_THREADS: String(flags.blasThreads) };
  const peers = await runPeersPy(
    python,
    splitDir,
    ds.nUsers,
    ds.nItems,
    ['--als-search', flags.alsSearch],
    env,
  );
  let graphrec: GraphrecResult | null = null;
  if (!flags.skipGraphrec) {
    const o = await trainModel(
      {
        model: flags.model as ModelKind,
        data: spec,
        dataDir,
        home,
        save: false,
        options: { timeBudgetSeconds: flags.timeBudgetMinutes * 60 },
      },
      { logger, progress: (label, total) => createProgress({ label, total, tty: progress, logger }) },
    );
    graphrec = {
      model: flags.model,
      'recall@20': o.summary.metrics['recall@20'],
      'ndcg@20': o.summary.metrics['ndcg@20'],
      timeToQualitySeconds: o.summary.seconds,
      timeBudgetMinutes: flags.timeBudgetMinutes,
      version: o.summary.version,
      stoppedBy: o.stoppedBy ?? null,
      ...(o.summary.auto
        ? {
            choice: o.summary.auto.choice,
            weights: o.summary.auto.families.find((f) => f.family === o.summary.auto!.choice)?.params,
            lightgcn: o.summary.auto.families.find((f) => f.family === 'lightgcn'),
          }
        : {}),
      peakRssMb: o.summary.peakRssMb,
    };
    process.stderr.write(`peers: ${ds.name}: graphrec ${JSON.stringify(graphrec)}\n`);
  }
  return {
    result: {
      name: ds.name,
      split: split.source,
      users: ds.nUsers,
      items: ds.nItems,
      train: ds.train.ptr[ds.nUsers],
      peers: peers.peers,
      graphrec,
      ratios: ratiosOf(peers.peers, graphrec),
    },
    peers,
  };
}

function machine(peers: PeersOutput | undefined, loadStart: number) {
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    python: peers?.python ?? null,
    versions: peers?.versions ?? {},
    threads: peers?.threads ?? null,
    loadAverage: { start: loadStart, end: os.loadavg()[0] },
  };
}

function threadsLine(t: PeersOutput['threads']): string {
  const pools = t.pools.map((p) => `${p.library} ${p.threads}`).join(', ');
  const env = Object.entries(t.env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `Peers' threads: ${pools}; implicit num_threads ${t.implicitNumThreads}${env ? `; environment ${env}` : ''}.`;
}

async function main(): Promise<void> {
  const flags = parsePeersFlags(process.argv.slice(2));
  const config = loadConfig(process.env);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const loadStart = os.loadavg()[0];
  const python = ensureVenv(config.home, flags.python, logger);
  const results: DatasetResult[] = [];
  let last: PeersOutput | undefined;
  for (const spec of flags.data) {
    const { result, peers } = await runDataset(
      spec,
      flags,
      config.home,
      config.dataDir,
      logger,
      python,
      config.progress,
    );
    results.push(result);
    last = peers;
  }
  const m = machine(last, loadStart);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ datasets: results, machine: m })}\n`);
  }
  const tables = results.map(renderTable).join('\n\n');
  const notes = [
    last ? threadsLine(last.threads) : '',
    `Load average (1 min) at start ${m.loadAverage.start.toFixed(1)}, at end ${m.loadAverage.end.toFixed(1)}.`,
  ].filter(Boolean);
  if (!flags.json) process.stdout.write(`${tables}\n\n${notes.join('\n')}\n`);
  if (flags.write) writeDocs(config.home, flags, `${tables}\n\n${notes.join('\n')}`, last);
}

function writeDocs(home: string, flags: PeersFlags, body: string, peers: PeersOutput | undefined): void {
  const file = path.join(home, 'docs', 'performance.md');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const v = peers?.versions ?? {};
  const section = [
    '## Peers',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} vCPUs (${cpu}) that deliver about one core ` +
      `of throughput, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, no GPU, Node ${process.version}, Python ` +
      `${peers?.python ?? '?'} (implicit ${v.implicit ?? '?'}, numpy ${v.numpy ?? '?'}, scipy ${v.scipy ?? '?'}); ` +
      'other jobs shared the machine, so compare figures as ratios within one run.',
    '',
    `Command: \`npx graphrec bench peers ${flags.data.map((d) => `--data ${d}`).join(' ')} ` +
      `--time-budget ${flags.timeBudgetMinutes}${flags.skipGraphrec ? ' --skip-graphrec' : ` --model ${flags.model}`}` +
      `${flags.blasThreads === null ? '' : ` --blas-threads ${flags.blasThreads}`} --write\``,
    '',
    'Every peer is chosen by validation NDCG@20 on the split graphrec tunes on, refitted on train where that split ' +
      "was carved out of it, and scored on test with graphrec's protocol (all items ranked but the user's train " +
      "items). Time to quality: the peer's tuning fits and validation scoring plus its final fit; graphrec's " +
      'training and validation seconds.',
    '',
    body,
  ].join('\n');
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Performance\n';
  fs.writeFileSync(file, replaceSection(old, 'Peers', section, 'Training (synthetic shop)'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench/peers: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
