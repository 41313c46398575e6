// The split every tuned model family and every benchmark peer tunes on. A data set that ships `valid.txt` tunes
// on it, fitting on all of train; one without carves a seeded tenth of every user's train items out (users with
// fewer than 3 keep theirs), and the final model is refitted on the whole of train.
import { usersWithTruth } from '../eval/evaluate';
import { createRng } from '../../core';
import { carveValidation } from './split';
import type { Csr } from './csr';
import type { Dataset } from './dataset';

export interface TuningSplit {
  /** What a candidate model learns from while it is tuned. */
  fit: Csr;
  /** Held-out items per user, for choosing hyper-parameters; never test. */
  valid: Csr;
  /** Users with at least one validation item. */
  users: Int32Array;
  /** `valid.txt`: fit is all of train and no refit is needed; `carved`: fit is train minus valid. */
  source: 'valid.txt' | 'carved';
}

export const TUNING_SEED = 20;
export const CARVED_ITEM_FRACTION = 0.1;

export function tuningSplit(ds: Dataset, seed = TUNING_SEED): TuningSplit {
  if (ds.valid) {
    return { fit: ds.train, valid: ds.valid, users: usersWithTruth(ds.valid), source: 'valid.txt' };
  }
  const s = carveValidation(ds.train, {
    userFraction: 1,
    itemFraction: CARVED_ITEM_FRACTION,
    rng: createRng(seed),
  });
  return { fit: s.fit, valid: s.valid, users: s.users, source: 'carved' };
}
