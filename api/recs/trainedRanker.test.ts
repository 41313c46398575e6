import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import type { GraphClient } from '../../graph';
import {
  newVersion,
  writeModelDir,
  contextFiles,
  readContextFiles,
  encodeHistory,
  rankScores,
  type RankerWeights,
  WEEKS,
  type ContextTables,
  type ItemGraph,
} from '../../model';
import type { Catalog, CatalogProduct } from '../catalog';
import type { Breaker } from '../guard';
import { loadModel, type LoadedModel } from '../model/activeModel';
import { parseContext, parseFilter } from '../validate';
import type { Popularity } from './popularity';
import { rankCandidates, type Candidate } from './rank';
import { queryVector, recommend, type RecDeps, type RecRequest } from './recommend';
import { USER_HISTORY } from './queries';
import type { SeedNeighbourCache } from './seedNeighbours';
import { gnnOf, normOf, queryDot, rankerRequest, trainedRankerOf, trainedScore } from './trainedRanker';

// A hand-made 6-item shop: two categories, item graphs as CSR rows (already scaled to max 1 per row, as
// topPairs stores them), trending, popularity and a seasonal table that differs by week.
const graph = (rows: Array<Array<[number, number]>>): ItemGraph => {
  const ptr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (ptr[i + 1] = ptr[i] + r.length));
  return {
    nRows: rows.length,
    nCols: rows.length,
    ptr,
    idx: Int32Array.from(rows.flat().map(([j]) => j)),
    val: Float32Array.from(rows.flat().map(([, v]) => v)),
  };
};
const N = 6;
const seasonal = new Float32Array(2 * WEEKS);
for (let w = 0; w < WEEKS; w++) {
  seasonal[w] = 1 + (w % 5);
  seasonal[WEEKS + w] = 2 * (1 + ((w + 2) % 7));
}
const tables: ContextTables = {
  cutoff: Date.UTC(2026, 10, 1),
  transitions: graph([
    [
      [1, 1],
      [2, 0.5],
    ],
    [[3, 1]],
    [
      [0, 1],
      [4, 0.25],
    ],
    [],
    [[5, 1]],
    [],
  ]),
  covisit: graph([
    [
      [1, 1],
      [3, 0.5],
    ],
    [[0, 1]],
    [
      [4, 1],
      [5, 0.3],
    ],
    [[0, 1]],
    [[2, 1]],
    [[2, 1]],
  ]),
  copurchase: graph([[[1, 1]], [[0, 1]], [], [], [], []]),
  popularity: Float32Array.from([10, 2, 5, 0, 8, 1]),
  trending: Float32Array.from([3, 0.5, 1, 0, 2, 0.1]),
  seasonal,
  itemShare: Float32Array.from([0.5, 0.2, 0.6, 0.1, 0.3, 0.3]),
};
const itemCategory = Int32Array.from([0, 0, 1, 1, 0, 1]);
const weights: RankerWeights = { gnn: 1, session: 0.5, covisit: 0.2, trend: 0.1, season: 0.2 };
// Unit-length item rows (2 dims), as the trained tables are.
const angles = [0, 0.4, 0.9, 1.3, 2.0, 2.6];
const items = Float32Array.from(angles.flatMap((a) => [Math.cos(a), Math.sin(a)]));
const AT = Date.UTC(2026, 10, 20, 12);

function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-ranker-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function rankerFrom(ranker: unknown, name: string) {
  const dir = path.join(tmp, name);
  writeFiles(dir, contextFiles(tables, itemCategory, ranker));
  return trainedRankerOf(readContextFiles(dir)!, N);
}

/** Offline: training's rankScores over every item, with the same gnn input. */
function offline(w: RankerWeights, gnn: Float32Array, recent: number[], at: number): Float32Array {
  return rankScores({ ...tables, itemCategory }, w, { gnn, recent, at }, new Float32Array(N));
}

const order = (s: ArrayLike<number>) =>
  Array.from(s, (v, i) => [v, i])
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .map(([, i]) => i);

