import { addFromRecent, topPairs, weekOfYear } from './tables';
import { rankScores, tuneRanker } from './ranker';

describe('context tables', () => {
  it('aggregates pairs, keeps the heaviest per row and scales rows to max 1', () => {
    const g = topPairs(
      3,
      Int32Array.from([0, 0, 0, 1]),
      Int32Array.from([1, 2, 1, 0]),
      Float32Array.from([1, 1, 1, 4]),
      4,
      1,
    );
    expect(Array.from(g.ptr)).toEqual([0, 1, 2, 2]);
    expect(Array.from(g.idx)).toEqual([1, 0]);
    expect(Array.from(g.val)).toEqual([1, 1]);
  });

  it('weighs the most recent item most', () => {
    const g = topPairs(3, Int32Array.from([0, 1]), Int32Array.from([2, 0]), Float32Array.from([1, 1]), 2, 5);
    const out = new Float32Array(3);
    addFromRecent(g, [0, 1], out); // 1 is most recent: 1 -> 0 at weight 1, 0 -> 2 at 0.7
    expect(out[0]).toBeCloseTo(1);
    expect(out[2]).toBeCloseTo(0.7);
  });

  it('puts 1 January in week 0 and 31 December in the last', () => {
    expect(weekOfYear(Date.parse('2026-01-01T12:00:00Z'))).toBe(0);
    expect(weekOfYear(Date.parse('2026-12-31T12:00:00Z'))).toBe(52);
  });

  it('ranks by weighted signals and tunes towards the objective', () => {
    const t = {
      transitions: topPairs(3, Int32Array.from([0]), Int32Array.from([2]), Float32Array.from([1]), 1, 5),
      covisit: topPairs(3, new Int32Array(0), new Int32Array(0), new Float32Array(0), 0, 5),
      trending: Float32Array.from([0, 2, 0]),
      seasonal: new Float32Array(53),
      itemShare: new Float32Array(3),
      itemCategory: new Int32Array(3),
    };
    const w = { gnn: 1, session: 0, covisit: 0, trend: 0.5, season: 0 };
    const out = rankScores(
      t,
      w,
      { gnn: Float32Array.from([0.4, 0, 0.2]), recent: [0], at: 0 },
      new Float32Array(3),
    );
    expect(Array.from(out)).toEqual([0.4, 0.5, 0.2].map((x) => Math.fround(x)));
    const tuned = tuneRanker((c) => -Math.abs(c.session - 0.5) - c.trend, w);
    expect(tuned.weights.session).toBe(0.5);
    expect(tuned.weights.trend).toBe(0);
  });
});
