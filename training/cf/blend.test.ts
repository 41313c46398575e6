import { csrFromTriples } from '../data/csr';
import type { BlockScorer } from '../eval/evaluate';
import { blendRows, blendScorer, keptBlendScorer } from './blend';

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

describe('keptBlendScorer', () => {
  it('gives the same scores as blendScorer for the users it kept, without scoring the parts again', () => {
    const history = csrFromTriples(3, 4, Int32Array.from([0, 2]), Int32Array.from([1, 3]));
    const a = [
      [4, 9, 1, 2],
      [0, 0, 0, 0],
      [3, 1, 5, 7],
    ];
    const b = [
      [1, 2, 3, 4],
      [2, 0, 0, 1],
      [8, 6, 4, 2],
    ];
    const calls = { a: 0 };
    const counted: BlockScorer = {
      ...fixed(a),
      scoreBlock(users, out) {
        calls.a++;
        fixed(a).scoreBlock(users, out);
      },
    };
    const users = Int32Array.from([0, 1, 2]);
    const kept = blendRows([counted, fixed(b)], users, history);
    const viaBlend = new Float32Array(12);
    const viaKept = new Float32Array(12);
    for (const w of [0, 0.25, 2]) {
      blendScorer(
        [
          { scorer: fixed(a), weight: 1 },
          { scorer: fixed(b), weight: w },
        ],
        history,
      ).scoreBlock(users, viaBlend);
      keptBlendScorer(kept, [1, w]).scoreBlock(users, viaKept);
      for (let i = 0; i < 12; i++) expect(viaKept[i]).toBeCloseTo(viaBlend[i], 6);
    }
    expect(calls.a).toBe(1);
    expect(() => keptBlendScorer(kept, [1, 1]).scoreBlock(Int32Array.from([3]), viaKept)).toThrow(
      /no kept rows/,
    );
  });
});
