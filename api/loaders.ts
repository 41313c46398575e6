// DataLoaders, created per request (STYLE.md 17): every lookup of one kind in one tick becomes one Cypher
// query with UNWIND $ids, so a page of 20 products with their categories and brands costs a few queries, not
// 60. `alignByKey` puts the rows back in the order of the keys (DataLoader's contract), null for a miss.
import DataLoader from 'dataloader';
import type { GraphClient, NamedQuery } from '../graph';
import type { Catalog, ProductDetails } from './catalog';

export function alignByKey<K, R>(keys: readonly K[], rows: R[], keyOf: (r: R) => K): Array<R | null> {
  const byKey = new Map<K, R>();
  for (const r of rows) byKey.set(keyOf(r), r);
  return keys.map((k) => byKey.get(k) ?? null);
}

/** A product as the API returns it (the catalogue holds the same shape: catalog.ts ProductDetails). */
export type ProductRow = ProductDetails;
/** A product known only by its id: every detail unknown (Neo4j and the catalogue both unavailable). */
export function idOnlyProduct(id: string): ProductRow {
  return {
    id,
    name: null,
    description: null,
    price: null,
    currency: null,
    inStock: null,
    consumable: null,
    launchedAt: null,
    categoryId: null,
    brand: null,
  };
}

export interface CategoryRow {
  id: string;
  name: string | null;
  level: number | null;
  season: string | null;
  parentId: string | null;
}
export interface UserRow {
  id: string;
  region: string | null;
  loyaltyTier: string | null;
  ageBand: string | null;
  anonymous: boolean;
}
export interface UserEventRow {
  type: string;
  productId: string;
  ts: number;
  sessionId: string | null;
}

const Q = {
  products: {
    name: 'api.load.products',
    cypher: `
UNWIND $ids AS pid
MATCH (p:Product {id: pid})
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
RETURN p.id AS id, p.name AS name, p.description AS description, p.price AS price, p.currency AS currency,
       p.inStock AS inStock, p.consumable AS consumable, p.launchedAt AS launchedAt, c.id AS categoryId,
       CASE WHEN b IS NULL THEN null ELSE {id: b.id, name: b.name, tier: b.tier} END AS brand`,
  },
  categories: {
    name: 'api.load.categories',
    cypher: `
UNWIND $ids AS cid
MATCH (c:Category {id: cid})
OPTIONAL MATCH (c)-[:CHILD_OF]->(p:Category)
RETURN c.id AS id, c.name AS name, c.level AS level, c.season AS season, p.id AS parentId`,
  },
  children: {
    name: 'api.load.categoryChildren',
    cypher: `
UNWIND $ids AS cid
MATCH (c:Category {id: cid})
OPTIONAL MATCH (ch:Category)-[:CHILD_OF]->(c)
WITH cid, ch ORDER BY ch.id
RETURN cid AS id, collect(ch.id) AS ids`,
  },
  categoryProducts: {
    name: 'api.load.categoryProducts',
    cypher: `
UNWIND $ids AS cid
MATCH (c:Category {id: cid})
CALL (c) {
  MATCH (p:Product)-[:IN_CATEGORY]->(:Category)-[:CHILD_OF*0..2]->(c)
  WITH p ORDER BY p.id LIMIT toInteger($limit)
  RETURN collect(p.id) AS ids
}
RETURN cid AS id, ids`,
  },
  boughtTogether: {
    name: 'api.load.boughtTogether',
    cypher: `
UNWIND $ids AS pid
MATCH (p:Product {id: pid})
CALL (p) {
  OPTIONAL MATCH (p)<-[:PURCHASED]-(u:User)
  WITH DISTINCT u LIMIT 40
  OPTIONAL MATCH (u)-[:PURCHASED]->(q:Product) WHERE q <> p
  WITH q, count(q) AS w WHERE q IS NOT NULL
  WITH q, w ORDER BY w DESC, q.id LIMIT toInteger($limit)
  RETURN collect(q.id) AS ids
}
RETURN pid AS id, ids`,
  },
  users: {
    name: 'api.load.users',
    cypher: `
UNWIND $ids AS uid
MATCH (u:User {id: uid})
OPTIONAL MATCH (u)-[:IN_AGE_BAND]->(a:AgeBand)
RETURN u.id AS id, u.region AS region, u.loyaltyTier AS loyaltyTier, a.id AS ageBand,
       coalesce(u.anonymous, false) AS anonymous`,
  },
  userEvents: {
    name: 'api.load.userEvents',
    cypher: `
UNWIND $ids AS uid
MATCH (u:User {id: uid})
CALL (u) {
  MATCH (u)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(p:Product)
  WITH r, p ORDER BY r.ts DESC LIMIT toInteger($limit)
  RETURN collect({type: type(r), productId: p.id, ts: r.ts, sessionId: r.sessionId}) AS events
}
RETURN uid AS id, events`,
  },
} satisfies Record<string, NamedQuery>;

