// The catalogue: a 3-level category tree, brands with a tier that sell in a few related top categories, and
// products placed in leaves with log-normal prices, Zipf popularity, launch dates and stock.
//
// Data layout (all typed arrays, indexed by dense integers; the CSV ids are these numbers with a prefix):
//   tops t in [0, nTop), mids m in [0, nMid) grouped by top (midStart[t]..midStart[t+1]), leaves l grouped by mid
//   (leafStart[m]..leafStart[m+1]). Category ids are c{t}, c{nTop+m}, c{nTop+nMid+l}: parents before children.
//   Products p are numbered in launch order (p0 is the oldest), so "launched by time t" is a prefix of ids.
//   leafProducts[leafProdStart[l]..leafProdStart[l+1]) lists the products of leaf l (in launch order), and
//   leafProdProb/leafProdAlias hold one alias table per leaf over product popularity, in the same slots.
import path from 'node:path';
import { SHOP_COLUMNS } from '../../core';
import { Rng } from './prng';
import { AliasTable, buildAliasInto, logNormal, permutation, sampleAliasAt } from './samplers';
import { DAY_MS, Season, SEASONS, Window } from './seasonality';
import { CsvWriter, csvField, formatCents, FileStats, isoString } from './csvWriter';
import {
  ATTRIBUTES,
  BRAND_SUFFIXES,
  COLORS,
  LEAF_QUALIFIERS,
  SYLLABLES,
  TIER_WORDS,
  TIERS,
  TOPS,
} from './vocabulary';

export const NO_STOCK_OUT = 0x7fffffff;
/** Log-price shift of a brand tier: budget brands sell cheaper, premium dearer, in every category. */
const TIER_SHIFT = [-0.45, 0, 0.55];
/** Quintile cut points of a standard normal: price band 0 (cheapest fifth of its leaf) .. 4 (dearest). */
const BAND_CUTS = [-0.8416, -0.2533, 0.2533, 0.8416];

export interface Catalog {
  nTop: number;
  nMid: number;
  nLeaf: number;
  topName: string[];
  midName: string[];
  leafName: string[];
  midTop: Int32Array;
  leafMid: Int32Array;
  midStart: Int32Array;
  leafStart: Int32Array;
  /** Season index (into SEASONS) of each top and each mid (inherited from the top unless the mid has its own). */
  topSeason: Uint8Array;
  midSeason: Uint8Array;
  leafMu: Float64Array;
  leafSigma: Float64Array;
  /** Up to 4 complement leaves per leaf (2 siblings in the same mid, 2 in related tops), -1 where missing. */
  leafComplements: Int32Array;
  /** Popularity mass of each leaf, mid and top (sum over its products): zero means it has no products. */
  leafMass: Float64Array;
  midMass: Float64Array;
  topMass: Float64Array;
  /** One alias table per mid over its leaves, weighted by leafMass, stored at leafStart[m]. */
  midLeafProb: Float64Array;
  midLeafAlias: Int32Array;
  /** Global top-category table by mass: the "anything" draw. */
  topTable: AliasTable;

  nBrands: number;
  brandName: string[];
  brandTier: Uint8Array;
  brandHome: Uint8Array;
  /** Brands that sell in top t: topBrands[topBrandStart[t]..topBrandStart[t+1]), with an alias table alongside. */
  topBrandStart: Int32Array;
  topBrands: Int32Array;
  topBrandProb: Float64Array;
  topBrandAlias: Int32Array;

  nProducts: number;
  prodLeaf: Int32Array;
  prodBrand: Int32Array;
  prodCents: Int32Array;
  prodLaunch: Float64Array;
  prodBand: Uint8Array;
  /** Day index (in the window) from which the product is out of stock; NO_STOCK_OUT if it is in stock. */
  prodStockOutDay: Int32Array;
  prodConsumable: Uint8Array;
  prodPop: Float64Array;
  leafProdStart: Int32Array;
  leafProducts: Int32Array;
  leafProdProb: Float64Array;
  leafProdAlias: Int32Array;
}

