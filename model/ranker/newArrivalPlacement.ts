// Which new arrivals fill the ranker's quota for a user (reserveNewArrivals' `pick`). A new product has no events,
// so the ranker's own score of it is only its inductive embedding; its metadata says more about who will want it.
// Shoppers keep to the categories they already buy from, prefer brands they already chose and a price level
// like the one they pay, and a strong brand's product takes a large share of its leaf. The placement score of new
// arrival i for a user with past products H is a log-probability estimate:
//   log P(leaf_i | H) + share · log(strength(brand_i) / (mass(leaf_i) + LEAF_PRIOR))
//     + log(1 + brand · [H holds brand_i]) - price · |z(H) - z(i)| + age · log(min(1, onSale_i / days))
// P(leaf | H) walks the category tree from the root: at each level the user's counts are smoothed towards the
// parent's estimate times the shop's share of the level below (`alpha` pseudo-products), so a user who bought in
// a leaf ranks its new products first, one who only bought in its parent next, and a user with no history gets
// the shop's category shares. strength is the brand's mean event weight per product over the shop's mean, mass
// the leaf's event weight in mean products; z is a log price relative to its leaf's mean, z(H) the user's mean
// (shrunk towards 0 by one pseudo-product); onSale_i is how long the product has been on sale at the request
// (a product out for a day has had little chance yet; offline one list stands for a window, and one launched at
// its end is on sale for little of it). One pure function for the offline evaluation, `bench cold-start`
// and the API (api/recs/newArrivals.ts); O(history + new arrivals) per request. Tuned on validation's own new
// arrivals (training/context/placementTuning.ts), never on test.

export interface PlacementWeights {
  /** Pseudo-products of smoothing per category level. */
  alpha: number;
  /** Exponent of the product's expected share of its leaf (0: every product of a leaf alike). */
  share: number;
  /** Bonus of a brand the user already bought from. */
  brand: number;
  /** Penalty per unit of log-price distance from the user's usual level. */
  price: number;
  /** Exponent of the share of the new-arrival period the product has been on sale. */
  age: number;
}

export const defaultPlacementWeights: PlacementWeights = { alpha: 5, share: 1, brand: 1, price: 0.5, age: 1 };
/** The weights' names, in the order tuning visits them (training/context/placementTuning.ts). */
export const PLACEMENT_KEYS: ReadonlyArray<keyof PlacementWeights> = [
  'alpha',
  'share',
  'brand',
  'price',
  'age',
];
/** A leaf's mass gets this many mean products more, so that a near-empty leaf does not hand out whole shares. */
export const LEAF_PRIOR = 2;
const FLOOR = 1e-9;

/** The catalogue facts placement reads, by index; stored in ranker.json `newArrivalPlacement`. */
export interface PlacementTable {
  categoryIds: string[];
  /** Parent category per category, -1 for a root. */
  parent: Int32Array;
  /** Share of the shop's event weight per category, its descendants included (roots sum to 1). */
  share: Float64Array;
  /** Per leaf: its event weight in mean products (0 for a category without products). */
  mass: Float64Array;
  /** Mean log price per leaf (NaN without priced products). */
  logPrice: Float64Array;
  brandIds: string[];
  /** Per brand: mean event weight per product over the mean of all products (0: nothing known). */
  strength: Float64Array;
}

/**
 * A product as placement sees it: its category path (known indices, leaf first), brand index (-1: unknown),
 * price and launch (ms; null: unknown).
 */
export interface PlacedProduct {
  path: readonly number[];
  brand: number;
  price: number | null;
  launch: number | null;
}

/** When and for how long a request counts products as new (ranker.ts `isNewArrival`). */
export interface PlacementRequest {
  at: number;
  days: number;
}
const DAY_MS = 86_400_000;
const MIN_ON_SALE = 1e-3;

/** What placement knows of a user: counts of their past products per category (every level) and brand. */
export interface PlacementProfile {
  n: number;
  category: Map<number, number>;
  brand: Map<number, number>;
  /** Sum and count of the past products' relative log prices. */
  zSum: number;
  zN: number;
  /** log P(leaf | H) by leaf for the smoothing `alpha` last used (new arrivals share leaves). */
  leafLog: { alpha: number; byLeaf: Map<number, number> };
}

/** z of a product: its log price relative to its leaf's mean (0 when either is unknown). */
function relativeLogPrice(t: PlacementTable, p: PlacedProduct): number {
  const leaf = p.path[0];
  if (p.price === null || !(p.price > 0) || leaf === undefined) return 0;
  const m = t.logPrice[leaf];
  return Number.isFinite(m) ? Math.log(p.price) - m : 0;
}

/** Pure: the profile of a user's past products (distinct products, each counted once). */
export function placementProfile(t: PlacementTable, past: Iterable<PlacedProduct>): PlacementProfile {
  const prof: PlacementProfile = {
    n: 0,
    category: new Map(),
    brand: new Map(),
    zSum: 0,
    zN: 0,
    leafLog: { alpha: NaN, byLeaf: new Map() },
  };
  for (const p of past) {
    if (p.path.length === 0) continue;
    prof.n++;
    for (const c of p.path) prof.category.set(c, (prof.category.get(c) ?? 0) + 1);
    if (p.brand >= 0) prof.brand.set(p.brand, (prof.brand.get(p.brand) ?? 0) + 1);
    if (p.price !== null && p.price > 0 && Number.isFinite(t.logPrice[p.path[0]])) {
      prof.zSum += relativeLogPrice(t, p);
      prof.zN++;
    }
  }
  return prof;
}

