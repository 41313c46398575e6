// The graph export against the files it was loaded from: a small generated shop, loaded by the real loader into a
// private Neo4j, must come back out of the graph as exactly the ShopData readShop builds from the files (ids,
// every column, the split), the same on every export, and an empty namespace must say what is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, GraphrecError } from '../../core';
import {
  generateShop,
  GENERATE_DEFAULTS,
  loadSource,
  buildSplitManifest,
  readSyntheticInteractions,
  writeSplitManifest,
  type SplitManifest,
} from '../../etl';
import { runCli, scratchEnv, startScratchNeo4j, type ScratchNeo4j } from '../../test/support';
import { readHistoryFile, modelsRoot } from '../../model';
import { trainModel } from '../run';
import { readShop, UNKNOWN_BIRTH_YEAR, UNKNOWN_CODE, type ShopData } from '../data/shop';
import { parseDataSource, shopSource } from '../source';
import { readShopFromNeo4j } from './neo4jShop';
import { metaLayoutOf, shopGraph } from '../graph/metaGraph';

const logger = createLogger('silent');
let neo: ScratchNeo4j;
let shopDir: string;
let dataDir: string;
let split: SplitManifest;
let splitFile: string;
let files: ShopData;

beforeAll(async () => {
  shopDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-export-shop-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-export-data-'));
  await generateShop(
    { ...GENERATE_DEFAULTS, out: shopDir, users: 400, products: 120, interactions: 6000 },
    { logger, progressBar: false },
  );
  // What `graphrec etl split --source DIR` writes.
  split = buildSplitManifest(await readSyntheticInteractions(shopDir));
  splitFile = writeSplitManifest(dataDir, split);
  files = await readShop(shopDir);
  neo = await startScratchNeo4j();
  await loadSource(
    { source: shopDir, format: 'synthetic', batchSize: 5000 },
    { graph: neo.graph, logger, dataDir, progressBar: false },
  );
}, 180_000);

