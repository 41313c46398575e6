// The last stage of `train --model auto`: LightGCN fine-tuned from the best factor family's start
// (lightgcn/fromFactors.ts: the low-pass basis exactly, iALS's factors approximately), BPR on dot products so the
// start's scale is kept, early stopping on the same validation sample as every family. The caller adopts it only
// when validation NDCG@20 improves, alone or in the blend.
//
// Cost: a step is a layer mean forward and one backward plus Adam over the whole table, whatever the batch, so
// one propagation timed on the start prices a step; one validation round (`evalEverySteps` steps and a
// validation) must fit before the deadline or the stage is skipped, and the trainer stops at the deadline.
import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../core';
import type { Csr } from '../data/csr';
import { userItemGraph } from '../graph/propagationGraph';
import type { BackendName } from '../kernels/backend';
import { layerMean } from '../kernels/spmm';
import { factorStart, lowPassStart } from '../lightgcn/fromFactors';
import {
  checkMemoryPlan,
  optionalStageBytes,
  widestAffordableDims,
  withMemoryErrors,
} from '../lightgcn/memoryPlan';
import { benchmarkTrainerOptions, type TrainerOptions } from '../lightgcn/options';
import { itemDegreeScale, trainEmbeddings } from '../lightgcn/trainer';
import type { IalsModel } from './ials';
import type { LowPassBasis } from './lowPass';

/** A step costs about this many layer means: the forward one, the backward one, and the gathers and Adam. */
const STEP_PROPAGATIONS = 3;

export type StartFamily = 'lowpass' | 'ials';

export interface FineTuneStarts {
  lowpass?: { basis: LowPassBasis; rank: number; ndcg: number };
  ials?: { model: IalsModel; ndcg: number };
}

export interface FineTuneRequest {
  fit: Csr;
  valid: Csr;
  users: Int32Array;
  starts: FineTuneStarts;
  /** Absolute time (ms since the epoch) the stage must end by. */
  deadline: number;
  /** Seconds one validation of the sample takes (measured on the families). */
  evalSeconds: number;
  seed: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  signal?: AbortSignal;
  /** Memory the stage may use (tests); by default optionalStageBytes(), about what the families freed. */
  freedBytes?: number;
}

/** Below this the start keeps too few components to be worth a stage. */
const MIN_DIMS = 16;

/** LightGCN's final tables: users [nUsers, dims], items [nItems, dims] (degree scale applied). */
export interface LightgcnTables {
  dims: number;
  users: Float32Array;
  items: Float32Array;
}

export interface FineTuned {
  tables: LightgcnTables;
  /** E0 at the best validation point, for the tables on another graph (the refit on all of train). */
  e0: Float32Array;
  layers: number;
  itemDegreeExponent: number;
  valid: { 'ndcg@20': number; 'recall@20': number };
}

export interface FineTuneReport {
  start: StartFamily | null;
  /** Validation NDCG@20 of the start itself (step 0) and of the best point. */
  startNdcg?: number;
  epochs: number;
  steps: number;
  seconds: number;
  stoppedBy?: string;
  /** Why the stage did not run, when it did not. */
  skipped?: string;
}

/** The start with the better validation NDCG@20 among the factor families that were fitted. */
export function pickStart(s: FineTuneStarts): StartFamily | null {
  if (s.lowpass && (!s.ials || s.lowpass.ndcg >= s.ials.ndcg)) return 'lowpass';
  return s.ials ? 'ials' : null;
}

/**
 * Whether one validation round fits before the deadline: the start's validation, `evalEverySteps` steps of
 * STEP_PROPAGATIONS layer means each, and the round's validation.
 */
export function affordsRound(
  propagationSeconds: number,
  evalSeconds: number,
  evalEverySteps: number,
  secondsLeft: number,
): { ok: boolean; needs: number } {
  const needs = 2 * evalSeconds + evalEverySteps * STEP_PROPAGATIONS * propagationSeconds;
  return { ok: needs < secondsLeft, needs };
}

/** The layer mean of `e0` over `history`'s user-item graph, items scaled by degree^β: LightGCN's scoring tables. */
export function lightgcnTables(
  e0: Float32Array,
  history: Csr,
  dims: number,
  layers: number,
  beta: number,
): LightgcnTables {
  const g = userItemGraph(history);
  const e = layerMean(g.adj, e0, dims, layers);
  const nU = history.nRows;
  if (beta > 0) {
    const scale = itemDegreeScale(g.nNodes, history, beta);
    for (let r = nU; r < g.nNodes; r++) for (let c = 0; c < dims; c++) e[r * dims + c] *= scale[r];
  }
  return { dims, users: e.slice(0, nU * dims), items: e.slice(nU * dims) };
}

