// One recommendation request, end to end: gather the shopper's state (Redis session, graph history), collect
// candidates from every source in parallel (embeddings, graph traversals, popularity), rank them, and build
// the explanations. A source that fails is skipped and marks the result degraded; it never fails the query.
import crypto from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '../../core';
import { EVENT_TYPE_FOR, REL_FOR } from '../../core';
import type { GraphClient } from '../../graph';
import {
  isNewArrival,
  newArrivalQuota,
  newArrivalsOff,
  readNewArrivals,
  type NewArrivals,
  HISTORY_PER_USER,
} from '../../model';
import { recentKey, sessionSubject, userSubject, type RecentEvent } from '../../events';
import type { Catalog, CatalogProduct } from '../catalog';
import { withTimeout, type Breaker } from '../guard';
import type { ActiveModel, LoadedModel } from '../model/activeModel';
import { meanDirection, nearestItems, rowOf } from '../model/embeddingIndex';
import type { Context, RecFilter } from '../validate';
import { snapshotHistory, type HistoryRow } from './history';
import type { Popularity } from './popularity';
import { productVector } from './similar';
import { SEED_COPURCHASE, SEGMENT_OF, SEGMENT_POPULAR, USER_HISTORY } from './queries';
import type { NeighbourRow, SeedNeighbourCache } from './seedNeighbours';
import { tableNeighbours } from './tableNeighbours';
import { COLD_USER_DEMOGRAPHICS, coldServingOf, coldUserRanking, type DemographicsRow } from './coldUser';
import { sessionModelFor, sessionRanking, visitSteps } from './sessionSource';
import { rankCandidates, type Candidate, type Source } from './rank';
import {
  placedNewArrivals,
  placementServingOf,
  requestPlacement,
  type RequestPlacement,
} from './newArrivals';
import { gnnOf, normOf, queryDot, rankerRequest, trainedScore } from './trainedRanker';

export interface RecDeps {
  graph: GraphClient;
  graphBreaker: Breaker;
  redis: Redis;
  catalog: Catalog;
  popularity: Popularity;
  /** The model that serves this request: the active one, or the version an experiment variant pins. */
  model: Pick<ActiveModel, 'current'>;
  logger: Logger;
  /** Seed products' graph neighbours (co-purchase, co-view, category), reused for a short TTL. */
  seedNeighbours: SeedNeighbourCache;
  /** How old a model's history snapshot may be to serve a user's history (history.ts); absent: never. */
  historyMaxAgeMs?: number;
}

export interface RecRequest {
  userId: string | null;
  sessionId: string | null;
  context: Context;
  first: number;
  filter: RecFilter;
  explain: boolean;
  /** Ranking overrides of an experiment variant. */
  ranker?: { sourceWeights?: Partial<Record<Source, number>>; perCategoryCap?: number } | null;
  /** The subjects' recent lists when the request already read them (api/cache.ts `lookup`): not read again. */
  recentLists?: string[][];
}

export interface PathStep {
  kind: 'User' | 'Session' | 'Product' | 'Category';
  id: string;
  name: string | null;
  rel: string | null;
}

export interface Explanation {
  source: Source;
  text: string;
  path: PathStep[];
}

export interface RecItemResult {
  productId: string;
  score: number;
  sources: Source[];
  explanation: Explanation[] | null;
}

/**
 * What ordered the items: the serving model's trained ranker (its ranker.json weights over its stored tables),
 * or the fixed per-source weights (no trained ranker in the model, or an experiment variant's sourceWeights),
 * or the session model (an anonymous visitor or a new user with events of this visit, sessionSource.ts).
 */
export type RankerUsed = 'trained' | 'source-weights' | 'session';

export interface RecResult {
  recId: string;
  modelVersion: string | null;
  ranker: RankerUsed;
  degraded: boolean;
  degradedReasons: string[];
  items: RecItemResult[];
}

/**
 * How many candidates each source contributes at most: the embedding top-k, the popular list, and the table
 * neighbours per seed and source (co-view, category; tableNeighbours.ts). Every candidate is filtered and
 * scored, so these bound a cache miss's work. Measured on the default shop (600 warm users, the trained
 * ranker): against 200 / 100 / 25 the top 20 keeps 99.8% of its items, and recommend() takes 3.9 ms of CPU
 * instead of 6.6. The trained ranker rarely lifts an embedding candidate from beyond the top 60 into the top 20.
 */
