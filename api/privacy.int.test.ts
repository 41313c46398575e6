// Privacy at the API against the real Neo4j and Redis (docs/privacy.md): per-shopper data only to an admin key
// or a shopper token naming that shopper; explanations that name a shopper's events likewise; and erasure on
// request, after which nothing about the shopper comes back from GraphQL, Redis or the graph.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '../core';
import { recentKey, RESULT_CACHE_PREFIX, userSubject, writeEvents, type TrackedEvent } from '../events';
import type { GraphClient } from '../graph';
import { mintShopperToken, subjectHash } from '../privacy';
import { deleteLabel, testGraph, testRedis, uniqueNamespace } from '../test/support';
import { startApiServer, type ApiServer } from './index';
import { gql } from './testing/client';
import { loadFixture, publishFixtureModel, type Fixture } from './testing/fixture';

const PUB = 'pub-key-0123456789';
const ADMIN = 'admin-key-0123456789';
const SECRET = 'test-secret-0123456789-0123456789-abcdef';

let graph: GraphClient;
let fx: Fixture;
let server: ApiServer;
let dataDir: string;
let stream: string;
let abPrefix: string;
const hashes: string[] = [];
const url = () => server.url;
/** The session the erasure test tracks events in (the consumer's nodes carry no namespace label). */
const forgetSession = () => `${fx.ns}_s-forget`;

const USER = `query U($id: ID!, $t: String) {
  user(id: $id, shopperToken: $t) { id region loyaltyTier recentEvents { type product { id } sessionId } }
}`;
const REC = `query R($u: ID, $s: ID, $explain: Boolean, $t: String) {
  recommendations(userId: $u, sessionId: $s, explain: $explain, shopperToken: $t, first: 10) {
    items { product { id } sources explanation { source text path { kind id rel } } }
  }
}`;
type Rec = {
  recommendations: {
    items: Array<{
      product: { id: string };
      sources: string[];
      explanation: Array<{ source: string; text: string; path: Array<{ kind: string; id: string }> }> | null;
    }>;
  };
};

beforeAll(async () => {
  graph = testGraph();
  fx = await loadFixture(graph, uniqueNamespace('Priv'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-privacy-test-'));
  publishFixtureModel(dataDir, fx, 1);
  stream = `graphrec:test:${fx.ns}:events`;
  abPrefix = `graphrec:test:${fx.ns}:ab`;
  const config = loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dataDir,
    API_PUBLIC_KEYS: PUB,
    API_ADMIN_KEYS: ADMIN,
    EVENTS_STREAM: stream,
    EXPERIMENTS_PREFIX: abPrefix,
    PRIVACY_TOKEN_SECRET: SECRET,
    PRIVACY_TOKEN_MAX_TTL_S: '600',
  });
  server = await startApiServer({ config, logger: createLogger('silent'), port: 0 });
});

