import { csrFromTriples } from './csr';
import { createRng } from '../../core';
import { BprSampler, UserBlockSampler } from './sampler';
import { carveValidation } from './split';

// 4 users: 5, 5, 2 and 4 items.
const train = csrFromTriples(
  4,
  10,
  Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3]),
  Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 5, 1, 3, 5, 7]),
);

describe('carveValidation', () => {
  it('moves a share of chosen users items to validation, never emptying a user', () => {
    const s = carveValidation(train, { userFraction: 1, itemFraction: 0.4, rng: createRng(1) });
    // Users with >= 3 items give floor(n * 0.4) (at least 1); user 2 (2 items) keeps both.
    expect(Array.from(s.users)).toEqual([0, 1, 3]);
    const len = (m: typeof train, u: number) => m.ptr[u + 1] - m.ptr[u];
    expect([0, 1, 2, 3].map((u) => len(s.valid, u))).toEqual([2, 2, 0, 1]);
    expect([0, 1, 2, 3].map((u) => len(s.fit, u))).toEqual([3, 3, 2, 3]);
    // Fit and validation partition each user's items.
    for (let u = 0; u < 4; u++) {
      const all = [
        ...s.fit.idx.subarray(s.fit.ptr[u], s.fit.ptr[u + 1]),
        ...s.valid.idx.subarray(s.valid.ptr[u], s.valid.ptr[u + 1]),
      ];
      expect(all.sort((a, b) => a - b)).toEqual(
        Array.from(train.idx.subarray(train.ptr[u], train.ptr[u + 1])),
      );
    }
  });

  it('is disabled by a zero user fraction and refuses bad fractions', () => {
    expect(
      carveValidation(train, { userFraction: 0, itemFraction: 0.2, rng: createRng(1) }).users.length,
    ).toBe(0);
    expect(() => carveValidation(train, { userFraction: 0.5, itemFraction: 1, rng: createRng(1) })).toThrow(
      'the validation item fraction must be in (0, 1), but got: 1',
    );
  });
});

describe('samplers', () => {
  it('BPR: every interaction once per epoch, negatives outside the user row, same seed same batches', () => {
    const run = () => {
      const s = new BprSampler(train, createRng(9), 3);
      s.shuffle();
      const seen: string[] = [];
      for (let b = s.next(5); b; b = s.next(5)) {
        b.users.forEach((u, k) => {
          seen.push(`${u}:${b.pos[k]}`);
          for (let q = 0; q < 3; q++) {
            const j = b.neg[k * 3 + q];
            expect(Array.from(train.idx.subarray(train.ptr[u], train.ptr[u + 1]))).not.toContain(j);
          }
        });
      }
      return seen;
    };
    const a = run();
    expect(a.length).toBe(16);
    expect(new Set(a).size).toBe(16);
    expect(run()).toEqual(a);
  });

  it('user blocks cover every user with items once per epoch', () => {
    const s = new UserBlockSampler(train, createRng(2));
    s.shuffle();
    const users: number[] = [];
    for (let b = s.next(3); b; b = s.next(3)) users.push(...b.users);
    expect(users.sort()).toEqual([0, 1, 2, 3]);
  });
});
