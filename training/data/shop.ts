// A generated shop (docs/data-format.md) read into typed columns for training: the events (user, product, type,
// time, session), the product and user metadata the propagation graph joins as extra nodes, and the persisted
// time-respecting split (etl/split) that decides what training may see. No per-event JS objects: events.csv
// lines are cut by hand into typed arrays; products.csv (quoted descriptions) goes through csv-parse.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { validationError } from '../../core';
import {
  buildSplitManifest,
  boundariesOf,
  EVENT_TYPES,
  type InteractionColumns,
  type SplitBoundaries,
  type SplitManifest,
} from '../../etl';
import { LOYALTY_TIERS, REGIONS } from '../../model';
// The segments ShopData codes index into are the graph's vocabulary (core/vocabulary.ts), with the codes a
// model uses for "not given" (model/demographics.ts).
export {
  AGE_BAND_EDGES,
  AGE_BANDS,
  LOYALTY_TIERS,
  REGIONS,
  UNKNOWN_BIRTH_YEAR,
  UNKNOWN_CODE,
  ageBandOf,
} from '../../model';

/** Brand tiers as brands.csv and the Brand's `tier` property spell them, cheapest first (the index is a rank). */
export const BRAND_TIERS = ['budget', 'mid', 'premium'] as const;

export interface ShopData {
  name: string;
  dir: string;
  dataHash: string;
  nUsers: number;
  nItems: number;
  userIds: string[];
  itemIds: string[];
  /** Events, one row each, in file order (sessions in start order, events in seq order). */
  events: {
    n: number;
    user: Int32Array;
    item: Int32Array;
    /** 0 view, 1 cart, 2 purchase. */
    type: Uint8Array;
    ts: Float64Array;
    session: Int32Array;
  };
  items: {
    /** Leaf category index into categoryIds. */
    category: Int32Array;
    brand: Int32Array;
    price: Float32Array;
    launch: Float64Array;
  };
  /**
   * Demographics. Users the API created from storefront events have none: their region and loyalty are
   * UNKNOWN_CODE and their birth year UNKNOWN_BIRTH_YEAR, and they get no edge to those metadata nodes.
   */
  users: { birthYear: Int32Array; region: Uint8Array; loyalty: Uint8Array };
  categoryIds: string[];
  /** Parent category index, -1 for a root. */
  categoryParent: Int32Array;
  brandIds: string[];
  /** Per brand: its tier's index in BRAND_TIERS, -1 unknown; absent when the source gave no tiers. */
  brandTier?: Int8Array;
  manifest: SplitManifest;
  bounds: SplitBoundaries;
  /** The year ages are computed against (the window end's year). */
  refYear: number;
  /**
   * When the export this data came from began (ms), for data read from Neo4j: the graph then held exactly these
   * events. Undefined for a shop's files, which need not match what the graph holds.
   */
  exportedAt?: number;
}