afterAll(async () => {
  await server?.stop();
  const redis = testRedis();
  const keys = [stream, `${stream}:dead`];
  for (const pattern of [`${abPrefix}:*`]) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  await redis.del(...keys);
  await redis.quit();
  const [row] = await graph.read<{ salt: string | null }>({
    name: 'test.privacy.salt',
    cypher: "OPTIONAL MATCH (s:PrivacySalt {id: 'forgotten-users'}) RETURN s.value AS salt",
  });
  if (row?.salt) hashes.push(subjectHash(row.salt, fx.id('u1')));
  await graph.write(
    {
      name: 'test.privacy.cleanup',
      cypher: `MATCH (n) WHERE (n:ForgottenUser AND n.hash IN $hashes) OR (n:ErasureAudit AND n.subjectHash IN $hashes)
               DETACH DELETE n`,
    },
    { hashes },
  );
  await graph.write(
    {
      name: 'test.privacy.session',
      cypher: 'MATCH (n) WHERE (n:Session OR n:User) AND n.id IN $ids DETACH DELETE n',
    },
    { ids: [forgetSession(), `anon:${forgetSession()}`] },
  );
  await deleteLabel(graph, fx.ns);
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const token = (userId: string, ttl = 300, now = Date.now()) => mintShopperToken(SECRET, userId, ttl, now);

describe('per-shopper data', () => {
  it('refuses user() to the storefront key with a typed FORBIDDEN, and answers an admin key', async () => {
    const pub = await gql(url(), USER, { id: fx.id('u1') }, PUB);
    expect(pub.data).toEqual({ user: null });
    expect(pub.errors?.[0]).toMatchObject({
      message:
        "a user's personal data needs an admin key or a shopper token that names that user (shopperToken)",
      path: ['user'],
      extensions: { code: 'FORBIDDEN', field: 'shopperToken' },
    });
    const admin = await gql<{ user: { id: string; recentEvents: unknown[] } }>(
      url(),
      USER,
      { id: fx.id('u1') },
      ADMIN,
    );
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.user.id).toBe(fx.id('u1'));
    expect(admin.data!.user.recentEvents.length).toBeGreaterThan(0);
  });

  it("answers the storefront key with a token that names the user, and refuses another user's, an expired or a tampered one", async () => {
    const own = await gql<{ user: { id: string } }>(
      url(),
      USER,
      { id: fx.id('u1'), t: token(fx.id('u1')) },
      PUB,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.user.id).toBe(fx.id('u1'));
    const refusal = async (t: string) => (await gql(url(), USER, { id: fx.id('u1'), t }, PUB)).errors?.[0];
    expect(await refusal(token(fx.id('u2')))).toMatchObject({
      message: 'the shopper token names another user',
      extensions: { code: 'FORBIDDEN', field: 'shopperToken' },
    });
    expect(await refusal(token(fx.id('u1'), 60, Date.now() - 120_000))).toMatchObject({
      message: 'the shopper token has expired',
    });
    const good = token(fx.id('u1'));
    const tampered = good.replace(/\.(\d+)\./, (_m, e: string) => `.${Number(e) + 3600}.`);
    expect(await refusal(tampered)).toMatchObject({ message: 'the shopper token is not valid' });
  });

  it("leaves the user's events out of explanations for the storefront key, and keeps them with the user's token", async () => {
    const vars = { u: fx.id('u1'), explain: true };
    const seeds = (r: Rec) =>
      r.recommendations.items.flatMap((it) =>
        (it.explanation ?? []).flatMap((e) => e.path.slice(1, -1).filter((s) => s.kind === 'Product')),
      );
    const withToken = await gql<Rec>(url(), REC, { ...vars, t: token(fx.id('u1')) }, PUB);
    expect(withToken.errors).toBeUndefined();
    // u1 bought p0 and p2: with the token, explanations name them.
    expect(seeds(withToken.data!).map((s) => s.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/_p[02]$/)]),
    );
    // The same request again (a cache hit) and without the token: no product of u1's history is named.
    for (let i = 0; i < 2; i++) {
      const pub = await gql<Rec>(url(), REC, vars, PUB);
      expect(pub.errors).toBeUndefined();
      expect(seeds(pub.data!)).toEqual([]);
      const texts = pub.data!.recommendations.items.flatMap((it) =>
        (it.explanation ?? []).map((e) => e.text),
      );
      expect(texts.join(' ')).not.toMatch(/you (bought|viewed|added)/);
    }
  });
});

