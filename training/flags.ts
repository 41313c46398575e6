// CLI flags of `graphrec train` / `graphrec eval`, validated here so the commands stay thin and the error
// texts are tested: each states the rule and the value received.
import { validationError } from '../core';
import type { BackendChoice } from './kernels/backend';
import type { TrainerOptions } from './lightgcn/options';
import { MODEL_KINDS, type ModelKind } from './run';
import type { WarmStartRequest } from './warmStart';

export interface TrainFlags {
  model: ModelKind;
  data: string;
  /** `--split FILE|ID`, only with `--data neo4j`. */
  split?: string;
  backend: BackendChoice;
  trackTest: boolean;
  /** Benchmark data: refit on the whole train set for the validated step count (see TrainRequest.refit). */
  refit: boolean;
  options: Partial<TrainerOptions>;
  /** `--warm-start VERSION|DIR|active`: asked for by name, so any problem with it is an error. */
  warmStart?: WarmStartRequest;
  /**
   * `--new-arrivals-budget F` (ranker): the share of validation NDCG@20 its new-arrivals quota may cost, in
   * [0, 1); 0 = pure NDCG@20 tuning. Absent: DEFAULT_NEW_ARRIVALS_BUDGET (context/ranker.ts).
   */
  newArrivalsBudget?: number;
}

type Raw = Record<string, unknown>;

