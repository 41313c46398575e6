// Faults under load, each against a store this file owns: a scratch Neo4j (killed -9 and restarted) and a
// private redis-server on a free port (killed -9). The API must keep answering, say it is degraded, never
// hang, and every accepted event must still reach Neo4j once the graph is back.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type Config } from '../core';
import { freePort, startScratchNeo4j, type ScratchNeo4j } from '../test/support';
import { startEventConsumer } from '../events';
import { startApiServer, type ApiServer } from './index';
import { loadFixture, publishFixtureModel, type Fixture } from './testing/fixture';
import { gql, metricValue } from './testing/client';

/**
 * Longest a request may take right after a backing service dies. A hung request would wait out the driver's
 * connection acquisition (60 s) or Redis reconnects; a healthy one on a loaded 2-vCPU CI machine, with the
 * other test files running beside it, has been seen to take 2.5 s (one query deadline) plus queueing.
 */
const NO_HANG_MS = 8000;
/** Requests that must start after a kill, and how long they may take altogether (never a fixed sleep). */
const AFTER_KILL = 6;
const AFTER_KILL_WITHIN_MS = 60_000;

let neo: ScratchNeo4j;
let redisProc: ChildProcess;
let redisPort: number;
let fx: Fixture;
let dataDir: string;
const servers: ApiServer[] = [];

function configFor(extra: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dataDir,
    NEO4J_BOLT_PORT: String(neo.config.neo4j.boltPort),
    NEO4J_HTTP_PORT: String(neo.config.neo4j.httpPort),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    API_PUBLIC_KEYS: '',
    API_ADMIN_KEYS: '',
    EVENTS_STREAM: 'graphrec:faults:events',
    ...extra,
  });
}

async function start(extra: NodeJS.ProcessEnv = {}): Promise<ApiServer> {
  const s = await startApiServer({ config: configFor(extra), logger: createLogger('silent'), port: 0 });
  servers.push(s);
  return s;
}

