// The embedding trainer: LightGCN (E = layer mean of Â^k E0) or MF (E = E0), one of the losses in losses.ts,
// L2 on the batch's ego embeddings, Adam. tfjs does autograd, the loss and the optimiser; the graph propagation
// and the row gathers are our typed-array ops (kernels/ops.ts).
//
// A step costs two full-graph propagations (forward and backward) whatever the batch size, so the recipe uses
// few steps that each carry a lot: a spectral start, and a full softmax over every item for a block of users
// (docs/training.md has the log of what was tried).
import * as tf from '@tensorflow/tfjs';
import { GraphrecError, validationError } from '../../core';
import type { Progress } from '../../core';
import type { Csr } from '../data/csr';
import { createRng } from '../../core';
import { BprSampler, UserBlockSampler } from '../data/sampler';
import { evaluate } from '../eval/evaluate';
import type { PropagationGraph } from '../graph/propagationGraph';
import { propagateOp, scaleRows } from '../kernels/ops';
import { layerMean } from '../kernels/spmm';
import type { TrainerOptions } from './options';
import { bprLoss, fullSoftmaxBlock, fullSoftmaxLoss, normaliseRows, softmaxLoss } from './losses';
import { tunePopularityExponent, type PopularityTuning } from './popularityScale';
import { spectralInit } from './spectralInit';
import { warmStartRows, type InitialTable } from './warmStart';

export interface CurvePoint {
  epoch: number;
  step: number;
  /** Training seconds so far (test tracking excluded). */
  seconds: number;
  loss: number;
  valid: Record<string, number>;
  /** Filled by the optional `track` hook (e.g. the benchmark's test recall). */
  tracked?: Record<string, number>;
}

export interface TrainerInput {
  graph: PropagationGraph;
  /** What the model learns from (train minus validation). */
  fit: Csr;
  valid?: { truth: Csr; users: Int32Array };
  options: TrainerOptions;
  progress?: Progress;
  signal?: AbortSignal;
  /** Called at each validation with the final embeddings; its time is not counted as training time. */
  track?: (embeddings: Float32Array, point: CurvePoint) => Record<string, number> | undefined;
  /** Called when validation improves, to checkpoint the best embeddings. */
  checkpoint?: (embeddings: Float32Array, point: CurvePoint) => void;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Warm start: E0 from a previous model's table (warmStart.ts) instead of `options.init`. */
  initial?: InitialTable;
  /** E0 itself, [nNodes, dims] (fromFactors.ts: another model's factors), instead of `options.init`. */
  start?: Float32Array;
}

export interface TrainerResult {
  /** Final (propagated) embeddings of the best validation point, [nNodes, dims] row-major. */
  embeddings: Float32Array;
  /** The trainable table E0 at that point, [nNodes, dims] (what a later training can warm-start from). */
  e0: Float32Array;
  curve: CurvePoint[];
  best?: CurvePoint;
  epochs: number;
  steps: number;
  stepsPerEpoch: number;
  seconds: number;
  initSeconds: number;
  stoppedBy: 'epochs' | 'max-steps' | 'time-budget' | 'early-stopping' | 'aborted';
  /** The cosine losses' popularity exponent γ, chosen on validation (popularityScale.ts); absent for bpr. */
  popularity?: PopularityTuning;
}

export function diverged(where: string): GraphrecError {
  return new GraphrecError(
    'INTERNAL',
    `training diverged: the loss became NaN or Inf at ${where}; lower --lr or raise --l2`,
    { field: 'loss' },
  );
}

