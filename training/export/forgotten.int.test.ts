// The export never brings back a forgotten shopper: after `forgetUser`, the shop's next ETL load re-creates the
// User node and its events from the shop's own files, and the export still leaves them out. Namespaced ids
// (`<ns>:...`) on the shared graph; the test deletes what it created.
import { createLogger } from '../../core';
import { buildSplitManifest } from '../../etl';
import type { GraphClient } from '../../graph';
import { forgetUser, subjectHash } from '../../privacy';
import { deleteLabel, testGraph, testRedis, uniqueNamespace } from '../../test/support';
import { readShopFromNeo4j } from './neo4jShop';

const logger = createLogger('silent');
const ns = uniqueNamespace('Forg');
const id = (local: string) => `${ns}:${local}`;
const T0 = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
let graph: GraphClient;

/** u0..u3 buy and view p0..p3 over 120 days; u1 is the one who asks to be forgotten. */
const events = Array.from({ length: 4 }, (_, u) =>
  Array.from({ length: 10 }, (_, k) => ({
    user: id(`u${u}`),
    product: id(`p${(u + k) % 4}`),
    type: k % 3 === 0 ? 'PURCHASED' : 'VIEWED',
    ts: T0 + (u * 10 + k) * 3 * DAY,
    session: id(`s${u}-${k >> 1}`),
    eventId: id(`e${u}-${k}`),
  })),
).flat();

const L = `\`${ns}\``;
async function loadShop(users: string[]) {
  await graph.writeTx('test.forgotten.load', async (tx) => {
    await tx.run(
      `MERGE (c:Category:${L} {id: $c}) MERGE (b:Brand:${L} {id: $b})
       WITH c, b UNWIND $products AS pid
       MERGE (p:Product:${L} {id: pid}) SET p.price = 10.0, p.launchedAt = $launch
       MERGE (p)-[:IN_CATEGORY]->(c) MERGE (p)-[:MADE_BY]->(b)`,
      { c: id('c0'), b: id('b0'), products: [0, 1, 2, 3].map((i) => id(`p${i}`)), launch: T0 - 100 * DAY },
    );
    await tx.run(
      `UNWIND $users AS uid MERGE (u:User:${L} {id: uid})
       SET u.birthYear = 1980, u.region = 'benelux', u.loyaltyTier = 'silver'`,
      { users },
    );
    for (const type of ['PURCHASED', 'VIEWED'])
      await tx.run(
        `UNWIND $events AS e
         MATCH (u:User {id: e.user}), (p:Product {id: e.product})
         MERGE (s:Session:${L} {id: e.session}) SET s.userId = e.user, s.startedAt = e.ts
         MERGE (u)-[:HAD_SESSION]->(s)
         MERGE (u)-[r:${type} {eventId: e.eventId}]->(p) SET r.ts = e.ts, r.sessionId = e.session, r.seq = 0`,
        { events: events.filter((e) => e.type === type && users.includes(e.user)) },
      );
  });
}

const split = () => {
  const users = [0, 1, 2, 3].map((u) => id(`u${u}`));
  const products = [0, 1, 2, 3].map((p) => id(`p${p}`));
  return buildSplitManifest({
    n: events.length,
    ts: Float64Array.from(events, (e) => e.ts),
    user: Int32Array.from(events, (e) => users.indexOf(e.user)),
    product: Int32Array.from(events, (e) => products.indexOf(e.product)),
    userIds: users,
    productIds: products,
    productLaunch: new Float64Array(4).fill(T0 - 100 * DAY),
  });
};

beforeAll(() => {
  graph = testGraph();
});

afterAll(async () => {
  const [row] = await graph.read<{ salt: string | null }>({
    name: 'test.forgotten.salt',
    cypher: "OPTIONAL MATCH (s:PrivacySalt {id: 'forgotten-users'}) RETURN s.value AS salt",
  });
  if (row?.salt) {
    const hash = subjectHash(row.salt, id('u1'));
    await graph.write(
      {
        name: 'test.forgotten.cleanup',
        cypher: `MATCH (n) WHERE (n:ForgottenUser AND n.hash = $hash) OR (n:ErasureAudit AND n.subjectHash = $hash)
                 DETACH DELETE n`,
      },
      { hash },
    );
  }
  await deleteLabel(graph, ns);
  await graph.close();
});

describe('the export and forgotten shoppers', () => {
  it('leaves out a forgotten shopper that the next ETL load brought back', async () => {
    const all = [0, 1, 2, 3].map((u) => id(`u${u}`));
    await loadShop(all);
    const before = await readShopFromNeo4j(graph, { namespace: ns, split: split(), logger });
    expect(before.userIds).toContain(id('u1'));
    expect(before.events.n).toBe(40);

    const redis = testRedis();
    try {
      const s = await forgetUser({ graph, redis, logger }, id('u1'), {
        stream: `graphrec:test:${ns}:events`,
        experimentsPrefix: `graphrec:test:${ns}:ab`,
        operator: 'test',
        now: T0,
      });
      expect(s.graph).toMatchObject({ users: 1, events: 10, sessions: 5 });
    } finally {
      await redis.quit();
    }
    // The shop's files still hold u1: a re-load re-creates the node, its sessions and its events.
    await loadShop(all);
    const [{ n }] = await graph.read<{ n: unknown }>(
      {
        name: 'test.forgotten.back',
        cypher: 'MATCH (u:User {id: $id})-[e]->(:Product) RETURN count(e) AS n',
      },
      { id: id('u1') },
    );
    expect(Number(n)).toBe(10);

    const after = await readShopFromNeo4j(graph, { namespace: ns, split: split(), logger });
    expect(after.userIds).not.toContain(id('u1'));
    expect(after.userIds).toEqual(before.userIds.filter((u) => u !== id('u1')));
    expect(after.events.n).toBe(30);
  });
});
