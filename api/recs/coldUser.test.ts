import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import type { GraphClient } from '../../graph';
import {
  contextFiles,
  newVersion,
  writeModelDir,
  coldUserScores,
  topItems,
  type ColdUserWeights,
  reserveNewArrivals,
  newArrivalQuota,
  encodeSegmentTable,
  SEGMENTS_FILE,
  type Demographics,
  WEEKS,
  type ContextTables,
  type ItemGraph,
} from '../../model';
import { buildSegmentTable, type ShopData } from '../../training';
import { eventShop, type EventRow } from '../../training/testing/eventShop';
import type { Catalog, CatalogProduct } from '../catalog';
import type { Breaker } from '../guard';
import { loadModel, type LoadedModel } from '../model/activeModel';
import { parseContext, parseFilter } from '../validate';
import type { Popularity } from './popularity';
import { COLD_USER_DEMOGRAPHICS, demographicsOf, segmentBasis, type DemographicsRow } from './coldUser';
import { newArrivalCandidates, recommend, type RecDeps, type RecRequest } from './recommend';
import type { SeedNeighbourCache } from './seedNeighbours';

// 40 products in two parent categories (0-19 under c0, 20-39 under c1; leaves c2 and c3). Women aged 25-34
// mostly view c0's products, men aged 55-64 c1's; everyone views the other group's best product once.
const N = 40;
const AT = Date.UTC(2026, 10, 20, 12);
const DAY = 86_400_000;
const itemCategory = Int32Array.from({ length: N }, (_, i) => (i < 20 ? 2 : 3));
function toyShop(): { shop: ShopData; demo: Demographics[] } {
  const ev: EventRow[] = [];
  const demo: Demographics[] = [];
  let u = 0;
  for (const [ageBand, gender, lo] of [
    [1, 0, 0],
    [4, 1, 20],
  ] as const) {
    for (let k = 0; k < 30; k++, u++) {
      demo.push({ ageBand, gender, region: 1, loyalty: 0 });
      for (let j = 0; j < 8; j++) ev.push([u, lo + ((k * 3 + j) % 18), 0, AT - 30 * DAY + j]);
      ev.push([u, 20 - lo, 0, AT - 40 * DAY]);
    }
  }
  const shop = eventShop(ev, u, N);
  shop.items = { category: itemCategory } as ShopData['items'];
  shop.categoryParent = Int32Array.from([-1, -1, 0, 1]);
  return { shop, demo };
}
const empty = (): ItemGraph => ({
  nRows: N,
  nCols: N,
  ptr: new Int32Array(N + 1),
  idx: new Int32Array(0),
  val: new Float32Array(0),
});
const seasonal = new Float32Array(4 * WEEKS);
for (let w = 0; w < WEEKS; w++) seasonal[2 * WEEKS + w] = 1 + (w % 3);
const tables: ContextTables = {
  cutoff: AT,
  transitions: empty(),
  covisit: empty(),
  copurchase: empty(),
  popularity: Float32Array.from({ length: N }, (_, i) => 1 + ((i * 7) % 11)),
  trending: Float32Array.from({ length: N }, (_, i) => (i % 5) / 5),
  seasonal,
  itemShare: Float32Array.from({ length: N }, () => 0.05),
};
const coldWeights: ColdUserWeights = { segment: 1, gnn: 0.5, trend: 0.1, season: 0.05, alpha: 10 };
// p38 and p39 were launched two days before the request: new arrivals, with 2 of 20 places for them.
const newArrivals = { slots: 2, days: 28 };
const launchedAt = (i: number) => (i >= 38 ? AT - 2 * DAY : 0);
const rows = Float32Array.from(
  Array.from({ length: N }, (_, i) => [Math.cos(i / 7), Math.sin(i / 7)]).flat(),
);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-cold-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const { shop, demo } = toyShop();
const segments = buildSegmentTable(shop, demo, AT);

function writeVersion(): LoadedModel {
  const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
  const version = newVersion('ranker');
  writeModelDir(dataDir, version, {
    embeddings: { dims: 2, nUsers: 1, nItems: N, users: Float32Array.from([1, 0]), items: rows },
    ids: { users: ['u0'], items: Array.from({ length: N }, (_, i) => `p${i}`) },
    config: { model: 'ranker' },
    metrics: {},
    report: '# test\n',
    extra: {
      ...contextFiles(tables, itemCategory, {
        weights: { gnn: 1, session: 0.2, covisit: 0.2, trend: 0.1, season: 0 },
        newArrivals,
        coldUsers: coldWeights,
        recentItems: 5,
      }),
      [SEGMENTS_FILE]: encodeSegmentTable(segments),
    },
  });
  return loadModel(dataDir, version);
}

const catalog = new Map<string, CatalogProduct>(
  Array.from({ length: N }, (_, i) => [
    `p${i}`,
    {
      id: `p${i}`,
      name: `p${i}`,
      price: 10,
      inStock: true,
      consumable: false,
      launchedAt: launchedAt(i),
      categoryId: `c${itemCategory[i]}`,
      brandId: 'b1',
      categoryPath: [`c${itemCategory[i] - 2}`, `c${itemCategory[i]}`],
    },
  ]),
);

// A product created after the model, without a category, launched yesterday: the popular list offers it.
catalog.set('p99', {
  ...(catalog.get('p0') as CatalogProduct),
  id: 'p99',
  name: 'p99',
  categoryId: null,
  categoryPath: [],
  launchedAt: AT - DAY,
});