/** Pure: the placement score of one new arrival for a profile (higher: place it first). */
export function placementScore(
  t: PlacementTable,
  w: PlacementWeights,
  prof: PlacementProfile,
  p: PlacedProduct,
  req: PlacementRequest,
): number {
  let s = leafLogProb(t, w.alpha, prof, p.path);
  const leaf = p.path[0];
  if (w.share !== 0 && leaf !== undefined) {
    const strength = p.brand >= 0 && t.strength[p.brand] > 0 ? t.strength[p.brand] : 1;
    s += w.share * Math.log(strength / (t.mass[leaf] + LEAF_PRIOR));
  }
  if (w.brand !== 0 && p.brand >= 0 && (prof.brand.get(p.brand) ?? 0) > 0) s += Math.log(1 + w.brand);
  if (w.price !== 0 && prof.zN > 0) {
    const zu = prof.zSum / (prof.zN + 1);
    s -= w.price * Math.abs(zu - relativeLogPrice(t, p));
  }
  if (w.age !== 0 && p.launch !== null && Number.isFinite(p.launch)) {
    const onSale = (req.at - p.launch) / (req.days * DAY_MS);
    s += w.age * Math.log(Math.min(1, Math.max(MIN_ON_SALE, onSale)));
  }
  return s;
}

/** log P(leaf | H), root to leaf (the path is leaf first), remembered per leaf for the profile's last alpha. */
function leafLogProb(
  t: PlacementTable,
  alpha: number,
  prof: PlacementProfile,
  path: readonly number[],
): number {
  if (prof.leafLog.alpha !== alpha) prof.leafLog = { alpha, byLeaf: new Map() };
  const key = path.length > 0 ? path[0] : -1;
  const hit = prof.leafLog.byLeaf.get(key);
  if (hit !== undefined) return hit;
  let prob = 1;
  let nAbove = prof.n;
  let shareAbove = 1;
  for (let k = path.length - 1; k >= 0; k--) {
    const c = path[k];
    const share = Math.max(FLOOR, t.share[c]);
    const cond = Math.min(1, share / shareAbove);
    const nc = prof.category.get(c) ?? 0;
    prob = (nc + alpha * prob * cond) / (nAbove + alpha);
    nAbove = nc;
    shareAbove = share;
  }
  const v = Math.log(Math.max(FLOOR, prob));
  prof.leafLog.byLeaf.set(key, v);
  return v;
}

/** A catalogue product's path of known category indices, leaf first (up the table's parents). */
export function categoryPath(t: PlacementTable, leaf: number): number[] {
  const out: number[] = [];
  for (let c = leaf; c >= 0 && out.length < t.parent.length; c = t.parent[c]) out.push(c);
  return out;
}

/** ranker.json's `newArrivalPlacement`: the weights and the table, arrays as plain lists. */
export function encodePlacement(t: PlacementTable, w: PlacementWeights): Record<string, unknown> {
  // Full precision: the API scores exactly as the evaluation does (JSON round-trips a double).
  const list = (a: Float64Array) => Array.from(a, (x) => (Number.isFinite(x) ? x : null));
  return {
    weights: w,
    categoryIds: t.categoryIds,
    parent: Array.from(t.parent),
    share: list(t.share),
    mass: list(t.mass),
    logPrice: list(t.logPrice),
    brandIds: t.brandIds,
    strength: list(t.strength),
  };
}

/**
 * Parse ranker.json's `newArrivalPlacement`; undefined when missing or malformed (a version trained before it,
 * whose quota then picks by the ranker's score).
 */
export function placementOf(
  ranker: unknown,
): { table: PlacementTable; weights: PlacementWeights } | undefined {
  const p = (ranker as { newArrivalPlacement?: Record<string, unknown> } | null)?.newArrivalPlacement;
  if (!p || typeof p !== 'object') return undefined;
  const w = p.weights as Record<string, unknown> | undefined;
  const keys = PLACEMENT_KEYS;
  if (!w || !keys.every((k) => typeof w[k] === 'number' && Number.isFinite(w[k]))) return undefined;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  const nums = (x: unknown, n: number) =>
    Array.isArray(x) && x.length === n && x.every((v) => v === null || typeof v === 'number');
  const f64 = (x: unknown) => Float64Array.from(x as Array<number | null>, (v) => (v === null ? NaN : v));
  if (!strings(p.categoryIds) || !strings(p.brandIds)) return undefined;
  const nC = (p.categoryIds as string[]).length;
  const nB = (p.brandIds as string[]).length;
  if (!nums(p.parent, nC) || !nums(p.share, nC) || !nums(p.mass, nC) || !nums(p.logPrice, nC))
    return undefined;
  if (!nums(p.strength, nB)) return undefined;
  const parent = Int32Array.from(p.parent as number[], (v) => (Number.isInteger(v) && v < nC ? v : -1));
  return {
    weights: Object.fromEntries(keys.map((k) => [k, w[k] as number])) as unknown as PlacementWeights,
    table: {
      categoryIds: p.categoryIds as string[],
      parent,
      share: f64(p.share).map((v) => (Number.isFinite(v) ? v : 0)),
      mass: f64(p.mass).map((v) => (Number.isFinite(v) ? v : 0)),
      logPrice: f64(p.logPrice),
      brandIds: p.brandIds as string[],
      strength: f64(p.strength).map((v) => (Number.isFinite(v) ? v : 0)),
    },
  };
}
