// Evaluation on the shop's time split, one code path for every model: a model is a block scorer that fills
// [users x items] scores; the user's pre-window items are excluded; metrics are averaged over users with
// held-out items, overall and per segment.
//   accuracy: Recall, NDCG, HitRate, Precision @10/20/50, MRR (first hit in the top 50)
//   beyond accuracy: coverage@20 (share of the catalogue in any top 20), intra-list category diversity@20
//   (share of top-20 pairs in different leaf categories), novelty@20 (mean -log2 of the item's popularity share)
//   business: purchase recall@20 (held-out purchases found), revenue@20 (list price of purchased items found)
import type { Csr } from '../data/csr';
import { topK } from '../../model';

export const SHOP_KS = [10, 20, 50] as const;

export interface ShopEvalInput {
  nItems: number;
  users: Int32Array;
  truth: Csr;
  /** Held-out purchases per user (a subset of truth). */
  purchases: Csr;
  exclude: Csr;
  itemCategory: Int32Array;
  itemPrice: Float32Array;
  /** Train popularity, for novelty. */
  popularity: Float32Array;
  /** Items that count as cold (launched in the evaluated window). */
  coldItems: Uint8Array;
  /** Segment name -> per-user membership. */
  segments: Record<string, Uint8Array>;
  /** Fill scores[r * nItems + i] for users[r] of the block. */
  score: (block: Int32Array, scores: Float32Array) => void;
  blockSize?: number;
  onBlock?: (done: number) => void;
}

export interface ShopEvalResult {
  users: number;
  metrics: Record<string, number>;
  segments: Record<string, Record<string, number>>;
  seconds: number;
}

const ACC_KEYS = [
  ...SHOP_KS.flatMap((k) => [`recall@${k}`, `ndcg@${k}`, `hitrate@${k}`, `precision@${k}`]),
  'mrr',
  'diversity@20',
  'novelty@20',
  'purchaseRecall@20',
  'revenue@20',
  'coldItemRecall@20',
];

class Sums {
  users = 0;
  purchaseUsers = 0;
  coldUsers = 0;
  s: Record<string, number> = Object.fromEntries(ACC_KEYS.map((k) => [k, 0]));
  averages(): Record<string, number> {
    const out: Record<string, number> = { users: this.users };
    for (const k of ACC_KEYS) {
      const n =
        k.startsWith('purchase') || k.startsWith('revenue')
          ? this.purchaseUsers
          : k.startsWith('cold')
            ? this.coldUsers
            : this.users;
      out[k] = n > 0 ? this.s[k] / n : 0;
    }
    return out;
  }
}