export const CANDIDATE_LIMITS = { embedding: 100, popular: 50, tablePerSeed: 10 };

const segmentCache = new Map<
  string,
  { at: number; rows: Promise<Array<{ productId: string; w: number }>> }
>();

async function readRecent(redis: Redis, subjects: string[]): Promise<RecentEvent[]> {
  if (redis.status !== 'ready' || subjects.length === 0) return [];
  const pipe = redis.pipeline();
  for (const s of subjects) pipe.lrange(recentKey(s), 0, 49);
  const res = (await pipe.exec()) ?? [];
  const lists: string[][] = [];
  for (const [err, list] of res) {
    if (err) throw err;
    lists.push(list as string[]);
  }
  return parseRecent(lists);
}

/** The subjects' recent lists (JSON per event) as one list, newest first. */
function parseRecent(lists: string[][]): RecentEvent[] {
  const out: RecentEvent[] = [];
  for (const list of lists) for (const raw of list) out.push(JSON.parse(raw) as RecentEvent);
  return out.sort((a, b) => b.ts - a.ts);
}

/** The query vector: the user's trained row, moved towards what the shopper touched lately. */
export function queryVector(
  model: LoadedModel,
  userId: string | null,
  recentItems: string[],
): Float32Array | undefined {
  const userRowIdx = userId !== null ? model.userRow.get(userId) : undefined;
  const rows = recentItems.map((p) => model.itemRow.get(p)).filter((r): r is number => r !== undefined);
  const recentMean = meanDirection(model.table, rows.slice(0, 10));
  if (userRowIdx === undefined) return recentMean;
  const q = Float32Array.from(rowOf(model.users, model.dims, userRowIdx));
  if (recentMean) {
    // Session intent weighs as much as long-term taste: one view moves the next answer.
    let un = 0;
    let rn = 0;
    for (let d = 0; d < model.dims; d++) {
      un += q[d] * q[d];
      rn += recentMean[d] * recentMean[d];
    }
    const scale = rn > 0 ? Math.sqrt(un / rn) : 0;
    for (let d = 0; d < model.dims; d++) q[d] += scale * recentMean[d];
  }
  return q;
}

const newArrivalsByModel = new WeakMap<LoadedModel, NewArrivals>();

/** The model's trained new-arrivals quota (its ranker.json), read once per loaded model; none or older: off. */
export function newArrivalsOf(model: LoadedModel, logger?: Logger): NewArrivals {
  let na = newArrivalsByModel.get(model);
  if (!na) {
    try {
      na = model.inductive.dir ? readNewArrivals(model.inductive.dir) : newArrivalsOff;
    } catch (err) {
      logger?.warn({ err: (err as Error).message, version: model.version }, 'ranker.json unreadable');
      na = newArrivalsOff;
    }
    newArrivalsByModel.set(model, na);
  }
  return na;
}

const launchCache = new WeakMap<Catalog, { at: number; since: number; products: CatalogProduct[] }>();

/** The catalogue's new arrivals at `at` (launched less than `days` days before it, not after). */
export function newArrivalsAt(
  catalog: Catalog,
  at: number,
  days: number,
  now = Date.now(),
): CatalogProduct[] {
  return launchedSince(catalog, at - days * 86_400_000, now).filter(
    (p) => p.launchedAt !== null && isNewArrival(p.launchedAt, at, days),
  );
}

/** How many of the best new arrivals by placement become candidates (the quota takes at most a few of them). */
export const PLACED_CANDIDATES = 20;

/** Catalogue products launched since `since` (rebuilt at most once a minute). */
function launchedSince(catalog: Catalog, since: number, now: number): CatalogProduct[] {
  const hit = launchCache.get(catalog);
  if (hit && now - hit.at < 60_000 && hit.since <= since) return hit.products;
  const products: CatalogProduct[] = [];
  for (const c of catalog.categories())
    for (const p of catalog.inCategory(c.id))
      if (p.launchedAt !== null && p.launchedAt >= since) products.push(p);
  launchCache.set(catalog, { at: now, since, products });
  return products;
}