export async function fineTuneLightgcn(
  r: FineTuneRequest,
): Promise<{ report: FineTuneReport; model?: FineTuned }> {
  const t0 = Date.now();
  const start = pickStart(r.starts);
  const base = benchmarkTrainerOptions('lightgcn');
  const skip = (skipped: string, from: StartFamily | null = start) => {
    r.log('lightgcn fine-tune skipped', { reason: skipped });
    return {
      report: { start: from, epochs: 0, steps: 0, seconds: (Date.now() - t0) / 1000, skipped },
    };
  };
  if (!start) return skip('no factor family was fitted to start from');
  const backend = tf.getBackend() as BackendName;
  // The stage is optional: it may use about what the families held at their peak and have given back, so a run
  // needs about the same memory with or without it. The low-pass start keeps its top components when that is less.
  const fullDims = start === 'lowpass' ? r.starts.lowpass!.rank : r.starts.ials!.model.dims;
  const freed = r.freedBytes ?? optionalStageBytes();
  const dims = widestAffordableDims(r.fit.nRows, r.fit.nCols, base, fullDims, freed, backend);
  if (dims < MIN_DIMS || (start === 'ials' && dims < fullDims))
    return skip(
      `it would raise the run's peak memory: ${(freed / 2 ** 20).toFixed(0)} MB allowed, ${start === 'ials' ? fullDims : MIN_DIMS} dims need more`,
    );
  const graph = userItemGraph(r.fit);
  const beta = start === 'lowpass' ? 0.5 : 0;
  const e0 =
    start === 'lowpass'
      ? lowPassStart(r.starts.lowpass!.basis, r.fit, dims, base.layers, base.initScale)
      : {
          e0: factorStart(
            graph.adj,
            r.starts.ials!.model.users,
            r.starts.ials!.model.items,
            r.starts.ials!.model.dims,
            base.layers,
            base.initScale,
          ),
          dims: r.starts.ials!.model.dims,
        };
  const options: TrainerOptions = {
    ...base,
    dims: e0.dims,
    itemDegreeExponent: beta,
    popularityExponents: [0],
    seed: r.seed,
  };
  try {
    checkMemoryPlan(r.fit.nRows, r.fit.nCols, options, backend);
  } catch (err) {
    return skip(err instanceof Error ? err.message : String(err));
  }
  const tp = Date.now();
  layerMean(graph.adj, e0.e0, e0.dims, options.layers);
  const propagationSeconds = (Date.now() - tp) / 1000;
  const left = (r.deadline - Date.now()) / 1000;
  const round = affordsRound(propagationSeconds, r.evalSeconds, options.evalEverySteps, left);
  if (!round.ok)
    return skip(
      `a validation round (${options.evalEverySteps} steps at ${e0.dims} dims and a validation) needs about ${round.needs.toFixed(1)} s, ${Math.max(0, left).toFixed(1)} s left`,
    );
  let res;
  try {
    res = await withMemoryErrors(r.fit.nRows, r.fit.nCols, options, backend, () =>
      trainEmbeddings({
        graph,
        fit: r.fit,
        valid: { truth: r.valid, users: r.users },
        options: { ...options, timeBudgetSeconds: Math.max(1, (r.deadline - Date.now()) / 1000) },
        signal: r.signal,
        start: e0.e0,
        log: (msg, fields) => r.log(`lightgcn ${msg}`, fields),
      }),
    );
  } catch (err) {
    // Out of memory mid-run: the families are still there, so the stage is dropped rather than the training.
    if (err instanceof GraphrecError && err.kind === 'UNAVAILABLE') return skip(err.message);
    throw err;
  }
  const nU = r.fit.nRows;
  const d = e0.dims;
  const best = res.best?.valid ?? {};
  const report: FineTuneReport = {
    start,
    startNdcg: res.curve[0]?.valid['ndcg@20'],
    epochs: res.epochs,
    steps: res.steps,
    seconds: (Date.now() - t0) / 1000,
    stoppedBy: res.stoppedBy,
  };
  return {
    report,
    model: {
      tables: { dims: d, users: res.embeddings.slice(0, nU * d), items: res.embeddings.slice(nU * d) },
      e0: res.e0,
      layers: options.layers,
      itemDegreeExponent: beta,
      valid: { 'ndcg@20': best['ndcg@20'] ?? 0, 'recall@20': best['recall@20'] ?? 0 },
    },
  };
}
