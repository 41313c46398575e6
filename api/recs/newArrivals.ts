// Which new arrivals fill the trained ranker's quota online: exactly the placement the offline evaluation and
// `bench cold-start` measure (model/ranker/newArrivalPlacement.ts), over the table the model stores in its
// ranker.json (`newArrivalPlacement`, read with the ranker when the model loads) and the shopper's past products (their history and recent events). Cost
// per request: the user's past products plus the catalogue's new arrivals, never the catalogue.
import {
  placementProfile,
  placementScore,
  type PlacedProduct,
  type PlacementProfile,
  type PlacementTable,
  type PlacementWeights,
} from '../../model';
import type { Catalog, CatalogProduct } from '../catalog';
import type { LoadedModel } from '../model/activeModel';

/** A model's placement with its lookups by id. */
export interface PlacementServing {
  table: PlacementTable;
  weights: PlacementWeights;
  categoryIndex: Map<string, number>;
  brandIndex: Map<string, number>;
}

/** The serving form of a parsed placement (ranker.json `newArrivalPlacement`). */
export function placementServing(p: { table: PlacementTable; weights: PlacementWeights }): PlacementServing {
  return {
    ...p,
    categoryIndex: new Map(p.table.categoryIds.map((id, i) => [id, i])),
    brandIndex: new Map(p.table.brandIds.map((id, i) => [id, i])),
  };
}

const servingByModel = new WeakMap<LoadedModel, PlacementServing | null>();

/**
 * The model's placement with its lookups, built once per loaded model from what activeModel read of its
 * ranker.json; undefined for a version trained before it (the quota then takes the best new arrivals by the
 * ranker's score).
 */
export function placementServingOf(model: LoadedModel): PlacementServing | undefined {
  const hit = servingByModel.get(model);
  if (hit !== undefined) return hit ?? undefined;
  const p = model.ranker?.placement;
  const serving = p ? placementServing(p) : null;
  servingByModel.set(model, serving);
  return serving ?? undefined;
}

/** A catalogue product as placement sees it: the categories of its path the model knows, leaf first. */
export function placedProduct(s: PlacementServing, p: CatalogProduct): PlacedProduct {
  const pathIdx: number[] = [];
  for (const c of p.categoryPath) {
    const i = s.categoryIndex.get(c);
    if (i !== undefined) pathIdx.push(i);
  }
  return {
    path: pathIdx,
    brand: p.brandId === null ? -1 : (s.brandIndex.get(p.brandId) ?? -1),
    price: p.price,
    launch: p.launchedAt,
  };
}

/** What one request's placement knows: the user's profile, and how to score and explain a new arrival. */
export interface RequestPlacement {
  score: (p: CatalogProduct) => number;
  /** Why a placed product was chosen, from the user's own past products ("New in Tents, a category you buy"). */
  basis: (p: CatalogProduct) => string;
}

/**
 * The request's placement over the user's past products (ids; each counted once, unknown ones skipped), at
 * `at` with the quota's `days`. `purchased` says which of them were bought, for the explanation's wording.
 */
export function requestPlacement(
  s: PlacementServing,
  catalog: Catalog,
  pastIds: Iterable<string>,
  purchased: Set<string>,
  req: { at: number; days: number },
): RequestPlacement {
  const past: PlacedProduct[] = [];
  const seen = new Set<string>();
  const bought = new Set<number>();
  const boughtBrands = new Set<number>();
  for (const id of pastIds) {
    if (seen.has(id)) continue;
    seen.add(id);
    const p = catalog.get(id);
    if (!p) continue;
    const placed = placedProduct(s, p);
    past.push(placed);
    if (purchased.has(id)) {
      for (const c of placed.path) bought.add(c);
      if (placed.brand >= 0) boughtBrands.add(placed.brand);
    }
  }
  const profile: PlacementProfile = placementProfile(s.table, past);
  const memo = new Map<string, number>();
  const score = (p: CatalogProduct) => {
    let v = memo.get(p.id);
    if (v === undefined)
      memo.set(p.id, (v = placementScore(s.table, s.weights, profile, placedProduct(s, p), req)));
    return v;
  };
  const basis = (p: CatalogProduct) => {
    const leafName = (id: string | undefined) => (id ? (catalog.category(id)?.name ?? id) : 'the shop');
    const leaf = leafName(p.categoryPath[0]);
    // The most specific category of its path the user has products in.
    for (const id of p.categoryPath) {
      const c = s.categoryIndex.get(id);
      if (c === undefined || !(profile.category.get(c) ?? 0)) continue;
      const verb = bought.has(c) ? 'buy' : 'browse';
      return id === p.categoryPath[0]
        ? `New in ${leaf}, a category you ${verb}`
        : `New in ${leaf}, part of ${leafName(id)}, where you ${verb}`;
    }
    const b = p.brandId === null ? undefined : s.brandIndex.get(p.brandId);
    if (b !== undefined && (profile.brand.get(b) ?? 0) > 0)
      return `New from ${p.brandName ?? p.brandId}, a brand you ${boughtBrands.has(b) ? 'bought' : 'viewed'}`;
    return `New in ${leaf}, a category shoppers buy often`;
  };
  return { score, basis };
}

/** The `k` best new arrivals for the request by placement (the quota's candidates), best first. */
export function placedNewArrivals(
  rp: RequestPlacement,
  newArrivals: readonly CatalogProduct[],
  k: number,
): CatalogProduct[] {
  return [...newArrivals].sort((a, b) => rp.score(b) - rp.score(a) || (a.id < b.id ? -1 : 1)).slice(0, k);
}
