// Hyper-parameters of the embedding trainer (LightGCN and MF share it; MF is LightGCN with zero layers).
// Defaults are the recipe that won on time-to-quality in docs/training.md, not the paper's.

import { POPULARITY_EXPONENTS } from './popularityScale';

export type EmbeddingModel = 'lightgcn' | 'mf';

export interface TrainerOptions {
  model: EmbeddingModel;
  dims: number;
  /** Propagation layers (LightGCN); forced to 0 for MF. */
  layers: number;
  epochs: number;
  /** Stop after this many seconds of training (validation included, test tracking excluded). */
  timeBudgetSeconds: number;
  batchSize: number;
  negatives: number;
  lr: number;
  /**
   * bpr: mean softplus(-(s_ui - s_uj)) over `negatives` uniform negatives per positive (dot-product scores).
   * softmax: sampled softmax over cosine scores / temperature, the positive against `negatives` uniform
   * negatives shared by the whole batch; final embeddings are then L2-normalised rows.
   * full-softmax: batches of `batchSize` users, each against every item, all its train items positive.
   */
  loss: 'bpr' | 'softmax' | 'full-softmax';
  temperature: number;
  /** L2 weight on the batch's ego embeddings, as in LightGCN: l2/2 * (|u|² + |i|² + |j|²/neg) / batch. */
  l2: number;
  /**
   * β: final item embeddings are multiplied by max(train degree, 1)^β, a fixed output scaling (GF-CF's D_I^β).
   * 0 is plain LightGCN. Scores are dot products, so this only makes sense with the bpr loss (the softmax
   * losses normalise rows).
   */
  itemDegreeExponent: number;
  /**
   * γ candidates for the cosine losses: item rows are scaled by max(weighted degree, 1)^γ after training, γ
   * chosen on validation NDCG@20 (popularityScale.ts). [0] keeps pure cosines. Ignored by the bpr loss.
   */
  popularityExponents: readonly number[];
  init: 'normal' | 'spectral';
  /** Std of the normal init, or rms of the spectral one. */
  initScale: number;
  spectralPower: number;
  spectralOversample: number;
  spectralPowerIterations: number;
  /** Stop after this many steps (Infinity: no limit; 0 returns the starting point). Used by the refit. */
  maxSteps: number;
  /** Validate every this many steps (and at the end of each epoch when 0). */
  evalEverySteps: number;
  /** Stop after this many validations without a better NDCG@20. */
  patience: number;
  seed: number;
  /** Validation carve-out: share of users that give items, share of their items given. 0 disables. */
  validUserFraction: number;
  validItemFraction: number;
}

export const defaultTrainerOptions = (model: EmbeddingModel): TrainerOptions =>
  model === 'mf'
    ? {
        // The MF-BPR baseline of the LightGCN paper: dot products, BPR, random init, no propagation.
        ...common,
        model,
        layers: 0,
        batchSize: 8192,
        negatives: 1,
        lr: 0.005,
        loss: 'bpr',
        init: 'normal',
        evalEverySteps: 0,
      }
    : { ...common, model };

const common: Omit<TrainerOptions, 'model'> = {
  dims: 64,
  layers: 3,
  epochs: 1000,
  timeBudgetSeconds: Infinity,
  batchSize: 1024,
  negatives: 1,
  lr: 0.01,
  loss: 'full-softmax',
  temperature: 0.1,
  l2: 1e-4,
  itemDegreeExponent: 0,
  popularityExponents: POPULARITY_EXPONENTS,
  init: 'spectral',
  initScale: 0.1,
  spectralPower: 2,
  spectralOversample: 32,
  spectralPowerIterations: 3,
  maxSteps: Infinity,
  evalEverySteps: 25,
  patience: 5,
  seed: 2020,
  validUserFraction: 0.15,
  validItemFraction: 0.2,
};

/**
 * LightGCN's recipe for interaction-only benchmark data (`--data lightgcn:DIR`), tuned on Gowalla
 * (docs/training.md): a rank-512 spectral start whose scores are GF-CF's low-pass filter (σ¹ on the singular
 * values, item embeddings scaled by degree^0.5), then BPR fine-tuning with early stopping, which keeps the start
 * when a few steps do not beat it. The shop keeps the defaults above: 64 dimensions are what the API serves,
 * and its metadata nodes have no spectral start.
 */
export const benchmarkTrainerOptions = (model: EmbeddingModel): TrainerOptions =>
  model === 'mf'
    ? defaultTrainerOptions(model)
    : {
        ...defaultTrainerOptions(model),
        dims: 512,
        spectralPower: 1,
        itemDegreeExponent: 0.5,
        loss: 'bpr',
        lr: 0.0005,
        // A step propagates the whole graph at 512 dimensions (about 17 s here), whatever the batch; a larger
        // batch does not fit the wasm backend's heap.
        batchSize: 8192,
        negatives: 2,
        evalEverySteps: 4,
        patience: 2,
      };