export async function trainEmbeddings(input: TrainerInput): Promise<TrainerResult> {
  const o = input.options;
  const { graph, fit } = input;
  const nU = fit.nRows;
  const d = o.dims;
  const layers = o.model === 'mf' ? 0 : o.layers;
  const rng = createRng(o.seed);
  const t0 = Date.now();
  let excluded = 0; // milliseconds spent in the track hook
  const now = () => (Date.now() - t0 - excluded) / 1000;

  if (input.initial && input.initial.dims !== d)
    throw validationError(
      `the warm-start table has ${input.initial.dims} dims, but this training has ${d} (--dims)`,
      { field: 'warm-start' },
    );
  if (input.start && input.start.length !== graph.nNodes * d)
    throw validationError(
      `the start table has ${input.start.length} values, but this training needs ${graph.nNodes} nodes x ${d} dims`,
      { field: 'dims' },
    );
  const init = input.start
    ? input.start
    : input.initial
      ? warmStartRows(input.initial, graph.adj, rng, o.initScale)
      : o.init === 'spectral'
        ? spectralInit(
            fit,
            {
              dims: d,
              layers,
              power: o.spectralPower,
              scale: o.initScale,
              oversample: o.spectralOversample,
              powerIterations: o.spectralPowerIterations,
            },
            rng,
          ).embeddings
        : Float32Array.from({ length: graph.nNodes * d }, () => rng.normal() * o.initScale);
  const initSeconds = now();
  input.log?.('initialised', {
    init: input.start ? 'given' : input.initial ? 'warm' : o.init,
    ...(input.initial ? { reusedRows: input.initial.remap.reused, rows: graph.nNodes } : {}),
    seconds: initSeconds,
  });

  const e0 = tf.variable(tf.tensor2d(init, [graph.nNodes, d]), true, 'e0');
  const outScale =
    o.itemDegreeExponent > 0 ? itemDegreeScale(graph.nNodes, fit, o.itemDegreeExponent) : undefined;
  const scaleT = outScale && layers === 0 ? tf.tensor2d(outScale, [graph.nNodes, 1]) : undefined;
  const encode =
    layers > 0
      ? propagateOp(graph.adj, layers, undefined, outScale)
      : scaleT
        ? (x: tf.Tensor2D) => tf.mul(x, scaleT) as tf.Tensor2D
        : (x: tf.Tensor2D) => x;
  const finalEmbeddings = (x: Float32Array = e0.dataSync() as Float32Array): Float32Array => {
    const e = layers > 0 ? layerMean(graph.adj, x, d, layers) : Float32Array.from(x);
    if (outScale) scaleRows(e, d, outScale);
    if (o.loss !== 'bpr') normaliseRows(e, d);
    return e;
  };
  const optimizer = tf.train.adam(o.lr);
  // The softmax loss shares one set of negatives per batch, drawn separately (see softmaxLoss).
  const sampler =
    o.loss === 'full-softmax'
      ? new UserBlockSampler(fit, rng)
      : new BprSampler(fit, rng, o.loss === 'softmax' ? 0 : o.negatives);
  const batchSize = o.loss === 'full-softmax' ? fullSoftmaxBlock(o.batchSize, fit.nCols) : o.batchSize;
  if (batchSize < o.batchSize)
    input.log?.('full-softmax block shrunk to fit memory', { users: batchSize, items: fit.nCols });
  const stepsPerEpoch = Math.ceil(sampler.interactions / batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const curve: CurvePoint[] = [];
  let best: CurvePoint | undefined;
  let bestEmb: Float32Array | undefined;
  let bestE0: Float32Array | undefined;
  let sinceBest = 0;
  let step = 0;
  let epoch = 0;
  let lossAvg = NaN;
  let stoppedBy: TrainerResult['stoppedBy'] = 'epochs';
  input.progress?.setTotal(Number.isFinite(totalSteps) ? totalSteps : stepsPerEpoch);

  const validate = (): boolean => {
    const x = Float32Array.from(e0.dataSync() as Float32Array);
    const emb = finalEmbeddings(x);
    for (let j = 0; j < emb.length; j++)
      if (!Number.isFinite(emb[j])) throw diverged(`epoch ${epoch}, step ${step}`);
    const point: CurvePoint = { epoch, step, seconds: 0, loss: lossAvg, valid: {} };
    if (input.valid && input.valid.users.length > 0) {
      const r = evaluate(scorerOf(emb, nU, d), {
        exclude: fit,
        truth: input.valid.truth,
        users: input.valid.users,
        ks: [20],
      });
      point.valid = { 'recall@20': r.metrics['recall@20'], 'ndcg@20': r.metrics['ndcg@20'] };
    }
    point.seconds = now();
    if (input.track) {
      const t = Date.now();
      point.tracked = input.track(emb, point);
      excluded += Date.now() - t;
    }
    curve.push(point);
    input.log?.('validation', { ...point });
    const score = point.valid['ndcg@20'] ?? -point.loss;
    if (!best || score > (best.valid['ndcg@20'] ?? -best.loss)) {
      best = point;
      bestEmb = emb;
      bestE0 = x;
      sinceBest = 0;
      input.checkpoint?.(emb, point);
    } else sinceBest++;
    return sinceBest >= o.patience;
  };

  try {
    // The starting point is a candidate too: a spectral start can already beat what a short budget trains.
    epoch = 0;
    if (input.valid && input.valid.users.length > 0) validate();
    outer: for (epoch = 1; epoch <= o.epochs; epoch++) {
      sampler.shuffle();
      for (let batch = sampler.next(batchSize); batch; batch = sampler.next(batchSize)) {
        if (input.signal?.aborted) {
          stoppedBy = 'aborted';
          break outer;
        }
        if (step >= o.maxSteps) {
          stoppedBy = 'max-steps';
          break outer;
        }
        const b =
          o.loss === 'softmax'
            ? { ...batch, neg: Int32Array.from({ length: o.negatives }, () => rng.int(fit.nCols)) }
            : batch;
        const lossT = optimizer.minimize(
          () =>
            o.loss === 'full-softmax'
              ? fullSoftmaxLoss(e0, encode, b.users, fit, nU, d, o.l2, o.temperature)
              : o.loss === 'softmax'
                ? softmaxLoss(e0, encode, b, nU, d, o.l2, o.temperature)
                : bprLoss(e0, encode, b, nU, d, o.l2),
          true,
          [e0],
        );
        const loss = lossT ? (await lossT.data())[0] : NaN;
        lossT?.dispose();
        step++;
        if (!Number.isFinite(loss)) throw diverged(`epoch ${epoch}, step ${step}`);
        lossAvg = Number.isNaN(lossAvg) ? loss : 0.9 * lossAvg + 0.1 * loss;
        const latest = curve[curve.length - 1];
        input.progress?.update(step, {
          epoch,
          loss: lossAvg,
          ndcg20: latest?.valid['ndcg@20'] ?? '-',
        });
        const outOfTime = now() >= o.timeBudgetSeconds;
        if (o.evalEverySteps > 0 && step % o.evalEverySteps === 0 && !outOfTime && validate()) {
          stoppedBy = 'early-stopping';
          break outer;
        }
        if (outOfTime) {
          stoppedBy = 'time-budget';
          break outer;
        }
      }
      if (o.evalEverySteps === 0 && validate()) {
        stoppedBy = 'early-stopping';
        break;
      }
    }
    if (epoch > o.epochs) epoch = o.epochs;
    // The last stretch since the previous validation may hold the best point.
    if (stoppedBy !== 'early-stopping' && curve[curve.length - 1]?.step !== step) validate();
    if (!bestE0) {
      bestE0 = Float32Array.from(e0.dataSync() as Float32Array);
      bestEmb = finalEmbeddings(bestE0);
    }
  } finally {
    e0.dispose();
    scaleT?.dispose();
    optimizer.dispose();
  }
  let popularity: PopularityTuning | undefined;
  if (
    o.loss !== 'bpr' &&
    o.popularityExponents.some((g) => g > 0) &&
    input.valid &&
    input.valid.users.length > 0
  ) {
    popularity = tunePopularityExponent(bestEmb!, fit, d, input.valid, o.popularityExponents);
    input.log?.('popularity exponent', { ...popularity });
  }
  return {
    embeddings: bestEmb!,
    e0: bestE0,
    curve,
    best,
    epochs: epoch,
    steps: step,
    stepsPerEpoch,
    seconds: now(),
    initSeconds,
    stoppedBy,
    ...(popularity ? { popularity } : {}),
  };
}

/** Users are rows [0, nU) of the node table, items the next range. */
export function scorerOf(emb: Float32Array, nU: number, d: number) {
  return { dims: d, users: emb.subarray(0, nU * d), items: emb.subarray(nU * d) };
}

/**
 * Output scale of each node: items (rows [nU, nU + nI)) by max(train degree, 1)^β, every other node 1. It is
 * GF-CF's D_I^β on the item side (Shen et al. 2021): a low-pass filter of the symmetric-normalised graph
 * under-scores popular items by d_i^-1/2, and this gives it back.
 */
export function itemDegreeScale(nNodes: number, fit: Csr, beta: number): Float32Array {
  const scale = new Float32Array(nNodes).fill(1);
  const deg = new Float64Array(fit.nCols);
  for (let e = 0; e < fit.ptr[fit.nRows]; e++) deg[fit.idx[e]] += 1;
  for (let i = 0; i < fit.nCols; i++) scale[fit.nRows + i] = Math.max(deg[i], 1) ** beta;
  return scale;
}
