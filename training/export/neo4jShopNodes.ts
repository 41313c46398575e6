// The node streams of the graph export (neo4jShop.ts), one label each, in final (idOrder) numbering. Each sink's
// start() clears what it holds: a retried read transaction replays its rows from the beginning.
import { notFound, validationError } from '../../core';
import type { Logger } from '../../core';
import type { ForgottenUsers } from '../../privacy';
import { toNumber, type NamedQuery, type StreamedRow } from '../../graph';
import { brandTierIndex, LOYALTY_TIERS, REGIONS, UNKNOWN_BIRTH_YEAR, UNKNOWN_CODE } from '../data/shop';
import { growFloat32, growFloat64, growInt32, growUint8, Interner } from './growable';
import { idOrder } from './order';
import { permute } from './permute';
import { EXPORT_BRANDS, EXPORT_CATEGORIES, EXPORT_PRODUCTS, EXPORT_SESSIONS, EXPORT_USERS } from './queries';

/** graph.stream bound to the export's namespace prefix. */
export type ExportStream = (
  q: NamedQuery,
  sink: { start(): void; row(r: StreamedRow): void },
) => Promise<unknown>;

/** An interned label and its final numbering (`rank[intern index]`, `order[final] = intern index`). */
export interface Numbered {
  interned: Interner;
  order: Int32Array;
  rank: Int32Array;
}

export const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** Categories and their parents. Parents are resolved after the stream: a child may come before its parent. */
export async function readCategories(stream: ExportStream) {
  const cats = new Interner();
  let parentOf: (string | null)[] = [];
  await stream(EXPORT_CATEGORIES, {
    start: () => {
      cats.clear();
      parentOf = [];
    },
    row: (r) => {
      cats.add(r.get(0) as string);
      parentOf.push(str(r.get(1)));
    },
  });
  const cat = idOrder(cats.ids);
  const categoryIds = Array.from(cat.order, (i) => cats.ids[i]);
  const categoryParent = Int32Array.from(cat.order, (i) => {
    const p = parentOf[i] === null ? -1 : cats.find(parentOf[i]!);
    return p < 0 ? -1 : cat.rank[p];
  });
  return { numbered: { interned: cats, ...cat } as Numbered, categoryIds, categoryParent };
}

/** Brands with their tier (its index in BRAND_TIERS, -1 unknown, as readShop has it). */
export async function readBrands(stream: ExportStream) {
  const brands = new Interner();
  let tiers: number[] = [];
  await stream(EXPORT_BRANDS, {
    start: () => {
      brands.clear();
      tiers = [];
    },
    row: (r) => {
      brands.add(r.get(0) as string);
      tiers.push(brandTierIndex(r.get(1)));
    },
  });
  const brand = idOrder(brands.ids);
  const brandIds = Array.from(brand.order, (i) => brands.ids[i]);
  const brandTier = Int8Array.from(brand.order, (i) => tiers[i]);
  return { numbered: { interned: brands, ...brand } as Numbered, brandIds, brandTier };
}

