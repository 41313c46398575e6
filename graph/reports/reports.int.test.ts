// Every report in cypher/ on a small generated shop loaded by the real loader into a private Neo4j. The
// expected values are computed here, independently, from the generated CSV files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createLogger } from '../../core';
import { loadSource } from '../../etl';
import { runCli, scratchEnv, startScratchNeo4j, ScratchNeo4j } from '../../test/support';
import { findReport, listReports, resolveParams, runReport, ReportResult } from './index';

type Row = Record<string, string>;
const DAY = 86_400_000;

let neo: ScratchNeo4j;
let shop: string;
let dataDir: string;
let events: Row[];
let products: Map<string, Row>;
let topOf: Map<string, string>; // product id -> top-level category name
let users: Map<string, Row>;

const read = (f: string): Row[] => parse(fs.readFileSync(path.join(shop, f)), { columns: true }) as Row[];
const ms = (iso: string) => Date.parse(iso);
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

async function run(name: string, raw: Record<string, string> = {}): Promise<ReportResult> {
  const report = findReport(name);
  return runReport(neo.graph, report, resolveParams(report, raw));
}

beforeAll(async () => {
  shop = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-reports-shop-'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-reports-data-'));
  const gen = runCli([
    'generate',
    '--out',
    shop,
    '--users',
    '2000',
    '--products',
    '500',
    '--interactions',
    '20000',
  ]);
  if (gen.status !== 0) throw new Error(`generate failed: ${gen.stderr}`);
  neo = await startScratchNeo4j();
  await loadSource(
    { source: shop, format: 'synthetic', batchSize: 5000 },
    { graph: neo.graph, logger: createLogger('silent'), dataDir, progressBar: false },
  );
  events = read('events.csv');
  products = new Map(read('products.csv').map((p) => [p.product_id, p]));
  users = new Map(read('users.csv').map((u) => [u.user_id, u]));
  const cats = new Map(read('categories.csv').map((c) => [c.category_id, c]));
  const top = (id: string): string => {
    const c = cats.get(id)!;
    return c.parent_id === '' ? c.name : top(c.parent_id);
  };
  topOf = new Map([...products.values()].map((p) => [p.product_id, top(p.category_id)]));
}, 600_000);

