// What the CLI prints: the largest communities, each with its top products by rank and dominant categories.
import type { GraphClient } from '../graph';
import type { CoPurchaseAnalysis } from './communities';
import { PRODUCT_FACTS } from './queries';

const TOP_PRODUCTS = 5;
const TOP_CATEGORIES = 3;
const FACTS_BATCH = 10_000;

export interface CommunityDescription {
  community: number;
  products: number;
  topProducts: { id: string; name: string | null; rank: number }[];
  /** Leaf categories by the number of the community's products in them; share of the community's products. */
  categories: { category: string; products: number; share: number }[];
}

/** Pure: the members of the `top` largest communities, each list in rank order (ties by id). */
export function largestCommunities(result: CoPurchaseAnalysis, top: number): number[][] {
  const k = Math.min(top, result.sizes.length);
  const members: number[][] = Array.from({ length: k }, () => []);
  result.community.forEach((c, i) => {
    if (c < k) members[c].push(i);
  });
  for (const m of members)
    m.sort((a, b) => result.rank[b] - result.rank[a] || (result.ids[a] < result.ids[b] ? -1 : 1));
  return members;
}

export async function describeCommunities(
  graph: GraphClient,
  result: CoPurchaseAnalysis,
  top: number,
): Promise<CommunityDescription[]> {
  const members = largestCommunities(result, top);
  const ids = members.flat().map((i) => result.ids[i]);
  const facts = new Map<string, { name: string | null; category: string | null }>();
  for (let from = 0; from < ids.length; from += FACTS_BATCH) {
    const rows = await graph.read<{ id: string; name: string | null; category: string | null }>(
      PRODUCT_FACTS,
      {
        ids: ids.slice(from, from + FACTS_BATCH),
      },
    );
    for (const r of rows) facts.set(r.id, { name: r.name, category: r.category });
  }
  return members.map((m, community) => {
    const counts = new Map<string, number>();
    for (const i of m) {
      const c = facts.get(result.ids[i])?.category ?? '(no category)';
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return {
      community,
      products: m.length,
      topProducts: m.slice(0, TOP_PRODUCTS).map((i) => ({
        id: result.ids[i],
        name: facts.get(result.ids[i])?.name ?? null,
        rank: result.rank[i],
      })),
      categories: [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, TOP_CATEGORIES)
        .map(([category, products]) => ({ category, products, share: products / m.length })),
    };
  });
}
