// The API's new-arrival placement against the offline evaluation's (what `bench cold-start` measures): the same
// scores from the stored table, the same new arrivals in the quota, and explanations that say what the choice
// rests on.
import { encodePlacement, placementOf, reserveNewArrivals, type PlacementWeights } from '../../model';
import { buildPlacementTable, placedItems, placementPick, type Phase, type ShopData } from '../../training';
import type { Catalog, CatalogProduct } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import { parseFilter } from '../validate';
import { placedNewArrivals, placementServing, placementServingOf, requestPlacement } from './newArrivals';
import { rankCandidates } from './rank';

const DAY = 86_400_000;
const AT = Date.parse('2026-06-01T00:00:00.000Z');
const DAYS = 28;
// Categories: c0 Outdoor > c1 Camping > {c2 Tents, c3 Stoves}; c4 Kitchen > {c5 Pans, c6 Knives}.
const categoryIds = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
const names = ['Outdoor', 'Camping', 'Tents', 'Stoves', 'Kitchen', 'Pans', 'Knives'];
const categoryParent = Int32Array.from([-1, 0, 1, 1, -1, 4, 4]);
const brandIds = ['b0', 'b1', 'b2'];
// p0-p9 warm (launched long ago), p10-p15 new arrivals at AT.
const leaves = [2, 2, 3, 5, 6, 2, 3, 5, 6, 2, 2, 3, 5, 6, 2, 3];
const brands = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
const prices = leaves.map((l, i) => 10 + 7 * l + 3 * (i % 4));
const launches = leaves.map((_, i) => (i < 10 ? AT - 400 * DAY : AT - (i - 8) * 3 * DAY));
const nItems = leaves.length;
const shop = {
  nItems,
  itemIds: leaves.map((_, i) => `p${i}`),
  categoryIds,
  categoryParent,
  brandIds,
  items: {
    category: Int32Array.from(leaves),
    brand: Int32Array.from(brands),
    price: Float32Array.from(prices),
    launch: Float64Array.from(launches),
  },
} as unknown as ShopData;
const popularity = Float32Array.from(leaves, (_, i) => (i < 10 ? 1 + ((i * 5) % 7) : 0));
const table = buildPlacementTable(shop, popularity);
const weights: PlacementWeights = { alpha: 2, share: 1, brand: 1, price: 0.5, age: 1 };
// The user's past products: bought p0 (Tents), viewed p1 (Tents) and p3 (Pans).
const past = [0, 1, 3];
const newItems = [10, 11, 12, 13, 14, 15];

const pathOf = (leaf: number) => {
  const out: string[] = [];
  for (let c = leaf; c >= 0; c = categoryParent[c]) out.push(categoryIds[c]);
  return out;
};
const products: CatalogProduct[] = leaves.map((leaf, i) => ({
  id: `p${i}`,
  name: `Product ${i}`,
  // Catalogue prices are what Neo4j holds; the shop's are float32 (the same number here).
  price: prices[i],
  inStock: true,
  consumable: false,
  launchedAt: launches[i],
  categoryId: categoryIds[leaf],
  brandId: brandIds[brands[i]],
  categoryPath: pathOf(leaf),
  brandName: `Brand ${brands[i]}`,
}));
const catalog = {
  get: (id: string) => products.find((p) => p.id === id),
  category: (id: string) => {
    const c = categoryIds.indexOf(id);
    return c < 0
      ? undefined
      : {
          id,
          name: names[c],
          level: 1,
          season: null,
          parentId: categoryParent[c] >= 0 ? categoryIds[categoryParent[c]] : null,
        };
  },
} as unknown as Catalog;

/** The offline pick (training/context/shopTrain.ts, what the evaluation and the bench run) for the user. */
function offlinePick(): Float32Array {
  const phase = {
    freshAt: AT,
    history: { nRows: 1, nCols: nItems, ptr: Int32Array.from([0, past.length]), idx: Int32Array.from(past) },
  } as unknown as Phase;
  const pick = new Float32Array(nItems);
  placementPick(shop, phase, { table, weights }, 0, newItems, pick, placedItems(shop, table), DAYS);
  return pick;
}

/** The API's placement from the version's stored ranker.json. */
function servedPlacement() {
  const stored = placementOf(
    JSON.parse(JSON.stringify({ newArrivalPlacement: encodePlacement(table, weights) })),
  );
  return requestPlacement(
    placementServing(stored!),
    catalog,
    past.map((i) => `p${i}`),
    new Set(['p0']),
    { at: AT, days: DAYS },
  );
}