function num(
  raw: Raw,
  flag: string,
  rule: { int?: boolean; min?: number; max?: number; gt?: number; lt?: number },
): number | undefined {
  const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  const v = raw[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  const ok =
    typeof v === 'string' &&
    v.trim() !== '' &&
    Number.isFinite(n) &&
    (!rule.int || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max) &&
    (rule.gt === undefined || n > rule.gt) &&
    (rule.lt === undefined || n < rule.lt);
  if (!ok) {
    const what = [
      rule.int ? 'an integer' : 'a number',
      rule.min !== undefined ? `>= ${rule.min}` : '',
      rule.gt !== undefined ? `> ${rule.gt}` : '',
      rule.max !== undefined ? `<= ${rule.max}` : '',
      rule.lt !== undefined ? `< ${rule.lt}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw validationError(`--${flag} must be ${what}, but got: ${JSON.stringify(v)}`, { field: flag });
  }
  return n;
}

function oneOf<T extends string>(raw: Raw, flag: string, allowed: readonly T[], fallback: T): T {
  const v = raw[flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw validationError(`--${flag} must be one of ${allowed.join(', ')}, but got: ${JSON.stringify(v)}`, {
      field: flag,
    });
  }
  return v as T;
}

export function parseTrainFlags(raw: Raw): TrainFlags {
  const model = oneOf(raw, 'model', MODEL_KINDS, 'auto');
  if (typeof raw.data !== 'string' || raw.data === '') {
    throw validationError('--data is required, for example --data lightgcn:DIR, shop:DIR or neo4j', {
      field: 'data',
    });
  }
  const o: Partial<TrainerOptions> = {};
  const set = <K extends keyof TrainerOptions>(k: K, v: TrainerOptions[K] | undefined) => {
    if (v !== undefined) o[k] = v;
  };
  set('epochs', num(raw, 'epochs', { int: true, min: 1 }));
  const budget = num(raw, 'time-budget', { gt: 0 });
  set('timeBudgetSeconds', budget === undefined ? undefined : budget * 60);
  set('batchSize', num(raw, 'batch-size', { int: true, min: 1 }));
  set('negatives', num(raw, 'negatives', { int: true, min: 1, max: 1000 }));
  set('lr', num(raw, 'lr', { gt: 0, max: 10 }));
  set('l2', num(raw, 'l2', { min: 0 }));
  set('dims', num(raw, 'dims', { int: true, min: 1, max: 4096 }));
  set('layers', num(raw, 'layers', { int: true, min: 0, max: 10 }));
  set('seed', num(raw, 'seed', { int: true, min: 0 }));
  set('patience', num(raw, 'patience', { int: true, min: 1 }));
  set('evalEverySteps', num(raw, 'eval-every', { int: true, min: 0 }));
  set('validUserFraction', num(raw, 'valid-users', { min: 0, max: 1 }));
  set('itemDegreeExponent', num(raw, 'item-degree', { min: 0, max: 2 }));
  set('spectralPower', num(raw, 'spectral-power', { min: 0, max: 16 }));
  if (raw.init !== undefined) o.init = oneOf(raw, 'init', ['spectral', 'normal'] as const, 'spectral');
  if (raw.loss !== undefined) o.loss = oneOf(raw, 'loss', ['bpr', 'softmax', 'full-softmax'] as const, 'bpr');
  return {
    model,
    data: raw.data,
    split: splitFlag(raw, raw.data),
    backend: oneOf(raw, 'backend', ['auto', 'tensorflow', 'wasm', 'cpu'] as const, 'auto'),
    trackTest: Boolean(raw.trackTest),
    refit: raw.refit !== false,
    options: o,
    ...warmStartFlag(raw, model, raw.data),
    ...newArrivalsBudgetFlag(raw, model),
  };
}

/** Only the ranker has a new-arrivals quota, so the flag on another model is a mistake, not a no-op. */
function newArrivalsBudgetFlag(raw: Raw, model: ModelKind): { newArrivalsBudget?: number } {
  const v = num(raw, 'new-arrivals-budget', { min: 0, lt: 1 });
  if (v === undefined) return {};
  if (model !== 'ranker')
    throw validationError(
      `--new-arrivals-budget tunes the ranker's new-arrivals quota, so it needs --model ranker, but got: --model ${model}`,
      { field: 'new-arrivals-budget' },
    );
  return { newArrivalsBudget: v };
}

const EMBEDDING_MODELS: ModelKind[] = ['auto', 'lightgcn', 'mf', 'lightgcn-meta', 'ranker'];

function warmStartFlag(raw: Raw, model: ModelKind, data: string): { warmStart?: WarmStartRequest } {
  const v = raw.warmStart;
  if (v === undefined) return {};
  // On a shop, auto is the ranker, which starts from a stored table; on interaction files it tunes from scratch.
  if (model === 'auto' && data.startsWith('lightgcn:'))
    throw validationError(
      '--warm-start needs an embedding model; --model auto on lightgcn: data tunes its families from scratch',
      { field: 'warm-start' },
    );
  if (typeof v !== 'string' || v === '')
    throw validationError(
      `--warm-start must be a model version, a model directory or "active", but got: ${JSON.stringify(v)}`,
      { field: 'warm-start' },
    );
  if (!EMBEDDING_MODELS.includes(model))
    throw validationError(
      `--warm-start starts embeddings from a stored table, so it needs --model ${EMBEDDING_MODELS.join(' | ')}, but got: --model ${model}`,
      { field: 'warm-start' },
    );
  return { warmStart: { from: v, onProblem: 'error' } };
}

/** The files' sources compute their split from the files; only the graph needs a persisted one. */
function splitFlag(raw: Raw, data: string): string | undefined {
  const v = raw.split;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '')
    throw validationError(`--split must be a manifest file or a split id, but got: ${JSON.stringify(v)}`, {
      field: 'split',
    });
  if (!/^neo4j(:|$)/.test(data))
    throw validationError(
      `--split applies to --data neo4j (shop: and lightgcn: sources split their own files), but got: --data ${data}`,
      { field: 'split' },
    );
  return v;
}

export function parseEvalFlags(raw: Raw): {
  version: string;
  data: string;
  split?: string;
  backend: BackendChoice;
} {
  if (typeof raw.version !== 'string' || raw.version === '') {
    throw validationError('--version is required, for example --version lightgcn-20260101-120000-abc123', {
      field: 'version',
    });
  }
  if (typeof raw.data !== 'string' || raw.data === '') {
    throw validationError('--data is required, for example --data lightgcn:DIR, shop:DIR or neo4j', {
      field: 'data',
    });
  }
  return {
    version: raw.version,
    data: raw.data,
    split: splitFlag(raw, raw.data),
    backend: oneOf(raw, 'backend', ['auto', 'tensorflow', 'wasm', 'cpu'] as const, 'auto'),
  };
}