describe('forgetUser', () => {
  it('removes a shopper from GraphQL answers, Redis and the graph', async () => {
    const target = fx.id('u1');
    const session = forgetSession();
    const redis = testRedis();
    try {
      // Traces everywhere: stream entries, recent lists, cached and pre-rendered answers, an exposure.
      const exp = await gql(
        url(),
        `mutation C($i: ExperimentInput!) { createExperiment(input: $i) { id } }`,
        {
          i: {
            id: `${fx.ns}-x`,
            variants: [
              { name: 'control', weight: 0.5 },
              { name: 'other', weight: 0.5 },
            ],
          },
        },
        ADMIN,
      );
      expect(exp.errors).toBeUndefined();
      const tracked = await gql(
        url(),
        'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }',
        {
          e: [
            // Browsing before signing in, then signed in, in one session.
            { idempotencyKey: `${fx.ns}-forget-1`, type: 'VIEW', productId: fx.id('p4'), sessionId: session },
            {
              idempotencyKey: `${fx.ns}-forget-2`,
              type: 'VIEW',
              productId: fx.id('p3'),
              userId: target,
              sessionId: session,
            },
          ],
        },
        PUB,
      );
      expect(tracked.data).toEqual({ trackEvents: { accepted: 2 } });
      // What the worker's consumer does with them: the session and the anonymous user appear in the graph too.
      const streamed = (await redis.xrange(stream, '-', '+')).map(([, f]) => ({
        ...(JSON.parse(f[f.indexOf('e') + 1]) as TrackedEvent),
        seq: Number(f[f.indexOf('seq') + 1]),
      }));
      expect((await writeEvents(graph, streamed)).size).toBe(2);
      for (let i = 0; i < 3; i++) await gql<Rec>(url(), REC, { u: target }, PUB);
      await gql<Rec>(url(), REC, { u: target, s: session, explain: true }, ADMIN);
      // Let the background pre-rendering finish.
      await new Promise((r) => setTimeout(r, 200));
      const mentions = async () => {
        const found: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'COUNT', 5000);
          cursor = next;
          for (const k of batch) {
            if (k.includes(target) || k.includes(session)) found.push(k);
            else if (k.startsWith(RESULT_CACHE_PREFIX) || k.startsWith(`${abPrefix}:`)) {
              const type = await redis.type(k);
              const text =
                type === 'string'
                  ? ((await redis.get(k)) ?? '')
                  : type === 'hash'
                    ? JSON.stringify(await redis.hgetall(k))
                    : type === 'set'
                      ? JSON.stringify(await redis.smembers(k))
                      : '';
              if (text.includes(target) || text.includes(session)) found.push(k);
            }
          }
        } while (cursor !== '0');
        for (const s of [stream, `${stream}:dead`])
          for (const [id, fields] of await redis.xrange(s, '-', '+'))
            if (fields.join(' ').includes(target) || fields.join(' ').includes(session))
              found.push(`${s}#${id}`);
        return found;
      };
      const row = server.services.model.current()!.userRow.get(target)!;
      expect(row).toBeGreaterThanOrEqual(0);
      const before = await mentions();
      expect(before).toEqual(expect.arrayContaining([recentKey(userSubject(target))]));
      expect(before.some((k) => k.startsWith(`${stream}#`))).toBe(true);
      expect(before.some((k) => k.startsWith(`${abPrefix}:rec:`))).toBe(true);

      const forget = await gql<{ forgetUser: Record<string, unknown> }>(
        url(),
        `mutation F($id: ID!) { forgetUser(id: $id) {
          subjectHash found users events sessions anonymousUsers streamEntries keys unitMemberships cacheEntries } }`,
        { id: target },
        ADMIN,
      );
      expect(forget.errors).toBeUndefined();
      const res = forget.data!.forgetUser;
      hashes.push(res.subjectHash as string);
      // u1's two purchases in the fixture and the view above; the session the API made while u1 was anonymous.
      expect(res).toMatchObject({
        found: true,
        users: 1,
        events: 3,
        sessions: 1,
        anonymousUsers: 1,
        streamEntries: 2,
      });
      expect(res.subjectHash).not.toContain(target);
      expect(forget.data!.forgetUser.cacheEntries).toBeGreaterThan(0);
      // Only an admin key may forget.
      const pub = await gql(
        url(),
        'mutation F($id: ID!) { forgetUser(id: $id) { found } }',
        { id: fx.id('u2') },
        PUB,
      );
      expect(pub.errors?.[0].extensions?.code).toBe('FORBIDDEN');

      // The serving model forgot the user's row (its embedding zeroed, its history row unreachable).
      const model = server.services.model.current()!;
      expect(model.userRow.has(target)).toBe(false);
      expect(model.users.subarray(row * model.dims, (row + 1) * model.dims).every((x) => x === 0)).toBe(true);
      // GraphQL: nothing, not even to an admin key; recommendations are nobody's.
      expect((await gql(url(), USER, { id: target }, ADMIN)).data).toEqual({ user: null });
      for (const key of [PUB, ADMIN]) {
        const r = await gql<Rec>(url(), REC, { u: target, explain: true }, key);
        expect(r.errors).toBeUndefined();
        expect(JSON.stringify(r.data)).not.toContain(target);
      }
      // Redis: no key, value, stream entry or exposure names the shopper or their session.
      expect(await mentions()).toEqual([]);
      // The graph: no node or relationship of the shopper or their session.
      const [left] = await graph.read<{ nodes: unknown; rels: unknown }>(
        {
          name: 'test.privacy.left',
          cypher: `CALL () { MATCH (n) WHERE n.id IN $ids OR n.userId = $target RETURN count(n) AS nodes }
                   CALL () { MATCH ()-[r]->() WHERE r.sessionId = $session RETURN count(r) AS rels }
                   RETURN nodes, rels`,
        },
        { ids: [target, session, `anon:${session}`], target, session },
      );
      expect(Number(left.nodes)).toBe(0);
      expect(Number(left.rels)).toBe(0);
      // The audit record names the operator (a key's hash) and the salted hash, never the shopper.
      const [audit] = await graph.read<{ operator: string; counts: string }>(
        {
          name: 'test.privacy.audit',
          cypher:
            'MATCH (a:ErasureAudit {subjectHash: $hash}) RETURN a.operator AS operator, a.counts AS counts',
        },
        { hash: res.subjectHash },
      );
      expect(audit.operator).toMatch(/^api:key:[0-9a-f]{16}$/);
      expect(audit.counts).not.toContain(target);
    } finally {
      await redis.quit();
    }
  });
});