const people: Record<string, DemographicsRow> = {
  young: { birthYear: 1996, region: 'benelux', gender: 'F', loyaltyTier: 'none' },
  older: { birthYear: 1966, region: 'benelux', gender: 'M', loyaltyTier: 'none' },
  nothing: { birthYear: null, region: null, gender: null, loyaltyTier: null },
  odd: { birthYear: 3000, region: 'atlantis', gender: '?', loyaltyTier: 'diamond' },
};

function deps(model: LoadedModel): RecDeps {
  return {
    graph: {
      read: async (q: unknown, p: { userId?: string }) =>
        q === COLD_USER_DEMOGRAPHICS ? (people[p.userId ?? ''] ? [people[p.userId ?? '']] : []) : [],
    } as unknown as GraphClient,
    graphBreaker: { run: (w) => w(), isOpen: () => false, failures: () => 0 } as Breaker,
    redis: { status: 'end' } as never,
    catalog: {
      get: (id: string) => catalog.get(id),
      ensure: async () => undefined,
      categories: () => [],
      inCategory: () => [],
      category: () => undefined,
    } as unknown as Catalog,
    popularity: {
      anchorFor: async (ts: number) => ts,
      top: async () => [
        { productId: 'p3', score: 4 },
        { productId: 'p99', score: 9 },
      ],
      lastKnown: () => [],
    } as Popularity,
    model: { current: () => model },
    logger: createLogger('silent'),
    seedNeighbours: {
      rows: async () => [],
      stats: () => ({ hits: 0, misses: 0, held: 0 }),
    } as unknown as SeedNeighbourCache,
  };
}

const request = (userId: string): RecRequest => ({
  userId,
  sessionId: null,
  context: parseContext(null, AT),
  first: 20,
  filter: parseFilter(null),
  explain: true,
  // No leaf cap: the offline list has none (the API's diversity rule applies after the ordering).
  ranker: { perCategoryCap: 20 },
});

/** Offline: training's cold-user scorer over every item, then the quota, as contextScorer ranks a new user. */
function offlineList(who: DemographicsRow, model: LoadedModel): string[] {
  const d = demographicsOf(who, 2026);
  const out = coldUserScores(
    { ...tables, itemCategory },
    segments,
    coldWeights,
    { demographics: d, at: AT },
    new Float32Array(N),
  );
  void model;
  const isNew = Uint8Array.from({ length: N }, (_, i) => (launchedAt(i) > 0 ? 1 : 0));
  reserveNewArrivals(out, isNew, newArrivalQuota(newArrivals.slots, 20));
  return topItems(out, 20).map((i) => `p${i}`);
}

describe('cold users online', () => {
  const model = writeVersion();

  it('serves a cold user exactly the offline scorer list (same tables, same function)', async () => {
    for (const who of ['young', 'older'] as const) {
      const res = await recommend(deps(model), request(who));
      expect(res.items.map((i) => i.productId)).toEqual(offlineList(people[who], model));
      expect(res.ranker).toBe('trained');
    }
  });

  it('gives shoppers of clearly different segments clearly different lists', async () => {
    const young = (await recommend(deps(model), request('young'))).items.slice(0, 10).map((i) => i.productId);
    const older = (await recommend(deps(model), request('older'))).items.slice(0, 10).map((i) => i.productId);
    expect(young).toHaveLength(10);
    expect(older).toHaveLength(10);
    expect(young.filter((p) => older.includes(p)).length).toBeLessThan(5);
  });

  it('says what the list is based on, never "matches your taste"', async () => {
    const res = await recommend(deps(model), request('young'));
    const texts = res.items.flatMap((i) => (i.explanation ?? []).map((e) => e.text));
    expect(texts).toContain('Popular with shoppers in your region, age group and gender');
    expect(texts.some((t) => /taste/i.test(t))).toBe(false);
    expect(res.items.every((i) => !i.sources.includes('embedding'))).toBe(true);
  });

  it('answers unknown, missing or malformed demographics with a list, never an error', async () => {
    for (const who of ['nothing', 'odd', 'stranger']) {
      const res = await recommend(deps(model), request(who));
      expect(res.items).toHaveLength(20);
      expect(res.items.map((i) => i.productId)).toEqual(offlineList(people.nothing, model));
    }
    expect(demographicsOf(people.odd, 2026)).toEqual({
      ageBand: undefined,
      region: undefined,
      gender: undefined,
      loyalty: undefined,
    });
    expect(segmentBasis({})).toMatch(/nothing about you is known/);
  });

  it('takes a product newer than the model with no category as no candidate of its own, never an error', async () => {
    const res = await recommend(deps(model), request('young'));
    expect(res.items.map((i) => i.productId)).not.toContain('p99');
    const fakeCatalog = {
      get: (id: string) => catalog.get(id),
      categories: () => [{ id: 'c2' }],
      inCategory: () => [catalog.get('p99')],
    } as unknown as Catalog;
    expect(newArrivalCandidates(model, fakeCatalog, Float32Array.from([1, 0]), newArrivals, AT)).toEqual([]);
  });

  it('serves a version with a damaged segments.bin as before the scorer, never an error', async () => {
    const damaged = writeVersion();
    const file = path.join(damaged.inductive.dir as string, SEGMENTS_FILE);
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 30));
    const res = await recommend(
      deps(loadModel(path.dirname(path.dirname(damaged.inductive.dir as string)), damaged.version)),
      request('young'),
    );
    expect(res.items.every((i) => !i.sources.includes('segment'))).toBe(true);
  });
});