afterAll(async () => {
  await neo?.stop();
  for (const d of [shop, dataDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('the report catalogue', () => {
  it('has every report the issue asks for, each with a title, a description and defaults', () => {
    const names = listReports().map((r) => r.name);
    expect(names).toEqual([
      'ab-results',
      'basket-pairs',
      'co-purchase-communities',
      'co-purchase-community',
      'cold-start',
      'coverage-by-category',
      'funnel-by-category',
      'funnel-by-segment',
      'rfm-segments',
      'seasonality',
      'session-next',
      'similar-products',
    ]);
    for (const r of listReports()) {
      expect(r.title.length).toBeGreaterThan(5);
      expect(r.description.length).toBeGreaterThan(20);
    }
  });
});

describe('reports on the loaded shop', () => {
  it('seasonality: the top products of each top category and month, by purchase events', async () => {
    const counts = new Map<string, { n: number; units: number }>();
    for (const e of events) {
      if (e.event_type !== 'purchase') continue;
      const k = `${topOf.get(e.product_id)}|${e.ts.slice(0, 7)}|${e.product_id}`;
      const c = counts.get(k) ?? { n: 0, units: 0 };
      c.n += 1;
      c.units += Number(e.quantity);
      counts.set(k, c);
    }
    const groups = new Map<string, { id: string; n: number; units: number }[]>();
    for (const [k, c] of counts) {
      const [cat, month, id] = k.split('|');
      const g = groups.get(`${cat}|${month}`) ?? [];
      g.push({ id, ...c });
      groups.set(`${cat}|${month}`, g);
    }
    const expected: string[] = [];
    for (const [k, g] of groups) {
      g.sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : 1));
      g.slice(0, 3).forEach((p, i) => expected.push(`${k}|${i + 1}|${p.id}|${p.n}|${p.units}`));
    }
    const res = await run('seasonality');
    const got = res.rows.map(
      (r) => `${r.category}|${r.month}|${r.rank}|${r.productId}|${r.purchases}|${r.units}`,
    );
    expect(got.sort()).toEqual(expected.sort());
    expect(res.columns).toEqual(['category', 'month', 'rank', 'productId', 'product', 'purchases', 'units']);
    const one = await run('seasonality', { category: 'Electronics', top: '1' });
    expect(one.rows.every((r) => r.category === 'Electronics' && r.rank === 1)).toBe(true);
    expect(one.rows.length).toBe([...groups.keys()].filter((k) => k.startsWith('Electronics|')).length);
  });

  it('funnel by category: event counts per step and the rates', async () => {
    const exp = new Map<string, { view: number; cart: number; purchase: number }>();
    for (const e of events) {
      const c = topOf.get(e.product_id)!;
      const f = exp.get(c) ?? { view: 0, cart: 0, purchase: 0 };
      f[e.event_type as 'view' | 'cart' | 'purchase'] += 1;
      exp.set(c, f);
    }
    const res = await run('funnel-by-category');
    expect(res.rows).toHaveLength(exp.size);
    for (const r of res.rows) {
      const f = exp.get(r.category as string)!;
      expect([r.views, r.carts, r.purchases]).toEqual([f.view, f.cart, f.purchase]);
      expect(r.conversion).toBeCloseTo(r4(f.purchase / f.view), 4);
    }
    // A window: only March 2026.
    const march = events.filter((e) => e.ts >= '2026-03-01' && e.ts < '2026-04-01');
    const win = await run('funnel-by-category', { from: '2026-03-01', to: '2026-04-01' });
    expect(
      win.rows.reduce((s, r) => s + (r.views as number) + (r.carts as number) + (r.purchases as number), 0),
    ).toBe(march.length);
  });

  it('funnel by segment: loyalty tier and age band', async () => {
    const byTier = new Map<string, { users: Set<string>; purchase: number; view: number }>();
    const byAge = new Map<string, number>();
    const band = (birth: number) => {
      const age = 2026 - birth;
      return age < 25
        ? '18-24'
        : age < 35
          ? '25-34'
          : age < 45
            ? '35-44'
            : age < 55
              ? '45-54'
              : age < 65
                ? '55-64'
                : '65+';
    };
    for (const e of events) {
      const u = users.get(e.user_id)!;
      const t = byTier.get(u.loyalty_tier) ?? { users: new Set(), purchase: 0, view: 0 };
      t.users.add(e.user_id);
      if (e.event_type === 'purchase') t.purchase += 1;
      if (e.event_type === 'view') t.view += 1;
      byTier.set(u.loyalty_tier, t);
      const b = band(Number(u.birth_year));
      byAge.set(b, (byAge.get(b) ?? 0) + 1);
    }
    const tiers = await run('funnel-by-segment');
    expect(tiers.rows.map((r) => [r.segment, r.users, r.views, r.purchases])).toEqual(
      [...byTier.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, t]) => [k, t.users.size, t.view, t.purchase]),
    );
    const ages = await run('funnel-by-segment', { segment: 'ageBand' });
    expect(
      Object.fromEntries(
        ages.rows.map((r) => [
          r.segment,
          (r.views as number) + (r.carts as number) + (r.purchases as number),
        ]),
      ),
    ).toEqual(Object.fromEntries(byAge));
  });

  it('basket pairs: support, confidence and lift over purchase sessions', async () => {
    const baskets = new Map<string, Set<string>>();
    for (const e of events)
      if (e.event_type === 'purchase') {
        const b = baskets.get(e.session_id) ?? new Set<string>();
        b.add(e.product_id);
        baskets.set(e.session_id, b);
      }
    const item = new Map<string, number>();
    const pair = new Map<string, number>();
    for (const b of baskets.values()) {
      const items = [...b];
      for (const a of items) item.set(a, (item.get(a) ?? 0) + 1);
      for (const a of items)
        for (const c of items) if (a < c) pair.set(`${a}|${c}`, (pair.get(`${a}|${c}`) ?? 0) + 1);
    }
    const n = baskets.size;
    const res = await run('basket-pairs', { minBaskets: '1', limit: '100000' });
    expect(res.rows).toHaveLength(pair.size);
    expect(pair.size).toBeGreaterThan(0);
    for (const r of res.rows) {
      const a = r.productA as string;
      const b = r.productB as string;
      const together = pair.get(`${a}|${b}`)!;
      expect(r.baskets).toBe(together);
      expect(r.support).toBeCloseTo(together / n, 6);
      expect(r.confidenceAB).toBeCloseTo(together / item.get(a)!, 4);
      expect(r.confidenceBA).toBeCloseTo(together / item.get(b)!, 4);
      expect(r.lift).toBeCloseTo((together * n) / (item.get(a)! * item.get(b)!), 4);
    }
    const lifts = res.rows.map((r) => r.lift as number);
    expect(lifts).toEqual([...lifts].sort((x, y) => y - x));
    const top = await run('basket-pairs', { minBaskets: '2', limit: '5' });
    expect(top.rows.length).toBe(Math.min(5, [...pair.values()].filter((c) => c >= 2).length));
  });

  it('session paths: the next different product after the most active product', async () => {
    const perProduct = new Map<string, number>();
    for (const e of events) perProduct.set(e.product_id, (perProduct.get(e.product_id) ?? 0) + 1);
    const x = [...perProduct.entries()].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : 1))[0][0];
    const bySession = new Map<string, Map<number, string>>();
    for (const e of events) {
      const s = bySession.get(e.session_id) ?? new Map<number, string>();
      s.set(Number(e.seq), e.product_id);
      bySession.set(e.session_id, s);
    }
    const next = new Map<string, number>();
    for (const s of bySession.values())
      for (const [seq, p] of s)
        if (p === x && s.has(seq + 1) && s.get(seq + 1) !== x)
          next.set(s.get(seq + 1)!, (next.get(s.get(seq + 1)!) ?? 0) + 1);
    const expected = [...next.entries()].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : 1)).slice(0, 10);
    const res = await run('session-next');
    expect(res.rows.map((r) => [r.fromProduct, r.nextProduct, r.transitions])).toEqual(
      expected.map(([p, c]) => [x, p, c]),
    );
    const other = expected[0][0];
    const again = await run('session-next', { product: other, limit: '3' });
    expect(again.rows.every((r) => r.fromProduct === other)).toBe(true);
  });

  it('cold start: new products with their traffic, and the events a recommendation led to', async () => {
    const anchor = Math.max(...events.filter((e) => e.event_type === 'view').map((e) => ms(e.ts)));
    const fresh = [...products.values()].filter(
      (p) => ms(p.launched_at) >= anchor - 60 * DAY && ms(p.launched_at) <= anchor,
    );
    expect(fresh.length).toBeGreaterThan(0);
    // The API writes the recId of the served result onto the events it led to; do that for one new product.
    const marked = fresh.find((p) => events.some((e) => e.product_id === p.product_id))!;
    await neo.graph.write(
      {
        name: 'test.markRec',
        cypher: `MATCH (:User)-[e:VIEWED]->(:Product {id: $id}) SET e.recId = 'rec-test-1'`,
      },
      { id: marked.product_id },
    );
    const res = await run('cold-start', { days: '60', limit: '1000' });
    expect(res.rows.map((r) => r.productId).sort()).toEqual(fresh.map((p) => p.product_id).sort());
    for (const r of res.rows) {
      const mine = events.filter((e) => e.product_id === r.productId);
      expect([r.views, r.carts, r.purchases]).toEqual(
        ['view', 'cart', 'purchase'].map((t) => mine.filter((e) => e.event_type === t).length),
      );
      expect(r.fromRecommendations).toBe(r.productId === marked.product_id ? r.views : 0);
    }
  });

  it('coverage and popularity bias per top category', async () => {
    const res = await run('coverage-by-category');
    const byCat = new Map<string, Row[]>();
    for (const p of products.values())
      byCat.set(topOf.get(p.product_id)!, [...(byCat.get(topOf.get(p.product_id)!) ?? []), p]);
    expect(res.rows).toHaveLength(byCat.size);
    for (const r of res.rows) {
      const ps = byCat.get(r.category as string)!;
      const active = new Set(events.map((e) => e.product_id));
      const buys = ps
        .map((p) => events.filter((e) => e.product_id === p.product_id && e.event_type === 'purchase').length)
        .sort((a, b) => a - b);
      const total = buys.reduce((s, x) => s + x, 0);
      const topN = Math.ceil(ps.length / 10);
      expect(r.products).toBe(ps.length);
      expect(r.interacted).toBe(ps.filter((p) => active.has(p.product_id)).length);
      if (total === 0) {
        expect(r.gini).toBeNull();
        continue;
      }
      expect(r.top10Share).toBeCloseTo(buys.slice(ps.length - topN).reduce((s, x) => s + x, 0) / total, 4);
      const gini =
        (2 * buys.reduce((s, x, i) => s + (i + 1) * x, 0)) / (ps.length * total) -
        (ps.length + 1) / ps.length;
      expect(r.gini).toBeCloseTo(gini, 4);
    }
    // The product marked by the cold-start test is the only one a recommendation led to.
    expect(res.rows.reduce((s, r) => s + (r.recommended as number), 0)).toBe(1);
  });

  it('RFM segments: scores on recency and frequency, equal values sharing a score', async () => {
    const buys = events.filter((e) => e.event_type === 'purchase');
    const anchor = Math.max(...buys.map((e) => ms(e.ts)));
    const per = new Map<string, { last: number; sessions: Set<string>; m: number }>();
    for (const e of buys) {
      const b = per.get(e.user_id) ?? { last: 0, sessions: new Set<string>(), m: 0 };
      b.last = Math.max(b.last, ms(e.ts));
      b.sessions.add(e.session_id);
      b.m += Number(e.price) * Number(e.quantity);
      per.set(e.user_id, b);
    }
    const ids = [...per.keys()];
    const n = ids.length;
    const days = (u: string) => Math.floor((anchor - per.get(u)!.last) / DAY);
    const freq = (u: string) => per.get(u)!.sessions.size;
    // Score = 1 + floor(5 * (buyers with a strictly worse value) / buyers): more days, fewer sessions are worse.
    const score = (worse: (v: string, u: string) => boolean) =>
      new Map(ids.map((u) => [u, 1 + Math.floor((5 * ids.filter((v) => worse(v, u)).length) / n)]));
    const rs = score((v, u) => days(v) > days(u));
    const fs_ = score((v, u) => freq(v) < freq(u));
    const seg = new Map<string, { users: number; revenue: number }>();
    for (const u of ids) {
      const r = rs.get(u)!;
      const f = fs_.get(u)!;
      const s =
        r >= 4 && f >= 4
          ? 'champions'
          : f >= 4
            ? 'loyal'
            : r >= 4 && f <= 2
              ? 'new'
              : r <= 2 && f >= 3
                ? 'at_risk'
                : r <= 2
                  ? 'hibernating'
                  : 'regular';
      const g = seg.get(s) ?? { users: 0, revenue: 0 };
      g.users += 1;
      g.revenue += per.get(u)!.m;
      seg.set(s, g);
    }
    const res = await run('rfm-segments');
    expect(Object.fromEntries(res.rows.map((r) => [r.segment, r.users]))).toEqual(
      Object.fromEntries([...seg].map(([k, g]) => [k, g.users])),
    );
    for (const r of res.rows) expect(r.revenue).toBeCloseTo(seg.get(r.segment as string)!.revenue, 1);
  });

  it('similar products: the nearest neighbours in the product_embedding vector index', async () => {
    // What `graphrec models publish` leaves behind: an embedding per product and a cosine vector index.
    const vec = (id: string) => {
      // A fixed pseudo-random vector per product (an LCG seeded by the id number).
      let x = Number(id.slice(1)) * 2654435761 + 12345;
      return Array.from({ length: 8 }, () => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x / 1073741824 - 1;
      });
    };
    const rows = [...products.keys()].map((id) => ({ id, v: vec(id) }));
    await neo.graph.write(
      { name: 'test.embed', cypher: 'UNWIND $rows AS r MATCH (p:Product {id: r.id}) SET p.embedding = r.v' },
      { rows },
    );
    await neo.graph.write({
      name: 'test.vectorIndex',
      cypher: `CREATE VECTOR INDEX product_embedding IF NOT EXISTS FOR (p:Product) ON p.embedding
               OPTIONS {indexConfig: {\`vector.dimensions\`: 8, \`vector.similarity_function\`: 'cosine'}}`,
    });
    await neo.graph.write({ name: 'test.await', cypher: 'CALL db.awaitIndexes(120)' });
    const cos = (a: number[], b: number[]) => {
      let d = 0, na = 0, nb = 0; // prettier-ignore
      for (let i = 0; i < a.length; i++) {
        d += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      return d / Math.sqrt(na * nb);
    };
    const target = 'p42';
    const expected = rows
      .filter((r) => r.id !== target)
      .map((r) => ({ id: r.id, s: (1 + cos(vec(target), r.v)) / 2 }))
      .sort((a, b) => b.s - a.s)
      .slice(0, 5);
    const res = await run('similar-products', { product: target, k: '5' });
    // The vector index is approximate (HNSW) and Neo4j 5.26 quantizes indexed vectors by default (the index is
    // created as `models publish` creates it), so scores are close to the exact cosine, not equal (off by up to
    // 0.0065 here): each neighbour's score must be its true score within 0.02, and every neighbour must be as good
    // as the true 5th best, within the same margin.
    const truth = new Map(rows.map((r) => [r.id, (1 + cos(vec(target), r.v)) / 2]));
    expect(res.rows).toHaveLength(5);
    for (const r of res.rows) {
      const t = truth.get(r.similarId as string)!;
      expect(Math.abs((r.score as number) - t)).toBeLessThan(0.02);
      expect(t).toBeGreaterThan(expected[4].s - 0.02);
    }
    expect(new Set(res.rows.map((r) => r.similarId)).size).toBe(5);
    const dflt = await run('similar-products');
    expect(dflt.rows[0].productId).toBe('p0');
    expect(dflt.rows).toHaveLength(10);
  });

  it('A/B results per variant: the attributed events, by the experiment and variant written on them', async () => {
    // What the event consumer writes for events that quoted a recId served under an experiment (events/write.ts),
    // on every 4th event of users u0..u1199: exp1 splits u0..u999 by parity, exp0 holds u1000..u1199. recId is
    // left alone so the recommendation counts of the other reports do not depend on the order of the tests.
    const tagOf = (userId: string, eventId: string) => {
      const k = Number(userId.slice(1));
      if (k >= 1200 || Number(eventId.slice(1)) % 4 !== 0) return undefined;
      if (k >= 1000) return { experiment: 'exp0', variant: 'control' };
      return { experiment: 'exp1', variant: k % 2 === 0 ? 'control' : 'lightgcn' };
    };
    await neo.graph.write({
      name: 'test.tagAttributed',
      cypher: `MATCH (u:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product)
               WITH r, toInteger(substring(u.id, 1)) AS k
               WHERE k < 1200 AND toInteger(substring(r.eventId, 1)) % 4 = 0
               SET r.experiment = CASE WHEN k >= 1000 THEN 'exp0' ELSE 'exp1' END,
                   r.variant = CASE WHEN k < 1000 AND k % 2 = 1 THEN 'lightgcn' ELSE 'control' END`,
    });
    type Group = {
      users: Set<string>;
      buyers: Set<string>;
      counts: { view: number; cart: number; purchase: number };
      revenue: number;
      first: number;
      last: number;
    };
    const groups = new Map<string, Group>();
    for (const e of events) {
      const tag = tagOf(e.user_id, e.event_id);
      if (!tag) continue;
      const key = `${tag.experiment}|${tag.variant}`;
      const g = groups.get(key) ?? {
        users: new Set<string>(),
        buyers: new Set<string>(),
        counts: { view: 0, cart: 0, purchase: 0 },
        revenue: 0,
        first: Infinity,
        last: -Infinity,
      };
      groups.set(key, g);
      g.users.add(e.user_id);
      g.counts[e.event_type as 'view' | 'cart' | 'purchase'] += 1;
      if (e.event_type === 'purchase') {
        g.buyers.add(e.user_id);
        g.revenue += Number(e.price) * Number(e.quantity);
      }
      g.first = Math.min(g.first, ms(e.ts));
      g.last = Math.max(g.last, ms(e.ts));
    }
    const expected = [...groups.keys()].sort().map((key) => {
      const g = groups.get(key)!;
      const [experiment, variant] = key.split('|');
      return {
        experiment,
        variant,
        users: g.users.size,
        clicks: g.counts.view,
        carts: g.counts.cart,
        purchases: g.counts.purchase,
        buyers: g.buyers.size,
        revenue: g.revenue,
        conversion: g.buyers.size / g.users.size,
        revenuePerUser: g.revenue / g.users.size,
        firstEvent: g.first,
        lastEvent: g.last,
      };
    });
    expect(expected.map((x) => `${x.experiment}|${x.variant}`)).toEqual([
      'exp0|control',
      'exp1|control',
      'exp1|lightgcn',
    ]);
    expect(expected.every((x) => x.buyers > 0 && x.users > x.buyers)).toBe(true); // the fixture exercises both

    const check = (res: ReportResult, want: typeof expected) => {
      expect(res.columns).toEqual([
        'experiment',
        'variant',
        'users',
        'clicks',
        'carts',
        'purchases',
        'buyers',
        'revenue',
        'conversion',
        'revenuePerUser',
        'firstEvent',
        'lastEvent',
      ]);
      const exact = ['experiment', 'variant', 'users', 'clicks', 'carts', 'purchases', 'buyers'] as const;
      expect(res.rows.map((r) => exact.map((c) => r[c]))).toEqual(want.map((x) => exact.map((c) => x[c])));
      res.rows.forEach((r, i) => {
        const x = want[i];
        // Rounded in the report (revenue to cents, conversion to 4 places): within half a step of the exact value.
        expect(Math.abs((r.revenue as number) - x.revenue)).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs((r.revenuePerUser as number) - x.revenuePerUser)).toBeLessThanOrEqual(0.005 + 1e-9);
        expect(Math.abs((r.conversion as number) - x.conversion)).toBeLessThanOrEqual(0.00005 + 1e-12);
        expect([Date.parse(r.firstEvent as string), Date.parse(r.lastEvent as string)]).toEqual([
          x.firstEvent,
          x.lastEvent,
        ]);
      });
    };
    check(await run('ab-results'), expected);
    check(
      await run('ab-results', { experiment: 'exp1' }),
      expected.filter((x) => x.experiment === 'exp1'),
    );
    expect((await run('ab-results', { experiment: 'none' })).rows).toEqual([]);
  });
});