/** A private redis-server on `redisPort` (started again after the Redis test killed it). */
async function startRedis(): Promise<void> {
  redisProc = spawn(
    '/usr/bin/redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 500));
}

beforeAll(async () => {
  neo = await startScratchNeo4j();
  redisPort = await freePort();
  await startRedis();
  fx = await loadFixture(neo.graph, 'Faults');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-faults-'));
  publishFixtureModel(dataDir, fx);
}, 600_000); // a scratch Neo4j takes minutes to start on a loaded 2-vCPU machine

afterAll(async () => {
  for (const s of servers) await s.stop(1000);
  if (redisProc.exitCode === null) redisProc.kill('SIGKILL');
  await neo?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

const REC = `query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 5) { degraded degradedReasons items { product { id } sources } } }`;
type Rec = {
  recommendations: {
    degraded: boolean;
    degradedReasons: string[];
    items: Array<{ product: { id: string }; sources: string[] }>;
  };
};

/** Send requests from `workers` loops until `stop()`; record every outcome. */
function load(url: string, workers = 3) {
  const outcomes: Array<{
    at: number;
    ok: boolean;
    ms: number;
    degraded: boolean;
    items: number;
    error?: string;
  }> = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const i = n++;
      const t = Date.now();
      try {
        const r = await gql<Rec>(url, REC, { u: fx.id(`u${i % 5}`), s: `load-${i}` });
        const rec = r.data?.recommendations;
        outcomes.push({
          at: t,
          ok: r.status === 200 && !r.errors && !!rec,
          ms: Date.now() - t,
          degraded: rec?.degraded ?? false,
          items: rec?.items.length ?? 0,
          error: r.errors?.[0]?.message,
        });
      } catch (err) {
        outcomes.push({
          at: t,
          ok: false,
          ms: Date.now() - t,
          degraded: false,
          items: 0,
          error: (err as Error).message,
        });
      }
    }
  });
  return {
    outcomes,
    /** Wait until `n` requests that started at or after `t` have finished (or fail the test after `ms`). */
    async finishedSince(t: number, n = AFTER_KILL, ms = AFTER_KILL_WITHIN_MS) {
      const deadline = Date.now() + ms;
      while (outcomes.filter((o) => o.at >= t).length < n) {
        if (Date.now() > deadline)
          throw new Error(`fewer than ${n} requests finished within ${ms} ms after ${t}`);
        await sleep(100);
      }
    },
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('faults', () => {
  it('answers 429 with Retry-After once a client exceeds its rate limit', async () => {
    const s = await start({ API_RATE_LIMIT_PER_MIN: '5' });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await gql(s.url, '{ product(id: "Faults_p1") { id } }');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last!.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    await s.stop(1000);
  });

  it('refuses a client over its limit even what it would get from a pre-rendered answer', async () => {
    // Its own client (key): the limit's counter is in Redis, shared with the test above.
    const key = `faults-limit-${Date.now()}`;
    const s = await start({ API_RATE_LIMIT_PER_MIN: '5', API_PUBLIC_KEYS: key });
    const q = `query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 5) { cached items { product { id } } } }`;
    const vars = { u: fx.id('u3'), s: `limit-${Date.now()}` };
    const answers: Array<{ status: number; cached?: boolean }> = [];
    for (let i = 0; i < 7; i++) {
      const r = await gql<{ recommendations: { cached: boolean } }>(s.url, q, vars, key);
      answers.push({ status: r.status, cached: r.data?.recommendations.cached });
    }
    // Computed, then a hit through Apollo (which pre-renders it), then pre-rendered hits, then refused.
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(answers.slice(0, 5).map((a) => a.cached)).toEqual([false, true, true, true, true]);
    // The third to fifth were (mostly: rendering finishes just after the second) pre-rendered answers.
    const rendered = await metricValue(s.url, 'graphrec_cache_requests_total', {
      cache: 'rendered',
      result: 'hit',
    });
    expect(rendered).toBeGreaterThanOrEqual(2);
    await s.stop(1000);
  });

  it('keeps answering from the embeddings when Neo4j is killed during load, and accepted events drain once it is back', async () => {
    const s = await start();
    let killed = false;
    const config = configFor();
    const consumer = startEventConsumer({
      config,
      logger: createLogger('silent'),
      consumerName: 'faults',
      blockMs: 200,
    });
    try {
      const l = load(s.url);
      await l.finishedSince(0, 3);
      const killedAt = Date.now();
      process.kill(neo.pid()!, 'SIGKILL');
      killed = true;
      await l.finishedSince(killedAt);
      // Events keep being accepted while the graph is down: they wait in the Redis stream.
      const keys = Array.from({ length: 30 }, (_, i) => `faults-ev-${i}`);
      const accepted = await gql<{ trackEvents: { accepted: number } }>(
        s.url,
        'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }',
        {
          e: keys.slice(0, 10).map((k, i) => ({
            idempotencyKey: k,
            type: 'VIEW',
            productId: fx.id(`p${i}`),
            userId: fx.id('u1'),
            sessionId: 'fs1',
          })),
        },
      );
      const accepted2 = await gql<{ trackEvents: { accepted: number } }>(
        s.url,
        'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }',
        {
          e: keys.slice(10).map((k, i) => ({
            idempotencyKey: k,
            type: 'PURCHASE',
            productId: fx.id(`p${i % 20}`),
            sessionId: 'anon-fs2',
          })),
        },
      );
      await l.stop();
      expect(accepted.data?.trackEvents.accepted).toBe(10);
      expect(accepted2.data?.trackEvents.accepted).toBe(20);
      const failed = l.outcomes.filter((o) => !o.ok);
      expect(failed).toEqual([]);
      const afterKill = l.outcomes.filter((o) => o.at >= killedAt);
      const degraded = l.outcomes.filter((o) => o.degraded);
      expect(degraded.length).toBeGreaterThan(0);
      expect(degraded.every((o) => o.items > 0)).toBe(true);
      expect(Math.max(...afterKill.map((o) => o.ms))).toBeLessThan(NO_HANG_MS);
      // Still ready: it answers from the embeddings and its catalogue; Neo4j shows as a degraded check.
      const ready = await fetch(`${s.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        ready: true,
        degraded: true,
        checks: { neo4j: { ok: false } },
      });

      await neo.restart();
      killed = false;
      const deadline = Date.now() + 60_000;
      let written = 0;
      while (Date.now() < deadline) {
        const [row] = await neo.graph.read<{ n: number }>(
          {
            name: 'test.count',
            cypher: 'MATCH ()-[r]->() WHERE r.eventId STARTS WITH "faults-ev-" RETURN count(r) AS n',
          },
          {},
        );
        written = row.n;
        if (written >= 30) break;
        await sleep(500);
      }
      expect(written).toBe(30);
    } finally {
      await consumer.stop();
      await s.stop(1000);
      // A failure above must not leave the next tests without a graph.
      if (killed) await neo.restart();
    }
  }, 400_000);

  it('serves uncached when Redis is killed during load, without hanging, and refuses events it cannot store', async () => {
    const s = await start();
    const l = load(s.url);
    await l.finishedSince(0, 3);
    const killedAt = Date.now();
    redisProc.kill('SIGKILL');
    await l.finishedSince(killedAt);
    await l.stop();
    expect(l.outcomes.filter((o) => !o.ok)).toEqual([]);
    const afterKill = l.outcomes.filter((o) => o.at >= killedAt);
    expect(Math.max(...afterKill.map((o) => o.ms))).toBeLessThan(NO_HANG_MS);
    const refused = await gql(
      s.url,
      'mutation { trackEvents(events: [{idempotencyKey: "faults-redis-1", type: VIEW, productId: "Faults_p1", sessionId: "x1"}]) { accepted } }',
    );
    expect(refused.errors?.[0]).toMatchObject({
      message:
        'events cannot be stored right now (Redis is unavailable); retry with the same idempotency keys',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    // Still ready (it serves, uncached): Redis is shared, and gating on it would unready every pod at once.
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      degraded: true,
      checks: { redis: { ok: false }, neo4j: { ok: true }, model: { ok: true }, catalog: { ok: true } },
    });
  }, 120_000);

  it('a replica that starts while Neo4j is down serves the shared cache with the products it cannot describe as ids', async () => {
    await startRedis();
    const warm = await start();
    const q = `query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 5) { cached items { product { id name } } } }`;
    type Named = {
      recommendations: { cached: boolean; items: Array<{ product: { id: string; name: string | null } }> };
    };
    const vars = { u: fx.id('u3'), s: 'replica-1' };
    const before = await gql<Named>(warm.url, q, vars);
    const ids = before.data!.recommendations.items.map((it) => it.product.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(before.data!.recommendations.items.every((it) => it.product.name !== null)).toBe(true);
    await warm.stop(1000);

    process.kill(neo.pid()!, 'SIGKILL'); // the last test: nothing after it needs the graph
    const cold = await start();
    const after = await gql<Named>(cold.url, q, vars);
    expect(after.errors).toBeUndefined();
    // Not ready, though: without its catalogue this pod cannot describe products; the warm ones keep the traffic.
    const ready = await fetch(`${cold.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, checks: { catalog: { ok: false } } });
    expect(after.data!.recommendations.cached).toBe(true);
    expect(after.data!.recommendations.items.map((it) => it.product)).toEqual(
      ids.map((id) => ({ id, name: null })),
    );
  }, 120_000);
});
