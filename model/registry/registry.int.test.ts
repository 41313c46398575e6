// The registry against a real, private Neo4j (startScratchNeo4j): the vector index and every (:Product) are
// this file's own, so it can count, drop and recreate them, and kill the server midway through a publish.
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../core';
import { createGraphClient, type GraphClient } from '../../graph';
import { runCli, scratchEnv, startScratchNeo4j, type ScratchNeo4j } from '../../test/support';
import { writeModelDir } from '../artifacts/modelDir';
import { acquireRegistryLock } from './lock';
import { activePointerPath, readActiveModel } from './pointer';
import { QUERY_SIMILAR } from './productEmbeddings';
import { publishModel, rollbackModel } from './registry';

const A = 'lightgcn-20261120-010000-aaaaaa';
const B = 'lightgcn-20261121-010000-bbbbbb';
const C = 'mf-20261122-010000-cccccc';
const BROKEN = 'lightgcn-20261122-020000-dddddd';
const PRODUCTS = 300;

/** Deterministic pseudo-random vectors; each version gets its own seed so their values differ. */
function vectors(n: number, dims: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * dims }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

function model(dataDir: string, version: string, nItems: number, dims: number, seed: number, metrics = 0.1) {
  // Items p0..p(n-1), plus one id the graph does not have.
  const items = [...Array.from({ length: nItems }, (_, i) => `p${i}`), 'zz-not-in-graph'];
  return writeModelDir(dataDir, version, {
    embeddings: {
      dims,
      nUsers: 3,
      nItems: items.length,
      users: vectors(3, dims, seed + 1),
      items: vectors(items.length, dims, seed),
    },
    ids: { users: ['u1', 'u2', 'u3'], items },
    config: { model: version.split('-')[0], createdAt: `2026-11-2${seed % 10}T01:00:00.000Z` },
    metrics: { metrics: { 'recall@20': metrics, 'ndcg@20': metrics / 2 } },
    report: '# test model\n',
  });
}

// Every CLI call is a fresh Node + tsx process: on the shared, loaded machine one can take 10-30 s.
jest.setTimeout(300_000);

