// Seed neighbours from memory: a seed product the serving model knows gets its co-view neighbours from the
// model's co-visitation table (covisit.bin: products seen in the same sessions, strongest first, as of the
// model's cutoff) and its same-category neighbours from the in-memory catalogue (the category's best sellers
// by the model's popularity). Only co-purchase still needs Neo4j for it (queries.ts SEED_COPURCHASE). This
// takes the two expensive traversals off the cache-miss path (about 7 of 10 ms of Neo4j time per query of 5
// seeds, measured) and keeps them answering while Neo4j is down. Seeds newer than the model have no table
// row: their whole neighbourhood comes from the live graph (queries.ts SEED_NEIGHBOURS).
import type { Catalog, CatalogProduct } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import type { NeighbourRow } from './seedNeighbours';

/** As many neighbours per seed and source as the Cypher traversal returns (its LIMIT 25). */
export const NEIGHBOURS_PER_SOURCE = 25;
/** The most a caller may ask for per seed and source (a category's best sellers are kept this long). */
const MAX_PER_SOURCE = 50;

export interface TableNeighbours {
  rows: NeighbourRow[];
  /** Seeds the model has a row for (their co-purchase neighbours still come from the graph). */
  known: string[];
  /** Seeds the model has no row for: their neighbours must come from the graph. */
  unknown: string[];
}

// Per catalogue list (a reload makes new lists): its products by the model's popularity, best first.
const byPopularity = new WeakMap<CatalogProduct[], { model: LoadedModel; ids: string[] }>();

function categoryBestSellers(model: LoadedModel, list: CatalogProduct[]): string[] {
  const hit = byPopularity.get(list);
  if (hit && hit.model === model) return hit.ids;
  const popularity = model.ranker?.popularity;
  const score = (p: CatalogProduct) => {
    const row = model.itemRow.get(p.id);
    return row !== undefined && popularity ? popularity[row] : -1;
  };
  const ids = list
    .map((p) => ({ id: p.id, s: score(p) }))
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, MAX_PER_SOURCE + 1)
    .map((x) => x.id);
  byPopularity.set(list, { model, ids });
  return ids;
}

/**
 * Co-view and category neighbours of the seeds the model knows, or undefined when the model has no
 * co-visitation table (no trained ranker): then every seed goes to the graph.
 */
export function tableNeighbours(
  model: LoadedModel | undefined,
  catalog: Catalog,
  seeds: string[],
  perSource = NEIGHBOURS_PER_SOURCE,
): TableNeighbours | undefined {
  const covisit = model?.ranker?.covisit;
  if (!model || !covisit) return undefined;
  const rows: NeighbourRow[] = [];
  const known: string[] = [];
  const unknown: string[] = [];
  for (const seed of seeds) {
    const row = model.itemRow.get(seed);
    if (row === undefined) {
      unknown.push(seed);
      continue;
    }
    known.push(seed);
    const end = Math.min(covisit.ptr[row + 1], covisit.ptr[row] + perSource);
    for (let k = covisit.ptr[row]; k < end; k++)
      rows.push({ seed, productId: model.itemIds[covisit.idx[k]], source: 'coview', w: covisit.val[k] });
    const category = catalog.get(seed)?.categoryId;
    if (!category) continue;
    let n = 0;
    for (const id of categoryBestSellers(model, catalog.inCategory(category))) {
      if (id === seed || n >= perSource) continue;
      rows.push({ seed, productId: id, source: 'category', w: 1 });
      n++;
    }
  }
  return { rows, known, unknown };
}
