// A weighted sum of several models' scores. Each model's row is first divided by its largest score among the
// items the user has not interacted with, so weights compare like with like: an ALS prediction near 1 and an
// item-item sum in the hundreds both become "1 = this user's best candidate from that model".
import type { Csr } from '../data/csr';
import type { BlockScorer } from '../eval/evaluate';

export interface BlendPart {
  scorer: BlockScorer;
  weight: number;
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
          const u = users[r];
          for (let e = history.ptr[u]; e < history.ptr[u + 1]; e++) rows[base + history.idx[e]] = 0;
          let max = 0;
          for (let i = 0; i < nItems; i++) if (rows[base + i] > max) max = rows[base + i];
          const w = max > 0 ? part.weight / max : 0;
          for (let i = 0; i < nItems; i++) out[base + i] += w * rows[base + i];
        }
      }
    },
    dispose() {
      for (const p of parts) p.scorer.dispose?.();
    },
  };
}
