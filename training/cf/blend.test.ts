import { csrFromTriples } from '../data/csr';
import type { BlockScorer } from '../eval/evaluate';
import { blendScorer } from './blend';

const fixed = (rows: number[][]): BlockScorer => ({
  nItems: rows[0].length,
  maxBlock: 8,
  scoreBlock(users, out) {
    users.forEach((u, r) => out.set(rows[u], r * rows[0].length));
  },
});

describe('blendScorer', () => {
  it("divides each part by its best score among the user's new items, then weights and adds", () => {
    // User 0 has item 0 in its history: its huge score must not set the scale.
    const history = csrFromTriples(1, 3, Int32Array.from([0]), Int32Array.from([0]));
    const a = fixed([[100, 2, 1]]);
    const b = fixed([[0, 10, 40]]);
    const out = new Float32Array(3);
    blendScorer(
      [
        { scorer: a, weight: 1 },
        { scorer: b, weight: 0.5 },
      ],
      history,
    ).scoreBlock(Int32Array.from([0]), out);
    expect(out[1]).toBeCloseTo(2 / 2 + 0.5 * (10 / 40), 6);
    expect(out[2]).toBeCloseTo(1 / 2 + 0.5 * (40 / 40), 6);
  });
});
