// The tfjs backends on the training's dense work: native TensorFlow (@tensorflow/tfjs-node, built offline by
// scripts/tfjs-native.sh) against wasm (SIMD, one thread), in one process on the same inputs. Per op, the median
// of --runs timed runs after one warm-up, the wasm/tensorflow ratio, and how far the two results are apart (max
// |tensorflow - wasm| over max |wasm|, the worst of the compared outputs). The backends take turns run by run, so
// a neighbour's load on a shared machine falls on both alike.
//   scoring     [users, D] x [D, items] matMul, result read back (the evaluation's blocks, at a large block)
//   gram        [rows, D] x [D, D] matMul, read back (ALS's Gram products)
//   full step   one full-softmax training step of the LightGCN trainer (forward, backward, Adam from a fresh
//               table and optimiser each run) on a random user-item graph, with the default options (3 layers,
//               D 64, a block of 1,024 users against every item); the propagation is our typed-array kernel on
//               both, so only the dense parts differ.
//               Compared: the loss and its gradient with respect to the embedding table, at the same start
//               (not the table after Adam, whose first step is about lr x sign(gradient) and so flips on the
//               gradients that round differently around zero).
//
//   npx tsx bench/backends.ts [--runs 5] [--score-users 4096] [--score-items 20000] [--dims 128] [--gram-rows 50000]
//                             [--users 200000] [--items 50000] [--interactions 2000000] [--step-dims 64]
//                             [--block 1024] [--json]
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import {
  csrFromTriples,
  type Csr,
  userItemGraph,
  initBackend,
  type BackendName,
  propagateOp,
  fullSoftmaxBlock,
  fullSoftmaxLoss,
  defaultTrainerOptions,
} from '../training';
import { createRng } from '../core';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? Number(process.argv[i + 1]) : fallback;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const BACKENDS: BackendName[] = ['tensorflow', 'wasm'];

interface Case {
  op: string;
  shape: string;
  /** One timed run; returns what the two backends are compared on, unless `reference` does. */
  run: () => Float32Array[] | undefined;
  /** Called before each run, untimed, on the run's backend (state such as a variable and an optimiser). */
  setUp?: () => void;
  tearDown?: () => void;
  /** What to compare, computed after setUp in the warm-up round, untimed. */
  reference?: () => Float32Array[];
}

interface Row {
  op: string;
  shape: string;
  ms: Partial<Record<BackendName, number>>;
  /** wasm ms / tensorflow ms (> 1: native is faster). */
  ratio?: number;
  /** max |tensorflow - wasm| / max |wasm| over the compared output. */
  relDiff?: number;
}

function table(n: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

function matMulCase(op: string, m: number, k: number, n: number, seed: number): Case {
  const a = table(m * k, seed);
  const b = table(k * n, seed + 1);
  return {
    op,
    shape: `[${m},${k}] x [${k},${n}]`,
    run: () => {
      // Read back outside tf.tidy: tidy walks whatever its function returns, a typed array element by element.
      const out = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
      const values = out.dataSync() as Float32Array;
      out.dispose();
      return [values];
    },
  };
}

/** Users with a popularity-skewed set of items each (item ~ nItems * r^2), rows deduplicated. */
function randomInteractions(nU: number, nI: number, nnz: number, seed: number): Csr {
  const rng = createRng(seed);
  const rows = new Int32Array(nnz);
  const cols = new Int32Array(nnz);
  for (let e = 0; e < nnz; e++) {
    rows[e] = e % nU;
    const r = rng.int(1 << 30) / (1 << 30);
    cols[e] = Math.min(nI - 1, Math.floor(nI * r * r));
  }
  const m = csrFromTriples(nU, nI, rows, cols);
  const ptr = new Int32Array(nU + 1);
  const idx: number[] = [];
  for (let u = 0; u < nU; u++) {
    const items = [...new Set(m.idx.subarray(m.ptr[u], m.ptr[u + 1]))].sort((x, y) => x - y);
    idx.push(...items);
    ptr[u + 1] = idx.length;
  }
  return { nRows: nU, nCols: nI, ptr, idx: Int32Array.from(idx) };
}

function fullStepCase(nU: number, nI: number, nnz: number, d: number, block: number): Case {
  const o = defaultTrainerOptions('lightgcn');
  const fit = randomInteractions(nU, nI, nnz, 11);
  const graph = userItemGraph(fit);
  const encode = propagateOp(graph.adj, o.layers);
  const users = Int32Array.from({ length: fullSoftmaxBlock(block, nI) }, (_, r) => r);
  const init = table(graph.nNodes * d, 5, o.initScale);
  let e0: tf.Variable | undefined;
  let optimizer: tf.Optimizer | undefined;
  return {
    op: 'full-softmax step',
    shape: `${nU} users, ${nI} items, ${fit.ptr[nU]} edges, D=${d}, ${users.length} users x ${nI} items`,
    setUp: () => {
      e0 = tf.variable(tf.tensor2d(init, [graph.nNodes, d]), true);
      optimizer = tf.train.adam(o.lr);
    },
    reference: () => {
      const { value, grads } = tf.variableGrads(
        () => fullSoftmaxLoss(e0!, encode, users, fit, nU, d, o.l2, o.temperature),
        [e0!],
      );
      const out = [value.dataSync() as Float32Array, grads[e0!.name].dataSync() as Float32Array];
      tf.dispose([value, grads[e0!.name]]);
      return out;
    },
    run: () => {
      // As the trainer runs it: loss returned and read, so the step is complete when the timer stops.
      const lossT = optimizer!.minimize(
        () => fullSoftmaxLoss(e0!, encode, users, fit, nU, d, o.l2, o.temperature),
        true,
        [e0!],
      );
      lossT!.dataSync();
      lossT!.dispose();
      return undefined;
    },
    tearDown: () => {
      e0?.dispose();
      optimizer?.dispose();
    },
  };
}

/** Median ms per backend, and the compared outputs of each. Round 0 is the warm-up (kernel set-up, first allocations). */
async function measure(
  c: Case,
  backends: BackendName[],
  runs: number,
): Promise<{
  ms: Partial<Record<BackendName, number>>;
  compared: Partial<Record<BackendName, Float32Array[]>>;
}> {
  const times: Partial<Record<BackendName, number[]>> = {};
  const compared: Partial<Record<BackendName, Float32Array[]>> = {};
  for (let round = 0; round <= runs; round++) {
    for (const b of backends) {
      await initBackend(b);
      c.setUp?.();
      try {
        if (round === 0 && c.reference) compared[b] = c.reference();
        const t = performance.now();
        const out = c.run();
        const ms = performance.now() - t;
        if (round > 0) (times[b] ??= []).push(ms);
        if (!c.reference && out) compared[b] = out;
      } finally {
        c.tearDown?.();
      }
    }
  }
  const ms: Partial<Record<BackendName, number>> = {};
  for (const b of backends) ms[b] = median(times[b] ?? []);
  return { ms, compared };
}

/** The worst, over the compared outputs, of max |a - b| / max |b|. */
function relDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    let diff = 0;
    let scale = 0;
    for (let j = 0; j < a[k].length; j++) {
      diff = Math.max(diff, Math.abs(a[k][j] - b[k][j]));
      scale = Math.max(scale, Math.abs(b[k][j]));
    }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  }
  return worst;
}

