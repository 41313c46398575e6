// The embedding trainer: LightGCN (E = layer mean of Â^k E0) or MF (E = E0), BPR loss with several negatives
// per positive, L2 on the batch's ego embeddings, Adam. tfjs does autograd, the loss and the optimiser; the
// graph propagation and the row gathers are our typed-array ops (kernels/ops.ts).
//
// A step costs two full-graph propagations (forward and backward) whatever the batch size, so the recipe uses
// few, large batches, several negatives per positive and a spectral start (docs/training.md has the log).
import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../core';
import type { Progress } from '../../core';
import type { Csr } from '../data/csr';
import { createRng } from '../data/rng';
import { BprSampler, UserBlockSampler } from '../data/sampler';
import { evaluate } from '../eval/evaluate';
import type { PropagationGraph } from '../graph/propagationGraph';
import {
  fullSoftmaxCrossEntropy,
  gatherRows,
  matMulNT,
  propagateOp,
  softmaxCrossEntropy,
} from '../kernels/ops';
import { layerMean } from '../kernels/spmm';
import type { TrainerOptions } from './options';
import { spectralInit } from './spectralInit';

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
}

export interface TrainerResult {
  /** Final (propagated) embeddings of the best validation point, [nNodes, dims] row-major. */
  embeddings: Float32Array;
  curve: CurvePoint[];
  best?: CurvePoint;
  epochs: number;
  steps: number;
  stepsPerEpoch: number;
  seconds: number;
  initSeconds: number;
  stoppedBy: 'epochs' | 'time-budget' | 'early-stopping' | 'aborted';
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

  const init =
    o.init === 'spectral'
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
  input.log?.('initialised', { init: o.init, seconds: initSeconds });

  const e0 = tf.variable(tf.tensor2d(init, [graph.nNodes, d]), true, 'e0');
  const encode = layers > 0 ? propagateOp(graph.adj, layers) : (x: tf.Tensor2D) => x;
  const finalEmbeddings = (): Float32Array => {
    const x = e0.dataSync() as Float32Array;
    const e = layers > 0 ? layerMean(graph.adj, x, d, layers) : Float32Array.from(x);
    if (o.loss !== 'bpr') normaliseRows(e, d);
    return e;
  };
  const optimizer = tf.train.adam(o.lr);
  // The softmax loss shares one set of negatives per batch, drawn separately (see softmaxLoss).
  const sampler =
    o.loss === 'full-softmax'
      ? new UserBlockSampler(fit, rng)
      : new BprSampler(fit, rng, o.loss === 'softmax' ? 0 : o.negatives);
  const stepsPerEpoch = Math.ceil(sampler.interactions / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const curve: CurvePoint[] = [];
  let best: CurvePoint | undefined;
  let bestEmb: Float32Array | undefined;
  let sinceBest = 0;
  let step = 0;
  let epoch = 0;
  let lossAvg = NaN;
  let stoppedBy: TrainerResult['stoppedBy'] = 'epochs';
  input.progress?.setTotal(Number.isFinite(totalSteps) ? totalSteps : stepsPerEpoch);

  const validate = (): boolean => {
    const emb = finalEmbeddings();
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
      sinceBest = 0;
      input.checkpoint?.(emb, point);
    } else sinceBest++;
    return sinceBest >= o.patience;
  };

