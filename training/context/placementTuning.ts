// The training half of new-arrival placement (model/ranker/newArrivalPlacement.ts scores): the shop's placement
// table from its catalogue and event weights, and the coordinate search that tunes the weights on validation's
// own new arrivals.
import { defaultPlacementWeights, type PlacementTable, type PlacementWeights } from '../../model';
import type { ShopData } from '../data/shop';
import { coordinateSearch, logged } from '../cf/search';

const GRIDS: Record<keyof PlacementWeights, readonly number[]> = {
  alpha: [0.5, 2, 5, 20],
  share: [0, 0.5, 1],
  brand: [0, 0.5, 1, 3],
  price: [0, 0.5, 1, 2],
  age: [0, 0.5, 1, 2, 4],
};
/** The placement table of a shop from event weights per item (the ranker's popularity table). */
export function buildPlacementTable(shop: ShopData, popularity: Float32Array): PlacementTable {
  const nC = shop.categoryIds.length;
  const nB = shop.brandIds.length;
  const share = new Float64Array(nC);
  const leafItems = new Float64Array(nC);
  const logSum = new Float64Array(nC);
  const logN = new Float64Array(nC);
  const bSum = new Float64Array(nB);
  const bN = new Float64Array(nB);
  let total = 0;
  for (let i = 0; i < shop.nItems; i++) {
    const x = popularity[i];
    total += x;
    const leaf = shop.items.category[i];
    for (let c = leaf, guard = 0; c >= 0 && guard < nC; c = shop.categoryParent[c], guard++) share[c] += x;
    leafItems[leaf]++;
    const price = shop.items.price[i];
    if (price > 0) {
      logSum[leaf] += Math.log(price);
      logN[leaf]++;
    }
    bSum[shop.items.brand[i]] += x;
    bN[shop.items.brand[i]]++;
  }
  const mean = total / Math.max(1, shop.nItems);
  const mass = new Float64Array(nC);
  for (let c = 0; c < nC; c++) {
    mass[c] = leafItems[c] > 0 && mean > 0 ? share[c] / mean : 0;
    share[c] = total > 0 ? share[c] / total : 0;
  }
  return {
    categoryIds: shop.categoryIds,
    parent: shop.categoryParent,
    share,
    mass,
    logPrice: Float64Array.from(logSum, (s, c) => (logN[c] > 0 ? s / logN[c] : NaN)),
    brandIds: shop.brandIds,
    strength: Float64Array.from(bSum, (s, b) => (bN[b] > 0 && mean > 0 ? s / bN[b] / mean : 0)),
  };
}

/** Coordinate search over the grids (at most `passes` rounds) for the best validation objective; ties keep the current value. */
export function tunePlacement(
  objective: (w: PlacementWeights) => number,
  log?: (w: PlacementWeights, v: number) => void,
  passes = 2,
): { weights: PlacementWeights; value: number; tried: number } {
  const r = coordinateSearch({ ...defaultPlacementWeights }, GRIDS, logged(objective, log), {
    deadline: Infinity,
    maxPasses: passes,
  });
  return { weights: r.best.params, value: r.best.score, tried: r.trials.length };
}
