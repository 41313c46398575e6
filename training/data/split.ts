// A validation set carved out of train, for early stopping and tuning without touching test: a seeded sample
// of users each give up a fraction of their train items. Users with fewer than `minItems` train items keep
// all of them, so nobody loses their whole history.
import { validationError } from '../../core';
import type { Csr } from './csr';
import type { Rng } from '../../core';

export interface ValidationSplit {
  /** Train minus the held-out items; what the model learns from. */
  fit: Csr;
  /** The held-out items, by user (sorted rows). */
  valid: Csr;
  /** Users with at least one validation item. */
  users: Int32Array;
}

export interface SplitOptions {
  /** Share of eligible users that give items to validation, in [0, 1]. 0 disables validation. */
  userFraction: number;
  /** Share of such a user's train items held out (at least one). */
  itemFraction: number;
  minItems?: number;
  rng: Rng;
}

export function carveValidation(train: Csr, opts: SplitOptions): ValidationSplit {
  if (!(opts.userFraction >= 0 && opts.userFraction <= 1)) {
    throw validationError(`the validation user fraction must be in [0, 1], but got: ${opts.userFraction}`);
  }
  if (!(opts.itemFraction > 0 && opts.itemFraction < 1)) {
    throw validationError(`the validation item fraction must be in (0, 1), but got: ${opts.itemFraction}`);
  }
  const minItems = opts.minItems ?? 3;
  const fitPtr = new Int32Array(train.nRows + 1);
  const valPtr = new Int32Array(train.nRows + 1);
  const fitIdx = new Int32Array(train.idx.length);
  const valIdx = new Int32Array(train.idx.length);
  const users: number[] = [];
  let nf = 0;
  let nv = 0;
  let marks = new Uint8Array(16);
  for (let u = 0; u < train.nRows; u++) {
    const s = train.ptr[u];
    const n = train.ptr[u + 1] - s;
    const chosen = n >= minItems && opts.rng.next() < opts.userFraction;
    if (chosen) {
      const take = Math.max(1, Math.floor(n * opts.itemFraction));
      if (marks.length < n) marks = new Uint8Array(n * 2);
      marks.fill(0, 0, n);
      // Partial Fisher-Yates over positions: the first `take` draws are the held-out ones.
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < take; i++) {
        const j = i + opts.rng.int(n - i);
        [order[i], order[j]] = [order[j], order[i]];
        marks[order[i]] = 1;
      }
      users.push(u);
      for (let e = 0; e < n; e++) {
        if (marks[e]) valIdx[nv++] = train.idx[s + e];
        else fitIdx[nf++] = train.idx[s + e];
      }
    } else {
      fitIdx.set(train.idx.subarray(s, s + n), nf);
      nf += n;
    }
    fitPtr[u + 1] = nf;
    valPtr[u + 1] = nv;
  }
  return {
    fit: { nRows: train.nRows, nCols: train.nCols, ptr: fitPtr, idx: fitIdx.slice(0, nf) },
    valid: { nRows: train.nRows, nCols: train.nCols, ptr: valPtr, idx: valIdx.slice(0, nv) },
    users: Int32Array.from(users),
  };
}