const newItemRows = new WeakMap<LoadedModel, Map<string, Float32Array | null>>();

/**
 * A new arrival's embedding, as similarProducts computes it (similar.ts `productVector`: the trained row, else
 * inferred from its metadata, else its peers' mean), remembered per model: inference runs once per product.
 */
function newArrivalVector(model: LoadedModel, catalog: Catalog, p: CatalogProduct): Float32Array | null {
  const row = model.itemRow.get(p.id);
  if (row !== undefined) return rowOf(model.table.items, model.dims, row);
  let cache = newItemRows.get(model);
  if (!cache) newItemRows.set(model, (cache = new Map()));
  let v = cache.get(p.id);
  if (v === undefined) {
    v = productVector(model, catalog, p.id)?.vector ?? null;
    cache.set(p.id, v);
  }
  return v;
}

/**
 * Embedding candidates among the new arrivals at `at` (launched less than `days` days before): scored like
 * every embedding candidate (query · product row), so that the quota can pick the best of them; the embedding
 * top-k rarely holds them, because products with history outrank them.
 */
export function newArrivalCandidates(
  model: LoadedModel,
  catalog: Catalog,
  q: Float32Array,
  na: NewArrivals,
  at: number,
  k = 50,
): Candidate[] {
  const scored: Candidate[] = [];
  for (const p of launchedSince(catalog, at - na.days * 86_400_000, Date.now())) {
    if (p.launchedAt === null || !isNewArrival(p.launchedAt, at, na.days)) continue;
    const v = newArrivalVector(model, catalog, p);
    if (!v) continue;
    let s = 0;
    for (let d = 0; d < model.dims; d++) s += q[d] * v[d];
    scored.push({ productId: p.id, source: 'embedding', weight: Math.max(0, s) + 1e-6 });
  }
  return scored.sort((a, b) => b.weight - a.weight).slice(0, k);
}

/**
 * The request's recent item rows for the trained ranker, most recent last: the Redis events (session and user,
 * newest first), else the user's latest history; repeats in a row collapse (as offline), at most
 * `recentItems` (what the weights were tuned with), products the model does not know skipped.
 */
export function recentItemRows(
  model: LoadedModel,
  recent: Array<{ p: string }>,
  history: Array<{ productId: string }>,
): number[] {
  const max = model.ranker?.recentItems ?? 0;
  const ids = recent.length > 0 ? recent.map((r) => r.p) : history.map((h) => h.productId);
  const rows: number[] = [];
  for (const id of ids) {
    if (rows.length >= max) break;
    const row = model.itemRow.get(id);
    if (row === undefined || rows[rows.length - 1] === row) continue;
    rows.push(row);
  }
  return rows.reverse();
}

/**
 * The trained ranker's score per candidate (api/recs/trainedRanker.ts): the gnn term from the query vector and
 * the item's row, or for a product newer than the model its inferred embedding when this request already
 * made one (new-arrival candidates), else 0; the other signals from the model's tables.
 */
export function trainedScorer(
  model: LoadedModel,
  q: Float32Array | undefined,
  recentRows: number[],
  at: number,
): ((productId: string) => number) | undefined {
  const t = model.ranker;
  if (!t) return undefined;
  const req = rankerRequest(t, recentRows, at);
  const qNorm = q ? normOf(q) : 0;
  const inferred = newItemRows.get(model);
  return (productId) => {
    const row = model.itemRow.get(productId);
    let dot = 0;
    if (q && row !== undefined) dot = queryDot(model.table.items, row * model.dims, q, qNorm);
    else if (q) {
      const v = inferred?.get(productId);
      if (v) dot = queryDot(v, 0, q, qNorm);
    }
    return trainedScore(t, req, row, gnnOf(t, row, dot));
  };
}

