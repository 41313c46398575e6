// A cold user online: a known account with no event at all (no history in the graph or the model, nothing in
// Redis) and no product in view. Such a request is ranked by exactly the scorer the offline evaluation and
// `bench cold-start` measure (model/ranker/coldUsers.ts `coldUserScores`) over the model's stored tables
// (segments.bin, the ranker's trending/seasonal/popularity, its ranker.json `coldUsers` weights): the whole
// catalogue the model knows is scored, its best items become the candidates (source `segment`), and that score
// orders them, so the API's list is the offline list (then the filters and the per-category cap apply).
// Missing demographics are no error: each unknown attribute just adds no lift (segmentPopularity.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { NamedQuery } from '../../graph';
import {
  coldUserScores,
  coldUserWeightsOf,
  topItems,
  userItemDots,
  type ColdTables,
  type ColdUserWeights,
  GENDERS,
  knownAttributes,
  readSegmentTable,
  type Demographics,
  type SegmentTable,
  AGE_BANDS,
  LOYALTY_TIERS,
  REGIONS,
  ageBandOf,
  inferUserEmbedding,
  isNewArrival,
  readNewArrivals,
  type NewArrivals,
} from '../../model';
import type { Catalog } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import type { Candidate } from './rank';

export const COLD_USER_DEMOGRAPHICS: NamedQuery = {
  name: 'api.recs.coldUserDemographics',
  cypher: `
MATCH (u:User {id: $userId})
RETURN u.birthYear AS birthYear, u.region AS region, u.gender AS gender, u.loyaltyTier AS loyaltyTier`,
};

export interface DemographicsRow {
  birthYear: number | null;
  region: string | null;
  gender: string | null;
  loyaltyTier: string | null;
}

/** What a model serves cold users with; undefined for a version without a segment table (trained before it). */
export interface ColdServing {
  segments: SegmentTable;
  weights: ColdUserWeights;
  tables: ColdTables;
}

const servingByModel = new WeakMap<LoadedModel, ColdServing | null>();

/** The model's cold-user serving, read once per loaded model; none without segments.bin or a ranker. */
export function coldServingOf(model: LoadedModel): ColdServing | undefined {
  const hit = servingByModel.get(model);
  if (hit !== undefined) return hit ?? undefined;
  let serving: ColdServing | null = null;
  const dir = model.inductive.dir;
  const t = model.ranker;
  if (dir && t) {
    try {
      const segments = readSegmentTable(dir);
      if (segments && segments.nItems === model.itemIds.length) {
        const ranker = JSON.parse(fs.readFileSync(path.join(dir, 'ranker.json'), 'utf8')) as unknown;
        serving = { segments, weights: coldUserWeightsOf(ranker), tables: t };
      }
    } catch {
      // A damaged segments.bin or ranker.json: cold users are ranked as before this scorer, never an error.
      serving = null;
    }
  }
  servingByModel.set(model, serving);
  return serving ?? undefined;
}

const indexOf = (list: readonly string[], v: string | null) => {
  const i = v === null ? -1 : list.indexOf(v);
  return i >= 0 ? i : undefined;
};

/** The graph's demographics as the segment codes; missing, malformed or unknown values are left unknown. */
export function demographicsOf(row: DemographicsRow | undefined, refYear: number): Demographics {
  if (!row) return {};
  const by = row.birthYear;
  const age = typeof by === 'number' && Number.isInteger(by) && by > 1900 && by <= refYear ? by : undefined;
  return {
    ageBand: age === undefined ? undefined : ageBandOf(age, refYear),
    region: indexOf(REGIONS, row.region),
    gender: indexOf(GENDERS, row.gender),
    loyalty: indexOf(LOYALTY_TIERS, row.loyaltyTier),
  };
}

/** The year ages are computed against: the model's (its metadata layout), else the request's. */
export const refYearOf = (model: LoadedModel, at: number) =>
  model.inductive.meta?.layout.refYear ?? new Date(at).getUTCFullYear();

/**
 * Every item's cold-user score for these demographics (model item order): the inductive embedding of the
 * demographics when the model has metadata nodes and knows any of them, then coldUserScores.
 */
