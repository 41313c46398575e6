// Merge, score, filter and diversify candidates. Pure: every input (candidates, catalogue lookups, the user's
// purchases) is passed in, so the business rules are unit-tested without services.
import type { CatalogProduct } from '../catalog';
import type { RecFilter } from '../validate';

export type Source = 'embedding' | 'copurchase' | 'coview' | 'category' | 'session' | 'segment' | 'popular';

/** One candidate from one source; `via` is the product (or category) that led to it, for explanations. */
export interface Candidate {
  productId: string;
  source: Source;
  /** Source-local strength, any positive scale: normalised per source before merging. */
  weight: number;
  via?: string;
}

export interface RankedItem {
  productId: string;
  score: number;
  sources: Source[];
  via: Partial<Record<Source, string>>;
  /** Placed by the new-arrivals quota (its explanation says why it was chosen). */
  placed?: boolean;
}

/**
 * How much each source counts once its weights are normalised to [0, 1]. Embeddings carry the personal taste;
 * graph co-occurrence what people actually combine; popularity only breaks ties and fills cold starts.
 */
export const SOURCE_WEIGHTS: Record<Source, number> = {
  embedding: 1.0,
  copurchase: 0.8,
  coview: 0.6,
  session: 0.7,
  category: 0.3,
  segment: 0.4,
  popular: 0.2,
};

export interface RankInput {
  candidates: Candidate[];
  product: (id: string) => CatalogProduct | undefined;
  purchased: Set<string>;
  /** Items the shopper is looking at (the current product, the cart): never recommended back. */
  exclude: Set<string>;
  filter: RecFilter;
  first: number;
  /** Per leaf category cap for diversity; defaults to max(2, ceil(first / 4)). */
  perCategoryCap?: number;
  /** Source weights that replace SOURCE_WEIGHTS (an experiment variant's ranker settings). */
  sourceWeights?: Partial<Record<Source, number>>;
  /**
   * The trained ranker's new-arrivals quota (model/ranker/ranker.ts, `reserveNewArrivals`): at least
   * `quota` of the list are products for which `isNew` holds, the best-scoring ones, placed at the end of the
   * list where they displace the lowest-ranked other items. 0 or absent: off. With `pick` the quota's new
   * arrivals are the best by it (the trained metadata placement, api/recs/newArrivals.ts), else by score.
   */
  newArrivals?: {
    quota: number;
    isNew: (p: CatalogProduct) => boolean;
    pick?: (productId: string) => number;
  };
  /**
   * The trained ranker's score of a product (api/recs/trainedRanker.ts), asked once per eligible item: when given it is the item's score and
   * orders the list (the source-weighted sum only breaks its ties); the sources are still merged for
   * explanations, and every rule after the ordering is the same. Absent: the source-weighted sum ranks.
   */
  scoreOf?: (productId: string) => number;
}

export function passesFilter(p: CatalogProduct, filter: RecFilter, purchased: Set<string>): boolean {
  if (filter.inStockOnly && !p.inStock) return false;
  if (filter.minPrice !== null && (p.price === null || p.price < filter.minPrice)) return false;
  if (filter.maxPrice !== null && (p.price === null || p.price > filter.maxPrice)) return false;
  if (filter.categoryIds && !filter.categoryIds.some((c) => p.categoryPath.includes(c))) return false;
  // Already bought: not again, unless it is bought again and again (consumables).
  if (filter.excludePurchased && purchased.has(p.id) && !p.consumable) return false;
  return true;
}

