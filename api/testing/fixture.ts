// A small, namespaced shop for the API's integration tests: every node id starts with the namespace and every
// node carries the namespace label, so a test deletes exactly what it created (test/support deleteLabel).
// Layout: category ns_c0 (level 1) with leaves ns_c1 and ns_c2; products ns_p0..ns_p19 (p0-9 in c1, p10-19
// in c2; p5 out of stock; p7 consumable); users ns_u0..ns_u9; a few purchases and views. The model covers
// users u0-u4 and products p0-p14 (p15-p19 were "added after training").
import fs from 'node:fs';
import path from 'node:path';
import type { GraphClient } from '../../graph';
import { newVersion, writeModelDir } from '../../model';

export interface Fixture {
  ns: string;
  id: (local: string) => string;
  version: string;
}

export const BASE_TS = Date.parse('2026-10-20T12:00:00.000Z');

export async function loadFixture(graph: GraphClient, ns: string): Promise<Fixture> {
  const id = (local: string) => `${ns}_${local}`;
  const products = Array.from({ length: 20 }, (_, i) => ({
    id: id(`p${i}`),
    name: `Fixture ${i < 10 ? 'Lamp' : 'Mug'} ${i}`,
    price: 10 + i,
    inStock: i !== 5,
    consumable: i === 7,
    category: id(i < 10 ? 'c1' : 'c2'),
    brand: id(`b${i % 2}`),
  }));
  const users = Array.from({ length: 10 }, (_, i) => ({
    id: id(`u${i}`),
    region: id('r0'),
    ageBand: id('a0'),
  }));
  const events: Array<{
    type: string;
    user: string;
    product: string;
    ts: number;
    session: string;
    eventId: string;
  }> = [];
  const add = (type: string, u: number, p: number, k: number) =>
    events.push({
      type,
      user: id(`u${u}`),
      product: id(`p${p}`),
      ts: BASE_TS - k * 3_600_000,
      session: id(`s${u}`),
      eventId: id(`e${events.length}`),
    });
  // u0..u3 buy lamps p0 with p1/p2 (co-purchase), u4 buys mugs; views in sessions.
  add('PURCHASED', 0, 0, 10);
  add('PURCHASED', 0, 1, 9);
  add('PURCHASED', 1, 0, 8);
  add('PURCHASED', 1, 2, 7);
  add('PURCHASED', 2, 0, 6);
  add('PURCHASED', 2, 1, 5);
  add('PURCHASED', 4, 10, 4);
  add('PURCHASED', 4, 11, 3);
  add('VIEWED', 3, 0, 2);
  add('VIEWED', 3, 3, 1);
  add('VIEWED', 3, 4, 1);
  add('VIEWED', 4, 12, 1);
  // Labels cannot be parameters: the namespace is checked to be a plain identifier (uniqueNamespace).
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(ns)) throw new Error(`bad namespace ${ns}`);
  const L = `\`${ns}\``;
  await graph.writeTx('test.fixture', async (tx) => {
    await tx.run(
      `CREATE (c0:Category:${L} {id: $c0, name: 'Fixture Home', level: 1, season: 'none'})
       CREATE (c1:Category:${L} {id: $c1, name: 'Fixture Lamps', level: 3, season: 'none'})-[:CHILD_OF]->(c0)
       CREATE (c2:Category:${L} {id: $c2, name: 'Fixture Mugs', level: 3, season: 'none'})-[:CHILD_OF]->(c0)
       CREATE (:Brand:${L} {id: $b0, name: 'Fixture Brand A', tier: 'mid'})
       CREATE (:Brand:${L} {id: $b1, name: 'Fixture Brand B', tier: 'budget'})
       CREATE (:AgeBand:${L} {id: $a0, name: '25-34'})
       CREATE (:Region:${L} {id: $r0, name: 'Fixture Region'})`,
      { c0: id('c0'), c1: id('c1'), c2: id('c2'), b0: id('b0'), b1: id('b1'), a0: id('a0'), r0: id('r0') },
    );
    await tx.run(
      `UNWIND $products AS p
       MATCH (c:Category {id: p.category}), (b:Brand {id: p.brand})
       CREATE (n:Product:${L} {id: p.id, name: p.name, price: p.price, currency: 'EUR', description: 'fixture',
                          launchedAt: $base - 86400000 * 100, inStock: p.inStock, consumable: p.consumable})
       CREATE (n)-[:IN_CATEGORY]->(c), (n)-[:MADE_BY]->(b)`,
      { products, base: BASE_TS },
    );
    await tx.run(
      `UNWIND $users AS u
       MATCH (a:AgeBand {id: u.ageBand}), (r:Region {id: u.region})
       CREATE (n:User:${L} {id: u.id, region: u.region, loyaltyTier: 'silver'})
       CREATE (n)-[:IN_AGE_BAND]->(a), (n)-[:IN_REGION]->(r)`,
      { users },
    );
    for (const type of ['PURCHASED', 'VIEWED'] as const) {
      await tx.run(
        `UNWIND $events AS e
         MATCH (u:User {id: e.user}), (p:Product {id: e.product})
         CREATE (u)-[:${type} {eventId: e.eventId, ts: e.ts, sessionId: e.session, seq: 0, quantity: 1, price: p.price}]->(p)`,
        { events: events.filter((e) => e.type === type) },
      );
    }
  });
  return { ns, id, version: '' };
}

/**
 * Publish a small model into `dataDir` the way `graphrec models publish` does: a version directory plus an
 * atomically replaced active.json. Lamps point along dimension 0, mugs along dimension 1.
 */
export function publishFixtureModel(dataDir: string, fx: Fixture, seed = 1): string {
  const dims = 8;
  const items = Array.from({ length: 15 }, (_, i) => fx.id(`p${i}`));
  const users = Array.from({ length: 5 }, (_, i) => fx.id(`u${i}`));
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2;
  const itemTable = new Float32Array(items.length * dims);
  items.forEach((_, r) => {
    for (let d = 0; d < dims; d++) itemTable[r * dims + d] = rnd();
    itemTable[r * dims + (r < 10 ? 0 : 1)] += 1;
  });
  const userTable = new Float32Array(users.length * dims);
  users.forEach((_, r) => {
    for (let d = 0; d < dims; d++) userTable[r * dims + d] = rnd();
    userTable[r * dims + (r === 4 ? 1 : 0)] += 1;
  });
  const version = newVersion('lightgcn', new Date(Date.UTC(2026, 10, 1, 0, 0, seed)));
  writeModelDir(dataDir, version, {
    embeddings: { dims, nUsers: users.length, nItems: items.length, users: userTable, items: itemTable },
    ids: { users, items },
    config: { model: 'lightgcn', fixture: true },
    metrics: {},
    report: '# fixture\n',
  });
  setActive(dataDir, version);
  return version;
}

export function setActive(dataDir: string, version: string): void {
  const file = path.join(dataDir, 'models', 'active.json');
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ version, publishedAt: new Date().toISOString(), history: [] }));
  fs.renameSync(tmp, file);
}