describe('trainedScore against training rankScores', () => {
  const q = Float32Array.from([0.3, 1.1]);
  const t = rankerFrom({ weights, recentItems: 5, cutoff: '2026-11-01' }, 'main')!;
  const gnn = Float32Array.from({ length: N }, (_, r) => gnnOf(t, r, queryDot(items, 2 * r, q, normOf(q))));

  it.each([
    ['all signals, two recent items', weights, [2, 0], AT],
    ['another week, one recent item', weights, [4], Date.UTC(2026, 2, 3)],
    ['no recent items', weights, [], AT],
    ['some signals off', { gnn: 0.5, session: 0, covisit: 1, trend: 0, season: 0.05 }, [1, 3, 2], AT],
  ] as Array<[string, RankerWeights, number[], number]>)('%s', (_, w, recent, at) => {
    const tw = { ...t, weights: w };
    const want = offline(w, gnn, recent, at);
    const req = rankerRequest(tw, recent, at);
    const got = Float32Array.from({ length: N }, (_, r) => trainedScore(tw, req, r, gnn[r]));
    for (let r = 0; r < N; r++) expect(got[r]).toBeCloseTo(want[r], 5);
    expect(order(got)).toEqual(order(want));
    // The request's session signal is not constant, so the test compares something that can differ.
    if (recent.length > 0 && w.session > 0) expect(new Set(Array.from(want)).size).toBe(N);
  });

  it("precomputes the trend maximum and every week's seasonal maximum", () => {
    expect(t.trendMax).toBe(3);
    for (const at of [AT, Date.UTC(2026, 0, 1), Date.UTC(2026, 11, 31)]) {
      const full = rankScores(
        { ...tables, itemCategory },
        { gnn: 0, session: 0, covisit: 0, trend: 0, season: 1 },
        { recent: [], at },
        new Float32Array(N),
      );
      const req = rankerRequest(t, [], at);
      // Scaled to max 1 over all items, as offline.
      expect(Math.max(...full)).toBeCloseTo(1, 6);
      for (let r = 0; r < N; r++)
        expect(
          trainedScore(
            { ...t, weights: { ...weights, gnn: 0, session: 0, covisit: 0, trend: 0, season: 1 } },
            req,
            r,
            0,
          ),
        ).toBeCloseTo(full[r], 6);
    }
  });

  it('scores rows by the unit query, so rows scaled by popularity keep their scale (as offline)', () => {
    const row = Float32Array.from([0.6, 0.8]);
    const scaled = Float32Array.from([1.8, 2.4]); // the same direction, norm 3
    const query = Float32Array.from([3, 4]); // norm 5
    expect(queryDot(row, 0, query, normOf(query))).toBeCloseTo(1, 6);
    expect(queryDot(scaled, 0, query, normOf(query))).toBeCloseTo(3, 6);
    expect(queryDot(scaled, 0, new Float32Array(2), 0)).toBe(0);
  });

  it('gives a product without an item row only its gnn term', () => {
    const req = rankerRequest(t, [2, 0], AT);
    expect(trainedScore(t, req, undefined, 0.4)).toBeCloseTo(0.4);
    expect(trainedScore(t, req, undefined, 0)).toBe(0);
  });

  it('reads versions without trained weights as no ranker, and refuses tables that do not fit the model', () => {
    expect(rankerFrom({ weights: null, recentItems: 5 }, 'trend')).toBeUndefined();
    const dir = path.join(tmp, 'main');
    expect(() => trainedRankerOf(readContextFiles(dir)!, N + 1)).toThrow(/rows, the model has 7 items/);
    expect(() => rankerFrom({ weights: { gnn: 1 }, recentItems: 5 }, 'partial')).toThrow(/finite numbers/);
  });

  it('reads the co-purchase table, and none from a version made before it', () => {
    expect(Array.from(t.copurchase!.idx)).toEqual([1, 0]);
    const dir = path.join(tmp, 'older');
    const { 'copurchase.bin': _, ...older } = contextFiles(tables, itemCategory, { weights, recentItems: 5 });
    writeFiles(dir, older);
    const r = trainedRankerOf(readContextFiles(dir)!, N)!;
    expect(r.copurchase).toBeUndefined();
    expect(r.weights).toEqual(weights);
  });
});