export function buildCatalog(nProducts: number, seed: number, window: Window): Catalog {
  const rng = new Rng(seed, 'catalog');
  const nTop = TOPS.length;
  const topName = TOPS.map((t) => t.name);

  // Level 2 and 3. Four to six leaves per mid gives 400-600 leaves over 100 mids.
  const midName: string[] = [];
  const midTopArr: number[] = [];
  const midSeasonArr: number[] = [];
  const midStart = new Int32Array(nTop + 1);
  const leafName: string[] = [];
  const leafMidArr: number[] = [];
  const leafMuArr: number[] = [];
  const leafSigmaArr: number[] = [];
  const leafStartArr: number[] = [];
  const topShare = new Float64Array(nTop);
  for (let t = 0; t < nTop; t++) {
    const spec = TOPS[t];
    topShare[t] = logNormal(rng, 0, 0.4);
    midStart[t] = midName.length;
    for (const mid of spec.mids) {
      const [name, season] = typeof mid === 'string' ? [mid, spec.season] : mid;
      const m = midName.length;
      midName.push(name);
      midTopArr.push(t);
      midSeasonArr.push(SEASONS.indexOf(season));
      leafStartArr.push(leafName.length);
      const midMu = Math.log(spec.price) + 0.35 * rng.normal();
      const k = 4 + rng.int(3);
      const quals = permutation(LEAF_QUALIFIERS.length, rng);
      for (let j = 0; j < k; j++) {
        const [qual, shift] = LEAF_QUALIFIERS[quals[j]];
        leafName.push(`${qual} ${name}`);
        leafMidArr.push(m);
        leafMuArr.push(midMu + shift + 0.15 * rng.normal());
        leafSigmaArr.push(0.3 + 0.3 * rng.float());
      }
    }
  }
  midStart[nTop] = midName.length;
  leafStartArr.push(leafName.length);
  const nMid = midName.length;
  const nLeaf = leafName.length;
  const midTop = Int32Array.from(midTopArr);
  const leafMid = Int32Array.from(leafMidArr);
  const leafStart = Int32Array.from(leafStartArr);
  const topSeason = Uint8Array.from(TOPS.map((t) => SEASONS.indexOf(t.season)));
  const midSeason = Uint8Array.from(midSeasonArr);
  const leafMu = Float64Array.from(leafMuArr);
  const leafSigma = Float64Array.from(leafSigmaArr);

  const related = TOPS.map((t) => t.related.map((r) => topName.indexOf(r)).filter((i) => i >= 0));
  const leafComplements = new Int32Array(nLeaf * 4).fill(-1);
  for (let l = 0; l < nLeaf; l++) {
    const m = leafMid[l];
    const sibs = leafStart[m + 1] - leafStart[m];
    const order = permutation(sibs, rng);
    let k = 0;
    for (let j = 0; j < sibs && k < 2; j++) {
      const s = leafStart[m] + order[j];
      if (s !== l) leafComplements[l * 4 + k++] = s;
    }
    const rel = related[midTop[m]];
    for (let j = 0; j < 2 && rel.length > 0; j++) {
      const t = rel[rng.int(rel.length)];
      const m2 = midStart[t] + rng.int(midStart[t + 1] - midStart[t]);
      leafComplements[l * 4 + 2 + j] = leafStart[m2] + rng.int(leafStart[m2 + 1] - leafStart[m2]);
    }
  }

  // Brands: about one per 40 products. The first nTop brands are homed in each top in turn so every top has one.
  const nBrands = Math.max(nTop, Math.min(5000, Math.round(nProducts / 40)));
  const brandRng = new Rng(seed, 'brands');
  const brandName: string[] = [];
  const used = new Set<string>();
  const brandTier = new Uint8Array(nBrands);
  const brandHome = new Uint8Array(nBrands);
  const brandPop = new Float64Array(nBrands);
  const brandRank = permutation(nBrands, brandRng);
  const topTableByShare = new AliasTable(topShare);
  const sells: number[][] = Array.from({ length: nTop }, () => []);
  for (let b = 0; b < nBrands; b++) {
    let name = '';
    do {
      const syl = 2 + brandRng.int(2);
      name = '';
      for (let s = 0; s < syl; s++) name += SYLLABLES[brandRng.int(SYLLABLES.length)];
      name = name[0].toUpperCase() + name.slice(1) + BRAND_SUFFIXES[brandRng.int(BRAND_SUFFIXES.length)];
    } while (used.has(name) && used.size < 50_000);
    if (used.has(name)) name = `${name} ${b}`;
    used.add(name);
    brandName.push(name);
    const u = brandRng.float();
    brandTier[b] = u < 0.4 ? 0 : u < 0.8 ? 1 : 2;
    const home = b < nTop ? b : topTableByShare.sample(brandRng);
    brandHome[b] = home;
    brandPop[b] = 1 / Math.pow(brandRank[b] + 3, 0.8);
    sells[home].push(b);
    const extra = 1 + brandRng.int(2);
    const rel = related[home];
    for (let j = 0; j < extra && rel.length > 0; j++) {
      const t = rel[brandRng.int(rel.length)];
      if (!sells[t].includes(b)) sells[t].push(b);
    }
  }
  const topBrandStart = new Int32Array(nTop + 1);
  for (let t = 0; t < nTop; t++) topBrandStart[t + 1] = topBrandStart[t] + sells[t].length;
  const topBrands = new Int32Array(topBrandStart[nTop]);
  const topBrandProb = new Float64Array(topBrands.length);
  const topBrandAlias = new Int32Array(topBrands.length);
  for (let t = 0; t < nTop; t++) {
    const w = sells[t].map((b) => brandPop[b] * (brandHome[b] === t ? 1 : 0.4));
    topBrands.set(sells[t], topBrandStart[t]);
    buildAliasInto(w, 0, w.length, topBrandProb, topBrandAlias, topBrandStart[t]);
  }
  let meanBrandPop = 0;
  for (let b = 0; b < nBrands; b++) meanBrandPop += brandPop[b] / nBrands;

  // Products, in launch order. Launch dates first (then sorted), so that ids follow launch like a real
  // auto-increment: most products predate the window, ~10% launch in its last 8 weeks, ~5% in its last 4.
  const prodRng = new Rng(seed, 'products');
  const launch = new Float64Array(nProducts);
  const { startMs, days } = window;
  for (let p = 0; p < nProducts; p++) {
    const u = prodRng.float();
    let day: number;
    if (u < 0.78) day = -1 - prodRng.int(730);
    else if (u < 0.9) day = prodRng.int(Math.max(1, days - 56));
    else if (u < 0.95) day = Math.max(0, days - 56 + prodRng.int(28));
    else day = Math.max(0, days - 28 + prodRng.int(26));
    launch[p] = startMs + day * DAY_MS + 6 * 3_600_000 + prodRng.int(4 * 3_600_000);
  }
  launch.sort();
  if (nProducts > 0) launch[0] = Math.min(launch[0], startMs - DAY_MS); // p0 predates the window: never empty

  const leafWeight = new Float64Array(nLeaf);
  for (let l = 0; l < nLeaf; l++) leafWeight[l] = topShare[midTop[leafMid[l]]] * logNormal(prodRng, 0, 0.6);
  const leafTable = new AliasTable(leafWeight);
  const popRank = permutation(nProducts, prodRng);
  const prodLeaf = new Int32Array(nProducts);
  const prodBrand = new Int32Array(nProducts);
  const prodCents = new Int32Array(nProducts);
  const prodBand = new Uint8Array(nProducts);
  const prodStockOutDay = new Int32Array(nProducts).fill(NO_STOCK_OUT);
  const prodConsumable = new Uint8Array(nProducts);
  const prodPop = new Float64Array(nProducts);
  for (let p = 0; p < nProducts; p++) {
    const l = leafTable.sample(prodRng);
    const t = midTop[leafMid[l]];
    const b =
      topBrands[
        topBrandStart[t] +
          sampleAliasAt(topBrandProb, topBrandAlias, topBrandStart[t], sells[t].length, prodRng)
      ];
    prodLeaf[p] = l;
    prodBrand[p] = b;
    const shift = TIER_SHIFT[brandTier[b]];
    const z = prodRng.normal();
    const lnPrice = leafMu[l] + shift + leafSigma[l] * z;
    let cents = Math.max(49, Math.round(Math.exp(lnPrice) * 100));
    if (cents > 1000 && prodRng.chance(0.6)) cents = Math.floor(cents / 100) * 100 - 1; // x.99 pricing
    prodCents[p] = cents;
    const zBand = (lnPrice - leafMu[l]) / Math.sqrt(leafSigma[l] * leafSigma[l] + 0.25);
    let band = 0;
    while (band < 4 && zBand > BAND_CUTS[band]) band++;
    prodBand[p] = band;
    prodConsumable[p] = prodRng.chance(TOPS[t].consumable) ? 1 : 0;
    // Popularity: Zipf over a random rank, lifted for popular brands (so a new product of a strong brand
    // starts strong: its metadata predicts it).
    prodPop[p] = Math.pow(brandPop[b] / meanBrandPop, 0.4) / (popRank[p] + 10);
    if (prodRng.chance(0.06)) {
      const launchDay = Math.floor((launch[p] - startMs) / DAY_MS);
      prodStockOutDay[p] = Math.max(launchDay + 1, days - 56 + prodRng.int(56));
    }
  }

  // Per-leaf product lists (counting sort keeps launch order) and their popularity alias tables.
  const leafProdStart = new Int32Array(nLeaf + 1);
  for (let p = 0; p < nProducts; p++) leafProdStart[prodLeaf[p] + 1]++;
  for (let l = 0; l < nLeaf; l++) leafProdStart[l + 1] += leafProdStart[l];
  const fill = leafProdStart.slice(0, nLeaf);
  const leafProducts = new Int32Array(nProducts);
  for (let p = 0; p < nProducts; p++) leafProducts[fill[prodLeaf[p]]++] = p;
  const popInLeafOrder = new Float64Array(nProducts);
  for (let j = 0; j < nProducts; j++) popInLeafOrder[j] = prodPop[leafProducts[j]];
  const leafProdProb = new Float64Array(nProducts);
  const leafProdAlias = new Int32Array(nProducts);
  const leafMass = new Float64Array(nLeaf);
  const midMass = new Float64Array(nMid);
  const topMass = new Float64Array(nTop);
  for (let l = 0; l < nLeaf; l++) {
    const s = leafProdStart[l];
    const n = leafProdStart[l + 1] - s;
    buildAliasInto(popInLeafOrder, s, n, leafProdProb, leafProdAlias, s);
    for (let j = s; j < s + n; j++) leafMass[l] += popInLeafOrder[j];
    midMass[leafMid[l]] += leafMass[l];
    topMass[midTop[leafMid[l]]] += leafMass[l];
  }
  const midLeafProb = new Float64Array(nLeaf);
  const midLeafAlias = new Int32Array(nLeaf);
  for (let m = 0; m < nMid; m++) {
    buildAliasInto(
      leafMass,
      leafStart[m],
      leafStart[m + 1] - leafStart[m],
      midLeafProb,
      midLeafAlias,
      leafStart[m],
    );
  }

  return {
    nTop,
    nMid,
    nLeaf,
    topName,
    midName,
    leafName,
    midTop,
    leafMid,
    midStart,
    leafStart,
    topSeason,
    midSeason,
    leafMu,
    leafSigma,
    leafComplements,
    leafMass,
    midMass,
    topMass,
    midLeafProb,
    midLeafAlias,
    topTable: new AliasTable(topMass),
    nBrands,
    brandName,
    brandTier,
    brandHome,
    topBrandStart,
    topBrands,
    topBrandProb,
    topBrandAlias,
    nProducts,
    prodLeaf,
    prodBrand,
    prodCents,
    prodLaunch: launch,
    prodBand,
    prodStockOutDay,
    prodConsumable,
    prodPop,
    leafProdStart,
    leafProducts,
    leafProdProb,
    leafProdAlias,
  };
}