export async function recommend(deps: RecDeps, req: RecRequest): Promise<RecResult> {
  const { graph, graphBreaker, catalog, popularity, logger } = deps;
  const reasons: string[] = [];
  const model = deps.model.current();
  const subjects = [
    ...(req.userId ? [userSubject(req.userId)] : []),
    ...(req.sessionId ? [sessionSubject(req.sessionId)] : []),
  ];
  let recent: RecentEvent[] = [];
  // Whether the recent lists were read: a Redis that is not connected yields none, and says nothing of them.
  let recentRead = req.recentLists !== undefined || deps.redis.status === 'ready';
  // A visitor's session lives only in Redis: without it the page is not theirs, and the answer says so.
  if (!recentRead && subjects.length > 0) reasons.push('session state unavailable (Redis)');
  try {
    recent = req.recentLists ? parseRecent(req.recentLists) : await readRecent(deps.redis, subjects);
  } catch {
    recentRead = false;
    reasons.push('session state unavailable (Redis)');
  }
  const g = <T>(work: () => Promise<T>, what: string, fallback: T): Promise<T> =>
    graphBreaker.run(work).catch((err: Error) => {
      reasons.push(
        `${what} skipped (${(err as { kind?: string }).kind === 'UNAVAILABLE' ? 'Neo4j unavailable' : 'query failed'})`,
      );
      logger.debug({ err: err.message, what }, 'candidate source failed');
      return fallback;
    });

  // The snapshot only stands in for Neo4j together with the events since, which the recent list holds.
  const snapshot =
    req.userId && recentRead && deps.historyMaxAgeMs !== undefined
      ? snapshotHistory(model, req.userId, Date.now(), deps.historyMaxAgeMs)
      : undefined;
  const history =
    snapshot ??
    (req.userId
      ? await g(
          () => graph.read<HistoryRow>(USER_HISTORY, { userId: req.userId, limit: HISTORY_PER_USER }),
          'user history',
          [] as HistoryRow[],
        )
      : []);
  const purchased = new Set<string>([
    ...history.filter((h) => h.type === 'PURCHASED').map((h) => h.productId),
    ...recent.filter((r) => r.t === 'purchase').map((r) => r.p),
  ]);
  // Seeds: what the shopper touched most recently (session first), then the page's product.
  const seedList: string[] = [];
  const seedWhy = new Map<string, string>();
  const addSeed = (p: string, why: string) => {
    if (!seedWhy.has(p)) {
      seedWhy.set(p, why);
      seedList.push(p);
    }
  };
  if (req.context.productId) addSeed(req.context.productId, 'viewing');
  for (const r of recent) addSeed(r.p, r.t);
  for (const h of history) addSeed(h.productId, EVENT_TYPE_FOR[h.type]);
  const seeds = seedList.slice(0, 5);
  // A cold user: an account with no event at all and nothing in view is ranked by the cold-user scorer the
  // offline evaluation measures (coldUser.ts), unless a variant sets its own source weights.
  const coldServing =
    model && req.userId && seedList.length === 0 && Object.keys(req.ranker?.sourceWeights ?? {}).length === 0
      ? coldServingOf(model)
      : undefined;
  const cold =
    model && coldServing
      ? await coldUserRanking(
          model,
          coldServing,
          catalog,
          () =>
            g(
              () => graph.read<DemographicsRow>(COLD_USER_DEMOGRAPHICS, { userId: req.userId }),
              'user demographics',
              [] as DemographicsRow[],
            ).then((rows) => rows[0]),
          req.context.ts,
        )
      : undefined;

  const candidates: Candidate[] = [];
  const tasks: Array<Promise<void>> = [];
  // Session mode: an anonymous visitor or a user newer than the model, with events of late: the model knows
  // nothing of them but this visit, so the session model ranks the page.
  const overrides = Object.keys(req.ranker?.sourceWeights ?? {}).length > 0;
  const servedSession = model && !overrides ? sessionModelFor(model, logger) : undefined;
  // The page's product is the latest step when its view is not among the events yet.
  const pageProduct = req.context.productId;
  const visitEvents = pageProduct && recent[0]?.p !== pageProduct ? [{ p: pageProduct }, ...recent] : recent;
  const sessionMode =
    servedSession !== undefined &&
    visitEvents.length > 0 &&
    !(req.userId !== null && model?.userRow.has(req.userId));
  const visit = sessionMode && model ? visitSteps(servedSession, model, catalog, visitEvents) : undefined;
  const newArrivals = model && !visit ? newArrivalsOf(model, logger) : newArrivalsOff;
  // Which new arrivals fill the quota: the model's metadata placement over the shopper's past products.
  const placementSrv = model && newArrivals.slots > 0 ? placementServingOf(model) : undefined;
  const placement: RequestPlacement | undefined = placementSrv
    ? requestPlacement(
        placementSrv,
        catalog,
        [...recent.map((r) => r.p), ...history.map((h) => h.productId)],
        purchased,
        { at: req.context.ts, days: newArrivals.days },
      )
    : undefined;
  const q = model ? queryVector(model, req.userId, seedList.slice(0, 10)) : undefined;

  // 1. Embeddings (not in session mode: the session model does not use them)
  if (model) {
    if (q && !visit) {
      for (const n of nearestItems(model.table, q, CANDIDATE_LIMITS.embedding, 'dot')) {
        candidates.push({
          productId: model.itemIds[n.row],
          source: 'embedding',
          weight: Math.max(0, n.score) + 1e-6,
        });
      }
      // 1b. New arrivals, for the trained ranker's quota (they have no history, so the top-k misses them).
      if (newArrivals.slots > 0) {
        const have = new Set(candidates.map((c) => c.productId));
        for (const c of newArrivalCandidates(model, catalog, q, newArrivals, req.context.ts))
          if (!have.has(c.productId)) candidates.push(c);
      }
    }
  } else {
    reasons.push('no active model: popularity and graph sources only');
  }

  // 2. Neighbours of the seeds: co-view, co-purchase and category from the model's tables where it knows the seed
  // (no Neo4j work), every neighbour of a seed newer than the model from graph traversals.
  if (seeds.length > 0) {
    const addNeighbours = (rows: NeighbourRow[]) => {
      for (const r of rows) {
        // Co-views from what this very session touched are "session neighbours".
        const fromSession = r.source === 'coview' && recent.some((e) => e.p === r.seed);
        candidates.push({
          productId: r.productId,
          source: fromSession ? 'session' : r.source,
          weight: r.w,
          via: r.seed,
        });
      }
    };
    const fromTables = tableNeighbours(model, catalog, seeds, CANDIDATE_LIMITS.tablePerSeed);
    if (fromTables) addNeighbours(fromTables.rows);
    const copurchaseFromGraph = fromTables?.copurchaseFromGraph ?? [];
    const traversed = fromTables?.unknown ?? seeds;
    if (copurchaseFromGraph.length > 0)
      tasks.push(
        g(
          () => deps.seedNeighbours.rows(graph, copurchaseFromGraph, SEED_COPURCHASE),
          'co-purchase candidates',
          [],
        ).then(addNeighbours),
      );
    if (traversed.length > 0)
      tasks.push(
        g(() => deps.seedNeighbours.rows(graph, traversed), 'graph candidates', []).then(addNeighbours),
      );
  }

  // 3. Demographic segment for a known user with no trained row and no history (new user).
  if (req.userId && history.length === 0 && recent.length === 0 && !model?.userRow.has(req.userId)) {
    tasks.push(
      g(() => segmentPopular(graph, req.userId as string), 'segment candidates', []).then((rows) => {
        for (const r of rows) candidates.push({ productId: r.productId, source: 'segment', weight: r.w });
      }),
    );
  }

  // 4. Season-aware popularity: always a few, the cold fallback when nothing else is known.
  tasks.push(
    g(
      () =>
        withTimeout(
          popularity.anchorFor(req.context.ts).then((a) => popularity.top('WEEK', a)),
          2500,
          'popularity',
        ),
      'popularity',
      popularity.lastKnown(),
    ).then((items) => {
      for (const it of items.slice(0, CANDIDATE_LIMITS.popular))
        candidates.push({ productId: it.productId, source: 'popular', weight: it.score });
    }),
  );
  await Promise.all(tasks);
  if (cold) {
    // The cold-user scorer's candidates stand in for the embedding's and the graph segment's.
    for (let j = candidates.length - 1; j >= 0; j--)
      if (candidates[j].source === 'embedding' || candidates[j].source === 'segment') candidates.splice(j, 1);
    candidates.push(...cold.candidates);
  }
  if (placement) {
    // The placement's best new arrivals are candidates whatever the other sources found (a cold user's too).
    const have = new Set(candidates.map((c) => c.productId));
    const fresh = newArrivalsAt(catalog, req.context.ts, newArrivals.days);
    for (const p of placedNewArrivals(placement, fresh, PLACED_CANDIDATES))
      if (!have.has(p.id)) candidates.push({ productId: p.id, source: 'embedding', weight: 1e-6 });
  }
  const notInCatalog = new Set<string>();
  for (const c of candidates) if (!catalog.get(c.productId)) notInCatalog.add(c.productId);
  if (notInCatalog.size > 0) await g(() => catalog.ensure([...notInCatalog]), 'catalog lookup', undefined);

  const exclude = new Set<string>(req.context.productId ? [req.context.productId] : []);
  for (const r of recent) if (r.t === 'cart') exclude.add(r.p);
  // In session mode the latest step is what the shopper looks at: never the next one (as the bench counts).
  if (visit) exclude.add(visit.products[visit.products.length - 1]);
  const session =
    visit && servedSession && model ? sessionRanking(servedSession, model, visit, exclude) : undefined;
  if (session) candidates.push(...session.candidates);
  // The trained ranker orders the candidates unless a variant sets its own source weights.
  const trained = model?.ranker && !overrides ? model : undefined;
  const scoreOf =
    session?.scoreOf ??
    (trained
      ? trainedScorer(trained, q, recentItemRows(trained, recent, history), req.context.ts)
      : undefined);
  const ranked = rankCandidates({
    candidates,
    product: (id) => catalog.get(id),
    purchased,
    exclude,
    filter: req.filter,
    first: req.first,
    sourceWeights: req.ranker?.sourceWeights,
    // The session model's order is the page (no leaf cap): what the bench measures is what is served.
    perCategoryCap: req.ranker?.perCategoryCap ?? (session ? req.first : undefined),
    newArrivals: {
      quota: newArrivalQuota(newArrivals.slots, req.first),
      isNew: (p) => p.launchedAt !== null && isNewArrival(p.launchedAt, req.context.ts, newArrivals.days),
      ...(placement
        ? {
            pick: (id: string) => {
              const p = catalog.get(id);
              return p ? placement.score(p) : -Infinity;
            },
          }
        : {}),
    },
    scoreOf: cold?.scoreOf ?? scoreOf,
  });
  return {
    recId: crypto.randomUUID(),
    modelVersion: model?.version ?? null,
    ranker: session ? 'session' : scoreOf ? 'trained' : 'source-weights',
    degraded: reasons.some((r) => !r.startsWith('no active model')) || !model,
    degradedReasons: [...new Set(reasons)],
    items: ranked.map((it) => ({
      productId: it.productId,
      score: Math.round(it.score * 1e6) / 1e6,
      sources: it.sources,
      explanation: req.explain
        ? (placedExplanation(it, placement, req, catalog) ??
          explain(it.productId, it.sources, it.via, seedWhy, req, catalog, cold?.basis))
        : null,
    })),
  };
}