export interface Loaders {
  product: DataLoader<string, ProductRow | null>;
  category: DataLoader<string, CategoryRow | null>;
  children: DataLoader<string, string[]>;
  categoryProducts: DataLoader<string, string[]>;
  boughtTogether: DataLoader<string, string[]>;
  user: DataLoader<string, UserRow | null>;
  userEvents: DataLoader<string, UserEventRow[]>;
}

/**
 * A request's loaders, each made on first use (`maxList` bounds the per-key lists they fetch; resolvers slice to
 * their `first`). Most requests need none: recommendations, similarProducts and trackEvents describe products
 * from the in-memory catalogue. The getters live on the prototype, so Apollo's per-operation copy of the context
 * (Object.assign) copies this object's reference without making all seven. A getter in the context literal did
 * not survive that copy, and left the context in dictionary mode: measured, each GraphQL request then promoted
 * ~3x more to the old generation (docs/performance.md, "API").
 */
class LazyLoaders implements Loaders {
  #product?: Loaders['product'];
  #category?: Loaders['category'];
  #children?: Loaders['children'];
  #categoryProducts?: Loaders['categoryProducts'];
  #boughtTogether?: Loaders['boughtTogether'];
  #user?: Loaders['user'];
  #userEvents?: Loaders['userEvents'];

  constructor(
    private readonly graph: GraphClient,
    private readonly catalog: Catalog,
    private readonly maxList: number,
  ) {}

  private lists(q: NamedQuery): DataLoader<string, string[]> {
    return new DataLoader<string, string[]>(async (ids) => {
      const rows = await this.graph.read<{ id: string; ids: string[] }>(q, { ids, limit: this.maxList });
      return alignByKey(ids, rows, (r) => r.id).map((r) => r?.ids ?? []);
    });
  }

  get product(): Loaders['product'] {
    return (this.#product ??= new DataLoader<string, ProductRow | null>(async (ids) => {
      try {
        const rows = await this.graph.read<ProductRow>(Q.products, { ids });
        return alignByKey(ids, rows, (r) => r.id);
      } catch (err) {
        // Neo4j down, slow or failing: the in-memory catalogue still knows the essentials of every product,
        // and one failing lookup must not fail a whole recommendation page.
        void err;
        return ids.map((id) => this.catalog.details(id) ?? null);
      }
    }));
  }

  get category(): Loaders['category'] {
    return (this.#category ??= new DataLoader<string, CategoryRow | null>(async (ids) =>
      alignByKey(ids, await this.graph.read<CategoryRow>(Q.categories, { ids }), (r) => r.id),
    ));
  }

  get children(): Loaders['children'] {
    return (this.#children ??= this.lists(Q.children));
  }

  get categoryProducts(): Loaders['categoryProducts'] {
    return (this.#categoryProducts ??= this.lists(Q.categoryProducts));
  }

  get boughtTogether(): Loaders['boughtTogether'] {
    return (this.#boughtTogether ??= this.lists(Q.boughtTogether));
  }

  get user(): Loaders['user'] {
    return (this.#user ??= new DataLoader<string, UserRow | null>(async (ids) =>
      alignByKey(ids, await this.graph.read<UserRow>(Q.users, { ids }), (r) => r.id),
    ));
  }

  get userEvents(): Loaders['userEvents'] {
    return (this.#userEvents ??= new DataLoader<string, UserEventRow[]>(async (ids) => {
      const rows = await this.graph.read<{ id: string; events: UserEventRow[] }>(Q.userEvents, {
        ids,
        limit: this.maxList,
      });
      return alignByKey(ids, rows, (r) => r.id).map((r) => r?.events ?? []);
    }));
  }
}

export function createLoaders(graph: GraphClient, catalog: Catalog, maxList: number): Loaders {
  return new LazyLoaders(graph, catalog, maxList);
}
