// A weighted sum of several models' scores. Each model's row is first divided by its largest score among the
// items the user has not interacted with, so weights compare like with like: an ALS prediction near 1 and an
// item-item sum in the hundreds both become "1 = this user's best candidate from that model".
import type { Csr } from '../data/csr';
import type { BlockScorer } from '../eval/evaluate';

export interface BlendPart {
  scorer: BlockScorer;
  weight: number;
}

/** Zero the user's history in `rows[base..base+nItems)` and divide the row by its largest remaining score. */
function normaliseRow(rows: Float32Array, base: number, nItems: number, history: Csr, u: number): void {
  for (let e = history.ptr[u]; e < history.ptr[u + 1]; e++) rows[base + history.idx[e]] = 0;
  let max = 0;
  for (let i = 0; i < nItems; i++) if (rows[base + i] > max) max = rows[base + i];
  const f = max > 0 ? 1 / max : 0;
  for (let i = 0; i < nItems; i++) rows[base + i] *= f;
}

export function blendScorer(parts: BlendPart[], history: Csr, maxBlock = 256): BlockScorer {
  const nItems = parts[0].scorer.nItems;
  const block = Math.min(maxBlock, ...parts.map((p) => p.scorer.maxBlock));
  const buf = new Float32Array(block * nItems);
  return {
    nItems,
    maxBlock: block,
    scoreBlock(users, out) {
      out.fill(0, 0, users.length * nItems);
      for (const part of parts) {
        if (part.weight === 0) continue;
        const rows = buf.subarray(0, users.length * nItems);
        part.scorer.scoreBlock(users, rows);
        for (let r = 0; r < users.length; r++) {
          const base = r * nItems;
          normaliseRow(rows, base, nItems, history, users[r]);
          const w = part.weight;
          for (let i = 0; i < nItems; i++) out[base + i] += w * rows[base + i];
        }
      }
    },
    dispose() {
      for (const p of parts) p.scorer.dispose?.();
    },
  };
}

/**
 * Every part's normalised rows for one fixed set of users, scored once. A blend's weight search evaluates the
 * same users for every trial, so with the rows kept each trial is one weighted sum instead of scoring every
 * part again (the dense parts' products and the item-item sums dominate a trial otherwise). Layout: part p's
 * row for users[r] at rows[p][r * nItems ..].
 */
export interface BlendRows {
  users: Int32Array;
  nItems: number;
  rows: Float32Array[];
  /** Row of each user id in `users`, -1 for others. */
  rowOf: Int32Array;
}

/** Bytes `blendRows` would hold: parts x users x items float32s. */
export const blendRowsBytes = (parts: number, users: number, nItems: number) => 4 * parts * users * nItems;

/** Scores `users` with each scorer once and disposes the scorers. */
export function blendRows(scorers: BlockScorer[], users: Int32Array, history: Csr): BlendRows {
  const nItems = scorers[0].nItems;
  const rowOf = new Int32Array(history.nRows).fill(-1);
  users.forEach((u, r) => (rowOf[u] = r));
  const rows = scorers.map((s) => {
    const out = new Float32Array(users.length * nItems);
    for (let b0 = 0; b0 < users.length; b0 += s.maxBlock) {
      const block = users.subarray(b0, Math.min(users.length, b0 + s.maxBlock));
      s.scoreBlock(block, out.subarray(b0 * nItems, (b0 + block.length) * nItems));
    }
    s.dispose?.();
    users.forEach((u, r) => normaliseRow(out, r * nItems, nItems, history, u));
    return out;
  });
  return { users, nItems, rows, rowOf };
}

/** The blend of kept rows with `weights` (one per part); it scores only the users the rows were made for. */
export function keptBlendScorer(kept: BlendRows, weights: number[], maxBlock = 256): BlockScorer {
  const { nItems, rows, rowOf } = kept;
  return {
    nItems,
    maxBlock,
    scoreBlock(users, out) {
      out.fill(0, 0, users.length * nItems);
      for (let r = 0; r < users.length; r++) {
        const row = rowOf[users[r]];
        if (!(row >= 0)) throw new Error(`keptBlendScorer: user ${users[r]} has no kept rows`);
        const base = r * nItems;
        const src = row * nItems;
        for (let p = 0; p < rows.length; p++) {
          const w = weights[p];
          if (w === 0) continue;
          const part = rows[p];
          for (let i = 0; i < nItems; i++) out[base + i] += w * part[src + i];
        }
      }
    },
  };
}