describe('model registry on Neo4j', () => {
  let scratch: ScratchNeo4j;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const logger = createLogger('warn', 'registry-test');
  const q = (cypher: string) => ({ name: 'test.registry', cypher });

  const embeddingOf = async (id: string) =>
    (
      await scratch.graph.read<{ v: number[] | null; version: string | null }>(
        q('MATCH (p:Product {id: $id}) RETURN p.embedding AS v, p.embeddingVersion AS version'),
        { id },
      )
    )[0];
  const versionCounts = async () =>
    Object.fromEntries(
      (
        await scratch.graph.read<{ version: string | null; n: number }>(
          q('MATCH (p:Product) RETURN p.embeddingVersion AS version, count(*) AS n ORDER BY version'),
        )
      ).map((r) => [r.version ?? 'none', r.n]),
    );
  const nearest = async (vec: number[]) =>
    scratch.graph.read<{ id: string; version: string; score: number }>(QUERY_SIMILAR, { k: 3, vec });
  const index = async () =>
    (
      await scratch.graph.read<{ state: string; options: { indexConfig: Record<string, unknown> } }>(
        q("SHOW INDEXES YIELD name, state, options WHERE name = 'product_embedding' RETURN state, options"),
      )
    )[0];

  beforeAll(async () => {
    scratch = await startScratchNeo4j();
    env = scratchEnv(scratch);
    dataDir = scratch.config.dataDir;
    await scratch.graph.write(
      q('CREATE CONSTRAINT product_id IF NOT EXISTS FOR (p:Product) REQUIRE p.id IS UNIQUE'),
    );
    await scratch.graph.write(
      q('UNWIND range(0, $n - 1) AS i CREATE (:Product {id: "p" + i, name: "product " + i})'),
      {
        n: PRODUCTS,
      },
    );
    model(dataDir, A, 250, 8, 11, 0.1);
    model(dataDir, B, 250, 8, 22, 0.2);
    model(dataDir, C, 100, 16, 33, 0.3);
    model(dataDir, BROKEN, 50, 8, 44);
  }, 240_000);
  afterAll(async () => scratch?.stop(), 60_000);

  it('publishes a version: embeddings on the products, an ONLINE cosine index, then the pointer', () => {
    const res = runCli(['models', 'publish', A, '--json'], env);
    expect(res.stderr).toContain('model items without a Product node were skipped');
    expect(res.status).toBe(0);
    expect(res.json()).toMatchObject({
      version: A,
      previous: null,
      products: 250,
      unmatched: 1,
      cleared: 0,
      dims: 8,
      index: { name: 'product_embedding', state: 'ONLINE', dims: 8, recreated: true },
      active: { version: A, history: [], action: 'publish' },
    });
    expect(readActiveModel(dataDir)?.version).toBe(A);
  });

  it('answers vector queries with the published vectors', async () => {
    expect(await versionCounts()).toEqual({ [A]: 250, none: 50 });
    const p7 = await embeddingOf('p7');
    const expected = Array.from(vectors(251, 8, 11).subarray(7 * 8, 8 * 8));
    expect(p7.v).toHaveLength(8);
    p7.v!.forEach((x, j) => expect(x).toBeCloseTo(expected[j], 6));
    const top = await nearest(p7.v!);
    expect(top[0]).toMatchObject({ id: 'p7', version: A });
    expect(top[0].score).toBeCloseTo(1, 4);
    expect((await index()).options.indexConfig).toMatchObject({
      'vector.dimensions': 8,
      'vector.similarity_function': 'COSINE',
    });
  });

  it('lists the versions with metrics, size and the active one', () => {
    const res = runCli(['models', 'list', '--json'], env);
    expect(res.status).toBe(0);
    const list = res.json() as { active: string; models: Array<Record<string, unknown>> };
    expect(list.active).toBe(A);
    // Newest first by config.createdAt (seeds 11, 22, 33, 44 give Nov 21..24).
    expect(list.models.map((m) => m.version)).toEqual([BROKEN, C, B, A]);
    const a = list.models.find((m) => m.version === A)!;
    expect(a).toMatchObject({
      model: 'lightgcn',
      active: true,
      metrics: { 'recall@20': 0.1, 'ndcg@20': 0.05 },
    });
    expect(a.sizeBytes).toBeGreaterThan(251 * 8 * 4);
  });

  it('refuses a missing version (NOT_FOUND) and a corrupt one (CORRUPT) without touching the active model', async () => {
    const before = fs.readFileSync(activePointerPath(dataDir), 'utf8');
    const missing = runCli(['models', 'publish', 'lightgcn-20261101-000000-000000', '--json'], env);
    expect(missing.status).toBe(66);
    expect(missing.json()).toEqual({
      error: expect.objectContaining({
        kind: 'NOT_FOUND',
        message: 'model version does not exist: lightgcn-20261101-000000-000000',
      }),
    });
    const bin = path.join(dataDir, 'models', BROKEN, 'embeddings.bin');
    fs.truncateSync(bin, fs.statSync(bin).size - 100);
    const broken = runCli(['models', 'publish', BROKEN, '--json'], env);
    expect(broken.status).toBe(74);
    expect(broken.json()).toEqual({
      error: expect.objectContaining({
        kind: 'CORRUPT',
        message: expect.stringContaining('truncated or padded'),
      }),
    });
    expect(fs.readFileSync(activePointerPath(dataDir), 'utf8')).toBe(before);
    expect(await versionCounts()).toEqual({ [A]: 250, none: 50 });
  });

  it('refuses to publish while another publisher holds the lock', () => {
    return (async () => {
      const held = await acquireRegistryLock(dataDir, { purpose: 'test holder' });
      try {
        const res = runCli(['models', 'publish', B, '--json'], env);
        expect(res.status).toBe(75);
        expect((res.json() as { error: { message: string } }).error.message).toContain('(test holder)');
      } finally {
        held.release();
      }
      expect(readActiveModel(dataDir)?.version).toBe(A);
    })();
  });

  it('keeps the old pointer when Neo4j dies midway, and a re-run completes the publish', async () => {
    // A client that gives up quickly once the server is gone.
    const graph: GraphClient = createGraphClient(scratch.config.neo4j, {
      app: 'graphrec-test',
      maxRetryTimeMs: 1000,
    });
    try {
      await expect(
        publishModel(
          {
            dataDir,
            graph,
            logger,
            batchSize: 50,
            onBatch: (batch) => {
              if (batch === 2) process.kill(scratch.pid()!, 'SIGKILL');
            },
          },
          B,
        ),
      ).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    } finally {
      await graph.close();
    }
    expect(readActiveModel(dataDir)?.version).toBe(A);
    expect(fs.existsSync(path.join(dataDir, 'models', '.registry.lock'))).toBe(false);
    await scratch.restart();
    // Half of B is on the nodes (the two committed batches), the rest is still A.
    expect(await versionCounts()).toEqual({ [A]: 150, [B]: 100, none: 50 });

    const res = runCli(['models', 'publish', B, '--json'], env);
    expect(res.status).toBe(0);
    expect(res.json()).toMatchObject({
      version: B,
      previous: A,
      products: 250,
      active: { version: B, history: [A] },
    });
    expect(await versionCounts()).toEqual({ [B]: 250, none: 50 });
  }, 240_000);

  it('recreates the index when the dimensions change, and clears products the new model does not know', async () => {
    const res = runCli(['models', 'publish', C, '--json'], env);
    expect(res.status).toBe(0);
    expect(res.json()).toMatchObject({
      version: C,
      model: 'mf',
      products: 100,
      cleared: 150,
      dims: 16,
      index: { state: 'ONLINE', dims: 16, recreated: true },
      active: { version: C, history: [B, A] },
    });
    expect(await versionCounts()).toEqual({ [C]: 100, none: 200 });
    expect((await index()).options.indexConfig).toMatchObject({ 'vector.dimensions': 16 });
    const p3 = await embeddingOf('p3');
    expect((await nearest(p3.v!))[0]).toMatchObject({ id: 'p3', version: C });
  });

  it('rolls back to the previous version: its embeddings, its index and the pointer', async () => {
    const res = runCli(['models', 'rollback', '--json'], env);
    expect(res.status).toBe(0);
    expect(res.json()).toMatchObject({
      from: C,
      version: B,
      products: 250,
      dims: 8,
      index: { dims: 8, recreated: true },
      active: { version: B, history: [A], action: 'rollback', graphVersion: B },
    });
    // Serving moved before the graph's embeddings were rewritten.
    const { servingSeconds, seconds } = res.json() as { servingSeconds: number; seconds: number };
    expect(servingSeconds).toBeLessThan(seconds);
    expect(await versionCounts()).toEqual({ [B]: 250, none: 50 });
    const p7 = await embeddingOf('p7');
    const expected = Array.from(vectors(251, 8, 22).subarray(7 * 8, 8 * 8));
    p7.v!.forEach((x, j) => expect(x).toBeCloseTo(expected[j], 6));
    expect((await nearest(p7.v!))[0]).toMatchObject({ id: 'p7', version: B });
  });

  it('serves the restored version before its graph writes, and a rollback that dies midway is finished by publishing it', async () => {
    expect(runCli(['models', 'publish', C, '--json'], env).status).toBe(0);
    const seen: Array<{ version?: string; graphVersion?: string }> = [];
    await expect(
      rollbackModel(
        {
          dataDir,
          graph: scratch.graph,
          logger,
          batchSize: 50,
          onBatch: (batch) => {
            const p = readActiveModel(dataDir);
            seen.push({ version: p?.version, graphVersion: p?.graphVersion });
            if (batch === 2) throw new Error('the rollback dies here');
          },
        },
        {},
      ),
    ).rejects.toThrow('the rollback dies here');
    // From the first graph write on, the pointer named B: the API had already moved back.
    expect(seen).toEqual([
      { version: B, graphVersion: C },
      { version: B, graphVersion: C },
    ]);
    expect(readActiveModel(dataDir)).toMatchObject({ version: B, history: [A], graphVersion: C });
    const list = runCli(['models', 'list', '--json'], env);
    expect(list.json()).toMatchObject({ active: B, graphVersion: C });
    const text = runCli(['models', 'list'], env);
    expect(text.stdout).toContain(`finish it: graphrec models publish ${B}`);

    const fix = runCli(['models', 'publish', B, '--json'], env);
    expect(fix.status).toBe(0);
    expect(fix.json()).toMatchObject({ version: B, active: { version: B, history: [A], graphVersion: B } });
    expect(await versionCounts()).toEqual({ [B]: 250, none: 50 });
  });

  it('rolls back --to a history entry only, and refuses when there is nothing left', async () => {
    const bad = runCli(['models', 'rollback', '--to', C, '--json'], env);
    expect(bad.status).toBe(65);
    expect((bad.json() as { error: { message: string } }).error.message).toBe(
      `--to must be a version in the active pointer's history (${A}), but got: ${C}; use 'models publish' to activate any other version`,
    );
    const ok = runCli(['models', 'rollback', '--to', A, '--json'], env);
    expect(ok.status).toBe(0);
    expect(ok.json()).toMatchObject({ from: B, version: A, active: { version: A, history: [] } });
    expect(await versionCounts()).toEqual({ [A]: 250, none: 50 });
    const none = runCli(['models', 'rollback', '--json'], env);
    expect(none.status).toBe(75);
    expect((none.json() as { error: { message: string } }).error.message).toBe(
      `${A} is active and has no previous version to roll back to`,
    );
    expect(readActiveModel(dataDir)?.version).toBe(A);
  });
});
