import * as tf from '@tensorflow/tfjs';
import { GraphrecError } from '../../core';
import { csrFromTriples } from '../data/csr';
import { createRng } from '../../core';
import { carveValidation } from '../data/split';
import { userItemGraph } from '../graph/propagationGraph';
import { FULL_SOFTMAX_MAX_LOGITS, fullSoftmaxBlock } from './losses';
import { defaultTrainerOptions } from './options';
import { trainEmbeddings } from './trainer';

/** Two communities of users, each liking its own half of the items: learnable in a few steps. */
function toyTrain() {
  const rng = createRng(3);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < 60; u++) {
    const half = u % 2;
    const items = new Set<number>();
    while (items.size < 6) items.add(half * 20 + rng.int(20));
    for (const i of [...items].sort((a, b) => a - b)) {
      rows.push(u);
      cols.push(i);
    }
  }
  return csrFromTriples(60, 40, Int32Array.from(rows), Int32Array.from(cols));
}

describe('trainEmbeddings', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(['bpr', 'softmax', 'full-softmax'] as const)(
    'learns the communities with the %s loss, deterministically',
    async (loss) => {
      const train = toyTrain();
      const split = carveValidation(train, { userFraction: 0.5, itemFraction: 0.2, rng: createRng(1) });
      const options = {
        ...defaultTrainerOptions('lightgcn'),
        dims: 8,
        epochs: 6,
        batchSize: loss === 'full-softmax' ? 16 : 64,
        negatives: loss === 'bpr' ? 2 : 16,
        loss,
        lr: 0.05,
        spectralOversample: 8,
      };
      const run = () =>
        trainEmbeddings({
          graph: userItemGraph(split.fit),
          fit: split.fit,
          valid: { truth: split.valid, users: split.users },
          options,
        });
      const a = await run();
      const b = await run();
      expect(a.curve.length).toBeGreaterThan(0);
      expect(a.best!.valid['recall@20']).toBeGreaterThan(0.5);
      expect(Array.from(a.embeddings)).toEqual(Array.from(b.embeddings));
    },
  );

  it('maxSteps 0 returns the start, and the item degree exponent scales item rows by degree^β', async () => {
    const train = toyTrain();
    const options = {
      ...defaultTrainerOptions('lightgcn'),
      dims: 4,
      maxSteps: 0,
      loss: 'bpr' as const,
      validUserFraction: 0,
    };
    const run = (beta: number) =>
      trainEmbeddings({
        graph: userItemGraph(train),
        fit: train,
        options: { ...options, itemDegreeExponent: beta },
      });
    const [plain, scaled] = [await run(0), await run(1)];
    expect(plain.steps).toBe(0);
    expect(plain.stoppedBy).toBe('max-steps');
    const degree = new Float64Array(40);
    for (let e = 0; e < train.ptr[60]; e++) degree[train.idx[e]] += 1;
    for (let r = 0; r < 100 * 4; r++) {
      const f = r < 60 * 4 ? 1 : Math.max(degree[Math.floor(r / 4) - 60], 1);
      expect(scaled.embeddings[r]).toBeCloseTo(plain.embeddings[r] * f, 4);
    }
  });

  it('stops on NaN and names the step', async () => {
    const train = toyTrain();
    const options = {
      ...defaultTrainerOptions('mf'),
      dims: 4,
      init: 'normal' as const,
      initScale: NaN,
      validUserFraction: 0,
    };
    await expect(trainEmbeddings({ graph: userItemGraph(train), fit: train, options })).rejects.toThrow(
      new GraphrecError(
        'INTERNAL',
        'training diverged: the loss became NaN or Inf at epoch 1, step 1; lower --lr or raise --l2',
      ),
    );
  });
});

describe('full-softmax user block', () => {
  it('keeps the batch where its logits fit, and shrinks it for a large catalogue', () => {
    expect(fullSoftmaxBlock(1024, 50_000)).toBe(1024);
    expect(fullSoftmaxBlock(1024, 500_000)).toBe(134);
    expect(fullSoftmaxBlock(1024, 500_000) * 500_000).toBeLessThanOrEqual(FULL_SOFTMAX_MAX_LOGITS);
    expect(fullSoftmaxBlock(1024, 1e9)).toBe(1);
  });
});
