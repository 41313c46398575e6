// Sessions through the API's recommend path on a fixture shop: one sheet-music view by an anonymous visitor.
// The popular products (beverages, oral care, diapers, printers) are far more popular than sheet music, which
// is what sent such a session off-topic before the session model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import type { GraphClient } from '../../graph';
import {
  contextFiles,
  newVersion,
  writeModelDir,
  encodeSessionTables,
  SESSION_BIN,
  SESSION_JSON,
  defaultSessionParams,
  sessionModelOf,
  sessionRequest,
  sessionTop,
} from '../../model';
import { type ShopData, buildContextTables, buildSessionTables, stepsOfRows } from '../../training';
import type { Catalog, CatalogProduct } from '../catalog';
import type { Breaker } from '../guard';
import { loadModel, type LoadedModel } from '../model/activeModel';
import { parseContext, parseFilter } from '../validate';
import type { Popularity } from './popularity';
import { recommend, type RecDeps, type RecRequest } from './recommend';
import type { SeedNeighbourCache } from './seedNeighbours';

// Leaves 0-5, their parents 6-10.
const categoryIds = ['sheet', 'instruments', 'beverages', 'oralcare', 'diapers', 'printers'].concat([
  'music',
  'food',
  'health',
  'baby',
  'office',
]);
const categoryParent = Int32Array.from([6, 6, 7, 8, 9, 10, -1, -1, -1, -1, -1]);
// p0-p5 sheet music, p6-p8 instruments, p9-p14 beverages, p15-p17 oral care, p18-p20 diapers, p21-p23 printers.
const leafOf = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5];
const N = leafOf.length;
const price = leafOf.map((l, i) => 5 + l * 10 + (i % 3));
const itemIds = leafOf.map((_, i) => `p${i}`);
const AT = Date.UTC(2026, 10, 20, 12);

