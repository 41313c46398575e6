// The training graph straight out of Neo4j (`--data neo4j`): the same ShopData that readShop builds from a
// generated shop's files, streamed node label by node label and then every event relationship, each row going
// into growable typed columns with its ids interned to dense indices. No row is kept as a JS object: what stays
// per entity is its id string (and the intern map), per event five numbers.
//
// Rows arrive in store order, so after each stream the reader renumbers by a fixed order (training/export/
// order.ts) and hashes the result: the same graph always gives the same ShopData and dataHash, and a graph
// loaded from a shop gives exactly what readShop gives for that shop's files (the integration test proves it).
import crypto from 'node:crypto';
import { notFound, validationError } from '../../core';
import type { Logger, Progress } from '../../core';
import { buildSplitManifest, boundariesOf, type InteractionColumns, type SplitManifest } from '../../etl';
import { toNumber, type GraphClient, type NamedQuery, type StreamedRow } from '../../graph';
import { LOYALTY_TIERS, REGIONS, UNKNOWN_BIRTH_YEAR, UNKNOWN_CODE, type ShopData } from '../data/shop';
import { forgottenUsersOf } from './forgotten';
import { growFloat32, growFloat64, growInt32, growUint8, Interner } from './growable';
import { eventOrder, idOrder, sessionOrder } from './order';
import {
  COUNT_EVENTS,
  EXPORT_BRANDS,
  EXPORT_CATEGORIES,
  EXPORT_EVENTS,
  EXPORT_PRODUCTS,
  EXPORT_SESSIONS,
  EXPORT_USERS,
} from './queries';

export interface Neo4jShopOptions {
  /** '' for the synthetic shop's un-prefixed ids; a data set name keeps only ids `<name>:...`. */
  namespace: string;
  /** The persisted split (etl/split): its window and policy decide what training may see. */
  split: SplitManifest;
  logger: Logger;
  progress?: (label: string, total: number) => Progress;
}

/** Relationship type -> ShopData event type (0 view, 1 cart, 2 purchase). */
const EVENT_TYPE: Record<string, number> = { VIEWED: 0, ADDED_TO_CART: 1, PURCHASED: 2 };
const PROGRESS_EVERY = 10_000;

