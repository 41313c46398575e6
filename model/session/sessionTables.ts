// The session model's tables as stored in session.bin (files.ts) and scored by model.ts; training/session/tables.ts
// builds them from the events before a cutoff.
import type { ItemGraph } from '../ranker/tables';

export interface SessionTables {
  cutoff: number;
  nItems: number;
  nCategories: number;
  itemLeaf: Int32Array;
  itemPrice: Float32Array;
  /** Parent category index per category, -1 for a root. */
  categoryParent: Int32Array;
  popularity: Float32Array;
  transitions: ItemGraph;
  leafNext: ItemGraph;
}
