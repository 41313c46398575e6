// Drift between model versions: the shift of the same products' vectors (cosine distance; only meaningful
// when the new version was warm-started from the old one, since independent trainings are free to rotate the
// space), the overlap of their 20 nearest neighbours (rotation-invariant), and recommendation drift: the
// catalogue coverage of top-20 lists for a sample of users and their popularity bias.
import type { StoredModel } from '../model';

export interface EmbeddingDrift {
  from: string;
  to: string;
  commonItems: number;
  meanCosineDistance: number;
  neighbourOverlapAt20: number;
  sampled: number;
}

export interface RecommendationDrift {
  version: string;
  users: number;
  /** Distinct items in all top-k lists / items in the model. */
  coverage: number;
  /** Mean popularity percentile of recommended items (1 = the most popular item, 0.5 = no bias). */
  popularityBias: number | null;
}

const rowOf = (m: StoredModel) => new Map(m.ids.items.map((id, r) => [String(id), r]));

function cosine(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < d; k++) {
    dot += a[ao + k] * b[bo + k];
    na += a[ao + k] * a[ao + k];
    nb += b[bo + k] * b[bo + k];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** The k nearest items (cosine) of item row r among `rows`, excluding itself. */
function neighbours(m: StoredModel, r: number, rows: number[], k: number): number[] {
  const { items, dims } = m.embeddings;
  const scored = rows
    .filter((o) => o !== r)
    .map((o) => [o, cosine(items, r * dims, items, o * dims, dims)] as const);
  scored.sort((x, y) => y[1] - x[1]);
  return scored.slice(0, k).map((x) => x[0]);
}

/** Deterministic sample of n indices of 0..len-1 (evenly spaced). */
const sample = (len: number, n: number) =>
  Array.from({ length: Math.min(len, n) }, (_, i) => Math.floor((i * len) / Math.min(len, n)));

export function embeddingDrift(a: StoredModel, b: StoredModel, sampleSize = 200, k = 20): EmbeddingDrift {
  const ra = rowOf(a);
  const rb = rowOf(b);
  const common = [...ra.keys()].filter((id) => rb.has(id));
  const ia: number[] = common.map((id) => ra.get(id)!);
  const ib: number[] = common.map((id) => rb.get(id)!);
  let dist = 0;
  const sameDims = a.embeddings.dims === b.embeddings.dims;
  if (sameDims)
    for (let i = 0; i < common.length; i++)
      dist +=
        1 -
        cosine(
          a.embeddings.items,
          ia[i] * a.embeddings.dims,
          b.embeddings.items,
          ib[i] * b.embeddings.dims,
          a.embeddings.dims,
        );
  const picks = sample(common.length, sampleSize);
  let overlap = 0;
  for (const p of picks) {
    // Neighbours among the common items, mapped back to ids, so the two versions are compared on one set.
    const na = neighbours(a, ia[p], ia, k).map((r) => String(a.ids.items[r]));
    const nb = new Set(neighbours(b, ib[p], ib, k).map((r) => String(b.ids.items[r])));
    overlap += na.filter((id) => nb.has(id)).length / Math.max(1, Math.min(k, common.length - 1));
  }
  return {
    from: a.version,
    to: b.version,
    commonItems: common.length,
    meanCosineDistance: sameDims && common.length ? dist / common.length : NaN,
    neighbourOverlapAt20: picks.length ? overlap / picks.length : NaN,
    sampled: picks.length,
  };
}

/** popularity: item id -> interaction count (from the training window); null skips the bias figure. */
export function recommendationDrift(
  m: StoredModel,
  popularity: Map<string, number> | null,
  sampleUsers = 300,
  k = 20,
): RecommendationDrift {
  const { users, items, dims, nUsers, nItems } = m.embeddings;
  const seen = new Set<number>();
  let pct: Map<number, number> | null = null;
  if (popularity) {
    const order = m.ids.items
      .map((id, r) => [r, popularity.get(String(id)) ?? 0] as const)
      .sort((x, y) => x[1] - y[1]);
    pct = new Map(order.map(([r], i) => [r, nItems > 1 ? i / (nItems - 1) : 1]));
  }
  let pctSum = 0;
  let pctN = 0;
  const scores = new Float32Array(nItems);
  const picks = sample(nUsers, sampleUsers);
  for (const u of picks) {
    for (let i = 0; i < nItems; i++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += users[u * dims + d] * items[i * dims + d];
      scores[i] = s;
    }
    const top = Array.from({ length: nItems }, (_, i) => i)
      .sort((x, y) => scores[y] - scores[x])
      .slice(0, k);
    for (const i of top) {
      seen.add(i);
      if (pct) {
        pctSum += pct.get(i) ?? 0;
        pctN++;
      }
    }
  }
  return {
    version: m.version,
    users: picks.length,
    coverage: nItems ? seen.size / nItems : 0,
    popularityBias: pctN ? pctSum / pctN : null,
  };
}
