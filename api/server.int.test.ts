// The API against a real Neo4j and Redis of its own (scratch servers), on the fixture shop and a scratch model
// registry. Not the dev stack's: trending and the cold fallback read the whole graph, anchored at its latest
// event, so a dev shop (or a shopper's now-dated events in it) would decide what these answers hold.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createLogger, loadConfig } from '../core';
import {
  privateStackEnv,
  startScratchNeo4j,
  SCRATCH_GRAPH_DEADLINE_MS,
  startScratchRedis,
  type ScratchNeo4j,
  type ScratchRedis,
} from '../test/support';
import { startApiServer, type ApiServer } from './index';
import { BASE_TS, loadFixture, publishFixtureModel, type Fixture } from './testing/fixture';
import { gql, metricValue, type GqlResponse } from './testing/client';

const PUB = 'pub-key-0123456789';
const ADMIN = 'admin-key-0123456789';

let neo: ScratchNeo4j;
let redisServer: ScratchRedis;
let fx: Fixture;
let server: ApiServer;
let dataDir: string;
let version: string;
let stream: string;
const url = () => server.url;

const REC = `query R($u: ID, $s: ID, $first: Int, $explain: Boolean, $ctx: ContextInput, $filter: RecFilter) {
  recommendations(userId: $u, sessionId: $s, first: $first, explain: $explain, context: $ctx, filter: $filter) {
    recId modelVersion variant degraded degradedReasons cached
    items { product { id name category { id } } score sources explanation { source text path { kind id rel } } }
  }
}`;
type Rec = {
  recommendations: {
    recId: string;
    modelVersion: string | null;
    variant: string;
    degraded: boolean;
    degradedReasons: string[];
    cached: boolean;
    items: Array<{
      product: { id: string; category: { id: string } | null };
      score: number;
      sources: string[];
      explanation: Array<{ source: string; text: string; path: unknown[] }> | null;
    }>;
  };
};

beforeAll(async () => {
  [neo, redisServer] = await Promise.all([startScratchNeo4j(), startScratchRedis()]);
  fx = await loadFixture(neo.graph, 'Api');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-api-test-'));
  version = publishFixtureModel(dataDir, fx, 1);
  stream = `graphrec:test:${fx.ns}:events`;
  const config = loadConfig({
    ...process.env,
    ...privateStackEnv(neo, redisServer),
    GRAPHREC_DATA_DIR: dataDir,
    API_PUBLIC_KEYS: PUB,
    API_ADMIN_KEYS: ADMIN,
    API_MODEL_POLL_MS: '200',
    EVENTS_STREAM: stream,
    API_MAX_EVENT_BATCH: '10',
  });
  server = await startApiServer({
    config,
    logger: createLogger('silent'),
    port: 0,
    graphDeadlineMs: SCRATCH_GRAPH_DEADLINE_MS,
  });
}, 600_000); // a scratch Neo4j takes minutes to start on a loaded 2-vCPU machine

