import * as tf from '@tensorflow/tfjs';
import { csrFromTriples } from '../data/csr';
import { createRng } from '../../core';
import { carveValidation } from '../data/split';
import { userItemGraph } from '../graph/propagationGraph';
import { defaultTrainerOptions } from './options';
import { trainEmbeddings } from './trainer';
import { remapRows, warmStartRows } from './warmStart';

describe('remapRows', () => {
  it('matches rows by (type, id), whatever the order, and marks new nodes -1', () => {
    const old = [
      { type: 'user', ids: ['u1', 'u2', 'u3'] },
      { type: 'item', ids: [10, 11] },
      { type: 'category', ids: ['c1'] },
    ];
    const next = [
      { type: 'user', ids: ['u3', 'u9', 'u1'] }, // u2 left, u9 is new, order changed
      { type: 'item', ids: ['11', '12', '10'] }, // numbers and strings are the same id
      { type: 'brand', ids: ['b1'] }, // a type the old model did not have
      { type: 'category', ids: ['c1', 'u1'] }, // an id of another type is not a match
    ];
    const r = remapRows(old, next);
    expect(Array.from(r.rows)).toEqual([2, -1, 0, 4, -1, 3, -1, 5, -1]);
    expect(r.reused).toBe(5);
    expect(r.byType).toEqual({
      user: { reused: 2, total: 3 },
      item: { reused: 2, total: 3 },
      brand: { reused: 0, total: 1 },
      category: { reused: 1, total: 2 },
    });
  });

  it('handles a large table in linear time', () => {
    const n = 200_000;
    const ids = Array.from({ length: n }, (_, i) => `u${i}`);
    const t0 = Date.now();
    const r = remapRows([{ type: 'user', ids }], [{ type: 'user', ids: ids.slice().reverse() }]);
    expect(r.reused).toBe(n);
    expect(r.rows[0]).toBe(n - 1);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('warmStartRows', () => {
  // Nodes 0..3: 0-1 and 0-2 and 1-3 edges; node 2 is new (its neighbour 0 is reused), node 3 is new with
  // only a new neighbour... no: 3's neighbour 1 is reused. Node 4 is isolated and new.
  const adj = csrFromTriples(
    5,
    5,
    Int32Array.from([0, 0, 1, 1, 2, 3]),
    Int32Array.from([1, 2, 0, 3, 0, 1]),
    Float32Array.from([0.5, 0.5, 0.5, 0.25, 0.5, 0.25]),
  ) as ReturnType<typeof csrFromTriples> & { val: Float32Array };

  it('copies reused rows, averages reused neighbours for new nodes, draws the rest', () => {
    const table = Float32Array.from([9, 9, 1, 2, 3, 4]); // old rows 0..2, dims 2
    const rows = Int32Array.from([1, 2, -1, -1, -1]);
    const out = warmStartRows(
      { table, dims: 2, remap: { rows, reused: 2, byType: {} } },
      adj,
      createRng(1),
      0.1,
    );
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(out.subarray(4, 6))).toEqual([1, 2]); // node 2: its only neighbour is node 0
    expect(Array.from(out.subarray(6, 8))).toEqual([3, 4]); // node 3: its only neighbour is node 1
    const iso = Array.from(out.subarray(8, 10));
    expect(iso.every((x) => x !== 0 && Math.abs(x) < 1)).toBe(true);
  });

  it('refuses a remap for another graph', () => {
    expect(() =>
      warmStartRows(
        { table: new Float32Array(4), dims: 2, remap: { rows: new Int32Array(3), reused: 3, byType: {} } },
        adj,
        createRng(1),
        0.1,
      ),
    ).toThrow('the warm-start remap covers 3 nodes, but the training graph has 5');
  });
});

/** Two communities of users, each liking its own half of the items. */
function communities(nUsers: number, seed: number) {
  const rng = createRng(seed);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    const half = u % 2;
    const items = new Set<number>();
    while (items.size < 6) items.add(half * 20 + rng.int(20));
    for (const i of [...items].sort((a, b) => a - b)) {
      rows.push(u);
      cols.push(i);
    }
  }
  return csrFromTriples(nUsers, 40, Int32Array.from(rows), Int32Array.from(cols));
}

describe('trainEmbeddings with an initial table', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  const options = {
    ...defaultTrainerOptions('lightgcn'),
    dims: 8,
    epochs: 6,
    batchSize: 16,
    negatives: 16,
    lr: 0.05,
    spectralOversample: 8,
    evalEverySteps: 0,
  };

  it('returns the E0 of its kept point, and starting from it with 0 steps gives the same model back', async () => {
    const train = communities(60, 3);
    const split = carveValidation(train, { userFraction: 0.5, itemFraction: 0.2, rng: createRng(1) });
    const graph = userItemGraph(split.fit);
    const valid = { truth: split.valid, users: split.users };
    const cold = await trainEmbeddings({ graph, fit: split.fit, valid, options });
    expect(cold.e0).toHaveLength(graph.nNodes * 8);
    const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const nodes = [
      { type: 'user', ids: ids(60, 'u') },
      { type: 'item', ids: ids(40, 'i') },
    ];
    const remap = remapRows(nodes, nodes);
    const again = await trainEmbeddings({
      graph,
      fit: split.fit,
      valid,
      options: { ...options, maxSteps: 0 },
      initial: { table: cold.e0, dims: 8, remap },
    });
    expect(again.steps).toBe(0);
    expect(again.best!.valid['ndcg@20']).toBeCloseTo(cold.best!.valid['ndcg@20'], 6);
    expect(Array.from(again.e0)).toEqual(Array.from(cold.e0));
    // A cold start with 0 steps is far from it.
    const start = await trainEmbeddings({
      graph,
      fit: split.fit,
      valid,
      options: { ...options, maxSteps: 0 },
    });
    expect(start.best!.valid['ndcg@20']).toBeLessThan(cold.best!.valid['ndcg@20']);
  });

  it('starts a grown graph (new users) from the old rows: better than cold at step 0', async () => {
    const small = communities(60, 3);
    const smallSplit = carveValidation(small, { userFraction: 0.5, itemFraction: 0.2, rng: createRng(1) });
    const first = await trainEmbeddings({
      graph: userItemGraph(smallSplit.fit),
      fit: smallSplit.fit,
      valid: { truth: smallSplit.valid, users: smallSplit.users },
      options: { ...options, init: 'normal' },
    });
    // 80 users now (the first 60 are the same people), items unchanged.
    const big = communities(80, 3);
    const split = carveValidation(big, { userFraction: 0.5, itemFraction: 0.2, rng: createRng(2) });
    const graph = userItemGraph(split.fit);
    const ids = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const remap = remapRows(
      [
        { type: 'user', ids: ids(60, 'u') },
        { type: 'item', ids: ids(40, 'i') },
      ],
      [
        { type: 'user', ids: ids(80, 'u') },
        { type: 'item', ids: ids(40, 'i') },
      ],
    );
    expect(remap.reused).toBe(100);
    const valid = { truth: split.valid, users: split.users };
    const step0 = { ...options, init: 'normal' as const, maxSteps: 0 };
    const warm = await trainEmbeddings({
      graph,
      fit: split.fit,
      valid,
      options: step0,
      initial: { table: first.e0, dims: 8, remap },
    });
    const cold = await trainEmbeddings({ graph, fit: split.fit, valid, options: step0 });
    expect(warm.best!.valid['ndcg@20']).toBeGreaterThan(cold.best!.valid['ndcg@20'] + 0.1);
    expect(Array.from(warm.e0.subarray(0, 8))).toEqual(Array.from(first.e0.subarray(0, 8)));
  });

  it('refuses a table of other dims', async () => {
    const train = communities(20, 3);
    const graph = userItemGraph(train);
    await expect(
      trainEmbeddings({
        graph,
        fit: train,
        options,
        initial: {
          table: new Float32Array(60 * 4),
          dims: 4,
          remap: { rows: new Int32Array(60), reused: 60, byType: {} },
        },
      }),
    ).rejects.toThrow('the warm-start table has 4 dims, but this training has 8 (--dims)');
  });
});
