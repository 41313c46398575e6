// Compressed sparse rows on typed arrays: row r's entries are idx[ptr[r] .. ptr[r+1]) (and val[] when weighted).
// The item graphs a model stores are of this shape; training/data/csr.ts builds and transforms them.

export interface Csr {
  nRows: number;
  nCols: number;
  ptr: Int32Array;
  idx: Int32Array;
  /** Optional per-entry weight; absent means 1. */
  val?: Float32Array;
}