describe('graphrec report (CLI)', () => {
  it('lists the reports, runs one as CSV and JSON, and refuses bad input with the rule', () => {
    const env = scratchEnv(neo);
    const list = runCli(['report', '--list', '--json'], env);
    expect(list.status).toBe(0);
    expect((list.json() as { reports: { name: string }[] }).reports.map((r) => r.name)).toContain(
      'seasonality',
    );
    const csv = runCli(['report', 'funnel-by-category', '--format', 'csv'], env);
    expect(csv.status).toBe(0);
    const parsed = parse(csv.stdout, { columns: true }) as Row[];
    expect(parsed.reduce((s, r) => s + Number(r.views), 0)).toBe(
      events.filter((e) => e.event_type === 'view').length,
    );
    const json = runCli(['report', 'session-next', '--param', 'limit=2', '--json'], env);
    expect(json.status).toBe(0);
    expect((json.json() as ReportResult).rows).toHaveLength(2);
    const bad = runCli(['report', 'seasonality', '--param', 'top=three'], env);
    expect(bad.status).toBe(65);
    expect(bad.stderr).toContain('--param top of report seasonality must be an integer, but got: "three"');
    const unknown = runCli(['report', 'seasonality', '--param', 'month=3'], env);
    expect(unknown.status).toBe(65);
    expect(unknown.stderr).toContain(
      'report seasonality has no parameter month; its parameters are: category, top',
    );
    const enumBad = runCli(['report', 'funnel-by-segment', '--param', 'segment=income'], env);
    expect(enumBad.stderr).toContain(
      'must be one of loyaltyTier, region, gender, ageBand, but got: "income"',
    );
    const missing = runCli(['report', 'nope'], env);
    expect(missing.status).toBe(66);
    expect(missing.stderr).toContain('no report named "nope"');
  });
});
