// The co-purchase analysis end to end on a private Neo4j: a tiny shop with two groups of products, each bought
// together by its own shoppers and joined by one shopper, analysed and written back; a re-run leaves the same
// graph, and the merchandisers' reports read the written properties.
import { createLogger, GraphrecError } from '../core';
import { findReport, resolveParams, runReport } from '../graph';
import { runCli, scratchEnv, startScratchNeo4j, type ScratchNeo4j } from '../test/support';
import { communitiesOptions, runCoPurchaseCommunities } from './index';

const KITCHEN = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
const GARDEN = ['g1', 'g2', 'g3', 'g4'];
// Each kitchen shopper buys all of the kitchen, each garden shopper all of the garden (pairs of 3 shoppers);
// k0 is also bought with every kitchen product by two more shoppers (the hub); one shopper buys k5 and g1 (a
// pair of 1 shopper, under --min-weight 2).
const PURCHASES: [string, string[]][] = [
  ['u1', KITCHEN],
  ['u2', KITCHEN],
  ['u3', KITCHEN],
  ['u4', ['k0', 'k1', 'k2']],
  ['u5', ['k0', 'k3', 'k4', 'k5']],
  ['u6', GARDEN],
  ['u7', GARDEN],
  ['u8', GARDEN],
  ['u9', ['k5', 'g1']],
];
const FIXED_NOW = Date.UTC(2026, 10, 1);

const SEED_SHOP = {
  name: 'test.seedCoPurchaseShop',
  cypher: `
MERGE (kc:Category {id: 'c-kitchen'}) SET kc.name = 'Kitchen', kc.level = 3
MERGE (gc:Category {id: 'c-garden'}) SET gc.name = 'Garden', gc.level = 3
WITH kc, gc
UNWIND $products AS pid
MERGE (p:Product {id: pid}) SET p.name = 'Product ' + pid, p.price = 10.0
WITH p, CASE WHEN pid STARTS WITH 'k' THEN kc ELSE gc END AS c
MERGE (p)-[:IN_CATEGORY]->(c)
WITH count(*) AS done
UNWIND $purchases AS row
MERGE (u:User {id: row.user})
WITH u, row
UNWIND range(0, size(row.products) - 1) AS i
MATCH (p:Product {id: row.products[i]})
CREATE (u)-[:PURCHASED {eventId: row.user + '-' + toString(i), ts: $ts, quantity: 1, price: 10.0}]->(p)`,
};

const STATE = {
  name: 'test.coPurchaseState',
  cypher: `
MATCH (p:Product) WITH p ORDER BY p.id
WITH collect([p.id, p.coPurchaseCommunity, p.coPurchaseRank]) AS products
OPTIONAL MATCH (r:CoPurchaseAnalysis)
RETURN products, collect(properties(r)) AS runs`,
};

type State = { products: [string, number | null, number | null][]; runs: Record<string, unknown>[] };

let neo: ScratchNeo4j;
const logger = createLogger('silent');
const deps = () => ({ graph: neo.graph, logger, now: () => FIXED_NOW });
const state = async () => (await neo.graph.read<State>(STATE))[0];

beforeAll(async () => {
  neo = await startScratchNeo4j();
  await neo.graph.write(SEED_SHOP, {
    products: [...KITCHEN, ...GARDEN, 'lonely'],
    purchases: PURCHASES.map(([user, products]) => ({ user, products })),
    ts: Date.UTC(2026, 9, 1),
  });
  // As if an earlier run with other parameters had put 'lonely' in a community.
  await neo.graph.write({
    name: 'test.staleCommunity',
    cypher: `MATCH (p:Product {id: 'lonely'}) SET p.coPurchaseCommunity = 7, p.coPurchaseRank = 0.5`,
  });
}, 300_000);

afterAll(async () => {
  await neo?.stop();
});

