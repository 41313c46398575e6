// The generator's own taste model of a shop, rebuilt in memory from its manifest's seed and options (the
// catalogue and the users' latent tastes are deterministic: etl/generate), for the cold-start oracles. It
// mirrors how etl/generate/sessions.ts draws a fresh product for user u on a day:
//   top    92% from the user's K tops (weight x the top's season factor), 8% from the shop's top mass;
//   mid    mid mass x the mid's own season factor x the (age band, gender) mid preference;
//   leaf   leaf mass within the mid;
//   item   popularity x fit(u, p) among products on sale (fit: favourite brand, brand tier, price band).
// Season factors are averaged over four days of the evaluated window, and a product launched during it counts
// for the share of the window it is on sale. Session walks (substitutes in the leaf, complements) are left
// out: the oracle is the expected first draw, which sets the leaf and category a session is about.
// Kept out of training: only bench/ imports it.
import fs from 'node:fs';
import path from 'node:path';
import {
  buildCatalog,
  buildPopulation,
  dayWeights,
  makeWindow,
  seasonFactor,
  DAY_MS,
  K_TOPS,
  SEASONS,
  BAND_FIT,
  GLOBAL_DRAW,
  TIER_FIT,
  productFit,
  type Catalog,
  type Population,
} from '../../etl';

export interface TasteTruth {
  catalog: Catalog;
  population: Population;
  /** Window [from, to) evaluated. */
  from: number;
  to: number;
  /** Per product: the share of [from, to) it is on sale (0 if launched after). */
  onSale: Float64Array;
  /** Per (age band, gender) and sample day: P(leaf | top), nTop blocks of nLeaf (dense, nLeaf per row). */
  leafGivenTop: Map<number, Float64Array[]>;
  /** Per sample day: each top's season factor. */
  topFactor: Float64Array[];
  topShare: Float64Array;
}

interface ManifestLite {
  seed: number;
  params: { users: number; products: number; months: number; end: string };
}

/** Rebuild the generator's catalogue and population of the shop in `dir` (its manifest.json). */
export function tasteTruth(dir: string, from: number, to: number): TasteTruth {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ManifestLite;
  const window = makeWindow(m.params.months, m.params.end);
  const catalog = buildCatalog(m.params.products, m.seed, window);
  const population = buildPopulation(m.params.users, m.seed, window, dayWeights(window), catalog);
  const c = catalog;
  const onSale = new Float64Array(c.nProducts);
  for (let p = 0; p < c.nProducts; p++) {
    const l = c.prodLaunch[p];
    onSale[p] = l >= to ? 0 : l <= from ? 1 : (to - l) / (to - from);
  }
  const days = [0.125, 0.375, 0.625, 0.875].map((f) => from + f * (to - from));
  const topFactor = days.map((d) =>
    Float64Array.from({ length: c.nTop }, (_, t) => seasonFactor(SEASONS[c.topSeason[t]], d)),
  );
  let mass = 0;
  for (const x of c.topMass) mass += x;
  const topShare = Float64Array.from(c.topMass, (x) => x / mass);
  const leafGivenTop = new Map<number, Float64Array[]>();
  for (let a = 0; a < 6; a++)
    for (let g = 0; g < 3; g++) {
      const row = (a * 3 + g) * c.nMid;
      leafGivenTop.set(
        a * 3 + g,
        days.map((d, k) => {
          const out = new Float64Array(c.nLeaf);
          for (let t = 0; t < c.nTop; t++) {
            let sum = 0;
            const m0 = c.midStart[t];
            const m1 = c.midStart[t + 1];
            const w = new Float64Array(m1 - m0);
            for (let mid = m0; mid < m1; mid++) {
              const f = seasonFactor(SEASONS[c.midSeason[mid]], d) / topFactor[k][t];
              w[mid - m0] = c.midMass[mid] * f * population.midPref[row + mid];
              sum += w[mid - m0];
            }
            if (sum <= 0) continue;
            for (let mid = m0; mid < m1; mid++) {
              const pm = w[mid - m0] / sum;
              if (c.midMass[mid] <= 0) continue;
              for (let l = c.leafStart[mid]; l < c.leafStart[mid + 1]; l++)
                out[l] = (pm * c.leafMass[l]) / c.midMass[mid];
            }
          }
          return out;
        }),
      );
    }
  void DAY_MS;
  return { catalog, population, from, to, onSale, leafGivenTop, topFactor, topShare };
}

