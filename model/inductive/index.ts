// Inductive inference: embeddings for products added after training and for new users, without retraining.
// One LightGCN propagation step from the new node's neighbours in the shop graph (metaGraph.ts):
//   e_new = Σ_n w_n / sqrt(deg_n) · e_n   (then unit length, as trained user rows are; trained item rows also
//   carry the popularity scale of lightgcn/popularityScale.ts, and a new product gets that of an item without events)
// where the neighbours are its metadata nodes (category leaf + ancestors with halving weights, brand, price band;
// or age band, region, loyalty tier) and any known recent counterparts (users who interacted with the product,
// products the user interacted with). A model without metadata nodes uses the recent counterparts only.
//
//   const model = loadInductiveModel(dataDir, version);
//   const v = inferProductEmbedding(model, { categoryId: 'c412', brandId: 'b7', price: 19.99 });
//   const u = inferUserEmbedding(model, { birthYear: 1990, region: 'dach', loyaltyTier: 'gold', recentProductIds: ['p12'] });
//   const ranked = scoreItems(model, u); // dot-product score per item row (model.itemIds[row])
import { validationError } from '../../core';
import { readModelDir } from '../artifacts/modelDir';
import { readMetaFiles, type MetaTables } from '../artifacts/metaFile';
import { AGE_BANDS, ageBandOf } from '../demographics';
import { CATEGORY_LEVEL_WEIGHTS, metaRow, priceBandOf, type MetaType } from '../metaLayout';

export interface InductiveModel {
  version: string;
  dims: number;
  users: Float32Array;
  items: Float32Array;
  userIds: string[];
  itemIds: string[];
  userRow: Map<string, number>;
  itemRow: Map<string, number>;
  meta?: MetaTables;
  /** The model dir it was loaded from (loadInductiveModel), for its other artifacts. */
  dir?: string;
}

export interface NewProduct {
  categoryId: string;
  brandId?: string;
  price?: number;
  /** Users who already viewed/carted/bought it (unknown ids are ignored). */
  recentUserIds?: string[];
}

export interface NewUser {
  /** Either birthYear (ages are taken at the model's reference year) or ageBand ('25-34' ...). */
  birthYear?: number;
  ageBand?: string;
  region?: string;
  loyaltyTier?: string;
  /** Products the user interacted with, most recent last (unknown ids are ignored). */
  recentProductIds?: string[];
}

export function inductiveModelOf(
  version: string,
  dims: number,
  tables: {
    users: Float32Array;
    items: Float32Array;
    userIds: string[];
    itemIds: string[];
    meta?: MetaTables;
  },
): InductiveModel {
  return {
    version,
    dims,
    ...tables,
    userRow: new Map(tables.userIds.map((id, r) => [id, r])),
    itemRow: new Map(tables.itemIds.map((id, r) => [id, r])),
  };
}

/** Load a stored version (embeddings.bin, ids.json, and meta.json/meta.bin when present). */
export function loadInductiveModel(dataDir: string, version: string): InductiveModel {
  const m = readModelDir(dataDir, version);
  const e = m.embeddings;
  const model = inductiveModelOf(version, e.dims, {
    users: e.users,
    items: e.items,
    userIds: m.ids.users.map(String),
    itemIds: m.ids.items.map(String),
    meta: readMetaFiles(m.dir, e.dims),
  });
  return { ...model, dir: m.dir };
}

class Acc {
  readonly v: Float32Array;
  n = 0;
  constructor(d: number) {
    this.v = new Float32Array(d);
  }
  add(table: Float32Array, row: number, w: number) {
    const d = this.v.length;
    for (let j = 0; j < d; j++) this.v[j] += w * table[row * d + j];
    this.n++;
  }
  unit(): Float32Array {
    let ss = 0;
    for (const x of this.v) ss += x * x;
    const f = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < this.v.length; j++) this.v[j] *= f;
    return this.v;
  }
}

function addMeta(
  model: InductiveModel,
  acc: Acc,
  type: MetaType,
  id: string,
  w: number,
  field: string,
): void {
  const meta = model.meta;
  if (!meta) return;
  const r = metaRow(meta.layout, type, id);
  if (r === undefined)
    throw validationError(`${field} is not known to model ${model.version}: ${JSON.stringify(id)}`, {
      field,
    });
  acc.add(meta.embeddings, r, w * meta.layout.metaWeight);
}

