// Popularity: every user gets the items with the most train interactions. A 1-dimensional "embedding" model
// (user = 1, item = its train count) so it is ranked and stored by the same code as LightGCN and MF.
import type { Csr } from '../data/csr';

export function popularityTables(train: Csr): { dims: 1; users: Float32Array; items: Float32Array } {
  const items = new Float32Array(train.nCols);
  for (let e = 0; e < train.ptr[train.nRows]; e++) items[train.idx[e]]++;
  return { dims: 1, users: new Float32Array(train.nRows).fill(1), items };
}
