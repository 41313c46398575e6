import { GraphrecError } from '../../core';
import { FULL_SOFTMAX_MAX_LOGITS } from './losses';
import {
  checkMemoryPlan,
  isOutOfMemory,
  memoryPlan,
  optionalStageBytes,
  TRAINER_OVERHEAD,
  widestAffordableDims,
  withMemoryErrors,
} from './memoryPlan';

const o = { dims: 64, layers: 3, loss: 'full-softmax' as const, batchSize: 1024, negatives: 1 };
const GiB = 2 ** 30;

describe('memoryPlan', () => {
  it('lets the default shop (200k users, 50k items) train on either backend', () => {
    expect(() => checkMemoryPlan(200_000, 50_000, o, 'wasm', 24 * GiB)).not.toThrow();
    expect(() => checkMemoryPlan(200_000, 50_000, o, 'tensorflow', 24 * GiB)).not.toThrow();
  });

  it('refuses 10x (2M users, 500k items) on wasm before starting, naming the sizes and the flags', () => {
    let err: unknown;
    try {
      checkMemoryPlan(2_000_000, 500_000, o, 'wasm', 24 * GiB);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphrecError);
    const msg = (err as Error).message;
    expect(msg).toContain('2,000,000 users x 500,000 items at 64 dims');
    expect(msg).toContain('of 4.0 GiB');
    expect(msg).toContain('--dims');
    expect(msg).toContain('native TensorFlow');
  });

  it('lets the same run through on native TensorFlow with 24 GiB', () => {
    expect(checkMemoryPlan(2_000_000, 500_000, o, 'tensorflow', 24 * GiB).block).toBeLessThan(1024);
  });

  it('shrinks the full-softmax block for a large catalogue so one step stays bounded', () => {
    const small = memoryPlan(1000, 10_000, o, 'tensorflow', 24 * GiB);
    const large = memoryPlan(1000, 5_000_000, o, 'tensorflow', 24 * GiB);
    expect(small.block).toBe(1024);
    expect(large.block).toBe(13);
    expect(large.stepBytes).toBeLessThanOrEqual(4 * 4 * FULL_SOFTMAX_MAX_LOGITS);
  });
});

describe('withMemoryErrors', () => {
  it('turns an allocation failure into a typed error with the sizes', async () => {
    const run = withMemoryErrors(52_000, 57_000, o, 'wasm', async () => {
      throw new RangeError('Array buffer allocation failed');
    });
    await expect(run).rejects.toThrow(/ran out of memory training 52,000 users x 57,000 items.*--dims/);
    await expect(run).rejects.toBeInstanceOf(GraphrecError);
  });

  it('recognises a wasm abort and leaves other errors alone', async () => {
    expect(isOutOfMemory(new Error('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    const other = new Error('boom');
    await expect(withMemoryErrors(1, 1, o, 'wasm', () => Promise.reject(other))).rejects.toBe(other);
  });
});

describe('widestAffordableDims', () => {
  const bpr = { dims: 64, layers: 3, loss: 'bpr' as const, batchSize: 2048, negatives: 1 };
  const cost = (d: number) =>
    TRAINER_OVERHEAD * memoryPlan(30_000, 41_000, { ...bpr, dims: d }, 'tensorflow').totalBytes;

  it('gives the widest dims whose run, with the trainer overhead, fits the bytes', () => {
    const bytes = cost(300) + 1;
    const d = widestAffordableDims(30_000, 41_000, bpr, 1024, bytes, 'tensorflow');
    expect(d).toBe(300);
    expect(cost(d + 1)).toBeGreaterThan(bytes);
  });

  it('keeps the full width when it fits, and gives 0 when nothing does', () => {
    expect(widestAffordableDims(30_000, 41_000, bpr, 1024, 100 * GiB, 'tensorflow')).toBe(1024);
    expect(widestAffordableDims(30_000, 41_000, bpr, 1024, 1, 'tensorflow')).toBe(0);
  });

  it('lets an optional stage use at least a small floor', () => {
    expect(optionalStageBytes()).toBeGreaterThanOrEqual(256 * 2 ** 20);
  });
});
