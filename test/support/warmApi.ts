// A scratch Neo4j starts cold: on a loaded machine its first queries miss the API's per-query deadline, the
// breaker opens, and the first answers are degraded. That is start-up, not what a test is about: ask until the
// API answers the storefront's reads whole, then test. Each attempt is a new session of the user the caller
// names, so the result cache holds only answers no test asks for (pick a user the tests do not use).
import { gql } from '../../api/testing/client';

const WARM_QUERY = `query Warm($u: ID, $s: ID, $p: ID!, $c: ID) {
  recommendations(userId: $u, sessionId: $s, first: 8, explain: true) {
    degraded items { product { id category { id parent { id } } brand { name } } }
  }
  similarProducts(productId: $p, first: 4) { degraded items { product { id } } }
  trending(categoryId: $c, window: MONTH, first: 4) { items { product { id } } }
}`;

interface Warm {
  recommendations: { degraded: boolean; items: unknown[] };
  similarProducts: { degraded: boolean; items: unknown[] };
  trending: { items: unknown[] };
}

export interface WarmTarget {
  url: string;
  key: string;
  /** A user and a product of the fixture, and a category with events in trending's window. */
  userId: string;
  productId: string;
  categoryId: string;
}

export async function warmApi(t: WarmTarget, withinMs = 300_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last = '';
  for (let i = 0; ; i++) {
    const vars = { u: t.userId, s: `warm-${i}-${process.pid}`, p: t.productId, c: t.categoryId };
    const r = await gql<Warm>(t.url, WARM_QUERY, vars, t.key);
    const d = r.data;
    const whole =
      r.errors === undefined &&
      d !== undefined &&
      !d.recommendations.degraded &&
      d.recommendations.items.length > 0 &&
      !d.similarProducts.degraded &&
      d.trending.items.length > 0;
    if (whole) return;
    last = JSON.stringify(r.errors ?? d);
    if (Date.now() > deadline) throw new Error(`the API did not answer whole within ${withinMs} ms: ${last}`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