/** P(top) of user u on sample day k: 92% the user's tops by weight x season, 8% the shop's top mass. */
export function userTopProb(t: TasteTruth, u: number, k: number, out: Float64Array): Float64Array {
  const pop = t.population;
  out.fill(0);
  let sum = 0;
  for (let j = 0; j < K_TOPS; j++)
    sum += pop.userTopWeight[u * K_TOPS + j] * t.topFactor[k][pop.userTops[u * K_TOPS + j]];
  for (let j = 0; j < K_TOPS && sum > 0; j++) {
    const top = pop.userTops[u * K_TOPS + j];
    out[top] += ((1 - GLOBAL_DRAW) * pop.userTopWeight[u * K_TOPS + j] * t.topFactor[k][top]) / sum;
  }
  const g = sum > 0 ? GLOBAL_DRAW : 1;
  for (let top = 0; top < out.length; top++) out[top] += g * t.topShare[top];
  return out;
}

/** The user's expected leaf distribution over the window (averaged over the sample days). */
export function userLeafProb(t: TasteTruth, u: number): Float64Array {
  const c = t.catalog;
  const ag = t.population.ageBand[u] * 3 + t.population.gender[u];
  const out = new Float64Array(c.nLeaf);
  const tops = new Float64Array(c.nTop);
  const days = t.topFactor.length;
  const byDay = t.leafGivenTop.get(ag) as Float64Array[];
  for (let k = 0; k < days; k++) {
    userTopProb(t, u, k, tops);
    const lg = byDay[k];
    for (let l = 0; l < c.nLeaf; l++) out[l] += (tops[c.midTop[c.leafMid[l]]] * lg[l]) / days;
  }
  return out;
}

/** fit(u, p) of the generator: favourite brand (1, else 0.6) x brand tier fit x price band fit. */
export function fit(t: TasteTruth, u: number, p: number): number {
  return productFit(t.catalog, t.population, u, p);
}

/**
 * Expected appeal of every product to a group of users (one user, or a segment's users averaged): the leaf
 * probability x the product's share of its leaf by popularity x the group's mean fit, for products on sale.
 * `popularity` lets a caller replace a product's hidden popularity draw by what its metadata predicts.
 */
export function groupAppeal(
  t: TasteTruth,
  users: number[],
  popularity: Float64Array = t.catalog.prodPop,
): Float64Array {
  const c = t.catalog;
  const pop = t.population;
  const leaf = new Float64Array(c.nLeaf);
  for (const u of users) {
    const lp = userLeafProb(t, u);
    for (let l = 0; l < c.nLeaf; l++) leaf[l] += lp[l] / users.length;
  }
  // Mean fit: the (tier, band) preferences' mix for the 0.6 x part, plus the favourite-brand bonus per brand.
  const mix = new Float64Array(15);
  const fav = new Map<number, Float64Array>();
  for (const u of users) {
    mix[pop.tierPref[u] * 5 + pop.bandPref[u]] += 1 / users.length;
    for (const b of [pop.favBrands[u * 2], pop.favBrands[u * 2 + 1]]) {
      if (b < 0) continue;
      let f = fav.get(b);
      if (!f) fav.set(b, (f = new Float64Array(15)));
      f[pop.tierPref[u] * 5 + pop.bandPref[u]] += 1 / users.length;
    }
  }
  const fitTable = (w: Float64Array, tier: number, band: number) => {
    let s = 0;
    for (let tp = 0; tp < 3; tp++)
      for (let bp = 0; bp < 5; bp++) {
        const x = w[tp * 5 + bp];
        if (x > 0) s += x * TIER_FIT[Math.abs(tier - tp)] * BAND_FIT[Math.abs(band - bp)];
      }
    return s;
  };
  const w = new Float64Array(c.nProducts);
  const z = new Float64Array(c.nLeaf);
  for (let p = 0; p < c.nProducts; p++) {
    if (t.onSale[p] <= 0) continue;
    const b = c.prodBrand[p];
    const tier = c.brandTier[b];
    const band = c.prodBand[p];
    const f = fav.get(b);
    const meanFit = 0.6 * fitTable(mix, tier, band) + (f ? 0.4 * fitTable(f, tier, band) : 0);
    w[p] = popularity[p] * meanFit * t.onSale[p];
    z[c.prodLeaf[p]] += w[p];
  }
  for (let p = 0; p < c.nProducts; p++) {
    const l = c.prodLeaf[p];
    w[p] = z[l] > 0 ? (leaf[l] * w[p]) / z[l] : 0;
  }
  return w;
}
