// Seed neighbours from memory: a seed product the serving model knows gets its co-view neighbours from the
// model's co-visitation table (covisit.bin: products seen in the same sessions, strongest first, as of the
// model's cutoff), its co-purchase neighbours from its co-purchase table (copurchase.bin: products bought by
// the same users) and its same-category neighbours from the in-memory catalogue (the category's best sellers
// by the model's popularity). This takes the traversals off the cache-miss path (about 10 ms of Neo4j time per
// query of 5 seeds, measured) and keeps them answering while Neo4j is down. A version made before
// copurchase.bin still asks Neo4j for co-purchase (queries.ts SEED_COPURCHASE). Seeds newer than the model
// have no table row: their whole neighbourhood comes from the live graph (queries.ts SEED_NEIGHBOURS).
import type { Catalog, CatalogProduct } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import type { ItemGraph } from '../../model';
import type { NeighbourRow } from './seedNeighbours';

/** As many neighbours per seed and source as the Cypher traversal returns (its LIMIT 25). */
export const NEIGHBOURS_PER_SOURCE = 25;
/** The most a caller may ask for per seed and source (a category's best sellers are kept this long). */
const MAX_PER_SOURCE = 50;

export interface TableNeighbours {
  rows: NeighbourRow[];
  /** Known seeds whose co-purchase neighbours must come from the graph (the model has no co-purchase table). */
  copurchaseFromGraph: string[];
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
  const copurchase = model.ranker?.copurchase;
  const rows: NeighbourRow[] = [];
  const addRow = (g: ItemGraph, row: number, seed: string, source: 'coview' | 'copurchase') => {
    const end = Math.min(g.ptr[row + 1], g.ptr[row] + perSource);
    for (let k = g.ptr[row]; k < end; k++)
      rows.push({ seed, productId: model.itemIds[g.idx[k]], source, w: g.val[k] });
  };
  const known: string[] = []; // seeds with a model row
  const unknown: string[] = [];
  for (const seed of seeds) {
    const row = model.itemRow.get(seed);
    if (row === undefined) {
      unknown.push(seed);
      continue;
    }
    known.push(seed);
    addRow(covisit, row, seed, 'coview');
    if (copurchase) addRow(copurchase, row, seed, 'copurchase');
    const category = catalog.get(seed)?.categoryId;
    if (!category) continue;
    let n = 0;
    for (const id of categoryBestSellers(model, catalog.inCategory(category))) {
      if (id === seed || n >= perSource) continue;
      rows.push({ seed, productId: id, source: 'category', w: 1 });
      n++;
    }
  }
  return { rows, copurchaseFromGraph: copurchase ? [] : known, unknown };
}