/** Products with their category and brand (already in final numbering), price and launch. */
export async function readProducts(stream: ExportStream, cat: Numbered, brand: Numbered, where: string) {
  const products = new Interner();
  const pCategory = growInt32();
  const pBrand = growInt32();
  const pPrice = growFloat32();
  const pLaunch = growFloat64();
  await stream(EXPORT_PRODUCTS, {
    start: () => {
      products.clear();
      for (const c of [pCategory, pBrand, pPrice, pLaunch]) c.clear();
    },
    row: (r) => {
      const id = r.get(0) as string;
      const c = cat.interned.find(str(r.get(1)) ?? '');
      const b = brand.interned.find(str(r.get(2)) ?? '');
      const price = toNumber(r.get(3));
      if (c < 0 || b < 0 || !(price > 0))
        throw validationError(
          `product ${id}: an IN_CATEGORY category, a MADE_BY brand and price > 0 are required, but got: ${String(r.get(1))}, ${String(r.get(2))}, ${String(r.get(3))}`,
          { field: 'data' },
        );
      products.add(id);
      pCategory.push(cat.rank[c]);
      pBrand.push(brand.rank[b]);
      pPrice.push(price);
      // A missing launch date is NaN, as readShop has it for an empty launched_at.
      pLaunch.push(toNumber(r.get(4)));
    },
  });
  if (products.size === 0)
    throw notFound(`the graph holds no Product nodes with ${where}: load a shop first (graphrec etl load)`, {
      field: 'data',
    });
  const item = idOrder(products.ids);
  const items = {
    category: permute(pCategory.toArray(), item.order),
    brand: permute(pBrand.toArray(), item.order),
    price: permute(pPrice.toArray(), item.order),
    launch: permute(pLaunch.toArray(), item.order),
  };
  return { numbered: { interned: products, ...item } as Numbered, items };
}

/** Users with their demographics, leaving out the forgotten ones. */
export async function readUsers(
  stream: ExportStream,
  forgotten: ForgottenUsers,
  where: string,
  logger: Logger,
) {
  const users = new Interner();
  let unknownDemographics = 0;
  const uBirth = growInt32();
  const uRegion = growUint8();
  const uLoyalty = growUint8();
  await stream(EXPORT_USERS, {
    start: () => {
      users.clear();
      unknownDemographics = 0;
      for (const c of [uBirth, uRegion, uLoyalty]) c.clear();
    },
    row: (r) => {
      const id = r.get(0) as string;
      if (forgotten.has(id)) return;
      // A missing value is unknown (users the API created from events); a present but invalid one is an error.
      const birth = r.get(1) == null ? UNKNOWN_BIRTH_YEAR : toNumber(r.get(1));
      const region = r.get(2) == null ? UNKNOWN_CODE : REGIONS.indexOf(r.get(2) as (typeof REGIONS)[number]);
      const tier =
        r.get(3) == null ? UNKNOWN_CODE : LOYALTY_TIERS.indexOf(r.get(3) as (typeof LOYALTY_TIERS)[number]);
      if (r.get(1) == null || r.get(2) == null || r.get(3) == null) unknownDemographics++;
      if (region < 0 || tier < 0 || !Number.isInteger(birth))
        throw validationError(
          `user ${id}: birthYear, region and loyaltyTier are required (the shop's demographics), but got: ${String(r.get(1))}, ${String(r.get(2))}, ${String(r.get(3))}`,
          { field: 'data' },
        );
      users.add(id);
      uBirth.push(birth);
      uRegion.push(region);
      uLoyalty.push(tier);
    },
  });
  if (unknownDemographics > 0)
    logger.info(
      { users: unknownDemographics },
      'users without some demographics (created from storefront events): no edge to those metadata nodes',
    );
  if (users.size === 0)
    throw notFound(`the graph holds no User nodes with ${where}: load a shop first (graphrec etl load)`, {
      field: 'data',
    });
  const user = idOrder(users.ids);
  const userColumns = {
    birthYear: permute(uBirth.toArray(), user.order),
    region: permute(uRegion.toArray(), user.order),
    loyalty: permute(uLoyalty.toArray(), user.order),
  };
  return { numbered: { interned: users, ...user } as Numbered, userColumns };
}

/** Session nodes and their starts, interned in stream order (the events add their own sessions after them). */
export async function readSessions(stream: ExportStream) {
  const sessions = new Interner();
  const sStart = growFloat64();
  await stream(EXPORT_SESSIONS, {
    start: () => {
      sessions.clear();
      sStart.clear();
    },
    row: (r) => {
      sessions.add(r.get(0) as string);
      sStart.push(toNumber(r.get(1)));
    },
  });
  return { sessions, sStart, sessionNodes: sessions.size };
}