export function coldUserItemScores(
  model: LoadedModel,
  serving: ColdServing,
  d: Demographics,
  at: number,
): Float32Array {
  const n = model.itemIds.length;
  let gnn: Float32Array | undefined;
  if (model.inductive.meta && serving.weights.gnn !== 0) {
    const meta = {
      ageBand: d.ageBand === undefined ? undefined : AGE_BANDS[d.ageBand],
      region: d.region === undefined ? undefined : REGIONS[d.region],
      loyaltyTier: d.loyalty === undefined ? undefined : LOYALTY_TIERS[d.loyalty],
    };
    if (meta.ageBand || meta.region || meta.loyaltyTier)
      gnn = userItemDots(
        inferUserEmbedding(model.inductive, meta),
        model.inductive.items,
        new Float32Array(n),
      );
  }
  return coldUserScores(
    serving.tables,
    serving.segments,
    serving.weights,
    { demographics: d, gnn, at },
    new Float32Array(n),
  );
}

/** The best `k` items of a score row, and the best `kNew` of those `isNew` holds for (the quota's pool). */
export function coldCandidateRows(
  scores: Float32Array,
  k: number,
  isNew?: (row: number) => boolean,
  kNew = 0,
): number[] {
  const rows = topItems(scores, k);
  if (isNew && kNew > 0) {
    const fresh = Float32Array.from(scores, (s, i) => (isNew(i) ? s : -Infinity));
    const have = new Set(rows);
    for (const r of topItems(fresh, kNew)) if (fresh[r] > -Infinity && !have.has(r)) rows.push(r);
  }
  return rows;
}

/** What the list is based on, for the explanation: the attributes the request knew. */
export function segmentBasis(d: Demographics): string {
  const known = knownAttributes(d);
  const words: string[] = [];
  if (known.includes('region')) words.push('region');
  if (known.includes('ageBand')) words.push('age group');
  if (known.includes('gender')) words.push('gender');
  if (words.length === 0) return 'Popular with shoppers right now (nothing about you is known yet)';
  const list =
    words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
  return `Popular with shoppers in your ${list}`;
}

const arrivalsByModel = new WeakMap<LoadedModel, NewArrivals | null>();

function newArrivalsOfModel(model: LoadedModel): NewArrivals | undefined {
  let na = arrivalsByModel.get(model);
  if (na === undefined) {
    try {
      na = model.inductive.dir ? readNewArrivals(model.inductive.dir) : null;
    } catch {
      na = null; // unreadable ranker.json: recommend.ts logs it; no new-arrival pool here
    }
    arrivalsByModel.set(model, na);
  }
  return na ?? undefined;
}

export interface ColdUserRanking {
  candidates: Candidate[];
  /** The cold-user score of a product; a product the model does not know ranks below every known one. */
  scoreOf: (productId: string) => number;
  /** The explanation of the `segment` source: what the list is based on. */
  basis: string;
}

/** How many of the best-scoring items become candidates, and of the best new arrivals (the quota's pool). */
export const COLD_CANDIDATES = { top: 100, newArrivals: 20 };

/**
 * The cold-user ranking of one request: the demographics (read by `demographics`; none is no error), every
 * item scored, the best as `segment` candidates, the score for ordering.
 */
export async function coldUserRanking(
  model: LoadedModel,
  serving: ColdServing,
  catalog: Catalog,
  demographics: () => Promise<DemographicsRow | undefined>,
  at: number,
): Promise<ColdUserRanking> {
  const d = demographicsOf(await demographics(), refYearOf(model, at));
  const scores = coldUserItemScores(model, serving, d, at);
  const na = newArrivalsOfModel(model);
  const isNew =
    na && na.slots > 0
      ? (row: number) => {
          const launched = catalog.get(model.itemIds[row])?.launchedAt;
          return launched !== null && launched !== undefined && isNewArrival(launched, at, na.days);
        }
      : undefined;
  const rows = coldCandidateRows(scores, COLD_CANDIDATES.top, isNew, COLD_CANDIDATES.newArrivals);
  return {
    candidates: rows.map((r) => ({
      productId: model.itemIds[r],
      source: 'segment',
      weight: Math.max(0, scores[r]) + 1e-9,
    })),
    scoreOf: (id) => {
      const r = model.itemRow.get(id);
      return r === undefined ? -1 : scores[r];
    },
    basis: segmentBasis(d),
  };
}
