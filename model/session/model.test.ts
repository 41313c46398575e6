import type { ItemGraph } from '../ranker/tables';
import { nextStepMetrics } from '../../training';
import {
  defaultSessionParams,
  sessionModelOf,
  sessionRank,
  sessionRequest,
  sessionScore,
  sessionTop,
} from './model';
import { popularityOrder, sparseRank } from './rankSparse';
import type { SessionTables } from './sessionTables';

const graph = (rows: number[][], vals?: number[][]): ItemGraph => {
  const ptr = [0];
  const idx: number[] = [];
  const val: number[] = [];
  rows.forEach((r, i) => {
    r.forEach((j, k) => {
      idx.push(j);
      val.push(vals ? vals[i][k] : 1);
    });
    ptr.push(idx.length);
  });
  return {
    nRows: rows.length,
    nCols: rows.length,
    ptr: Int32Array.from(ptr),
    idx: Int32Array.from(idx),
    val: Float32Array.from(val),
  };
};

// Items 0-3 in leaf 0 (prices 10, 11, 40, 10), items 4-5 in leaf 1, item 6 in leaf 2; leaf 0 -> leaf 0 (0.7), leaf 1 (0.3).
const tables: SessionTables = {
  cutoff: 0,
  nItems: 7,
  nCategories: 3,
  itemLeaf: Int32Array.from([0, 0, 0, 0, 1, 1, 2]),
  itemPrice: Float32Array.from([10, 11, 40, 10, 5, 6, 7]),
  categoryParent: Int32Array.from([-1, -1, -1]),
  popularity: Float32Array.from([5, 1, 8, 2, 3, 1, 100]),
  transitions: graph([[4], [], [], [], [], [], []]),
  leafNext: graph([[0, 1], [1], []], [[0.7, 0.3], [1], []]),
};

describe('session model', () => {
  const m = sessionModelOf(tables, { ...defaultSessionParams, pop: 0.01 });

  it('ranks the viewed product leaf first, near prices before far ones, above a far more popular product', () => {
    const req = sessionRequest(m, [{ row: 0, leaf: 0, price: 10 }]);
    const top = sessionTop(m, req, 7).map((x) => x.row);
    expect(top.indexOf(1)).toBeLessThan(top.indexOf(2));
    expect(top.indexOf(3)).toBeLessThan(top.indexOf(6));
    expect(top.indexOf(4)).toBeLessThan(top.indexOf(6));
  });

  it('sessionRank agrees with a dense ranking of sessionScore (score desc, row asc)', () => {
    const req = sessionRequest(m, [
      { row: 2, leaf: 0, price: 40 },
      { row: 4, leaf: 1, price: 5 },
    ]);
    const rows = [0, 1, 2, 3, 4, 5, 6].sort(
      (a, b) => sessionScore(m, req, b) - sessionScore(m, req, a) || a - b,
    );
    for (const [k, row] of rows.entries()) expect(sessionRank(m, req, row)).toBe(k + 1);
    expect(sessionTop(m, req, 7).map((x) => x.row)).toEqual(rows);
  });

  it('a product unknown to the model steers by its leaf; no usable step at all falls back to popularity', () => {
    const unknown = sessionRequest(m, [{ row: -1, leaf: 1, price: 5 }]);
    expect(sessionTop(m, unknown, 2).map((x) => x.row)).toEqual([4, 5]);
    const nothing = sessionRequest(m, [{ row: -1, leaf: -1, price: NaN }]);
    expect(sessionTop(m, nothing, 3).map((x) => x.row)).toEqual([6, 2, 0]);
    expect(sessionTop(m, sessionRequest(m, []), 1).map((x) => x.row)).toEqual([6]);
  });

  it('only the latest step counts at decay 0', () => {
    const m0 = sessionModelOf(tables, { ...defaultSessionParams, decay: 0 });
    const a = sessionRequest(m0, [
      { row: 6, leaf: 2, price: 7 },
      { row: 4, leaf: 1, price: 5 },
    ]);
    const b = sessionRequest(m0, [{ row: 4, leaf: 1, price: 5 }]);
    expect([...a.scores]).toEqual([...b.scores]);
  });
});

describe('sparseRank', () => {
  it('ties among items without a sparse score go by popularity, then row', () => {
    const p = popularityOrder(Float32Array.from([1, 3, 3, 0]));
    expect([0, 1, 2, 3].map((t) => sparseRank(new Map(), 1, p, t))).toEqual([3, 1, 2, 4]);
    expect(sparseRank(new Map([[3, 5]]), 1, p, 3)).toBe(1);
    expect(sparseRank(new Map([[3, 5]]), 1, p, 1)).toBe(2);
  });
});

describe('nextStepMetrics', () => {
  it('does not charge for ranking the last step (which cannot come next) above the target', () => {
    const ranks: Record<number, number> = { 7: 1, 9: 2 };
    const r = nextStepMetrics([{ prefix: [7], target: 9, at: 0 }], (_c, i) => ranks[i]);
    expect(r['mrr@20']).toBe(1);
    expect(r['hr@20']).toBe(1);
  });
});
