// The metadata layout a model stores (meta.json) and inference reads to place new users and products: the meta
// node types in row order, the price bands, the category levels' weights, and the event kinds' weights.
// Training builds it (training/graph/metaGraph.ts); serving only reads it.

export const EVENT_WEIGHTS = [1, 2, 4] as const;
export const META_TYPES = ['category', 'brand', 'priceBand', 'ageBand', 'region', 'loyaltyTier'] as const;
export type MetaType = (typeof META_TYPES)[number];
/** A product's leaf category, its parent and its grandparent. */
export const CATEGORY_LEVEL_WEIGHTS = [1, 0.5, 0.25] as const;
export const PRICE_BANDS = 8;

/** What inference needs to place new nodes: stored as meta.json in the model dir. */
export interface MetaLayout {
  formatVersion: 1;
  /** Meta node types in row order, each with its external ids (row = offset + index). */
  types: Array<{ type: MetaType; offset: number; ids: string[] }>;
  /** Upper price edges of bands 0..n-2 (band n-1 is above the last edge). */
  priceEdges: number[];
  refYear: number;
  categoryParent: Record<string, string>;
  /** Weight of a metadata edge relative to one recency-weighted view. */
  metaWeight: number;
}

export function metaRow(layout: MetaLayout, type: MetaType, id: string): number | undefined {
  const t = layout.types.find((x) => x.type === type);
  if (!t) return undefined;
  const i = t.ids.indexOf(id);
  return i < 0 ? undefined : t.offset + i;
}

export function priceBandOf(price: number, edges: number[]): number {
  let b = 0;
  while (b < edges.length && price > edges[b]) b++;
  return b;
}

export const metaCount = (layout: MetaLayout) => layout.types.reduce((s, t) => s + t.ids.length, 0);
