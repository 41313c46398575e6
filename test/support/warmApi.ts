// A scratch Neo4j starts cold: its first run of each query (planning, JIT) is slow on a loaded machine. A test
// with its own time budgets per step (a browser's waits) asks until the API answers the storefront's reads whole,
// then starts. Each attempt is a new session, so the result cache holds only answers no test asks for (pick users
// the tests do not use).
import { gql } from '../../api/testing/client';

const CATALOG_QUERY = `query WarmCatalog($p: ID!, $c: ID) {
  product(id: $p) { id category { id parent { id } } brand { name } boughtTogether(first: 3) { id } }
  similarProducts(productId: $p, first: 4) { degraded items { product { id } } }
  trending(categoryId: $c, window: MONTH, first: 4) { items { product { id } } }
}`;
const REC_QUERY = `query WarmRecs($u: ID, $s: ID) {
  recommendations(userId: $u, sessionId: $s, first: 8, explain: true) {
    degraded items { product { id category { id parent { id } } brand { name } } explanation { text } }
  }
}`;

interface Catalog {
  product: unknown;
  similarProducts: { degraded: boolean };
  trending: { items: unknown[] };
}
interface Recs {
  recommendations: { degraded: boolean; items: unknown[] };
}

export interface WarmTarget {
  url: string;
  key: string;
  /** A product with co-purchases, and a category with events in trending's window. */
  productId: string;
  categoryId: string;
  /** Users to ask for (one the model knows, one it does not), besides an anonymous session. None where a user's
   * request counts as something (an experiment's exposure). */
  userIds?: string[];
}

export async function warmApi(t: WarmTarget, withinMs = 300_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (let i = 0; ; i++) {
    const problems: string[] = [];
    const c = await gql<Catalog>(t.url, CATALOG_QUERY, { p: t.productId, c: t.categoryId }, t.key);
    if (c.errors || !c.data?.product || c.data.similarProducts.degraded || c.data.trending.items.length === 0)
      problems.push(JSON.stringify(c.errors ?? c.data));
    for (const u of [...(t.userIds ?? []), undefined]) {
      const r = await gql<Recs>(t.url, REC_QUERY, { u, s: `warm-${i}-${process.pid}` }, t.key);
      const rec = r.data?.recommendations;
      if (r.errors || !rec || rec.degraded || rec.items.length === 0)
        problems.push(`${u ?? 'anonymous'}: ${JSON.stringify(r.errors ?? rec)}`);
    }
    if (problems.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the API did not answer whole within ${withinMs} ms: ${problems.join('; ')}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