describe('new-arrival placement online', () => {
  it('scores every new arrival exactly as the offline evaluation does', () => {
    const off = offlinePick();
    const rp = servedPlacement();
    for (const i of newItems) expect(rp.score(products[i])).toBeCloseTo(off[i], 5);
    // Distinct scores, so the order below is a real check.
    expect(new Set(newItems.map((i) => off[i].toFixed(4))).size).toBe(newItems.length);
  });

  it('fills the quota with the same new arrivals as the offline ranker', () => {
    const off = offlinePick();
    const isNew = Uint8Array.from(leaves, (_, i) => (newItems.includes(i) ? 1 : 0));
    // A ranker score that prefers other new arrivals than the placement does (new arrivals score low).
    const scores = Float32Array.from(leaves, (_, i) => (i < 10 ? 10 - i : ((i * 7) % 5) + 0.5));
    for (const quota of [1, 2, 3]) {
      const o = Float32Array.from(scores);
      reserveNewArrivals(o, isNew, quota, 8, off);
      const offlineList = [...o.keys()]
        .sort((a, b) => o[b] - o[a])
        .slice(0, 8)
        .map((i) => `p${i}`);
      const rp = servedPlacement();
      const online = rankCandidates({
        candidates: products.map((p, i) => ({ productId: p.id, source: 'embedding', weight: 1 + scores[i] })),
        product: (id) => catalog.get(id),
        purchased: new Set(),
        exclude: new Set(),
        filter: parseFilter(null),
        first: 8,
        perCategoryCap: 8,
        newArrivals: {
          quota,
          isNew: (p) => p.launchedAt !== null && p.launchedAt > AT - DAYS * DAY,
          pick: (id) => rp.score(catalog.get(id)!),
        },
        scoreOf: (id) => scores[Number(id.slice(1))],
      });
      expect(online.map((it) => it.productId)).toEqual(offlineList);
      // p12 is new and in the natural top 8 (it counts towards the quota); the others were placed.
      const placed = online.filter((it) => it.placed).map((it) => Number(it.productId.slice(1)));
      expect(placed.length).toBe(quota - 1);
      expect(placed.every((i) => newItems.includes(i))).toBe(true);
    }
  });

  it('offers the best new arrivals by placement as candidates', () => {
    const rp = servedPlacement();
    const off = offlinePick();
    const best = [...newItems].sort((a, b) => off[b] - off[a]).slice(0, 2);
    expect(
      placedNewArrivals(
        rp,
        newItems.map((i) => products[i]),
        2,
      ).map((p) => p.id),
    ).toEqual(best.map((i) => `p${i}`));
  });

  it('explains a placed product by what the choice rests on', () => {
    const rp = servedPlacement();
    expect(rp.basis(products[10])).toBe('New in Tents, a category you buy');
    expect(rp.basis(products[12])).toBe('New in Pans, a category you browse');
    expect(rp.basis(products[11])).toBe('New in Stoves, part of Camping, where you buy');
    // Nothing of the user in the path: a brand they chose, else the shop's taste.
    const cold = requestPlacement(placementServing({ table, weights }), catalog, [], new Set(), {
      at: AT,
      days: DAYS,
    });
    expect(cold.basis(products[13])).toBe('New in Knives, a category shoppers buy often');
    const brandOnly = requestPlacement(placementServing({ table, weights }), catalog, ['p3'], new Set(), {
      at: AT,
      days: DAYS,
    });
    expect(brandOnly.basis(products[14])).toBe('New in Tents, a category shoppers buy often');
    expect(brandOnly.basis(products[15])).toBe('New from Brand 0, a brand you viewed');
  });

  it("comes from the version's ranker, once per loaded model, and is absent for a version without it", () => {
    const stored = placementOf(
      JSON.parse(JSON.stringify({ newArrivalPlacement: encodePlacement(table, weights) })),
    );
    const model = { ranker: { placement: stored } } as unknown as LoadedModel;
    expect(placementServingOf(model)?.weights).toEqual(weights);
    expect(placementServingOf(model)).toBe(placementServingOf(model));
    expect(
      placementServingOf({ ranker: { placement: undefined } } as unknown as LoadedModel),
    ).toBeUndefined();
    expect(placementServingOf({} as unknown as LoadedModel)).toBeUndefined();
    expect(placementOf({ weights: {} })).toBeUndefined();
  });
});