async function segmentPopular(
  graph: GraphClient,
  userId: string,
): Promise<Array<{ productId: string; w: number }>> {
  const [seg] = await graph.read<{ ageBand: string | null; region: string | null }>(SEGMENT_OF, { userId });
  if (!seg?.ageBand || !seg.region) return [];
  const key = `${seg.ageBand}|${seg.region}`;
  const hit = segmentCache.get(key);
  if (hit && Date.now() - hit.at < 600_000) return hit.rows;
  const rows = graph.read<{ productId: string; w: number }>(SEGMENT_POPULAR, {
    ageBand: seg.ageBand,
    region: seg.region,
  });
  segmentCache.set(key, { at: Date.now(), rows });
  rows.catch(() => segmentCache.delete(key));
  return rows;
}

const VERB: Record<string, string> = {
  view: 'viewed',
  cart: 'added to your cart',
  purchase: 'bought',
  viewing: 'are looking at',
};
const REL: Record<string, string> = {
  ...REL_FOR,
  viewing: 'VIEWING',
};

/** Explanations are graph paths from the shopper to the item, with a sentence for people. */
export function explain(
  productId: string,
  sources: Source[],
  via: Partial<Record<Source, string>>,
  seedWhy: Map<string, string>,
  req: RecRequest,
  catalog: Catalog,
  /** What a cold user's `segment` list is based on (coldUser.ts `segmentBasis`). */
  segmentBasis?: string,
): Explanation[] {
  const name = (id: string) => catalog.get(id)?.name ?? id;
  const who: PathStep = req.userId
    ? { kind: 'User', id: req.userId, name: null, rel: null }
    : { kind: 'Session', id: req.sessionId ?? 'anonymous', name: null, rel: null };
  const target: PathStep = {
    kind: 'Product',
    id: productId,
    name: catalog.get(productId)?.name ?? null,
    rel: null,
  };
  const out: Explanation[] = [];
  for (const source of sources) {
    const seed = via[source];
    const seedStep = (rel: string): PathStep[] =>
      seed
        ? [
            { ...who, rel: REL[seedWhy.get(seed) ?? 'view'] ?? 'VIEWED' },
            { kind: 'Product', id: seed, name: catalog.get(seed)?.name ?? null, rel },
          ]
        : [{ ...who, rel }];
    const youDid = seed ? `you ${VERB[seedWhy.get(seed) ?? 'view'] ?? 'viewed'} ${name(seed)}` : '';
    switch (source) {
      case 'copurchase':
        out.push({
          source,
          text: `Bought together with ${seed ? name(seed) : 'your items'} (${youDid})`,
          path: [...seedStep('BOUGHT_TOGETHER_WITH'), target],
        });
        break;
      case 'session':
        out.push({
          source,
          text: `Because ${youDid || 'of what you viewed'} in this visit`,
          path: [...seedStep('NEXT_IN_SESSIONS'), target],
        });
        break;
      case 'coview':
        out.push({
          source,
          text: `Because ${youDid}: shoppers view them in the same session`,
          path: [...seedStep('VIEWED_IN_SAME_SESSION'), target],
        });
        break;
      case 'category': {
        const cat = catalog.get(productId)?.categoryId ?? null;
        const catName = cat ? (catalog.category(cat)?.name ?? cat) : 'the same category';
        out.push({
          source,
          text: `In ${catName}, like ${seed ? name(seed) : 'what you viewed'}`,
          path: [
            ...seedStep('IN_CATEGORY'),
            { kind: 'Category', id: cat ?? '', name: catName, rel: 'IN_CATEGORY' },
            target,
          ],
        });
        break;
      }
      case 'embedding':
        out.push({
          source,
          text: 'Matches your taste (learned from what you and similar shoppers bought)',
          path: [{ ...who, rel: 'SIMILAR_TASTE' }, target],
        });
        break;
      case 'segment':
        out.push({
          source,
          text: segmentBasis ?? 'Popular with shoppers like you (same age band and region)',
          path: [{ ...who, rel: 'IN_SEGMENT' }, target],
        });
        break;
      case 'popular': {
        const cat = catalog.get(productId)?.categoryId ?? null;
        const catName = cat ? (catalog.category(cat)?.name ?? cat) : 'the shop';
        out.push({
          source,
          text: `Trending in ${catName} this week`,
          path: [{ kind: 'Category', id: cat ?? '', name: catName, rel: 'TRENDING_IN' }, target],
        });
        break;
      }
    }
  }
  return out;
}

/** A product the quota placed is explained by what its placement rests on (newArrivals.ts `basis`). */
function placedExplanation(
  it: { productId: string; placed?: boolean },
  placement: RequestPlacement | undefined,
  req: RecRequest,
  catalog: Catalog,
): Explanation[] | undefined {
  const p = catalog.get(it.productId);
  if (!it.placed || !placement || !p) return undefined;
  const who: PathStep = req.userId
    ? { kind: 'User', id: req.userId, name: null, rel: null }
    : { kind: 'Session', id: req.sessionId ?? 'anonymous', name: null, rel: null };
  const leaf = p.categoryId ?? '';
  return [
    {
      source: 'category',
      text: placement.basis(p),
      path: [
        { ...who, rel: 'INTERESTED_IN' },
        { kind: 'Category', id: leaf, name: catalog.category(leaf)?.name ?? null, rel: 'IN_CATEGORY' },
        { kind: 'Product', id: p.id, name: p.name, rel: null },
      ],
    },
  ];
}