export function rankCandidates(input: RankInput): RankedItem[] {
  // Normalise each source's weights by its maximum, so sources with different scales can be added.
  const maxBySource = new Map<Source, number>();
  for (const c of input.candidates) {
    maxBySource.set(c.source, Math.max(maxBySource.get(c.source) ?? 0, c.weight));
  }
  const merged = new Map<string, RankedItem>();
  const weights = { ...SOURCE_WEIGHTS, ...input.sourceWeights };
  for (const c of input.candidates) {
    const max = maxBySource.get(c.source) ?? 1;
    const norm = max > 0 ? Math.max(0, c.weight) / max : 0;
    let item = merged.get(c.productId);
    if (!item) {
      item = { productId: c.productId, score: 0, sources: [], via: {} };
      merged.set(c.productId, item);
    }
    if (!item.sources.includes(c.source)) {
      item.sources.push(c.source);
      item.score += weights[c.source] * norm;
      if (c.via !== undefined) item.via[c.source] = c.via;
    } else {
      // The same source twice (from two seeds): keep the stronger contribution.
      const extra = weights[c.source] * norm * 0.25;
      item.score += extra;
    }
  }
  // Each merged item's product is looked up once: the rules, the diversification and the quota all read it.
  const eligible: Eligible[] = [];
  for (const item of merged.values()) {
    if (input.exclude.has(item.productId)) continue;
    const product = input.product(item.productId);
    if (product === undefined || !passesFilter(product, input.filter, input.purchased)) continue;
    // With the trained ranker its score orders the list; the source-weighted sum breaks its ties.
    let tie = 0;
    if (input.scoreOf) {
      tie = item.score;
      item.score = input.scoreOf(item.productId);
    }
    eligible.push({ item, product, tie });
  }
  eligible.sort(
    (a, b) => b.item.score - a.item.score || b.tie - a.tie || (a.item.productId < b.item.productId ? -1 : 1),
  );

  // Diversify: at most `cap` items per leaf category, then fill from the overflow if still short.
  const cap = input.perCategoryCap ?? Math.max(2, Math.ceil(input.first / 4));
  const perCat = new Map<string, number>();
  const out: Eligible[] = [];
  const overflow: Eligible[] = [];
  for (const e of eligible) {
    if (out.length >= input.first) break;
    const cat = e.product.categoryId ?? '';
    const n = perCat.get(cat) ?? 0;
    if (n >= cap) {
      overflow.push(e);
      continue;
    }
    perCat.set(cat, n + 1);
    out.push(e);
  }
  for (const e of overflow) {
    if (out.length >= input.first) break;
    out.push(e);
  }
  return reserveNewArrivals(out, eligible, input).map((e) => e.item);
}

/** A merged candidate that passed the rules, with its product and its tie-breaker (the sources' sum). */
interface Eligible {
  item: RankedItem;
  product: CatalogProduct;
  tie: number;
}

/** The new-arrivals quota over the diversified list, the same rule as the offline ranker's. */
function reserveNewArrivals(out: Eligible[], eligible: Eligible[], input: RankInput): Eligible[] {
  const na = input.newArrivals;
  const quota = Math.min(na?.quota ?? 0, input.first);
  if (!na || quota <= 0) return out;
  const isNew = (e: Eligible) => na.isNew(e.product);
  let want = quota;
  for (const e of out) if (isNew(e)) want--;
  if (want <= 0) return out;
  // `eligible` is in score order: the best new arrivals not in the list yet, by `pick` when given (ties: score).
  const inList = new Set(out);
  const fresh = eligible.filter((e) => !inList.has(e) && isNew(e));
  const pick = na.pick;
  if (pick) {
    const by = new Map(fresh.map((e) => [e, pick(e.item.productId)]));
    fresh.sort((a, b) => (by.get(b) as number) - (by.get(a) as number));
  }
  const add = fresh.slice(0, want);
  if (add.length === 0) return out;
  for (const e of add) e.item.placed = true;
  let drop = Math.max(0, out.length + add.length - input.first);
  const keep: Eligible[] = [];
  for (let j = out.length - 1; j >= 0; j--) {
    if (drop > 0 && !isNew(out[j])) drop--;
    else keep.push(out[j]);
  }
  return [...keep.reverse(), ...add];
}