afterAll(async () => {
  await server?.stop();
  await redisServer?.stop();
  await neo?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('graphrec serve', () => {
  it('answers /healthz, /readyz and /metrics with the contract metric names', async () => {
    expect((await fetch(`${url()}/healthz`)).status).toBe(200);
    const ready = (await (await fetch(`${url()}/readyz`)).json()) as {
      ready: boolean;
      checks: Record<string, { ok: boolean }>;
    };
    expect(ready.checks.neo4j.ok).toBe(true);
    expect(ready.checks.redis.ok).toBe(true);
    expect(ready.checks.model).toMatchObject({ ok: true, version });
    await gql(url(), '{ product(id: "x1") { id } }', {}, PUB);
    const text = await (await fetch(`${url()}/metrics`)).text();
    for (const name of [
      'graphrec_graphql_request_duration_seconds',
      'graphrec_graphql_requests_total',
      'graphrec_api_inflight_requests',
      'graphrec_model_info',
      'graphrec_model_active 1',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('recommends for a known user: model version, variant, no repeat of non-consumable purchases, explanations', async () => {
    const r = await gql<Rec>(
      url(),
      REC,
      // 20 items: a category cap of 5 keeps every fixture lamp.
      { u: fx.id('u0'), first: 20, explain: true, ctx: { timestamp: new Date(BASE_TS).toISOString() } },
      // Explanations that name the user's purchases need an admin key or the user's token (docs/privacy.md).
      ADMIN,
    );
    expect(r.errors).toBeUndefined();
    const rec = r.data!.recommendations;
    expect(rec.modelVersion).toBe(version);
    expect(rec.variant).toBe('control');
    expect(rec.recId).toMatch(/^[0-9a-f-]{36}$/);
    const ids = rec.items.map((i) => i.product.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(fx.id('p0')); // bought
    expect(ids).not.toContain(fx.id('p1')); // bought
    expect(ids).not.toContain(fx.id('p5')); // out of stock
    expect(new Set(ids).size).toBe(ids.length);
    // u0 is a lamp person: the top item is a lamp, from the embedding and the co-purchase graph
    expect(rec.items[0].product.category?.id).toBe(fx.id('c1'));
    const p2 = rec.items.find((i) => i.product.id === fx.id('p2'));
    expect(p2?.sources).toEqual(expect.arrayContaining(['COPURCHASE']));
    const why = p2!.explanation!.find((e) => e.source === 'COPURCHASE')!;
    expect(why.text).toContain('Bought together with Fixture Lamp 0');
    expect(why.path).toEqual([
      { kind: 'User', id: fx.id('u0'), rel: 'PURCHASED' },
      { kind: 'Product', id: fx.id('p0'), rel: 'BOUGHT_TOGETHER_WITH' },
      { kind: 'Product', id: fx.id('p2'), rel: null },
    ]);
  });

  it('caches a result, and a new event of the user invalidates it and changes the next answer at once', async () => {
    const s = `${fx.ns}-sess1`;
    const vars = { s, first: 5, ctx: { timestamp: new Date(BASE_TS).toISOString() } };
    const a = await gql<Rec>(url(), REC, vars, PUB);
    const b = await gql<Rec>(url(), REC, vars, PUB);
    expect(a.data!.recommendations.cached).toBe(false);
    expect(b.data!.recommendations.cached).toBe(true);
    const before = a.data!.recommendations.items.map((i) => i.product.id);
    const t = await gql(
      url(),
      'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted duplicates } }',
      { e: [{ idempotencyKey: `${fx.ns}-k-fresh-1`, type: 'VIEW', productId: fx.id('p12'), sessionId: s }] },
      PUB,
    );
    expect(t.data).toEqual({ trackEvents: { accepted: 1, duplicates: 0 } });
    // "At once": the very next request, with no wait for the cache TTL (latency is the benchmarks' business).
    const c = await gql<Rec>(url(), REC, vars, PUB);
    const rec = c.data!.recommendations;
    expect(rec.cached).toBe(false);
    const after = rec.items.map((i) => i.product.id);
    expect(after).not.toEqual(before);
    expect(after).not.toContain(fx.id('p12'));
    // the session looked at a mug: mugs lead now
    expect(rec.items[0].product.category?.id).toBe(fx.id('c2'));
  });

  it('answers a repeated request from its pre-rendered answer: what Apollo answers, with its own recId', async () => {
    // Without explanations: those for a user depend on the caller and are never pre-rendered (docs/privacy.md).
    const vars = {
      u: fx.id('u1'),
      first: 6,
      explain: false,
      ctx: { timestamp: new Date(BASE_TS).toISOString() },
    };
    const hits = () =>
      metricValue(url(), 'graphrec_cache_requests_total', { cache: 'rendered', result: 'hit' });
    const first = await gql<Rec>(url(), REC, vars, PUB);
    expect(first.data!.recommendations.cached).toBe(false);
    // The answer is rendered after the response: ask until the pre-rendered path serves it.
    const before = await hits();
    let fast: Awaited<ReturnType<typeof gql<Rec>>> | undefined;
    for (let i = 0; i < 40 && !fast; i++) {
      const r = await gql<Rec>(url(), REC, vars, PUB);
      if ((await hits()) > before) fast = r;
    }
    expect(fast).toBeDefined();
    expect(await hits()).toBe(before + 1);
    // Apollo's answer to the same request (another query text, so not pre-rendered yet), from the cached result.
    const apollo = await gql<Rec>(url(), `${REC}\n`, vars, PUB);
    expect(await hits()).toBe(before + 1);
    const f = fast!.data!.recommendations;
    const a = apollo.data!.recommendations;
    expect(f.cached).toBe(true);
    expect(a.cached).toBe(true);
    expect(f.recId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set([first.data!.recommendations.recId, f.recId, a.recId]).size).toBe(3);
    expect({ ...f, recId: '' }).toEqual({ ...a, recId: '' });
    expect(f.items.length).toBeGreaterThan(0);
    expect(fast!.headers.get('content-type')).toBe(apollo.headers.get('content-type'));
    expect(fast!.status).toBe(200);
  });

  it('keys a pre-rendered answer by the variables below the root field too', async () => {
    const q = `query Q($u: ID, $withScore: Boolean!) {
      recommendations(userId: $u, first: 3) { recId items { product { id } score @include(if: $withScore) } }
    }`;
    type Q = { recommendations: { items: Array<{ product: { id: string }; score?: number }> } };
    const hits = () =>
      metricValue(url(), 'graphrec_cache_requests_total', { cache: 'rendered', result: 'hit' });
    const u = fx.id('u2');
    let h = await hits();
    for (let i = 0; i < 40 && (await hits()) === h; i++) await gql<Q>(url(), q, { u, withScore: true }, PUB);
    expect(await hits()).toBe(h + 1);
    h = await hits();
    const without = await gql<Q>(url(), q, { u, withScore: false }, PUB);
    expect(await hits()).toBe(h);
    expect(without.data!.recommendations.items[0]).toEqual({ product: { id: expect.any(String) } });
    // Bad input is still Apollo's typed error, even for a text that has pre-rendered answers.
    const bad = await gql<Q>(url(), q, { u: 'not ok!', withScore: true }, PUB);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
  });

  it('counts duplicate idempotency keys once, within a batch and across batches', async () => {
    const e = (k: string) => ({
      idempotencyKey: `${fx.ns}-dup-${k}`,
      type: 'CART',
      productId: fx.id('p3'),
      userId: fx.id('u3'),
    });
    const m =
      'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted duplicates duplicateKeys } }';
    const first = await gql(url(), m, { e: [e('a'), e('a'), e('b')] }, PUB);
    expect(first.data).toEqual({
      trackEvents: { accepted: 2, duplicates: 1, duplicateKeys: [`${fx.ns}-dup-a`] },
    });
    const again = await gql(url(), m, { e: [e('a'), e('b')] }, PUB);
    expect(again.data).toMatchObject({ trackEvents: { accepted: 0, duplicates: 2 } });
  });

  it('finds similar products, also for a product added after training (category and brand mean)', async () => {
    const q =
      'query S($p: ID!) { similarProducts(productId: $p, first: 4) { degraded items { product { id category { id } } score source } } }';
    type S = {
      similarProducts: {
        degraded: boolean;
        items: Array<{ product: { id: string; category: { id: string } }; source: string }>;
      };
    };
    const trained = await gql<S>(url(), q, { p: fx.id('p0') }, PUB);
    expect(trained.data!.similarProducts.items.map((i) => i.product.category.id)).toEqual(
      Array(4).fill(fx.id('c1')),
    );
    expect(trained.data!.similarProducts.items.map((i) => i.product.id)).not.toContain(fx.id('p0'));
    const fresh = await gql<S>(url(), q, { p: fx.id('p17') }, PUB);
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data!.similarProducts.items[0].product.category.id).toBe(fx.id('c2'));
    expect(fresh.data!.similarProducts.items[0].source).toBe('EMBEDDING');
  });

  it('looks up products with their neighbourhood in a constant number of queries (DataLoader, no N+1)', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => fx.id(`p${i}`));
    const realRead = server.services.graph.read;
    let reads = 0;
    server.services.graph.read = ((q: unknown, p: unknown) => {
      reads++;
      return (realRead as (a: unknown, b: unknown) => Promise<unknown[]>)(q, p);
    }) as typeof realRead;
    try {
      const r = await gql<{
        products: Array<{
          id: string;
          category: { name: string; parent: { name: string } };
          brand: { name: string };
          boughtTogether: Array<{ id: string }>;
        }>;
      }>(
        url(),
        'query P($ids: [ID!]!) { products(ids: $ids) { id category { name parent { name } } brand { name } boughtTogether(first: 3) { id name } } }',
        { ids },
        PUB,
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.products).toHaveLength(12);
      expect(r.data!.products[0].category.parent.name).toBe('Fixture Home');
      expect(r.data!.products[0].brand.name).toBe('Fixture Brand A');
      expect(r.data!.products[0].boughtTogether.map((p) => p.id).sort()).toEqual([fx.id('p1'), fx.id('p2')]);
      // products, categories, parents, boughtTogether lists, bought-together products: 5 batched queries
      expect(reads).toBeLessThanOrEqual(5);
    } finally {
      server.services.graph.read = realRead;
    }
  });

  it('serves trending for a category, anchored at the latest view in the graph, and refuses an unknown one', async () => {
    const ok = await gql<{ trending: { anchor: string; items: Array<{ product: { id: string } }> } }>(
      url(),
      'query { trending(categoryId: "' +
        fx.id('c0') +
        '", window: MONTH, first: 5) { anchor items { product { id } score } } }',
      {},
      PUB,
    );
    expect(ok.errors).toBeUndefined();
    // The window ends just after the fixture's latest view (an hour before BASE_TS), whatever the wall clock says;
    // p0, bought three times and viewed once, leads.
    expect(ok.data!.trending.anchor).toBe(new Date(BASE_TS - 3_600_000 + 1).toISOString());
    expect(ok.data!.trending.items[0].product.id).toBe(fx.id('p0'));
    const bad = await gql(url(), '{ trending(categoryId: "nope_c9") { anchor } }', {}, PUB);
    expect(bad.errors?.[0]).toMatchObject({
      message: 'no category with id "nope_c9"',
      extensions: { code: 'NOT_FOUND', field: 'categoryId' },
    });
  });

  it('swaps to a newly published model without a restart', async () => {
    const v2 = publishFixtureModel(dataDir, fx, 2);
    const deadline = Date.now() + 5000;
    let served = '';
    while (Date.now() < deadline) {
      const r = await gql<Rec>(url(), REC, { u: fx.id('u1'), first: 3 }, PUB);
      served = r.data!.recommendations.modelVersion ?? '';
      if (served === v2) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(served).toBe(v2);
    version = v2;
  });
});

describe('bad input and abuse (each answered with a typed error, never a 500)', () => {
  const first = (n: number) =>
    gql(url(), `{ recommendations(userId: "x1", first: ${n}) { recId } }`, {}, PUB);

  it.each([0, -1, 1000000])('refuses first = %d naming the field', async (n) => {
    const r = await first(n);
    expect(r.errors?.[0]).toMatchObject({
      message: `\`first\` must be an integer in [1, 100], but got: ${n}`,
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  });

  it('refuses malformed ids and answers unknown ones with NOT_FOUND or empty results', async () => {
    const bad = await gql(url(), '{ similarProducts(productId: "p 1; DROP") { productId } }', {}, PUB);
    expect(bad.errors?.[0]).toMatchObject({
      message: '`productId` must be 1-64 letters, digits, "_" or "-", but got: "p 1; DROP"',
      extensions: { code: 'BAD_USER_INPUT', field: 'productId' },
    });
    const unknown = await gql(url(), '{ similarProducts(productId: "nope_p1") { productId } }', {}, PUB);
    expect(unknown.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'productId' } });
    const lookup = await gql(
      url(),
      '{ product(id: "nope_p1") { id } user(id: "nope_u1") { id } }',
      {},
      ADMIN,
    );
    expect(lookup.errors).toBeUndefined();
    expect(lookup.data).toEqual({ product: null, user: null });
    const recs = await gql<Rec>(url(), REC, { u: 'nope_u1', first: 3 }, PUB);
    expect(recs.errors).toBeUndefined();
  });

  it('refuses deep queries and costly ones', async () => {
    const deep = await gql(
      url(),
      '{ category(id: "c1") { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }',
      {},
      PUB,
    );
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(deep.errors?.[0].message).toBe(
      'the query nests fields 9 deep below its root fields, but at most 8 is allowed',
    );
    const costly = await gql(
      url(),
      '{ recommendations(first: 100) { items { product { boughtTogether(first: 100) { boughtTogether(first: 100) { id } } } } } }',
      {},
      PUB,
    );
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'query' } });
    expect(costly.errors?.[0].message).toMatch(
      /^the query costs \d+ \(fields times list sizes\), but at most 20000 is allowed$/,
    );
  });

  it('refuses oversized batches and events from the future', async () => {
    const m = 'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }';
    const ev = (i: number, extra = {}) => ({
      idempotencyKey: `${fx.ns}-big-${i}`,
      type: 'VIEW',
      productId: fx.id('p1'),
      sessionId: 'sx',
      ...extra,
    });
    const big = await gql(url(), m, { e: Array.from({ length: 11 }, (_, i) => ev(i)) }, PUB);
    expect(big.errors?.[0]).toMatchObject({
      message: '`events` must hold at most 10 events, but got: 11',
      extensions: { code: 'BAD_USER_INPUT', field: 'events' },
    });
    const future = await gql(url(), m, { e: [ev(99, { timestamp: '2099-01-01T00:00:00.000Z' })] }, PUB);
    expect(future.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'events[0].timestamp' },
    });
    expect(future.errors?.[0].message).toMatch(/^`events\[0\]\.timestamp` must not be in the future/);
    const unknown = await gql(url(), m, { e: [ev(98, { productId: 'nope_p9' })] }, PUB);
    expect(unknown.errors?.[0]).toMatchObject({
      extensions: { code: 'NOT_FOUND', field: 'events[0].productId' },
    });
  });

  it('refuses missing and invalid keys, and admin operations with a storefront key', async () => {
    const none = await gql(url(), '{ product(id: "p1") { id } }');
    expect(none.status).toBe(401);
    expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await gql(url(), '{ product(id: "p1") { id } }', {}, 'not-a-key');
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]).toMatchObject({
      message: 'the API key is not valid',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const forbidden = await gql(url(), '{ modelStatus { version } }', {}, PUB);
    expect(forbidden.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    const admin = await gql<{ modelStatus: { version: string; phase: string } }>(
      url(),
      '{ modelStatus { phase version } }',
      {},
      ADMIN,
    );
    expect(admin.data!.modelStatus).toEqual({ phase: 'ready', version });
  });

  it('answers a body that is not JSON, or too large, with a typed error; the key is checked first', async () => {
    const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(`${url()}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': PUB, ...headers },
        body,
      });
    const broken = await post('{"query": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual({
      errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
    const huge = await post(JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(600_000) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as GqlResponse).errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const anonymous = await post('{"query": ', { 'x-api-key': '' });
    expect(anonymous.status).toBe(401);
  });

  it('answers a gzip body as the same request sent plain', async () => {
    const body = zlib.gzipSync(JSON.stringify({ query: '{ product(id: "nope_p9") { id } }' }));
    const res = await fetch(`${url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': PUB },
      body,
    });
    const r = (await res.json()) as GqlResponse;
    expect(res.status).toBe(200);
    const plain = await gql(url(), '{ product(id: "nope_p9") { id } }', {}, PUB);
    expect(r).toEqual({ data: plain.data, ...(plain.errors ? { errors: plain.errors } : {}) });
    expect(r.data).toEqual({ product: null });
  });

  it('sends the CORS headers on GraphQL answers and answers preflights', async () => {
    const origin = 'https://shop.example';
    const res = await fetch(`${url()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': PUB, origin },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${url()}/graphql`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-api-key');
  });

  it('never leaks a stack trace', async () => {
    const r = await gql(url(), '{ nope }', {}, PUB);
    expect(JSON.stringify(r.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });
});
