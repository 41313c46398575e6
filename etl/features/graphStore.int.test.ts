import type { GraphClient } from '../../graph';
import { deleteLabel, testGraph, uniqueNamespace } from '../../test/support';
import type { InteractionColumns } from '../split';
import { computeFeatures } from './compute';
import { writeFeaturesToGraph } from './graphStore';

const t = (s: string) => Date.parse(s);

describe('writeFeaturesToGraph', () => {
  let graph: GraphClient;
  const ns = uniqueNamespace('Feat');
  const id = (s: string) => `${ns}_${s}`;
  beforeAll(async () => {
    graph = testGraph();
    await graph.write(
      {
        name: 'test.features.fixture',
        cypher: `UNWIND $users AS u CREATE (n:User {id: u}) SET n:${ns}
                 WITH count(*) AS _ UNWIND $products AS p CREATE (n:Product {id: p}) SET n:${ns}`,
      },
      { users: [id('u0'), id('u1')], products: [id('p0'), id('p1')] },
    );
  });
  afterAll(async () => {
    await deleteLabel(graph, ns);
    await graph.close();
  });

  it('sets f_* properties and the cutoff on users and products, and a re-run changes nothing', async () => {
    const cols: InteractionColumns = {
      n: 3,
      ts: Float64Array.from([
        t('2026-01-01T10:00:00Z'),
        t('2026-01-01T10:01:00Z'),
        t('2026-01-20T09:00:00Z'),
      ]),
      user: Int32Array.from([0, 0, 1]),
      product: Int32Array.from([0, 0, 1]),
      eventType: Uint8Array.from([0, 2, 0]),
      userIds: [id('u0'), id('u1'), id('u-missing')],
      productIds: [id('p0'), id('p1')],
      productLaunch: Float64Array.from([t('2025-06-01T00:00:00Z'), NaN]),
      productPrice: Float32Array.from([10, 30]),
      productCategory: Int32Array.from([0, 1]),
      categoryIds: ['c0', 'c1'],
    };
    const cutoff = t('2026-01-21T00:00:00Z');
    const f = computeFeatures(cols, cutoff);
    const first = await writeFeaturesToGraph(graph, f, cols, { batchSize: 1 });
    expect(first).toMatchObject({ users: 3, products: 2 });
    await writeFeaturesToGraph(graph, f, cols);
    const rows = await graph.read<{ id: string; props: Record<string, unknown> }>(
      {
        name: 'test.features.read',
        cypher: `MATCH (n:${ns}) RETURN n.id AS id, properties(n) AS props ORDER BY id`,
      },
      {},
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r.props]));
    expect(byId[id('u0')]).toMatchObject({
      f_views_30d: 1,
      f_purchases_30d: 1,
      f_top_category: 'c0',
      f_top_category_share: 1,
      featuresAsOf: cutoff,
    });
    expect(byId[id('u1')]).toMatchObject({ f_views_7d: 1 });
    expect(byId[id('u1')].f_price_level).toBeUndefined(); // no cart or purchase -> null -> no property
    expect(byId[id('p0')]).toMatchObject({ f_purchases_365d: 1, f_peak_month: 1, f_age_days: 234 });
    expect(byId[id('p1')].f_age_days).toBeUndefined(); // unknown launch -> null -> property absent
    expect(rows).toHaveLength(4); // the user missing from the graph was skipped, not created
  });
});
