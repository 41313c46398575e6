// The product catalogue held in memory: what the ranking's business rules need for every candidate (price,
// stock, consumable, leaf category and its ancestors, brand), without a Neo4j round trip per request and
// while Neo4j is down. Reloaded in the background; a product unknown here is looked up once (it may have been
// added since the last reload) and remembered as missing for a while.
import type { Logger } from '../core';
import type { GraphClient } from '../graph';

export interface CatalogProduct {
  id: string;
  name: string;
  price: number | null;
  inStock: boolean;
  consumable: boolean;
  launchedAt: number | null;
  categoryId: string | null;
  brandId: string | null;
  /** The leaf category and its ancestors, leaf first (shared by the products of a leaf: never mutate it). */
  categoryPath: readonly string[];
  /** Display details (absent in test catalogues built by hand). */
  description?: string | null;
  currency?: string | null;
  brandName?: string | null;
  brandTier?: string | null;
}

export interface CatalogCategory {
  id: string;
  name: string;
  level: number;
  season: string | null;
  parentId: string | null;
}

const PRODUCTS = {
  name: 'api.catalog.products',
  cypher: `
MATCH (p:Product)
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
RETURN p.id AS id, p.name AS name, p.price AS price, coalesce(p.inStock, true) AS inStock,
       coalesce(p.consumable, false) AS consumable, p.launchedAt AS launchedAt, c.id AS categoryId, b.id AS brandId,
       p.description AS description, p.currency AS currency, b.name AS brandName, b.tier AS brandTier`,
};

const PRODUCT_BY_ID = {
  name: 'api.catalog.productById',
  cypher: `
UNWIND $ids AS pid
MATCH (p:Product {id: pid})
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
OPTIONAL MATCH (p)-[:MADE_BY]->(b:Brand)
RETURN p.id AS id, p.name AS name, p.price AS price, coalesce(p.inStock, true) AS inStock,
       coalesce(p.consumable, false) AS consumable, p.launchedAt AS launchedAt, c.id AS categoryId, b.id AS brandId,
       p.description AS description, p.currency AS currency, b.name AS brandName, b.tier AS brandTier`,
};

const CATEGORIES = {
  name: 'api.catalog.categories',
  cypher: `
MATCH (c:Category)
OPTIONAL MATCH (c)-[:CHILD_OF]->(p:Category)
RETURN c.id AS id, c.name AS name, c.level AS level, c.season AS season, p.id AS parentId`,
};

type ProductRow = Omit<CatalogProduct, 'categoryPath'>;

export interface Catalog {
  get(id: string): CatalogProduct | undefined;
  /**
   * A product as the API shows it, from memory: ranked lists (recommendations, similar, trending) are described
   * from the same snapshot their filters used, so a cache hit never waits on Neo4j. Undefined if not loaded.
   */
  details(id: string): ProductDetails | undefined;
  /** Resolve ids not in memory with one query (ids known to be missing are skipped for a while). */
  ensure(ids: string[]): Promise<void>;
  category(id: string): CatalogCategory | undefined;
  categories(): CatalogCategory[];
  size(): number;
  loaded(): boolean;
  reload(): Promise<void>;
  /** Products by leaf category, for the new-product fallback embedding. */
  inCategory(categoryId: string): CatalogProduct[];
  stop(): void;
}

/** A product as the API returns it (loaders.ts ProductRow is this type). */
export interface ProductDetails {
  id: string;
  name: string | null;
  description: string | null;
  price: number | null;
  currency: string | null;
  inStock: boolean | null;
  consumable: boolean | null;
  launchedAt: number | null;
  categoryId: string | null;
  brand: { id: string; name: string | null; tier: string | null } | null;
}

export function productDetails(p: CatalogProduct): ProductDetails {
  return {
    id: p.id,
    name: p.name,
    description: p.description ?? null,
    price: p.price,
    currency: p.currency ?? null,
    inStock: p.inStock,
    consumable: p.consumable,
    launchedAt: p.launchedAt,
    categoryId: p.categoryId,
    brand: p.brandId ? { id: p.brandId, name: p.brandName ?? null, tier: p.brandTier ?? null } : null,
  };
}

