// What an embedding run will hold in memory, checked before the first allocation, and allocation failures turned
// into an error a user can act on. The WebAssembly backend has 4 GiB in all and aborts the whole module when it
// runs out; native TensorFlow and V8's typed arrays throw. Either way the user should read the sizes and the flag
// that helps, not "Aborted(). Build with -sASSERTIONS".
import os from 'node:os';
import { GraphrecError } from '../../core';
import type { BackendName } from '../kernels/backend';
import { fullSoftmaxBlock } from './losses';
import type { TrainerOptions } from './options';

/** The WebAssembly backend's whole address space; the rest of the run (tfjs, buffers) needs some of it. */
const WASM_BYTES = 4 * 2 ** 30;
/** Native TensorFlow and typed arrays share the machine with the OS and the data: plan for most, not all. */
const NATIVE_SHARE = 0.8;

export interface MemoryPlan {
  /** Tables: E0, Adam's two moments, the gradient and one activation per propagation layer, float32. */
  tableBytes: number;
  /** One step's batch tensors: full-softmax logits (several copies alive) or the sampled scores. */
  stepBytes: number;
  totalBytes: number;
  limitBytes: number;
  /** Users in a full-softmax block after shrinking to the logits cap. */
  block: number;
}

type PlanOptions = Pick<TrainerOptions, 'dims' | 'layers' | 'loss' | 'batchSize' | 'negatives'>;

export function memoryPlan(
  nUsers: number,
  nItems: number,
  o: PlanOptions,
  backend: BackendName,
  totalMem = os.totalmem(),
): MemoryPlan {
  const nodes = nUsers + nItems;
  const tableBytes = 4 * nodes * o.dims * (4 + Math.max(1, o.layers));
  const block = o.loss === 'full-softmax' ? fullSoftmaxBlock(o.batchSize, nItems) : o.batchSize;
  // Full softmax keeps the logits, their scaled copy, the softmax and its gradient: four [block, items] tensors.
  const stepBytes =
    o.loss === 'full-softmax'
      ? 4 * 4 * block * nItems
      : 4 * 4 * o.batchSize * (2 + Math.max(1, o.negatives)) * o.dims;
  const limitBytes = backend === 'wasm' ? WASM_BYTES : Math.floor(NATIVE_SHARE * totalMem);
  return { tableBytes, stepBytes, totalBytes: tableBytes + stepBytes, limitBytes, block };
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

function advice(backend: BackendName): string {
  const native =
    backend === 'tensorflow'
      ? ''
      : '; native TensorFlow (scripts/tfjs-native.sh, or `npm install` with internet) lifts the 4 GiB ceiling of the wasm backend';
  return `lower --dims or --layers (or --batch-size), or train --model auto, whose families size themselves to the machine${native}`;
}

function describe(nUsers: number, nItems: number, o: PlanOptions, backend: BackendName): string {
  return `${nUsers.toLocaleString('en')} users x ${nItems.toLocaleString('en')} items at ${o.dims} dims, ${o.layers} layers, ${o.loss} loss, on the ${backend} backend`;
}

/** Refuse a run that cannot fit before it starts, naming the sizes and the flags that help. */
export function checkMemoryPlan(
  nUsers: number,
  nItems: number,
  o: PlanOptions,
  backend: BackendName,
  totalMem = os.totalmem(),
): MemoryPlan {
  const plan = memoryPlan(nUsers, nItems, o, backend, totalMem);
  if (plan.totalBytes > plan.limitBytes)
    throw new GraphrecError(
      'UNAVAILABLE',
      `not enough memory to train ${describe(nUsers, nItems, o, backend)}: it needs about ${gib(plan.totalBytes)} (tables ${gib(plan.tableBytes)}, one step ${gib(plan.stepBytes)}) of ${gib(plan.limitBytes)}; ${advice(backend)}`,
      { field: 'dims' },
    );
  return plan;
}

/** Below this an optional stage's memory is noise next to Node and tfjs themselves. */
const OPTIONAL_FLOOR_BYTES = 256 * 2 ** 20;

/**
 * What an optional stage may use (auto's LightGCN stage): what the process held at its peak RSS and has since
 * given back, plus a tenth of that peak, so that a run needs about the same memory of the machine with or without
 * the stage; never less than a small floor.
 */
export function optionalStageBytes(): number {
  const peak = process.resourceUsage().maxRSS * 1024;
  const freed = Math.max(0, peak - process.memoryUsage.rss());
  return Math.max(OPTIONAL_FLOOR_BYTES, freed + peak / 10);
}

/**
 * The trainer's real footprint over memoryPlan's tables and step: tfjs keeps per-layer gradients, Adam's slots and
 * the batch's temporaries beside them (measured on a native-backend run at 1,024 dims).
 */
export const TRAINER_OVERHEAD = 4;

/** The widest dims up to `maxDims` whose run, with the trainer's overhead, fits in `bytes`; 0 when none does. */
export function widestAffordableDims(
  nUsers: number,
  nItems: number,
  o: PlanOptions,
  maxDims: number,
  bytes: number,
  backend: BackendName,
): number {
  const perDim = (d: number) =>
    TRAINER_OVERHEAD * memoryPlan(nUsers, nItems, { ...o, dims: d }, backend).totalBytes;
  let lo = 0;
  let hi = maxDims;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (perDim(mid) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The messages runtimes give when an allocation fails (V8 typed arrays, TensorFlow's allocator, a wasm abort). */
const OUT_OF_MEMORY =
  /Array buffer allocation failed|Invalid typed array length|Invalid array length|OOM when allocating|ResourceExhausted|out of memory|Cannot allocate memory|^Aborted\(/i;

export function isOutOfMemory(err: unknown): boolean {
  if (err instanceof GraphrecError) return false;
  const msg = err instanceof Error ? err.message : String(err);
  return OUT_OF_MEMORY.test(msg);
}

/** Run `fn`; an allocation failure inside it becomes a typed error naming the sizes and the flags that help. */
export async function withMemoryErrors<T>(
  nUsers: number,
  nItems: number,
  o: PlanOptions,
  backend: BackendName,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isOutOfMemory(err)) throw err;
    const first = (err instanceof Error ? err.message : String(err)).split('\n', 1)[0];
    throw new GraphrecError(
      'UNAVAILABLE',
      `ran out of memory training ${describe(nUsers, nItems, o, backend)} (${first}); ${advice(backend)}`,
      { field: 'dims' },
      { cause: err },
    );
  }
}