function render(rows: Row[], header: string): string {
  const lines = [
    header,
    '',
    '| op | shape | tensorflow ms | wasm ms | wasm / tensorflow | max rel. diff |',
    '|---|---|---:|---:|---:|---:|',
  ];
  const f = (x?: number) => (x === undefined ? '-' : x.toLocaleString('en-US', { maximumFractionDigits: 1 }));
  for (const r of rows)
    lines.push(
      `| ${r.op} | ${r.shape} | ${f(r.ms.tensorflow)} | ${f(r.ms.wasm)} | ${
        r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`
      } | ${r.relDiff === undefined ? '-' : r.relDiff.toExponential(1)} |`,
    );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const dims = arg('dims', 128);
  const cases: Array<() => Case> = [
    () => matMulCase('scoring matMul', arg('score-users', 4096), dims, arg('score-items', 20_000), 1),
    () => matMulCase('gram matMul', arg('gram-rows', 50_000), dims, dims, 3),
    () =>
      fullStepCase(
        arg('users', 200_000),
        arg('items', 50_000),
        arg('interactions', 2_000_000),
        arg('step-dims', 64),
        arg('block', 1024),
      ),
  ];

  const failures: Partial<Record<BackendName, string>> = {};
  let tfVersion: string | undefined;
  for (const b of BACKENDS) {
    failures[b] = await initBackend(b);
    if (failures[b] !== undefined) process.stderr.write(`${b} is unavailable: ${failures[b]}\n`);
    else if (b === 'tensorflow')
      tfVersion = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding?.TF_Version;
  }
  const available = BACKENDS.filter((b) => failures[b] === undefined);

  const rows: Row[] = [];
  for (const make of cases) {
    const c = make();
    process.stderr.write(`${c.op}: ${c.shape}...\n`);
    const m = await measure(c, available, runs);
    const outputs = m.compared;
    const row: Row = { op: c.op, shape: c.shape, ms: {} };
    for (const b of available) row.ms[b] = round(m.ms[b]!);
    if (row.ms.tensorflow && row.ms.wasm) row.ratio = round(row.ms.wasm / row.ms.tensorflow, 2);
    if (outputs.tensorflow && outputs.wasm) row.relDiff = relDiff(outputs.tensorflow, outputs.wasm);
    rows.push(row);
  }

  const summary = {
    machine: `${os.cpus().length} vCPU (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end`,
    tfjs: tf.version.tfjs,
    tensorflow: available.includes('tensorflow')
      ? `TensorFlow ${tfVersion ?? '?'} via @tensorflow/tfjs-node`
      : `unavailable: ${failures.tensorflow}`,
    runs,
    rows,
  };
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else
    process.stdout.write(
      `${render(rows, `${summary.machine}; tfjs ${summary.tfjs}; native: ${summary.tensorflow}; median of ${runs} runs`)}\n`,
    );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