export function evaluateShop(inp: ShopEvalInput): ShopEvalResult {
  const t0 = Date.now();
  const nI = inp.nItems;
  const block = inp.blockSize ?? 128;
  const kMax = 50;
  const total = inp.popularity.reduce((a, b) => a + b, 0) + nI;
  const all = new Sums();
  const seg = Object.fromEntries(Object.keys(inp.segments).map((k) => [k, new Sums()]));
  const seen = new Uint8Array(nI);
  const scores = new Float32Array(block * nI);
  const ranked = new Int32Array(kMax);
  const heap = new Float32Array(kMax);
  const inTruth = new Uint8Array(nI);
  for (let b0 = 0; b0 < inp.users.length; b0 += block) {
    const blk = inp.users.subarray(b0, Math.min(inp.users.length, b0 + block));
    inp.score(blk, scores);
    for (let r = 0; r < blk.length; r++) {
      const u = blk[r];
      const base = r * nI;
      for (let e = inp.exclude.ptr[u]; e < inp.exclude.ptr[u + 1]; e++)
        scores[base + inp.exclude.idx[e]] = -Infinity;
      const n = topK(scores, base, nI, kMax, ranked, heap);
      const t0u = inp.truth.ptr[u];
      const t1u = inp.truth.ptr[u + 1];
      const nTruth = t1u - t0u;
      if (nTruth === 0) continue;
      for (let e = t0u; e < t1u; e++) inTruth[inp.truth.idx[e]] = 1;
      const m: Record<string, number> = {};
      for (const k of SHOP_KS) {
        let hits = 0;
        let dcg = 0;
        let idcg = 0;
        for (let j = 0; j < Math.min(k, n); j++) {
          if (inTruth[ranked[j]]) {
            hits++;
            dcg += 1 / Math.log2(j + 2);
          }
        }
        for (let j = 0; j < Math.min(k, nTruth); j++) idcg += 1 / Math.log2(j + 2);
        m[`recall@${k}`] = hits / nTruth;
        m[`ndcg@${k}`] = idcg > 0 ? dcg / idcg : 0;
        m[`hitrate@${k}`] = hits > 0 ? 1 : 0;
        m[`precision@${k}`] = hits / k;
      }
      let rr = 0;
      for (let j = 0; j < n; j++)
        if (inTruth[ranked[j]]) {
          rr = 1 / (j + 1);
          break;
        }
      m.mrr = rr;
      const k20 = Math.min(20, n);
      let diff = 0;
      let pairs = 0;
      let nov = 0;
      for (let a = 0; a < k20; a++) {
        seen[ranked[a]] = 1;
        nov += -Math.log2((inp.popularity[ranked[a]] + 1) / total);
        for (let b = a + 1; b < k20; b++) {
          pairs++;
          if (inp.itemCategory[ranked[a]] !== inp.itemCategory[ranked[b]]) diff++;
        }
      }
      m['diversity@20'] = pairs > 0 ? diff / pairs : 0;
      m['novelty@20'] = k20 > 0 ? nov / k20 : 0;
      // Purchases and cold items among the truth.
      const top20 = new Set<number>();
      for (let j = 0; j < k20; j++) top20.add(ranked[j]);
      const p0 = inp.purchases.ptr[u];
      const p1 = inp.purchases.ptr[u + 1];
      let pHit = 0;
      let rev = 0;
      for (let e = p0; e < p1; e++)
        if (top20.has(inp.purchases.idx[e])) {
          pHit++;
          rev += inp.itemPrice[inp.purchases.idx[e]];
        }
      let nCold = 0;
      let coldHit = 0;
      for (let e = t0u; e < t1u; e++) {
        const i = inp.truth.idx[e];
        if (inp.coldItems[i]) {
          nCold++;
          if (top20.has(i)) coldHit++;
        }
      }
      for (let e = t0u; e < t1u; e++) inTruth[inp.truth.idx[e]] = 0;
      const add = (s: Sums) => {
        s.users++;
        for (const k of Object.keys(m)) s.s[k] += m[k];
        if (p1 > p0) {
          s.purchaseUsers++;
          s.s['purchaseRecall@20'] += pHit / (p1 - p0);
          s.s['revenue@20'] += rev;
        }
        if (nCold > 0) {
          s.coldUsers++;
          s.s['coldItemRecall@20'] += coldHit / nCold;
        }
      };
      add(all);
      for (const [name, mask] of Object.entries(inp.segments)) if (mask[u]) add(seg[name]);
    }
    inp.onBlock?.(b0 + blk.length);
  }
  let cov = 0;
  for (let i = 0; i < nI; i++) cov += seen[i];
  const metrics = all.averages();
  metrics['coverage@20'] = nI > 0 ? cov / nI : 0;
  metrics.coldItemUsers = all.coldUsers;
  const segments: Record<string, Record<string, number>> = {};
  for (const [name, s] of Object.entries(seg)) {
    segments[name] = s.averages();
    segments[name].coldItemUsers = s.coldUsers;
  }
  // The cold-item segment: users whose held-out items include cold items, scored on those items only.
  return { users: all.users, metrics, segments, seconds: (Date.now() - t0) / 1000 };
}