describe('loadModel with a ranker', () => {
  const userIds = ['u0', 'u1'];
  const itemIds = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
  const users = Float32Array.from([0.2, 1, 1, 0]);

  function writeVersion(extra: Record<string, string | Buffer>): { dataDir: string; version: string } {
    const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
    const version = newVersion('ranker');
    writeModelDir(dataDir, version, {
      embeddings: { dims: 2, nUsers: 2, nItems: N, users, items },
      ids: { users: userIds, items: itemIds },
      config: { model: 'ranker' },
      metrics: {},
      report: '# test\n',
      extra,
    });
    return { dataDir, version };
  }
  const files = () => contextFiles(tables, itemCategory, { weights, recentItems: 5 });
  const logger = createLogger('silent');

  it('loads the ranker of a ranker dir, and none for a dir without ranker.json', () => {
    const a = writeVersion(files());
    expect(loadModel(a.dataDir, a.version).ranker?.weights).toEqual(weights);
    const b = writeVersion({});
    const m = loadModel(b.dataDir, b.version);
    expect(m.ranker).toBeUndefined();
    expect(m.rankerError).toBeUndefined();
  });

  it('serves the embeddings without the ranker when a ranker file is corrupt', () => {
    const f = files();
    const cov = f['covisit.bin'] as Buffer;
    const a = writeVersion({ ...f, 'covisit.bin': cov.subarray(0, cov.length - 4) });
    const m = loadModel(a.dataDir, a.version, { probes: 0, logger });
    expect(m.ranker).toBeUndefined();
    expect(m.rankerError).toMatch(/item graph file has/);
    expect(m.table.nItems).toBe(N);
  });

  describe('recommend', () => {
    // p6 is newer than the model (no row); every product is in stock, p3 is in category c1 like p2 and p5.
    const catalog = new Map<string, CatalogProduct>(
      [...itemIds, 'p6'].map((id, k) => [
        id,
        {
          id,
          name: id,
          price: 10,
          inStock: true,
          consumable: false,
          launchedAt: 0,
          categoryId: `c${itemCategory[k] ?? 1}`,
          brandId: 'b1',
          categoryPath: [`c${itemCategory[k] ?? 1}`],
        },
      ]),
    );
    const history = [
      { productId: 'p0', type: 'VIEWED', ts: AT - 1000 },
      { productId: 'p2', type: 'VIEWED', ts: AT - 2000 },
    ];
    const graphQueries: string[] = [];
    const deps = (model: LoadedModel): RecDeps => ({
      graph: {
        read: async (q: unknown) => (q === USER_HISTORY ? history : []),
      } as unknown as GraphClient,
      graphBreaker: { run: (w) => w(), isOpen: () => false, failures: () => 0 } as Breaker,
      redis: { status: 'end' } as never,
      catalog: {
        get: (id: string) => catalog.get(id),
        ensure: async () => undefined,
        categories: () => [],
        inCategory: () => [],
      } as unknown as Catalog,
      popularity: {
        anchorFor: async (ts: number) => ts,
        top: async () => [
          { productId: 'p6', score: 9 },
          { productId: 'p3', score: 4 },
        ],
        lastKnown: () => [],
      } as Popularity,
      model: { current: () => model },
      logger,
      seedNeighbours: {
        rows: async (_g, _seeds, query) => {
          graphQueries.push(query?.name ?? 'api.recs.seedNeighbours');
          return [{ seed: 'p0', productId: 'p1', source: 'copurchase', w: 3 }];
        },
        stats: () => ({ hits: 0, misses: 0, held: 0 }),
      } as SeedNeighbourCache,
    });
    const request = (over: Partial<RecRequest> = {}): RecRequest => ({
      userId: 'u0',
      sessionId: null,
      context: parseContext(null, AT),
      first: 6,
      filter: parseFilter(null),
      explain: false,
      ranker: { perCategoryCap: 10 },
      ...over,
    });
    // The candidates the stubs above lead to (embedding: every row, as the table is smaller than 200).
    const candidatesOf = (m: LoadedModel): Candidate[] => {
      const q = queryVector(m, 'u0', ['p0', 'p2'])!;
      return [
        ...itemIds.map((p, r) => ({
          productId: p,
          source: 'embedding' as const,
          weight: Math.max(0, q[0] * items[2 * r] + q[1] * items[2 * r + 1]) + 1e-6,
        })),
        { productId: 'p1', source: 'copurchase', weight: 3, via: 'p0' },
        { productId: 'p6', source: 'popular', weight: 9 },
        { productId: 'p3', source: 'popular', weight: 4 },
      ];
    };

    it('without a ranker ranks with the source weights, as before', async () => {
      const v = writeVersion({});
      const m = loadModel(v.dataDir, v.version);
      const res = await recommend(deps(m), request());
      expect(res.ranker).toBe('source-weights');
      const want = rankCandidates({
        candidates: candidatesOf(m),
        product: (id) => catalog.get(id),
        purchased: new Set(),
        exclude: new Set(),
        filter: parseFilter(null),
        first: 6,
        perCategoryCap: 10,
      });
      expect(res.items.map((i) => i.productId)).toEqual(want.map((i) => i.productId));
      expect(res.items.map((i) => i.score)).toEqual(want.map((i) => Math.round(i.score * 1e6) / 1e6));
    });

    it('with a ranker orders every candidate by the trained score, as training rankScores does', async () => {
      const v = writeVersion(files());
      const m = loadModel(v.dataDir, v.version);
      const res = await recommend(deps(m), request());
      expect(res.ranker).toBe('trained');
      const q = queryVector(m, 'u0', ['p0', 'p2'])!;
      const gnn = Float32Array.from({ length: N }, (_, r) =>
        gnnOf(m.ranker!, r, queryDot(items, 2 * r, q, normOf(q))),
      );
      // History p0 (newest), p2: recent rows most recent last.
      const want = offline(weights, gnn, [2, 0], AT);
      // p6 has no row and no inferred embedding here: score 0.
      const score = new Map<string, number>(itemIds.map((p, r) => [p, want[r]]));
      score.set('p6', 0);
      const expected = [...score.keys()].sort((a, b) => score.get(b)! - score.get(a)!).slice(0, 6);
      expect(res.items.map((i) => i.productId)).toEqual(expected);
      for (const it of res.items.filter((i) => i.productId !== 'p6'))
        expect(it.score).toBeCloseTo(want[itemIds.indexOf(it.productId)], 5);
      // Sources are still merged for explanations; p1 is p0's co-view and co-purchase neighbour in the model's
      // tables, so no seed neighbours were asked of the graph.
      graphQueries.length = 0;
      const again = await recommend(deps(m), request({ sessionId: 's-again' }));
      expect(graphQueries).toEqual([]);
      expect(again.items.find((i) => i.productId === 'p1')?.sources).toEqual([
        'embedding',
        'coview',
        'copurchase',
      ]);
      // A variant with its own source weights keeps them.
      const variant = await recommend(
        deps(m),
        request({ ranker: { perCategoryCap: 10, sourceWeights: { embedding: 1 } } }),
      );
      expect(variant.ranker).toBe('source-weights');
    });

    it("reads a warm user's history from the model's snapshot while it is fresh, else from Neo4j", async () => {
      // The snapshot holds what USER_HISTORY returns for u0 (p0 newest, then p2); u1 has no events.
      const snapshot = (snapshotAt: number) =>
        encodeHistory({
          snapshotAt,
          nUsers: 2,
          ptr: Int32Array.from([0, 2, 2]),
          item: Int32Array.from([0, 2]),
          type: Uint8Array.from([0, 0]),
          ts: Float64Array.from([AT - 1000, AT - 2000]),
        });
      const redis = {
        status: 'ready',
        pipeline: () => ({
          lrange() {
            return this;
          },
          exec: async () => [[null, []]],
        }),
      } as never;
      let asked = 0;
      const withSnapshot = (m: LoadedModel): RecDeps => ({
        ...deps(m),
        redis,
        historyMaxAgeMs: 3_600_000,
        graph: {
          read: async (q: unknown) => {
            if (q !== USER_HISTORY) return [];
            asked++;
            return history;
          },
        } as unknown as GraphClient,
      });
      const fresh = writeVersion({ ...files(), 'history.bin': snapshot(Date.now() - 60_000) });
      const m = loadModel(fresh.dataDir, fresh.version);
      expect(m.history?.nUsers).toBe(2);
      const fromSnapshot = await recommend(withSnapshot(m), request());
      expect(asked).toBe(0);
      const plain = writeVersion(files());
      const fromGraph = await recommend(withSnapshot(loadModel(plain.dataDir, plain.version)), request());
      expect(asked).toBe(1);
      expect({ ...fromSnapshot, recId: '', modelVersion: '' }).toEqual({
        ...fromGraph,
        recId: '',
        modelVersion: '',
      });
      // A user in the snapshot without events has an empty history: no question to Neo4j either.
      await recommend(withSnapshot(m), request({ userId: 'u1' }));
      expect(asked).toBe(1);
      // A user newer than the snapshot, a snapshot older than allowed, a Redis that cannot say what happened since:
      // Neo4j.
      await recommend(withSnapshot(m), request({ userId: 'u9' }));
      expect(asked).toBe(2);
      const old = writeVersion({ ...files(), 'history.bin': snapshot(Date.now() - 7_200_000) });
      await recommend(withSnapshot(loadModel(old.dataDir, old.version)), request());
      expect(asked).toBe(3);
      await recommend({ ...withSnapshot(m), redis: { status: 'end' } as never }, request());
      expect(asked).toBe(4);
      // A snapshot that does not fit the model is not loaded.
      const wrong = writeVersion({
        ...files(),
        'history.bin': encodeHistory({
          snapshotAt: Date.now(),
          nUsers: 2,
          ptr: Int32Array.from([0, 1, 1]),
          item: Int32Array.from([N]),
          type: Uint8Array.from([0]),
          ts: Float64Array.from([AT]),
        }),
      });
      expect(loadModel(wrong.dataDir, wrong.version, { probes: 0, logger }).history).toBeUndefined();
    });
  });
});