describe('graphrec analytics communities against Neo4j', () => {
  it('writes each product its community and rank, clears an earlier run, and records the run', async () => {
    const summary = await runCoPurchaseCommunities(deps(), communitiesOptions({ write: true }));
    expect(summary).toMatchObject({ products: 10, edges: 15 + 6, communities: 2 });
    expect(summary.written).toEqual({ products: 10, cleared: 1, ranAt: FIXED_NOW });
    expect(summary.largest.map((c) => [c.products, c.topProducts[0].id, c.categories[0].category])).toEqual([
      [6, 'k0', 'Kitchen'],
      [4, 'g1', 'Garden'],
    ]);

    const { products, runs } = await state();
    const of = new Map(products.map(([id, c, r]) => [id, { c, r }]));
    for (const id of KITCHEN) expect(of.get(id)!.c).toBe(0);
    for (const id of GARDEN) expect(of.get(id)!.c).toBe(1);
    expect(of.get('lonely')).toEqual({ c: null, r: null });
    const kitchenRanks = KITCHEN.map((id) => of.get(id)!.r!);
    expect(Math.max(...kitchenRanks)).toBe(of.get('k0')!.r);
    expect(runs).toEqual([
      expect.objectContaining({
        id: 'communities',
        ranAt: FIXED_NOW,
        products: 10,
        edges: 21,
        communities: 2,
        minWeight: 2,
        maxItemsPerShopper: 200,
        seed: 42,
        resolution: 1,
      }),
    ]);
    expect(runs[0].since).toBeUndefined();
  });

  it('leaves the same graph when run again', async () => {
    const before = await state();
    const again = await runCoPurchaseCommunities(deps(), communitiesOptions({ write: true }));
    expect(again.written).toEqual({ products: 10, cleared: 0, ranAt: FIXED_NOW });
    expect(await state()).toEqual(before);
  });

  it('reads the written properties in the merchandisers reports', async () => {
    const run = (name: string, raw: Record<string, string> = {}) => {
      const report = findReport(name);
      return runReport(neo.graph, report, resolveParams(report, raw));
    };
    const members = await run('co-purchase-community', { productId: 'g3' });
    expect(members.rows.map((r) => r.memberId).sort()).toEqual([...GARDEN].sort());
    expect(members.rows.map((r) => r.position)).toEqual([1, 2, 3, 4]);
    expect(members.rows.every((r) => r.community === 1 && r.category === 'Garden')).toBe(true);

    const byRevenue = await run('co-purchase-communities');
    expect(byRevenue.rows).toEqual([
      {
        community: 0,
        products: 6,
        revenue: 10 * (6 * 3 + 3 + 4 + 1),
        purchases: 26,
        topProductId: 'k0',
        topProduct: 'Product k0',
        dominantCategories: ['Kitchen (6)'],
      },
      {
        community: 1,
        products: 4,
        revenue: 10 * (4 * 3 + 1),
        purchases: 13,
        topProductId: expect.stringMatching(/^g/),
        topProduct: expect.stringMatching(/^Product g/),
        dominantCategories: ['Garden (4)'],
      },
    ]);
  });

  it('refuses a graph above --max-edges before building it, naming the flags', async () => {
    const err = await runCoPurchaseCommunities(deps(), communitiesOptions({ maxEdges: '5' })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphrecError);
    expect((err as GraphrecError).kind).toBe('VALIDATION');
    expect((err as GraphrecError).message).toBe(
      'the co-purchase graph has more than --max-edges 5 edges with --min-weight 2; raise --min-weight (or ' +
        '--max-edges, if this machine has the memory)',
    );
  });

  it('prints one JSON summary from the CLI, and refuses a bad flag with its rule', () => {
    const ok = runCli(['analytics', 'communities', '--min-weight', '1', '--json'], scratchEnv(neo));
    expect(ok.status).toBe(0);
    // With --min-weight 1 the one shopper's k5-g1 pair joins the graph: 22 edges, still two groups.
    expect(ok.json()).toMatchObject({ products: 10, edges: 22, communities: 2, written: null });
    const bad = runCli(['analytics', 'communities', '--min-weight', '0'], scratchEnv(neo));
    expect(bad.status).toBe(65);
    expect(bad.stderr).toContain('--min-weight: --min-weight must be an integer >= 1, but got: "0"');
  });
});