export async function readShopFromNeo4j(graph: GraphClient, opts: Neo4jShopOptions): Promise<ShopData> {
  const t0 = Date.now();
  const prefix = opts.namespace === '' ? '' : `${opts.namespace}:`;
  const where = prefix === '' ? "ids without ':' (the synthetic shop)" : `ids starting with '${prefix}'`;
  const hash = crypto.createHash('sha256');
  const stream = (q: NamedQuery, sink: { start(): void; row(r: StreamedRow): void }) =>
    graph.stream(q, { prefix }, sink);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);

  // Categories and their parents. Parents are resolved after the stream: a child may come before its parent.
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
  parentOf = [];

  const brands = new Interner();
  await stream(EXPORT_BRANDS, {
    start: () => brands.clear(),
    row: (r) => void brands.add(r.get(0) as string),
  });
  const brand = idOrder(brands.ids);
  const brandIds = Array.from(brand.order, (i) => brands.ids[i]);

  // Products: category and brand are already in final numbering.
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
      const c = cats.find(str(r.get(1)) ?? '');
      const b = brands.find(str(r.get(2)) ?? '');
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

  const forgotten = await forgottenUsersOf(graph);
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
    opts.logger.info(
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
  const sessionNodes = sessions.size;

  // Events, numbered by the final user and item order already; sessions by stream order until all are known.
  const eUser = growInt32();
  const eItem = growInt32();
  const eType = growUint8();
  const eTs = growFloat64();
  const eSession = growInt32();
  const eSeq = growFloat64();
  let unknownEnds = 0;
  const [{ n: totalHint }] = await graph.read<{ n: number }>(COUNT_EVENTS);
  const progress = opts.progress?.('export events', Number(totalHint) || 1);
  const tEvents = Date.now();
  try {
    await stream(EXPORT_EVENTS, {
      start: () => {
        for (const c of [eUser, eItem, eType, eTs, eSession, eSeq]) c.clear();
        sessions.truncate(sessionNodes);
        sStart.truncate(sessionNodes);
        unknownEnds = 0;
      },
      row: (r) => {
        if (forgotten.has(r.get(0) as string)) return;
        const u = users.find(r.get(0) as string);
        const p = products.find(r.get(1) as string);
        // A user or product created after its label was streamed (the API writes while we read): its events
        // wait for the next export rather than pointing at a row that does not exist.
        if (u < 0 || p < 0) {
          unknownEnds++;
          return;
        }
        const ts = toNumber(r.get(3));
        if (Number.isNaN(ts))
          throw validationError(
            `an event of user ${String(r.get(0))} on product ${String(r.get(1))} has no ts (epoch ms)`,
            { field: 'data' },
          );
        // An event without a session node (or without a sessionId) gets a session of its own id, or one per
        // user, whose start is its first event (set below).
        const sid = str(r.get(4)) ?? `\u0000no-session:${String(r.get(0))}`;
        const before = sessions.size;
        const s = sessions.add(sid);
        if (s === before) sStart.push(NaN);
        eUser.push(user.rank[u]);
        eItem.push(item.rank[p]);
        eType.push(EVENT_TYPE[r.get(2) as string]);
        eTs.push(ts);
        eSession.push(s);
        const seq = toNumber(r.get(5));
        eSeq.push(Number.isNaN(seq) ? 0 : seq);
        if (eTs.length % PROGRESS_EVERY === 0)
          progress?.update(eTs.length, {
            rowsPerSecond: Math.round(eTs.length / Math.max(0.001, (Date.now() - tEvents) / 1000)),
          });
      },
    });
    progress?.update(eTs.length);
  } finally {
    progress?.stop();
  }
  const n = eTs.length;
  if (n === 0)
    throw notFound(
      `the graph holds no VIEWED, ADDED_TO_CART or PURCHASED events between ${where}: load a shop first (graphrec etl load)`,
      { field: 'data' },
    );
  if (unknownEnds > 0)
    opts.logger.warn(
      { events: unknownEnds },
      'events of users or products created during the export left out',
    );

  const ts = eTs.toArray();
  const sessionOf = eSession.toArray();
  const start = sStart.toArray();
  for (let e = 0; e < n; e++) {
    const s = sessionOf[e];
    if (s >= sessionNodes && !(start[s] <= ts[e])) start[s] = ts[e];
  }
  const session = sessionOrder(sessions.ids, start);
  for (let e = 0; e < n; e++) sessionOf[e] = session.rank[sessionOf[e]];
  const keys = {
    session: sessionOf,
    seq: eSeq.toArray(),
    ts,
    item: eItem.toArray(),
    type: eType.toArray(),
    user: eUser.toArray(),
  };
  const order = eventOrder(keys, sessions.size);
  const events = {
    n,
    user: permute(keys.user, order),
    item: permute(keys.item, order),
    type: permute(keys.type, order),
    ts: permute(keys.ts, order),
    session: permute(keys.session, order),
  };

  const userIds = Array.from(user.order, (i) => users.ids[i]);
  const itemIds = Array.from(item.order, (i) => products.ids[i]);
  const window = {
    start: Date.parse(opts.split.boundaries.start),
    end: Date.parse(opts.split.boundaries.end),
  };
  const cols: InteractionColumns = {
    n,
    ts: events.ts,
    user: events.user,
    product: events.item,
    userIds,
    productIds: itemIds,
    productLaunch: items.launch,
    window,
  };
  // Recomputed over what the graph holds now, on the persisted window and policy: same boundaries, so the same
  // visibility; a different id means the graph changed since the split was written (new events, another shop).
  const manifest = buildSplitManifest(cols, opts.split.policy);
  if (manifest.id !== opts.split.id)
    opts.logger.warn(
      {
        split: opts.split.id,
        recomputed: manifest.id,
        counts: manifest.counts,
        persisted: opts.split.counts,
      },
      'the graph differs from the data the split was computed on; its boundaries are used as they are',
    );

  for (const ids of [userIds, itemIds, categoryIds, brandIds]) hash.update(ids.join('\n')).update('\u0001');
  for (const a of [
    events.user,
    events.item,
    events.type,
    events.ts,
    events.session,
    items.category,
    items.brand,
    items.price,
    items.launch,
    userColumns.birthYear,
    userColumns.region,
    userColumns.loyalty,
    categoryParent,
  ])
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  hash.update(JSON.stringify({ policy: opts.split.policy, boundaries: opts.split.boundaries }));

  opts.logger.info(
    {
      users: userIds.length,
      items: itemIds.length,
      events: n,
      sessions: sessions.size,
      categories: categoryIds.length,
      brands: brandIds.length,
      seconds: (Date.now() - t0) / 1000,
    },
    'graph exported',
  );
  return {
    name: prefix === '' ? 'neo4j' : `neo4j:${opts.namespace}`,
    dir: `neo4j:${graph.database}`,
    dataHash: hash.digest('hex'),
    nUsers: userIds.length,
    nItems: itemIds.length,
    userIds,
    itemIds,
    events,
    items,
    users: userColumns,
    categoryIds,
    categoryParent,
    brandIds,
    manifest,
    bounds: boundariesOf(manifest),
    refYear: new Date(window.end).getUTCFullYear(),
    exportedAt: t0,
  };
}

/** `out[k] = a[order[k]]`, same array type. */
function permute<A extends Int32Array | Uint8Array | Float32Array | Float64Array>(
  a: A,
  order: Int32Array,
): A {
  const out = new (a.constructor as new (n: number) => A)(order.length);
  for (let k = 0; k < order.length; k++) out[k] = a[order[k]];
  return out;
}