afterAll(async () => {
  await neo?.stop();
  for (const d of [shopDir, dataDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('readShopFromNeo4j', () => {
  it('gives, through --data neo4j, exactly the ShopData readShop gives for the files the graph was loaded from', async () => {
    const source = shopSource(parseDataSource('neo4j'), { neo4j: neo.config.neo4j, dataDir, logger });
    expect(source.spec).toBe('neo4j');
    const graph = await source.read();

    expect(graph.events.n).toBe(6000);
    expect(graph.nUsers).toBe(files.nUsers);
    expect(graph.nItems).toBe(files.nItems);
    // The export orders ids the way the generator numbers them, so no id mapping is needed: u0, u1, ... u10.
    expect(graph.userIds).toEqual(files.userIds);
    expect(graph.itemIds).toEqual(files.itemIds);
    expect(graph.categoryIds).toEqual(files.categoryIds);
    expect(graph.categoryParent).toEqual(files.categoryParent);
    expect(graph.brandIds).toEqual(files.brandIds);
    expect(graph.brandTier).toEqual(files.brandTier);
    // Every brand of the generated shop has a known tier (budget, mid or premium).
    expect(files.brandTier?.length).toBe(files.brandIds.length);
    expect(Array.from(files.brandTier ?? []).every((t) => t >= 0)).toBe(true);
    for (const col of ['user', 'item', 'type', 'ts', 'session'] as const)
      expect({ col, values: graph.events[col] }).toEqual({ col, values: files.events[col] });
    for (const col of ['category', 'brand', 'price', 'launch'] as const)
      expect({ col, values: graph.items[col] }).toEqual({ col, values: files.items[col] });
    for (const col of ['birthYear', 'region', 'loyalty'] as const)
      expect({ col, values: graph.users[col] }).toEqual({ col, values: files.users[col] });
    // Visibility: the same manifest (boundaries, counts, cold segments) as the file path computes.
    expect(graph.manifest).toEqual(files.manifest);
    expect(graph.manifest.id).toBe(split.id);
    expect(graph.bounds).toEqual(files.bounds);
    expect(graph.refYear).toBe(files.refYear);
    expect(graph.dataHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exports the same data and hash every time', async () => {
    const a = await readShopFromNeo4j(neo.graph, { namespace: '', split, logger });
    const b = await readShopFromNeo4j(neo.graph, { namespace: '', split, logger });
    expect(b.dataHash).toBe(a.dataHash);
    expect(b.events.session).toEqual(a.events.session);
  });

  it('trains the same model from the graph as from the files, and graphrec train / eval run on --data neo4j', async () => {
    const base = { model: 'pop' as const, dataDir, home: process.cwd(), save: false };
    const deps = { logger };
    const fromFiles = await trainModel({ ...base, data: `shop:${shopDir}` }, deps);
    const fromGraph = await trainModel({ ...base, data: 'neo4j', neo4j: neo.config.neo4j }, deps);
    expect(fromGraph.summary.metrics).toEqual(fromFiles.summary.metrics);
    expect(fromGraph.summary.segments).toEqual(fromFiles.summary.segments);

    const env = scratchEnv(neo);
    const flags = ['--data', 'neo4j', '--split', splitFile, '--json'];
    const train = runCli(
      ['train', '--model', 'lightgcn-meta', '--epochs', '1', '--dims', '8', ...flags],
      env,
    );
    expect(train.stderr).not.toMatch(/graphrec: /);
    const trained = train.json() as { version: string; metrics: Record<string, number> };
    const evaluated = runCli(['eval', '--version', trained.version, ...flags], env).json() as {
      metrics: Record<string, number>;
    };
    expect(evaluated.metrics['ndcg@20']).toBeCloseTo(trained.metrics['ndcg@20'], 4);

    // A model trained on the export keeps each user's latest events as the graph held them (history.bin): for
    // every user, what the API's history query reads from Neo4j (api/recs/history.ts).
    const snapshot = readHistoryFile(path.join(modelsRoot(neo.config.dataDir), trained.version))!;
    expect(snapshot.nUsers).toBe(files.nUsers);
    const graphEvents = await neo.graph.read<{ userId: string; productId: string; type: string; ts: number }>(
      {
        name: 'test.userHistories',
        cypher: `MATCH (u:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(p:Product)
               RETURN u.id AS userId, p.id AS productId, type(r) AS type, r.ts AS ts`,
      },
    );
    const types = ['VIEWED', 'ADDED_TO_CART', 'PURCHASED'];
    const key = (e: { productId: string; type: string; ts: number }) => `${e.ts} ${e.type} ${e.productId}`;
    const want = new Map<string, string[]>();
    for (const e of graphEvents) want.set(e.userId, [...(want.get(e.userId) ?? []), key(e)]);
    files.userIds.forEach((u, row) => {
      const got: string[] = [];
      for (let k = snapshot.ptr[row]; k < snapshot.ptr[row + 1]; k++) {
        got.push(
          key({
            productId: files.itemIds[snapshot.item[k]],
            type: types[snapshot.type[k]],
            ts: snapshot.ts[k],
          }),
        );
        if (k > snapshot.ptr[row]) expect(snapshot.ts[k]).toBeLessThanOrEqual(snapshot.ts[k - 1]);
      }
      expect({ u, events: got.sort() }).toEqual({ u, events: (want.get(u) ?? []).sort() });
    });
  }, 120_000);

  it('exports a user the API created from storefront events (no demographics) with unknown codes', async () => {
    const id = 'u999999';
    await neo.graph.write({ name: 'test.export.bareUser', cypher: 'CREATE (:User {id: $id})' }, { id });
    try {
      const shop = await readShopFromNeo4j(neo.graph, { namespace: '', split, logger });
      const u = shop.userIds.indexOf(id);
      expect(shop.nUsers).toBe(files.nUsers + 1);
      expect([shop.users.birthYear[u], shop.users.region[u], shop.users.loyalty[u]]).toEqual([
        UNKNOWN_BIRTH_YEAR,
        UNKNOWN_CODE,
        UNKNOWN_CODE,
      ]);
      // The metadata graph links known demographics only: the bare user adds no edge at all.
      const nnz = (d: ShopData) => {
        const noEvents = {
          nRows: d.nUsers,
          nCols: d.nItems,
          ptr: new Int32Array(d.nUsers + 1),
          idx: new Int32Array(0),
          val: new Float32Array(0),
        };
        const g = shopGraph(d, noEvents, metaLayoutOf(d));
        return g.adj.ptr[g.nNodes];
      };
      expect(nnz(shop)).toBe(nnz(files));
    } finally {
      await neo.graph.write(
        { name: 'test.export.bareUser.clean', cypher: 'MATCH (u:User {id: $id}) DELETE u' },
        { id },
      );
    }
  });

  it('names what is missing when the namespace holds no shop', async () => {
    const err = await readShopFromNeo4j(neo.graph, { namespace: 'nothing', split, logger }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphrecError);
    expect((err as GraphrecError).kind).toBe('NOT_FOUND');
    expect((err as GraphrecError).message).toBe(
      "the graph holds no Product nodes with ids starting with 'nothing:': load a shop first (graphrec etl load)",
    );
  });
});
