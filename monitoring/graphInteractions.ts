// Drift's input straight from Neo4j: every event relationship on the shop's products (the loaded history and
// what the API's event stream has written since, anonymous shoppers included), with each product's price and
// leaf category, and the category tree. The nightly drift job reads this, so it measures the live graph, not
// the files the shop was first loaded from. Streamed into typed columns: per event four numbers, never a row
// object.
import { EVENT_RELS, notFound, type Logger } from '../core';
import { toNumber, type GraphClient, type NamedQuery, type StreamedRow } from '../graph';
import { growFloat32, growFloat64, growInt32, growUint8, Interner } from '../training';
import type { InteractionColumns } from '../etl';
import { categoryInfo, type CategoryInfo, type CategoryRow } from './dataDrift';

/** Products of the synthetic shop: ids without ':' (other data sets are namespaced `<name>:`). */
const SHOP_PRODUCT = "NOT p.id CONTAINS ':'";

const CATEGORIES: NamedQuery = {
  name: 'monitoring.drift.categories',
  cypher: `MATCH (c:Category) WHERE NOT c.id CONTAINS ':'
RETURN c.id AS id, c.name AS name, [(c)-[:CHILD_OF]->(p:Category) | p.id][0] AS parentId, c.season AS season`,
};

const PRODUCTS: NamedQuery = {
  name: 'monitoring.drift.products',
  cypher: `MATCH (p:Product) WHERE ${SHOP_PRODUCT}
RETURN p.id AS id, p.price AS price, [(p)-[:IN_CATEGORY]->(c:Category) | c.id][0] AS categoryId`,
};

// From the products' side: users of every kind (anonymous `anon:<session>` ones too) count for drift.
const EVENTS: NamedQuery = {
  name: 'monitoring.drift.events',
  cypher: `MATCH (p:Product)<-[e:VIEWED|ADDED_TO_CART|PURCHASED]-(u:User) WHERE ${SHOP_PRODUCT}
RETURN p.id AS productId, u.id AS userId, type(e) AS type, e.ts AS ts`,
};

const EVENT_TYPE: Record<string, number> = Object.fromEntries(EVENT_RELS.map((rel, type) => [rel, type]));

export interface GraphInteractions {
  cols: InteractionColumns;
  categories: CategoryInfo;
}

export async function readGraphInteractions(graph: GraphClient, logger: Logger): Promise<GraphInteractions> {
  const t0 = Date.now();
  const str = (v: unknown) => (typeof v === 'string' ? v : null);

  let catRows: CategoryRow[] = [];
  await graph.stream(
    CATEGORIES,
    {},
    {
      start: () => (catRows = []),
      row: (r: StreamedRow) =>
        void catRows.push({
          id: r.get(0) as string,
          name: str(r.get(1)) ?? '',
          parentId: str(r.get(2)),
          season: str(r.get(3)),
        }),
    },
  );
  const categoryIds = catRows.map((c) => c.id);
  const categoryIndex = new Map(categoryIds.map((id, i) => [id, i]));

  const products = new Interner();
  const price = growFloat32();
  const category = growInt32();
  await graph.stream(
    PRODUCTS,
    {},
    {
      start: () => {
        products.clear();
        price.clear();
        category.clear();
      },
      row: (r) => {
        products.add(r.get(0) as string);
        price.push(toNumber(r.get(1)));
        category.push(categoryIndex.get(str(r.get(2)) ?? '') ?? -1);
      },
    },
  );
  if (products.size === 0)
    throw notFound('the graph holds no shop products: load a shop first (graphrec etl load)', {
      field: 'source',
    });

  const users = new Interner();
  const eUser = growInt32();
  const eProduct = growInt32();
  const eType = growUint8();
  const eTs = growFloat64();
  await graph.stream(
    EVENTS,
    {},
    {
      start: () => {
        users.clear();
        for (const c of [eUser, eProduct, eType, eTs]) c.clear();
      },
      row: (r) => {
        const ts = toNumber(r.get(3));
        if (!Number.isFinite(ts)) return; // an event without a time cannot fall in a window
        eProduct.push(products.find(r.get(0) as string));
        eUser.push(users.add(r.get(1) as string));
        eType.push(EVENT_TYPE[r.get(2) as string] ?? 255);
        eTs.push(ts);
      },
    },
  );
  const productCategory = category.toArray();
  // A product without a category points past the end: categoryIds[...] is undefined, drift counts it 'unknown'.
  for (let i = 0; i < productCategory.length; i++)
    if (productCategory[i] < 0) productCategory[i] = categoryIds.length;
  const cols: InteractionColumns = {
    n: eTs.length,
    ts: eTs.toArray(),
    user: eUser.toArray(),
    product: eProduct.toArray(),
    userIds: users.ids,
    productIds: products.ids,
    productLaunch: new Float64Array(products.size).fill(NaN),
    eventType: eType.toArray(),
    productPrice: price.toArray(),
    productCategory,
    categoryIds,
  };
  logger.info(
    { events: cols.n, products: products.size, users: users.size, ms: Date.now() - t0 },
    'drift input read from the graph',
  );
  return { cols, categories: categoryInfo(catRows) };
}
