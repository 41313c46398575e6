// What a trainer consumes: users and items as dense row numbers, with the external ids kept beside them,
// and the train / validation / test interactions as user -> item CSRs over the same rows.
import type { Csr } from './csr';

export interface Dataset {
  name: string;
  nUsers: number;
  nItems: number;
  /** External id of each user row / item row. The benchmark format has integer ids. */
  userIds: Int32Array;
  itemIds: Int32Array;
  /** user -> items, what the model may learn from. Rows sorted ascending. */
  train: Csr;
  /** user -> items held out for evaluation; empty rows for users without test items. */
  test: Csr;
  /**
   * user -> items held out for tuning, when the split ships one (`valid.txt`); disjoint from train and test.
   * Absent: tuning carves its validation out of train (training/data/split.ts).
   */
  valid?: Csr;
  /** sha256 over the input files, in order, so a model can name the data it was trained on. */
  dataHash: string;
  files: string[];
}