/**
 * Split the counterpart evidence to weigh as much as the metadata together: a single event does not drown it.
 * Each counterpart adds its direction (its row at unit length): item rows may carry the popularity scale
 * (lightgcn/popularityScale.ts), which ranks items but is not part of what a user's taste is made of.
 */
function addRecent(acc: Acc, table: Float32Array, rows: number[]) {
  const w = rows.length > 0 ? 1 / Math.sqrt(rows.length) : 0;
  const d = acc.v.length;
  for (const r of rows) {
    let ss = 0;
    for (let j = r * d; j < r * d + d; j++) ss += table[j] * table[j];
    if (ss > 0) acc.add(table, r, w / Math.sqrt(ss));
  }
}

export function inferProductEmbedding(model: InductiveModel, p: NewProduct): Float32Array {
  const acc = new Acc(model.dims);
  if (model.meta) {
    let c: string | undefined = p.categoryId;
    for (let lvl = 0; lvl < CATEGORY_LEVEL_WEIGHTS.length && c; lvl++) {
      addMeta(model, acc, 'category', c, CATEGORY_LEVEL_WEIGHTS[lvl], 'categoryId');
      c = model.meta.layout.categoryParent[c];
    }
    if (p.brandId !== undefined) addMeta(model, acc, 'brand', p.brandId, 1, 'brandId');
    if (p.price !== undefined) {
      if (!(p.price > 0)) throw validationError(`price must be > 0, but got: ${p.price}`, { field: 'price' });
      addMeta(
        model,
        acc,
        'priceBand',
        `band${priceBandOf(p.price, model.meta.layout.priceEdges)}`,
        1,
        'price',
      );
    }
  }
  const rows = (p.recentUserIds ?? [])
    .map((id) => model.userRow.get(id))
    .filter((r): r is number => r !== undefined);
  addRecent(acc, model.users, rows);
  if (acc.n === 0)
    throw validationError(
      `model ${model.version} has no metadata nodes and none of the recentUserIds are known: nothing to infer from`,
      { field: 'recentUserIds' },
    );
  return acc.unit();
}

export function inferUserEmbedding(model: InductiveModel, u: NewUser): Float32Array {
  const acc = new Acc(model.dims);
  if (model.meta) {
    const refYear = model.meta.layout.refYear;
    if (u.ageBand !== undefined) addMeta(model, acc, 'ageBand', u.ageBand, 1, 'ageBand');
    else if (u.birthYear !== undefined) {
      if (!Number.isInteger(u.birthYear) || u.birthYear < 1900 || u.birthYear > refYear)
        throw validationError(`birthYear must be an integer in [1900, ${refYear}], but got: ${u.birthYear}`, {
          field: 'birthYear',
        });
      addMeta(model, acc, 'ageBand', AGE_BANDS[ageBandOf(u.birthYear, refYear)], 1, 'birthYear');
    }
    if (u.region !== undefined) addMeta(model, acc, 'region', u.region, 1, 'region');
    if (u.loyaltyTier !== undefined) addMeta(model, acc, 'loyaltyTier', u.loyaltyTier, 1, 'loyaltyTier');
  }
  const rows = (u.recentProductIds ?? [])
    .map((id) => model.itemRow.get(id))
    .filter((r): r is number => r !== undefined);
  addRecent(acc, model.items, rows);
  if (acc.n === 0)
    throw validationError(
      `nothing to infer a user embedding from: give recentProductIds${model.meta ? ', birthYear/ageBand, region or loyaltyTier' : ' (model has no metadata nodes)'}`,
      { field: 'recentProductIds' },
    );
  return acc.unit();
}

/** Dot-product score of every item row for a (trained or inferred) user vector (a cosine x the item's scale). */
export function scoreItems(
  model: InductiveModel,
  user: Float32Array,
  out = new Float32Array(model.itemIds.length),
) {
  const d = model.dims;
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += user[j] * model.items[i * d + j];
    out[i] = s;
  }
  return out;
}
