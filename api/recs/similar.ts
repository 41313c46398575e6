// Products similar to one product: cosine nearest neighbours in the active model's item table, from the
// in-process index (default) or Neo4j's vector index `product_embedding` (API_VECTOR_INDEX=neo4j). A product
// added after training has no row: its embedding comes from model/inductive (inferProductEmbedding) when the
// model carries metadata rows, otherwise it is the mean of the trained products of the same leaf category and
// brand (or of the leaf category alone).
// Without a model (or without any embedding for the product), graph neighbours serve.
import type { GraphClient, NamedQuery } from '../../graph';
import { inferProductEmbedding } from '../../model';
import type { Catalog } from '../catalog';
import type { Breaker } from '../guard';
import type { LoadedModel } from '../model/activeModel';
import { meanDirection, nearestItems, rowOf } from '../model/embeddingIndex';
import { SEED_NEIGHBOURS } from './queries';
import type { Source } from './rank';

export interface SimilarItem {
  productId: string;
  score: number;
  source: Source;
}

export const VECTOR_QUERY: NamedQuery = {
  name: 'api.similar.vectorIndex',
  cypher: `
CALL db.index.vector.queryNodes('product_embedding', toInteger($k), $vector) YIELD node, score
RETURN node.id AS productId, node.embeddingVersion AS version, score`,
};

/** The embedding of a product: its trained row, or the fallback mean for a product added after training. */
export function productVector(
  model: LoadedModel,
  catalog: Catalog,
  productId: string,
): { vector: Float32Array; inductive: boolean } | undefined {
  const row = model.itemRow.get(productId);
  if (row !== undefined) return { vector: rowOf(model.table.items, model.dims, row), inductive: false };
  const p = catalog.get(productId);
  if (!p?.categoryId) return undefined;
  if (model.inductive.meta) {
    // The trained inductive step (model/inductive): one propagation from its category, brand and price band.
    try {
      const vector = inferProductEmbedding(model.inductive, {
        categoryId: p.categoryId,
        brandId: p.brandId ?? undefined,
        price: p.price ?? undefined,
      });
      return { vector, inductive: true };
    } catch {
      // metadata unknown to the model (a new category): fall back to the peers' mean below
    }
  }
  const peers = catalog.inCategory(p.categoryId).filter((q) => q.id !== productId);
  const rowsOf = (list: typeof peers) =>
    list.map((q) => model.itemRow.get(q.id)).filter((r): r is number => r !== undefined);
  const sameBrand = rowsOf(peers.filter((q) => q.brandId !== null && q.brandId === p.brandId));
  const rows = sameBrand.length > 0 ? sameBrand : rowsOf(peers);
  const vector = meanDirection(model.table, rows);
  return vector ? { vector, inductive: true } : undefined;
}

export async function similarProducts(
  deps: { graph: GraphClient; graphBreaker: Breaker; catalog: Catalog; vectorIndex: 'memory' | 'neo4j' },
  model: LoadedModel | undefined,
  productId: string,
  first: number,
): Promise<{ items: SimilarItem[]; degraded: boolean }> {
  const { catalog } = deps;
  const pv = model ? productVector(model, catalog, productId) : undefined;
  if (model && pv) {
    if (deps.vectorIndex === 'neo4j' && !pv.inductive) {
      try {
        const rows = await deps.graphBreaker.run(() =>
          deps.graph.read<{ productId: string; version: string | null; score: number }>(VECTOR_QUERY, {
            k: first + 1,
            vector: Array.from(pv.vector),
          }),
        );
        // Vectors of another version (a rollback rewriting them) are not comparable: use the model's own.
        if (rows.every((r) => r.version === model.version))
          return {
            items: rows
              .filter((r) => r.productId !== productId)
              .slice(0, first)
              .map((r) => ({ productId: r.productId, score: r.score, source: 'embedding' as const })),
            degraded: false,
          };
      } catch {
        // fall through to the in-process index
      }
    }
    const self = model.itemRow.get(productId);
    const hits = nearestItems(model.table, pv.vector, first, 'cosine', (r) => r === self);
    return {
      items: hits.map((h) => ({
        productId: model.itemIds[h.row],
        score: Math.round(h.score * 1e6) / 1e6,
        source: 'embedding' as const,
      })),
      degraded: false,
    };
  }
  try {
    const rows = await deps.graphBreaker.run(() =>
      deps.graph.read<{ productId: string; source: Source; w: number }>(SEED_NEIGHBOURS, {
        seeds: [productId],
      }),
    );
    const best = new Map<string, SimilarItem>();
    const rank: Record<string, number> = { copurchase: 3, coview: 2, category: 1 };
    for (const r of rows) {
      const s = (rank[r.source] ?? 0) * 1000 + r.w;
      const prev = best.get(r.productId);
      if (!prev || prev.score < s)
        best.set(r.productId, { productId: r.productId, score: s, source: r.source });
    }
    return { items: [...best.values()].sort((a, b) => b.score - a.score).slice(0, first), degraded: !model };
  } catch {
    return { items: [], degraded: true };
  }
}