export function createCatalog(graph: GraphClient, logger: Logger, reloadMs = 300_000): Catalog {
  let products = new Map<string, CatalogProduct>();
  let byCategory = new Map<string, CatalogProduct[]>();
  let categories = new Map<string, CatalogCategory>();
  let isLoaded = false;
  const missing = new Map<string, number>();

  const pathOf = (leaf: string | null): string[] => {
    const out: string[] = [];
    let at = leaf;
    while (at && out.length < 10) {
      out.push(at);
      at = categories.get(at)?.parentId ?? null;
    }
    return out;
  };
  // The catalogue is most of the API's long-lived heap, and a full GC marks every object in it, so a product
  // costs as few objects as it can: one literal shape for all products (a spread of a driver row gave each
  // product its own hidden class), one shared path array per leaf category, and one copy of each repeated
  // string (category, brand, currency) instead of one per row.
  const paths = new Map<string | null, readonly string[]>();
  const shared = new Map<string, string>();
  const intern = (s: string | null | undefined): string | null => {
    if (s === null || s === undefined) return null;
    const known = shared.get(s);
    if (known !== undefined) return known;
    shared.set(s, s);
    return s;
  };
  const toProduct = (r: ProductRow): CatalogProduct => {
    let path = paths.get(r.categoryId);
    if (!path) {
      path = pathOf(r.categoryId);
      paths.set(r.categoryId, path);
    }
    return {
      id: r.id,
      name: r.name,
      price: r.price,
      inStock: r.inStock,
      consumable: r.consumable,
      launchedAt: r.launchedAt,
      categoryId: intern(r.categoryId),
      brandId: intern(r.brandId),
      categoryPath: path,
      description: r.description ?? null,
      currency: intern(r.currency),
      brandName: intern(r.brandName),
      brandTier: intern(r.brandTier),
    };
  };

  function add(p: CatalogProduct): void {
    products.set(p.id, p);
    if (p.categoryId) {
      const list = byCategory.get(p.categoryId) ?? [];
      list.push(p);
      byCategory.set(p.categoryId, list);
    }
  }

  async function reload(): Promise<void> {
    const cats = await graph.read<CatalogCategory>(CATEGORIES);
    categories = new Map(cats.map((c) => [c.id, c]));
    paths.clear();
    shared.clear();
    const rows = await graph.read<ProductRow>(PRODUCTS);
    const next = new Map<string, CatalogProduct>();
    const nextByCat = new Map<string, CatalogProduct[]>();
    for (const r of rows) {
      const p = toProduct(r);
      next.set(p.id, p);
      if (p.categoryId) {
        const list = nextByCat.get(p.categoryId) ?? [];
        list.push(p);
        nextByCat.set(p.categoryId, list);
      }
    }
    products = next;
    byCategory = nextByCat;
    isLoaded = true;
    logger.info({ products: products.size, categories: categories.size }, 'catalog loaded');
  }

  const timer = setInterval(() => {
    reload().catch((err: Error) =>
      logger.warn({ err: err.message }, 'catalog reload failed; keeping the old one'),
    );
  }, reloadMs);
  timer.unref();

  return {
    get: (id) => products.get(id),
    details(id) {
      const p = products.get(id);
      return p ? productDetails(p) : undefined;
    },
    async ensure(ids) {
      const now = Date.now();
      const want = ids.filter((id) => !products.has(id) && (missing.get(id) ?? 0) < now);
      if (want.length === 0) return;
      const rows = await graph.read<ProductRow>(PRODUCT_BY_ID, { ids: want });
      for (const r of rows) add(toProduct(r));
      for (const id of want) if (!products.has(id)) missing.set(id, now + 60_000);
    },
    category: (id) => categories.get(id),
    categories: () => [...categories.values()],
    size: () => products.size,
    loaded: () => isLoaded,
    reload,
    inCategory: (id) => byCategory.get(id) ?? [],
    stop: () => clearInterval(timer),
  };
}