/** Category index of a leaf (its id is `c` + this). */
export const leafCategoryIndex = (c: Catalog, l: number) => c.nTop + c.nMid + l;

export const CATEGORY_HEADER = SHOP_COLUMNS['categories.csv'];
export const BRAND_HEADER = SHOP_COLUMNS['brands.csv'];
export const PRODUCT_HEADER = SHOP_COLUMNS['products.csv'];

export async function writeCategories(c: Catalog, dir: string): Promise<FileStats> {
  const w = new CsvWriter(path.join(dir, 'categories.csv'), CATEGORY_HEADER);
  for (let t = 0; t < c.nTop; t++) w.row(`c${t},,${csvField(c.topName[t])},1,${SEASONS[c.topSeason[t]]}\n`);
  for (let m = 0; m < c.nMid; m++) {
    w.row(`c${c.nTop + m},c${c.midTop[m]},${csvField(c.midName[m])},2,${SEASONS[c.midSeason[m]]}\n`);
  }
  for (let l = 0; l < c.nLeaf; l++) {
    const m = c.leafMid[l];
    w.row(
      `c${leafCategoryIndex(c, l)},c${c.nTop + m},${csvField(c.leafName[l])},3,${SEASONS[c.midSeason[m]]}\n`,
    );
  }
  return w.close();
}

