// The A/B loop end to end against the real Neo4j and Redis: an experiment from config, deterministic assignment
// through the API, a variant served by its pinned model version, exposures logged, outcomes attributed from
// trackEvents through recId (idempotently), a report whose numbers match a hand count, and the attributed events
// in Neo4j with their experiment and variant. On a scratch Neo4j and Redis of its own: cold users' answers come
// from whole-graph popularity, and the consumer writes now-dated events, which in the dev stack's graph would
// show up in a shopper's trending while the test runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type Config } from '../core';
import type { GraphClient } from '../graph';
import { startApiServer, type ApiServer } from '../api';
import { startEventConsumer } from '../events';
import { loadFixture, publishFixtureModel, setActive, type Fixture } from '../api/testing/fixture';
import { gql, metricValue } from '../api/testing/client';
import {
  privateStackEnv,
  startScratchNeo4j,
  SCRATCH_GRAPH_DEADLINE_MS,
  startScratchRedis,
  uniqueNamespace,
  type ScratchNeo4j,
  type ScratchRedis,
} from '../test/support';
import { assign, buildReport, createExperimentStore, readCounts, type Experiment } from './index';

const PUB = 'pub-key-0123456789';
const ADMIN = 'admin-key-0123456789';
const REC = `query R($u: ID, $s: ID) { recommendations(userId: $u, sessionId: $s, first: 5) {
  recId variant modelVersion degraded items { product { id } } } }`;
type Rec = {
  recommendations: {
    recId: string;
    variant: string;
    modelVersion: string;
    degraded: boolean;
    items: Array<{ product: { id: string } }>;
  };
};

let neo: ScratchNeo4j;
let redisServer: ScratchRedis;
let graph: GraphClient;
let fx: Fixture;
let server: ApiServer;
let config: Config;
let dataDir: string;
let v1: string;
let v2: string;
let expId: string;
const url = () => server.url;

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [neo, redisServer] = await Promise.all([startScratchNeo4j(), startScratchRedis()]);
  graph = neo.graph;
  fx = await loadFixture(graph, uniqueNamespace('Ab'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-ab-test-'));
  v1 = publishFixtureModel(dataDir, fx, 1);
  v2 = publishFixtureModel(dataDir, fx, 2);
  setActive(dataDir, v1);
  expId = `exp-${fx.ns}`;
  config = loadConfig({
    ...process.env,
    ...privateStackEnv(neo, redisServer),
    GRAPHREC_DATA_DIR: dataDir,
    API_PUBLIC_KEYS: PUB,
    API_ADMIN_KEYS: ADMIN,
    EVENTS_STREAM: `graphrec:test:${fx.ns}:events`,
    EXPERIMENTS_PREFIX: `graphrec:test:${fx.ns}:ab`,
    EXPERIMENTS_POLL_MS: '200',
    EXPERIMENTS_JSON: JSON.stringify([
      {
        id: expId,
        description: 'v2 against v1',
        variants: [
          { name: 'control', weight: 0.5 },
          { name: 'b', weight: 0.5, modelVersion: v2 },
        ],
      },
    ]),
  });
  server = await startApiServer({
    config,
    logger: createLogger('silent'),
    port: 0,
    graphDeadlineMs: SCRATCH_GRAPH_DEADLINE_MS,
  });
  await until(() => server.services.pinnedModels.loaded().includes(v2), 'the pinned model to load');
}, 600_000); // a scratch Neo4j takes minutes to start on a loaded 2-vCPU machine