  try {
    outer: for (epoch = 1; epoch <= o.epochs; epoch++) {
      sampler.shuffle();
      for (let batch = sampler.next(o.batchSize); batch; batch = sampler.next(o.batchSize)) {
        if (input.signal?.aborted) {
          stoppedBy = 'aborted';
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
  } finally {
    e0.dispose();
    optimizer.dispose();
  }
  return {
    embeddings: bestEmb ?? finalEmbeddings(),
    curve,
    best,
    epochs: epoch,
    steps: step,
    stepsPerEpoch,
    seconds: now(),
    initSeconds,
    stoppedBy,
  };
}

/** Users are rows [0, nU) of the node table, items the next range. */
export function scorerOf(emb: Float32Array, nU: number, d: number) {
  return { dims: d, users: emb.subarray(0, nU * d), items: emb.subarray(nU * d) };
}

/** BPR with q negatives per positive: mean softplus(-(s_up - s_uj)) (softplus, not -logSigmoid: see the notes). */
function bprLoss(
  e0: tf.Variable,
  encode: (x: tf.Tensor2D) => tf.Tensor2D,
  batch: { users: Int32Array; pos: Int32Array; neg: Int32Array },
  nU: number,
  d: number,
  l2: number,
): tf.Scalar {
  const bsz = batch.users.length;
  const q = batch.neg.length / bsz;
  const rows = new Int32Array(bsz * (2 + q));
  rows.set(batch.users, 0);
  for (let b = 0; b < bsz; b++) rows[bsz + b] = nU + batch.pos[b];
  for (let j = 0; j < batch.neg.length; j++) rows[2 * bsz + j] = nU + batch.neg[j];
  const e = encode(e0 as unknown as tf.Tensor2D);
  const g = gatherRows(e, rows);
  const u = g.slice([0, 0], [bsz, d]);
  const p = g.slice([bsz, 0], [bsz, d]);
  const n = g.slice([2 * bsz, 0], [bsz * q, d]).reshape([bsz, q, d]);
  const sp = tf.sum(tf.mul(u, p), 1, true); // [B, 1]
  const sn = tf.sum(tf.mul(tf.expandDims(u, 1), n), 2); // [B, q]
  const bpr = tf.mean(tf.softplus(tf.neg(tf.sub(sp, sn))));
  const ego = gatherRows(e0 as unknown as tf.Tensor2D, rows);
  const sq = tf.sum(tf.square(ego), 1); // [rows]
  const regU = tf.sum(sq.slice([0], [2 * bsz]));
  const regN = tf.div(tf.sum(sq.slice([2 * bsz], [bsz * q])), q);
  const reg = tf.mul(tf.add(regU, regN), l2 / 2 / bsz);
  return tf.add(bpr, reg) as tf.Scalar;
}

/**
 * Sampled softmax over cosine similarities: -log exp(c_ui/τ) / (exp(c_ui/τ) + Σ_j exp(c_uj/τ)), the negatives j
 * shared by the batch (one [B, D] x [D, S] matMul). Converges in far fewer steps than BPR: the softmax weights
 * each negative by how close it is, so hard negatives dominate the gradient.
 */
function softmaxLoss(
  e0: tf.Variable,
  encode: (x: tf.Tensor2D) => tf.Tensor2D,
  batch: { users: Int32Array; pos: Int32Array; neg: Int32Array },
  nU: number,
  d: number,
  l2: number,
  temperature: number,
): tf.Scalar {
  const bsz = batch.users.length;
  const s = batch.neg.length;
  const rows = new Int32Array(2 * bsz + s);
  rows.set(batch.users, 0);
  for (let b = 0; b < bsz; b++) rows[bsz + b] = nU + batch.pos[b];
  for (let j = 0; j < s; j++) rows[2 * bsz + j] = nU + batch.neg[j];
  const e = encode(e0 as unknown as tf.Tensor2D);
  const g = gatherRows(e, rows);
  const u = unit(g.slice([0, 0], [bsz, d]));
  const p = unit(g.slice([bsz, 0], [bsz, d]));
  const n = unit(g.slice([2 * bsz, 0], [s, d]));
  const pos = tf.div(tf.sum(tf.mul(u, p), 1, true), temperature) as tf.Tensor2D; // [B, 1]
  const neg = tf.div(matMulNT(u, n), temperature) as tf.Tensor2D; // [B, S]
  let loss: tf.Scalar = softmaxCrossEntropy(pos, neg);
  if (l2 > 0) {
    const ego = gatherRows(e0 as unknown as tf.Tensor2D, rows.subarray(0, 2 * bsz));
    loss = tf.add(loss, tf.mul(tf.sum(tf.square(ego)), l2 / 2 / bsz));
  }
  return loss as tf.Scalar;
}

/** Scale each row of a row-major [n, d] table to unit length (cosine scoring). */
export function normaliseRows(e: Float32Array, d: number): void {
  for (let o = 0; o < e.length; o += d) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += e[o + j] * e[o + j];
    const f = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) e[o + j] *= f;
  }
}

/**
 * Full softmax: a block of users, each against every item (cosine / temperature), all of the user's train
 * items as positives. One step sees ~B x nItems logits: no negative sampling at all.
 */
function fullSoftmaxLoss(
  e0: tf.Variable,
  encode: (x: tf.Tensor2D) => tf.Tensor2D,
  users: Int32Array,
  fit: Csr,
  nU: number,
  d: number,
  l2: number,
  temperature: number,
): tf.Scalar {
  const nI = fit.nCols;
  const posPtr = new Int32Array(users.length + 1);
  for (let r = 0; r < users.length; r++)
    posPtr[r + 1] = posPtr[r] + fit.ptr[users[r] + 1] - fit.ptr[users[r]];
  const posIdx = new Int32Array(posPtr[users.length]);
  for (let r = 0; r < users.length; r++)
    posIdx.set(fit.idx.subarray(fit.ptr[users[r]], fit.ptr[users[r] + 1]), posPtr[r]);
  const e = encode(e0 as unknown as tf.Tensor2D);
  const u = unit(gatherRows(e, users));
  const items = unit(e.slice([nU, 0], [nI, d]));
  const logits = tf.div(matMulNT(u, items), temperature) as tf.Tensor2D;
  let loss: tf.Scalar = fullSoftmaxCrossEntropy(logits, posPtr, posIdx);
  if (l2 > 0) {
    const ego = gatherRows(e0 as unknown as tf.Tensor2D, users);
    loss = tf.add(loss, tf.mul(tf.sum(tf.square(ego)), l2 / 2 / users.length));
  }
  return loss;
}

/** Rows scaled to unit length; rsqrt(|x|² + ε) keeps the gradient finite at all-zero rows (items with no edges),
 * where the gradient of tf.norm is 0/0. */
function unit(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D;
}
