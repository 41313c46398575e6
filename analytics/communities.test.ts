import { analyseCoPurchase, buildCoPurchaseGraph } from './communities';
import { EdgeCollector, type CoPurchaseEdges } from './edges';
import { communitiesOptions, DEFAULT_COMMUNITIES_OPTIONS } from './options';
import { largestCommunities } from './summary';

// Two dense groups joined by one weak edge. Group A (6 products) has a hub, a0, bought with each of the others
// by 10 shoppers; group B (5 products) is a clique of 5-shopper pairs. a5-b1 is the one weak link.
function plantedRows(): [string, string, number][] {
  const rows: [string, string, number][] = [];
  const a = ['a1', 'a2', 'a3', 'a4', 'a5'];
  for (const x of a) rows.push(['a0', x, 10]);
  for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) rows.push([a[i], a[j], 2]);
  const b = ['b1', 'b2', 'b3', 'b4', 'b5'];
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) rows.push([b[i], b[j], 5]);
  rows.push(['b1', 'a5', 1]);
  return rows;
}

function collect(rows: [string, string, number][]): CoPurchaseEdges {
  const c = new EdgeCollector();
  for (const [a, b, w] of rows) c.add(a, b, w);
  return c.finish();
}

const OPTS = { seed: 42, resolution: 1 };

describe('co-purchase communities on a planted graph', () => {
  it('finds the two groups, the larger as community 0, and ranks the hub highest', () => {
    const res = analyseCoPurchase(collect(plantedRows()), OPTS);
    const of = (id: string) => res.community[res.ids.indexOf(id)];
    expect(res.sizes).toEqual([6, 5]);
    for (const id of ['a0', 'a1', 'a2', 'a3', 'a4', 'a5']) expect(of(id)).toBe(0);
    for (const id of ['b1', 'b2', 'b3', 'b4', 'b5']) expect(of(id)).toBe(1);
    expect(res.modularity).toBeGreaterThan(0.3);
    const best = res.ids[res.rank.indexOf(Math.max(...res.rank))];
    expect(best).toBe('a0');
    expect(res.rank.reduce((s, r) => s + r, 0)).toBeCloseTo(1, 6);
    expect(largestCommunities(res, 5).map((m) => res.ids[m[0]])).toEqual(['a0', 'b1']);
  });

  it('gives the same communities and ranks whatever order the rows arrive in', () => {
    const rows = plantedRows();
    const base = analyseCoPurchase(collect(rows), OPTS);
    const shuffled = [...rows].reverse().map(([a, b, w]): [string, string, number] => [b, a, w]);
    const again = analyseCoPurchase(collect(shuffled), OPTS);
    expect(again.ids).toEqual(base.ids);
    expect([...again.community]).toEqual([...base.community]);
    expect([...again.rank]).toEqual([...base.rank]);
  });

  it('builds a weighted undirected graph with one edge per pair, src < dst in id order', () => {
    const edges = collect([
      ['p3', 'p1', 4],
      ['p2', 'p1', 2],
    ]);
    expect(edges.ids).toEqual(['p1', 'p2', 'p3']);
    expect([...edges.src]).toEqual([0, 0]);
    expect([...edges.dst]).toEqual([1, 2]);
    expect([...edges.weight]).toEqual([2, 4]);
    const g = buildCoPurchaseGraph(edges);
    expect(g.type).toBe('undirected');
    expect(g.order).toBe(3);
    expect(g.size).toBe(2);
    expect(g.getEdgeAttribute(g.edge('p1', 'p3')!, 'weight')).toBe(4);
  });

  it('returns no communities for an empty graph', () => {
    const res = analyseCoPurchase(collect([]), OPTS);
    expect(res.sizes).toEqual([]);
    expect(res.modularity).toBe(0);
  });
});

describe('communities options', () => {
  it('has defaults and reads the flags', () => {
    expect(communitiesOptions({})).toEqual(DEFAULT_COMMUNITIES_OPTIONS);
    const o = communitiesOptions({ minWeight: '3', since: '2026-10-01', resolution: '1.5', write: true });
    expect(o).toMatchObject({ minWeight: 3, since: Date.UTC(2026, 9, 1), resolution: 1.5, write: true });
  });

  it('refuses bad flags, stating the rule and the value', () => {
    expect(() => communitiesOptions({ minWeight: '0' })).toThrow(
      '--min-weight must be an integer >= 1, but got: "0"',
    );
    expect(() => communitiesOptions({ minWeight: '2.5' })).toThrow(
      '--min-weight must be an integer >= 1, but got: "2.5"',
    );
    expect(() => communitiesOptions({ maxEdges: 'lots' })).toThrow(
      '--max-edges must be an integer >= 1, but got: "lots"',
    );
    expect(() => communitiesOptions({ since: 'yesterday' })).toThrow(
      '--since must be a date like 2026-10-01 (UTC), but got: "yesterday"',
    );
    expect(() => communitiesOptions({ resolution: '-1' })).toThrow(
      '--resolution must be a number > 0, but got: "-1"',
    );
  });
});
