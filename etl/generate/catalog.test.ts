import { buildCatalog, NO_STOCK_OUT } from './catalog';
import { DAY_MS, makeWindow, SEASONS } from './seasonality';

describe('buildCatalog', () => {
  const window = makeWindow(12, '2026-10-31');
  const c = buildCatalog(20_000, 42, window);

  it('has a 3-level tree: ~20 tops, 400-600 leaves, each level grouped under its parent', () => {
    expect(c.nTop).toBe(20);
    expect(c.nLeaf).toBeGreaterThanOrEqual(400);
    expect(c.nLeaf).toBeLessThanOrEqual(600);
    for (let m = 0; m < c.nMid; m++) {
      expect(m).toBeGreaterThanOrEqual(c.midStart[c.midTop[m]]);
      expect(m).toBeLessThan(c.midStart[c.midTop[m] + 1]);
    }
    for (let l = 0; l < c.nLeaf; l++) {
      expect(l).toBeGreaterThanOrEqual(c.leafStart[c.leafMid[l]]);
      expect(l).toBeLessThan(c.leafStart[c.leafMid[l] + 1]);
    }
  });

  it('inherits seasons down the tree unless a branch has its own', () => {
    const garden = c.topName.indexOf('Garden');
    for (let m = c.midStart[garden]; m < c.midStart[garden + 1]; m++)
      expect(SEASONS[c.midSeason[m]]).toBe('summer');
    expect(SEASONS[c.midSeason[c.midName.indexOf('Outerwear')]]).toBe('winter');
    expect(SEASONS[c.topSeason[c.topName.indexOf('Fashion')]]).toBe('none');
  });

  it('gives brands a tier and makes premium dearer than budget within a leaf', () => {
    let logDiff = 0;
    let n = 0;
    for (let l = 0; l < c.nLeaf; l++) {
      const by = [0, 0, 0];
      const cnt = [0, 0, 0];
      for (let j = c.leafProdStart[l]; j < c.leafProdStart[l + 1]; j++) {
        const p = c.leafProducts[j];
        const t = c.brandTier[c.prodBrand[p]];
        by[t] += Math.log(c.prodCents[p]);
        cnt[t]++;
      }
      if (cnt[0] > 0 && cnt[2] > 0) {
        logDiff += by[2] / cnt[2] - by[0] / cnt[0];
        n++;
      }
    }
    expect(logDiff / n).toBeGreaterThan(0.7);
  });

  it('places products in leaves with positive prices, sells brands in their tops only', () => {
    for (let p = 0; p < c.nProducts; p++) {
      expect(c.prodCents[p]).toBeGreaterThan(0);
      const top = c.midTop[c.leafMid[c.prodLeaf[p]]];
      const b = c.prodBrand[p];
      const sells = Array.from(c.topBrands.subarray(c.topBrandStart[top], c.topBrandStart[top + 1]));
      expect(sells).toContain(b);
    }
  });

  it('numbers products in launch order, launches ~10% in the last 8 weeks and some in the last 4', () => {
    for (let p = 1; p < c.nProducts; p++) expect(c.prodLaunch[p]).toBeGreaterThanOrEqual(c.prodLaunch[p - 1]);
    expect(c.prodLaunch[0]).toBeLessThan(window.startMs);
    const last8 = c.prodLaunch.filter((t) => t > window.endMs - 56 * DAY_MS).length / c.nProducts;
    const last4 = c.prodLaunch.filter((t) => t > window.endMs - 28 * DAY_MS).length / c.nProducts;
    expect(last8).toBeGreaterThan(0.08);
    expect(last8).toBeLessThan(0.12);
    expect(last4).toBeGreaterThan(0.03);
  });

  it('has consumables (mostly in grocery-like tops) and some products out of stock', () => {
    const grocery = c.topName.indexOf('Grocery');
    let cons = 0;
    let consGrocery = 0;
    let groceryN = 0;
    let out = 0;
    for (let p = 0; p < c.nProducts; p++) {
      const top = c.midTop[c.leafMid[c.prodLeaf[p]]];
      cons += c.prodConsumable[p];
      if (top === grocery) {
        groceryN++;
        consGrocery += c.prodConsumable[p];
      }
      if (c.prodStockOutDay[p] !== NO_STOCK_OUT) out++;
    }
    expect(cons / c.nProducts).toBeGreaterThan(0.1);
    expect(consGrocery / groceryN).toBeGreaterThan(0.8);
    expect(out / c.nProducts).toBeGreaterThan(0.03);
    expect(out / c.nProducts).toBeLessThan(0.1);
  });

  it('is deterministic', () => {
    const again = buildCatalog(20_000, 42, window);
    expect(Buffer.from(again.prodCents.buffer).equals(Buffer.from(c.prodCents.buffer))).toBe(true);
    expect(again.brandName).toEqual(c.brandName);
  });
});