export async function writeBrands(c: Catalog, dir: string): Promise<FileStats> {
  const w = new CsvWriter(path.join(dir, 'brands.csv'), BRAND_HEADER);
  for (let b = 0; b < c.nBrands; b++) w.row(`b${b},${csvField(c.brandName[b])},${TIERS[c.brandTier[b]]}\n`);
  return w.close();
}

/** Names and descriptions are made here, from their own stream, and never held in memory. */
export async function writeProducts(c: Catalog, dir: string, seed: number): Promise<FileStats> {
  const rng = new Rng(seed, 'product-names');
  const w = new CsvWriter(path.join(dir, 'products.csv'), PRODUCT_HEADER);
  const pick = (words: readonly string[]) => words[rng.int(words.length)];
  for (let p = 0; p < c.nProducts; p++) {
    const l = c.prodLeaf[p];
    const m = c.leafMid[l];
    const b = c.prodBrand[p];
    const brand = c.brandName[b];
    const attr = pick(ATTRIBUTES);
    const code = `${String.fromCharCode(65 + rng.int(26), 65 + rng.int(26))}-${100 + rng.int(900)}`;
    const name = `${brand} ${attr} ${c.midName[m]} ${code}`;
    const color = pick(COLORS);
    const edition = rng.chance(0.03) ? ` Part of the "${pick(ATTRIBUTES)}" edition.` : '';
    const description =
      `${pick(ATTRIBUTES)} ${c.leafName[l].toLowerCase()} by ${brand}, ${attr.toLowerCase()} and ` +
      `${pick(ATTRIBUTES).toLowerCase()}, in ${color}. A ${TIER_WORDS[TIERS[c.brandTier[b]]]} pick in ` +
      `${c.topName[c.midTop[m]]}.${edition}`;
    const inStock = c.prodStockOutDay[p] === NO_STOCK_OUT;
    w.row(
      `p${p},${csvField(name)},c${leafCategoryIndex(c, l)},b${b},${formatCents(c.prodCents[p])},EUR,` +
        `${csvField(description)},${isoString(c.prodLaunch[p])},${inStock},${c.prodConsumable[p] === 1}\n`,
    );
    if ((p & 0xffff) === 0xffff) await w.ready();
  }
  return w.close();
}

export type { Season };