export async function readShop(dir: string): Promise<ShopData> {
  const abs = path.resolve(dir);
  const manifestFile = path.join(abs, 'manifest.json');
  if (!fs.existsSync(manifestFile))
    throw validationError('not a generated shop directory (no manifest.json)', { file: manifestFile });
  let m: {
    counts: { users: number; products: number; events: number };
    window: { start: string; end: string };
  };
  try {
    m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as typeof m;
  } catch {
    throw validationError('manifest.json is not valid JSON', { file: manifestFile });
  }
  const nUsers = m.counts?.users;
  const nItems = m.counts?.products;
  const nEvents = m.counts?.events;
  for (const [k, v] of [
    ['counts.users', nUsers],
    ['counts.products', nItems],
    ['counts.events', nEvents],
  ] as const) {
    if (!Number.isInteger(v) || (v as number) < 0)
      throw validationError(`${k} must be an integer >= 0, but got: ${JSON.stringify(v)}`, {
        file: manifestFile,
        field: k,
      });
  }
  const hash = crypto.createHash('sha256');
  const files = ['manifest.json', 'categories.csv', 'brands.csv', 'products.csv', 'users.csv', 'events.csv'];
  for (const f of files) {
    const file = path.join(abs, f);
    if (!fs.existsSync(file)) throw validationError(`the shop is missing ${f}`, { file });
  }

  const categoryIds: string[] = [];
  const categoryIndex = new Map<string, number>();
  const parents: string[] = [];
  for await (const row of csvRows(path.join(abs, 'categories.csv'))) {
    categoryIndex.set(row.category_id, categoryIds.length);
    categoryIds.push(row.category_id);
    parents.push(row.parent_id ?? '');
  }
  const categoryParent = Int32Array.from(parents, (p) => (p === '' ? -1 : (categoryIndex.get(p) ?? -1)));

  const brandIds: string[] = [];
  const brandIndex = new Map<string, number>();
  const tiers: number[] = [];
  for await (const row of csvRows(path.join(abs, 'brands.csv'))) {
    brandIndex.set(row.brand_id, brandIds.length);
    brandIds.push(row.brand_id);
    tiers.push(brandTierIndex(row.tier));
  }
  const brandTier = Int8Array.from(tiers);

  const items = {
    category: new Int32Array(nItems),
    brand: new Int32Array(nItems),
    price: new Float32Array(nItems),
    launch: new Float64Array(nItems).fill(NaN),
  };
  const productsFile = path.join(abs, 'products.csv');
  let line = 1;
  for await (const row of csvRows(productsFile)) {
    line++;
    const p = dense(row.product_id, 'p', nItems, productsFile, line);
    const c = categoryIndex.get(row.category_id);
    const b = brandIndex.get(row.brand_id);
    const price = Number(row.price);
    if (c === undefined || b === undefined || !(price > 0))
      throw validationError(
        `product ${row.product_id}: category_id, brand_id must exist and price must be > 0, but got: ${row.category_id}, ${row.brand_id}, ${row.price}`,
        { file: productsFile, line },
      );
    items.category[p] = c;
    items.brand[p] = b;
    items.price[p] = price;
    items.launch[p] = Date.parse(row.launched_at);
  }

  const users = {
    birthYear: new Int32Array(nUsers),
    region: new Uint8Array(nUsers),
    loyalty: new Uint8Array(nUsers),
  };
  const usersFile = path.join(abs, 'users.csv');
  line = 1;
  for await (const row of csvRows(usersFile)) {
    line++;
    const u = dense(row.user_id, 'u', nUsers, usersFile, line);
    users.birthYear[u] = Number(row.birth_year);
    const r = REGIONS.indexOf(row.region as (typeof REGIONS)[number]);
    const l = LOYALTY_TIERS.indexOf(row.loyalty_tier as (typeof LOYALTY_TIERS)[number]);
    if (r < 0 || l < 0 || !Number.isInteger(users.birthYear[u]))
      throw validationError(
        `user ${row.user_id}: region, loyalty_tier or birth_year out of range: ${row.region}, ${row.loyalty_tier}, ${row.birth_year}`,
        { file: usersFile, line },
      );
    users.region[u] = r;
    users.loyalty[u] = l;
  }

  const events = {
    n: 0,
    user: new Int32Array(nEvents),
    item: new Int32Array(nEvents),
    type: new Uint8Array(nEvents),
    ts: new Float64Array(nEvents),
    session: new Int32Array(nEvents),
  };
  const eventsFile = path.join(abs, 'events.csv');
  const lines = readline.createInterface({ input: fs.createReadStream(eventsFile), crlfDelay: Infinity });
  line = 0;
  for await (const text of lines) {
    line++;
    hash.update(text);
    if (line === 1 || text.length === 0) continue;
    const f = text.split(',', 6);
    const i = events.n++;
    if (i >= nEvents)
      throw validationError(`more events than the manifest's ${nEvents}`, { file: eventsFile, line });
    events.session[i] = dense(f[1], 's', Infinity, eventsFile, line);
    events.user[i] = dense(f[2], 'u', nUsers, eventsFile, line);
    events.item[i] = dense(f[3], 'p', nItems, eventsFile, line);
    const type = EVENT_TYPES.indexOf(f[4] as (typeof EVENT_TYPES)[number]);
    if (type < 0)
      throw validationError(
        `event_type must be one of view, cart, purchase, but got: ${JSON.stringify(f[4])}`,
        {
          file: eventsFile,
          line,
          field: 'event_type',
        },
      );
    events.type[i] = type;
    const ts = Date.parse(f[5]);
    if (Number.isNaN(ts))
      throw validationError(`ts must be an ISO timestamp, but got: ${JSON.stringify(f[5])}`, {
        file: eventsFile,
        line,
        field: 'ts',
      });
    events.ts[i] = ts;
  }
  hash.update(fs.readFileSync(manifestFile));

  const userIds = Array.from({ length: nUsers }, (_, i) => `u${i}`);
  const itemIds = Array.from({ length: nItems }, (_, i) => `p${i}`);
  const cols: InteractionColumns = {
    n: events.n,
    ts: events.ts,
    user: events.user,
    product: events.item,
    userIds,
    productIds: itemIds,
    productLaunch: items.launch,
    window: { start: Date.parse(m.window.start), end: Date.parse(m.window.end) },
  };
  const manifest = buildSplitManifest(cols);
  return {
    name: `shop:${path.basename(abs)}`,
    dir: abs,
    dataHash: hash.digest('hex'),
    nUsers,
    nItems,
    userIds,
    itemIds,
    events,
    items,
    users,
    categoryIds,
    categoryParent,
    brandIds,
    brandTier,
    manifest,
    bounds: boundariesOf(manifest),
    refYear: new Date(Date.parse(m.window.end)).getUTCFullYear(),
  };
}

/** A brand's tier as ShopData stores it: its index in BRAND_TIERS, -1 for a missing or unknown one. */
export function brandTierIndex(tier: unknown): number {
  return typeof tier === 'string' ? BRAND_TIERS.indexOf(tier as (typeof BRAND_TIERS)[number]) : -1;
}

async function* csvRows(file: string): AsyncGenerator<Record<string, string>> {
  const rows = fs.createReadStream(file).pipe(parse({ columns: true }));
  for await (const row of rows as AsyncIterable<Record<string, string>>) yield row;
}

function dense(id: string | undefined, prefix: string, n: number, file: string, line: number): number {
  const k = id === undefined ? NaN : Number(id.slice(1));
  if (id === undefined || id[0] !== prefix || !Number.isInteger(k) || k < 0 || k >= n) {
    throw validationError(
      `expected an id like ${prefix}123${Number.isFinite(n) ? ` below ${prefix}${n}` : ''}, but got: ${JSON.stringify(id)}`,
      { file, line },
    );
  }
  return k;
}