afterAll(async () => {
  await server?.stop();
  await shared?.quit();
  await redisServer?.stop();
  await neo?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('A/B experiments through the API', () => {
  const served: Array<{ user: number; recId: string; variant: string; items: string[] }> = [];
  let exp: Experiment;

  it('lists the experiment defined in config, to admins only', async () => {
    const q = '{ experiments { id status unit source variants { name weight modelVersion } } }';
    const res = await gql<{ experiments: Array<{ id: string; status: string; variants: unknown[] }> }>(
      url(),
      q,
      {},
      ADMIN,
    );
    expect(res.data!.experiments).toEqual([
      {
        id: expId,
        status: 'RUNNING',
        unit: 'USER',
        source: 'CONFIG',
        variants: [
          { name: 'control', weight: 0.5, modelVersion: null },
          { name: 'b', weight: 0.5, modelVersion: v2 },
        ],
      },
    ]);
    const denied = await gql(url(), q, {}, PUB);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    exp = await createExperimentStore(testRedisOnce(), config.experiments.prefix).get(expId);
  });

  it('assigns each user deterministically and serves the variant with its pinned model', async () => {
    for (let u = 0; u < 10; u++) {
      const expected = assign(exp, { userId: fx.id(`u${u}`), sessionId: null }).variant.name;
      for (const s of ['a', 'b']) {
        const res = await gql<Rec>(url(), REC, { u: fx.id(`u${u}`), s: fx.id(`sess${u}${s}`) }, PUB);
        expect(res.errors).toBeUndefined();
        const r = res.data!.recommendations;
        expect(r.variant).toBe(expected);
        expect(r.modelVersion).toBe(expected === 'b' ? v2 : v1);
        expect(r.degraded).toBe(false);
        served.push({ user: u, recId: r.recId, variant: r.variant, items: r.items.map((i) => i.product.id) });
      }
    }
    // A repeated request is answered from its pre-rendered answer (api/prerendered.ts): still one exposure each.
    const hits = () =>
      metricValue(url(), 'graphrec_cache_requests_total', { cache: 'rendered', result: 'hit' });
    const h = await hits();
    for (let i = 0; i < 40 && (await hits()) === h; i++) {
      const r = (await gql<Rec>(url(), REC, { u: fx.id('u0'), s: fx.id('sess0a') }, PUB)).data!
        .recommendations;
      served.push({ user: 0, recId: r.recId, variant: r.variant, items: r.items.map((it) => it.product.id) });
    }
    expect(await hits()).toBe(h + 1);
    expect(new Set(served.map((s) => s.variant))).toEqual(new Set(['control', 'b']));
    expect(new Set(served.map((s) => s.recId)).size).toBe(served.length);
    // Anonymous: the control, and no exposure.
    const anon = (await gql<Rec>(url(), REC, {}, PUB)).data!.recommendations;
    expect(anon.variant).toBe('control');
  });

  it('attributes clicks, carts and purchases through recId, once each, and reports the hand count', async () => {
    const byVariant = (v: string) => served.filter((s) => s.variant === v);
    const [c0, c1] = [byVariant('control')[0], byVariant('control')[2]];
    const [b0] = byVariant('b');
    const ev = (k: string, type: string, s: (typeof served)[0], extra: Record<string, unknown> = {}) => ({
      idempotencyKey: `${fx.ns}-${k}`,
      type,
      productId: s.items[0],
      userId: fx.id(`u${s.user}`),
      recId: s.recId,
      ...extra,
    });
    const events = [
      ev('e1', 'VIEW', c0),
      ev('e2', 'VIEW', c0), // a second click on the same response: 2 clicks, 1 clicked exposure
      ev('e3', 'CART', c0),
      ev('e4', 'PURCHASE', c0, { price: 12.5, quantity: 2 }), // 25.00
      ev('e5', 'VIEW', c1),
      ev('e6', 'VIEW', b0),
      ev('e7', 'PURCHASE', b0, { quantity: 3 }), // catalogue price * 3
      { ...ev('e8', 'VIEW', b0), recId: 'not-a-logged-rec-id' },
    ];
    const M = `mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted duplicates } }`;
    const first = await gql<{ trackEvents: { accepted: number } }>(url(), M, { e: events }, PUB);
    expect(first.errors).toBeUndefined();
    expect(first.data!.trackEvents.accepted).toBe(8);
    // The storefront retries the whole batch: nothing is counted twice.
    const again = await gql<{ trackEvents: { duplicates: number } }>(url(), M, { e: events }, PUB);
    expect(again.data!.trackEvents.duplicates).toBe(8);

    const redis = testRedisOnce();
    await until(async () => {
      const c = await readCounts(redis, config.experiments.prefix, exp);
      return c.variants.control.exposures + c.variants.b.exposures === served.length;
    }, 'exposures to be logged');
    const counts = await readCounts(redis, config.experiments.prefix, exp);
    const report = buildReport(exp, counts, { mde: 0.05, power: 0.8, alpha: 0.05 });
    const [control, b] = report.variants;
    const bPrice = server.services.catalog.get(b0.items[0])!.price!;
    const users = (v: string) => new Set(byVariant(v).map((s) => s.user)).size;

    expect(control).toMatchObject({
      units: users('control'),
      exposures: byVariant('control').length,
      clicks: 3,
      ctr: 2 / byVariant('control').length,
      carts: 1,
      cartUnits: 1,
      purchases: 1,
      buyers: 1,
      conversion: 1 / users('control'),
      revenue: 25,
    });
    expect(control.revenuePerUnit.mean).toBeCloseTo(25 / users('control'), 6);
    expect(b).toMatchObject({
      units: users('b'),
      exposures: byVariant('b').length,
      clicks: 1,
      ctr: 1 / byVariant('b').length,
      purchases: 1,
      buyers: 1,
      revenue: Math.round(bPrice * 3 * 100) / 100,
      modelVersion: v2,
    });
    const distinct = (v: string) => new Set(byVariant(v).flatMap((s) => s.items)).size;
    expect(b.guardrails.distinctItems).toBe(distinct('b'));
    expect(b.guardrails.coverage).toBeCloseTo(distinct('b') / server.services.catalog.size(), 10);
    expect(b.guardrails.latencyP95Ms).not.toBeNull();
    expect(b.vsControl!.conversion).not.toBeNull();
    expect(report.sampleSize[0].reached).toBe(false);
  });

  it('carries the experiment and variant of attributed events into the graph', async () => {
    const consumer = startEventConsumer({
      config,
      logger: createLogger('silent'),
      graph,
      consumerName: 'ab-test',
      blockMs: 200,
    });
    try {
      await until(() => consumer.stats().written >= 8, 'the consumer to write the batch', 20_000);
    } finally {
      await consumer.stop();
    }
    const rows = await graph.read<{ key: string; experiment: string | null; variant: string | null }>(
      {
        name: 'test.attributedEvents',
        cypher: `MATCH (:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product) WHERE r.eventId STARTS WITH $prefix
                 RETURN substring(r.eventId, size($prefix)) AS key, r.experiment AS experiment, r.variant AS variant
                 ORDER BY key`,
      },
      { prefix: `${fx.ns}-` },
    );
    // The batch above: e1-e5 quote control responses, e6-e7 one of b, e8 a recId that was never logged.
    const tag = (variant: string | null) => ({ experiment: variant && expId, variant });
    expect(rows).toEqual([
      ...['e1', 'e2', 'e3', 'e4', 'e5'].map((key) => ({ key, ...tag('control') })),
      ...['e6', 'e7'].map((key) => ({ key, ...tag('b') })),
      { key: 'e8', ...tag(null) },
    ]);
  });

  it('refuses a second running experiment, and stops one over GraphQL', async () => {
    const create = `mutation C($i: ExperimentInput!) { createExperiment(input: $i) { id } }`;
    const input = {
      id: `${expId}-2`,
      variants: [
        { name: 'control', weight: 0.5 },
        { name: 'x', weight: 0.5 },
      ],
    };
    const refused = await gql(url(), create, { i: input }, ADMIN);
    expect(refused.errors?.[0].message).toBe(
      `experiment "${expId}" is running; stop it before starting "${expId}-2" (one experiment runs at a time)`,
    );
    const badModel = await gql(
      url(),
      create,
      { i: { ...input, variants: [input.variants[0], { name: 'x', weight: 0.5, modelVersion: 'nope' }] } },
      ADMIN,
    );
    expect(badModel.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const stop = await gql<{ stopExperiment: { status: string } }>(
      url(),
      `mutation { stopExperiment(id: "${expId}") { status } }`,
      {},
      ADMIN,
    );
    expect(stop.data!.stopExperiment.status).toBe('STOPPED');
    const after = (await gql<Rec>(url(), REC, { u: fx.id('u1') }, PUB)).data!.recommendations;
    expect(after).toMatchObject({ variant: 'control', modelVersion: v1 });
  });
});

let shared: ReturnType<ScratchRedis['client']> | undefined;
function testRedisOnce() {
  shared ??= redisServer.client();
  return shared;
}