function fixtureShop(): ShopData {
  const sessions: number[][] = [];
  // Music sessions: sheet music leads to sheet music, sometimes to instruments.
  for (let k = 0; k < 20; k++) sessions.push([k % 6, (k + 1) % 6, 6 + (k % 3)], [(k + 2) % 6, (k + 4) % 6]);
  // Many more sessions of everyday products.
  for (let k = 0; k < 120; k++) sessions.push([9 + (k % 6), 15 + (k % 3), 18 + (k % 3), 21 + (k % 3)]);
  const user: number[] = [];
  const item: number[] = [];
  const ts: number[] = [];
  const session: number[] = [];
  sessions.forEach((s, k) =>
    s.forEach((i, j) => {
      user.push(k % 7);
      item.push(i);
      ts.push(AT - 30 * 86_400_000 + k * 60_000 + j * 1000);
      session.push(k);
    }),
  );
  return {
    nItems: N,
    nUsers: 7,
    itemIds,
    categoryIds,
    categoryParent,
    items: {
      category: Int32Array.from(leafOf),
      brand: new Int32Array(N),
      price: Float32Array.from(price),
      launch: new Float64Array(N),
    },
    events: {
      n: item.length,
      user: Int32Array.from(user),
      item: Int32Array.from(item),
      type: new Uint8Array(item.length),
      ts: Float64Array.from(ts),
      session: Int32Array.from(session),
    },
  } as unknown as ShopData;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-session-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const logger = createLogger('silent');
const shop = fixtureShop();
const cutoff = AT - 86_400_000;
const sessionTables = buildSessionTables(shop, cutoff);
const params = { ...defaultSessionParams, decay: 0.5, pop: 0.02 };

function writeVersion(withSession: boolean): LoadedModel {
  const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
  const version = newVersion('ranker');
  const extra: Record<string, string | Buffer> = contextFiles(
    buildContextTables(shop, cutoff),
    shop.items.category,
    { weights: { gnn: 1, session: 0.2, covisit: 0.2, trend: 0.1, season: 0 }, recentItems: 5 },
  );
  if (withSession) {
    extra[SESSION_BIN] = encodeSessionTables(sessionTables);
    extra[SESSION_JSON] = JSON.stringify({
      formatVersion: 1,
      params,
      cutoff: new Date(cutoff).toISOString(),
      categoryIds,
      validation: {},
    });
  }
  // Embeddings that put everyday products closest to any query: what made the page off-topic.
  const items = Float32Array.from(leafOf.flatMap((l) => (l >= 2 ? [1, 0.1] : [0.2, 1])));
  writeModelDir(dataDir, version, {
    embeddings: { dims: 2, nUsers: 1, nItems: N, users: Float32Array.from([1, 0]), items },
    ids: { users: ['u0'], items: itemIds },
    config: { model: 'ranker' },
    metrics: {},
    report: '# test\n',
    extra,
  });
  return loadModel(dataDir, version);
}

// The catalogue: the model's products plus p24 (sheet music newer than the model) and p25 (no category).
const catalogProducts = new Map<string, CatalogProduct>(
  [...itemIds, 'p24', 'p25'].map((id, i) => {
    const leaf = i < N ? leafOf[i] : i === N ? 0 : -1;
    const cat = leaf >= 0 ? categoryIds[leaf] : null;
    return [
      id,
      {
        id,
        name: `Product ${id}`,
        price: i < N ? price[i] : 6,
        inStock: true,
        consumable: false,
        launchedAt: 0,
        categoryId: cat,
        brandId: 'b1',
        categoryPath: cat ? [cat, categoryIds[categoryParent[leaf]]] : [],
      },
    ];
  }),
);

const deps = (model: LoadedModel): RecDeps => ({
  graph: { read: async () => [] } as unknown as GraphClient,
  graphBreaker: { run: (w) => w(), isOpen: () => false, failures: () => 0 } as Breaker,
  redis: { status: 'end' } as never,
  catalog: {
    get: (id: string) => catalogProducts.get(id),
    ensure: async () => undefined,
    categories: () => [],
    inCategory: () => [],
    category: (id: string) => ({ id, name: id }),
  } as unknown as Catalog,
  popularity: {
    anchorFor: async (ts: number) => ts,
    top: async () => [9, 15, 18, 21, 10].map((i, k) => ({ productId: `p${i}`, score: 10 - k })),
    lastKnown: () => [],
  } as Popularity,
  model: { current: () => model },
  logger,
  seedNeighbours: {
    rows: async () => [],
    stats: () => ({ hits: 0, misses: 0, held: 0 }),
  } as SeedNeighbourCache,
});

const view = (p: string, ts: number) => JSON.stringify({ p, t: 'view', ts });
const request = (events: string[], over: Partial<RecRequest> = {}): RecRequest => ({
  userId: null,
  sessionId: 's-fixture',
  context: parseContext(null, AT),
  first: 10,
  filter: parseFilter(null),
  explain: true,
  recentLists: [events],
  ...over,
});
const music = (id: string) => ['sheet', 'music'].includes(catalogProducts.get(id)?.categoryPath[1] ?? '');

describe('recommend for an anonymous session', () => {
  const model = writeVersion(true);

  it('after one sheet-music view, at least half of the first page is music, explained by the visit', async () => {
    const res = await recommend(deps(model), request([view('p0', AT - 1000)]));
    expect(res.ranker).toBe('session');
    expect(res.items).toHaveLength(10);
    expect(res.items.filter((i) => music(i.productId)).length).toBeGreaterThanOrEqual(5);
    expect(res.items.map((i) => i.productId)).not.toContain('p0');
    const first = res.items[0];
    expect(first.sources).toContain('session');
    expect(first.explanation?.find((e) => e.source === 'session')?.text).toBe(
      'Because you viewed Product p0 in this visit',
    );
  });

  it('serves exactly the bench scorer: the page is training/session sessionTop over the same tables', async () => {
    const events = [view('p3', AT - 3000), view('p6', AT - 2000), view('p1', AT - 1000)];
    const res = await recommend(deps(model), request(events));
    const m = sessionModelOf(sessionTables, params);
    const want = sessionTop(m, sessionRequest(m, stepsOfRows(sessionTables, [3, 6, 1])), 10, (r) => r === 1);
    // Same scores position by position; the same products wherever the score is not tied (ties go by the
    // candidates' sources, then id, in the API; by row in the bench).
    expect(res.items).toHaveLength(want.length);
    res.items.forEach((it, k) => expect(it.score).toBeCloseTo(want[k].score, 5));
    const tied = (k: number) => want.some((x, j) => j !== k && Math.abs(x.score - want[k].score) < 1e-9);
    res.items.forEach((it, k) => {
      if (!tied(k)) expect(it.productId).toBe(itemIds[want[k].row]);
    });
    expect(res.items.slice(0, 5).map((i) => i.productId)).toEqual(
      want.slice(0, 5).map((x) => itemIds[x.row]),
    );
  });

  it('sorts events by time whatever order they arrive in (ties keep arrival order)', async () => {
    const sorted = [view('p1', AT - 1000), view('p6', AT - 2000), view('p3', AT - 3000)];
    const shuffled = [sorted[2], sorted[0], sorted[1]];
    const a = await recommend(deps(model), request(sorted));
    const b = await recommend(deps(model), request(shuffled));
    expect(b.items.map((i) => i.productId)).toEqual(a.items.map((i) => i.productId));
  });

  it('a product newer than the model steers by its catalogue leaf; one with no category falls back to popularity', async () => {
    const fresh = await recommend(deps(model), request([view('p24', AT - 1000)]));
    expect(fresh.ranker).toBe('session');
    expect(fresh.items.filter((i) => music(i.productId)).length).toBeGreaterThanOrEqual(5);
    const unknown = await recommend(deps(model), request([view('p25', AT - 1000)]));
    expect(unknown.ranker).toBe('session');
    expect(unknown.items).toHaveLength(10);
    const nowhere = await recommend(deps(model), request([view('p999', AT - 1000)]));
    expect(nowhere.items.length).toBeGreaterThan(0);
  });

  it('says it is degraded when Redis, where a visit lives, is down (no recent lists passed in)', async () => {
    const res = await recommend(deps(model), request([], { recentLists: undefined }));
    expect(res.degraded).toBe(true);
    expect(res.degradedReasons).toContain('session state unavailable (Redis)');
    const up = await recommend(deps(model), request([view('p0', AT - 1000)]));
    expect(up.degraded).toBe(false);
  });

  it('a session id never seen (no events) is not session mode: the usual cold path answers', async () => {
    const res = await recommend(deps(model), request([], { sessionId: 's-never-seen' }));
    expect(res.ranker).toBe('trained');
    expect(res.items.length).toBeGreaterThan(0);
  });

  it("a visitor on a product page whose view is not recorded yet gets that product's session", async () => {
    const res = await recommend(
      deps(model),
      request([], { sessionId: 's-first-page', context: parseContext({ productId: 'p0' }, AT) }),
    );
    expect(res.ranker).toBe('session');
    expect(res.items.filter((i) => music(i.productId)).length).toBeGreaterThanOrEqual(5);
    const viewed = await recommend(deps(model), request([view('p0', AT - 1000)]));
    expect(res.items.map((i) => i.productId)).toEqual(viewed.items.map((i) => i.productId));
  });

  it('a version without session files serves sessions with its trained ranker, as before', async () => {
    const res = await recommend(deps(writeVersion(false)), request([view('p0', AT - 1000)]));
    expect(res.ranker).toBe('trained');
  });
});
