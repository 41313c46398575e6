// End to end on a small shop: the files are well-formed and consistent with each other, the same seed gives
// the same bytes, and the planted structure is there (funnel, seasons, cold users and products, demographics
// and metadata that predict behaviour).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { FILE_NAMES, generateShop, GenerateSummary, Manifest } from './index';

type Row = Record<string, string>;
const logger = pino({ level: 'silent' });
const DAY = 86_400_000;

function read(dir: string, file: string): { header: string[]; rows: Row[] } {
  const text = readFileSync(path.join(dir, file), 'utf8');
  const header = text.slice(0, text.indexOf('\n')).split(',');
  return { header, rows: parse(text, { columns: true }) as Row[] };
}

describe('generateShop on a small shop', () => {
  let root: string;
  let dir: string;
  let summary: GenerateSummary;
  let manifest: Manifest;
  let categories: Row[];
  let products: Row[];
  let users: Row[];
  let sessions: Row[];
  let events: Row[];
  let brands: Row[];
  const params = {
    users: 4000,
    products: 1500,
    interactions: 60_000,
    months: 12,
    seed: 7,
    end: '2026-10-31',
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'graphrec-generate-'));
    dir = path.join(root, 'shop');
    summary = await generateShop({ out: dir, ...params }, { logger, progressBar: false });
    manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    categories = read(dir, 'categories.csv').rows;
    brands = read(dir, 'brands.csv').rows;
    products = read(dir, 'products.csv').rows;
    users = read(dir, 'users.csv').rows;
    sessions = read(dir, 'sessions.csv').rows;
    events = read(dir, 'events.csv').rows;
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const start = Date.parse('2025-11-01T00:00:00.000Z');
  const end = Date.parse('2026-10-31T23:59:59.999Z');
  const testStart = end + 1 - 28 * DAY;

  it('writes exactly --interactions events and a manifest that matches the files', () => {
    expect(summary.counts.events).toBe(params.interactions);
    expect(events).toHaveLength(params.interactions);
    expect(manifest.generator).toBe('graphrec-synthetic');
    expect(manifest.params).toEqual({
      users: 4000,
      products: 1500,
      interactions: 60_000,
      months: 12,
      end: '2026-10-31',
    });
    expect(manifest.window).toEqual({ start: '2025-11-01T00:00:00.000Z', end: '2026-10-31T23:59:59.999Z' });
    expect(manifest).not.toHaveProperty('createdAt');
    const byType = manifest.counts.eventsByType;
    expect(byType.view + byType.cart + byType.purchase).toBe(params.interactions);
    for (const f of FILE_NAMES) {
      const bytes = readFileSync(path.join(dir, f));
      expect(manifest.files[f].bytes).toBe(bytes.length);
      expect(manifest.files[f].sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(manifest.files['users.csv'].rows).toBe(4000);
    expect(manifest.files['sessions.csv'].rows).toBe(sessions.length);
  });

  it('uses exactly the documented headers', () => {
    expect(read(dir, 'categories.csv').header).toEqual([
      'category_id',
      'parent_id',
      'name',
      'level',
      'season',
    ]);
    expect(read(dir, 'brands.csv').header).toEqual(['brand_id', 'name', 'tier']);
    expect(read(dir, 'products.csv').header).toEqual([
      'product_id',
      'name',
      'category_id',
      'brand_id',
      'price',
      'currency',
      'description',
      'launched_at',
      'in_stock',
      'consumable',
    ]);
    expect(read(dir, 'users.csv').header).toEqual([
      'user_id',
      'signup_at',
      'birth_year',
      'gender',
      'region',
      'loyalty_tier',
      'email_domain',
      'marketing_opt_in',
    ]);
    expect(read(dir, 'sessions.csv').header).toEqual([
      'session_id',
      'user_id',
      'started_at',
      'ended_at',
      'device',
      'channel',
    ]);
    expect(read(dir, 'events.csv').header).toEqual([
      'event_id',
      'session_id',
      'user_id',
      'product_id',
      'event_type',
      'ts',
      'seq',
      'quantity',
      'price',
    ]);
  });

  it('keeps categories a 3-level tree, parents first, seasons inherited', () => {
    const seen = new Map<string, Row>();
    for (const c of categories) {
      if (c.level === '1') expect(c.parent_id).toBe('');
      else {
        const parent = seen.get(c.parent_id);
        expect(parent).toBeDefined();
        expect(Number(parent!.level)).toBe(Number(c.level) - 1);
        if (parent!.season !== 'none') expect(c.season).toBe(parent!.season);
      }
      expect(['none', 'summer', 'winter', 'back_to_school', 'december_gifts']).toContain(c.season);
      seen.set(c.category_id, c);
    }
    expect(categories.filter((c) => c.level === '1')).toHaveLength(20);
  });

  it('keeps every reference valid and every value in its domain', () => {
    const cat = new Map(categories.map((c) => [c.category_id, c]));
    const brandIds = new Set(brands.map((b) => b.brand_id));
    for (const b of brands) expect(['budget', 'mid', 'premium']).toContain(b.tier);
    const bad: string[] = [];
    const bool = (v: string) => v === 'true' || v === 'false';
    products.forEach((p, i) => {
      const ok =
        p.product_id === `p${i}` &&
        cat.get(p.category_id)?.level === '3' &&
        brandIds.has(p.brand_id) &&
        /^\d+\.\d{2}$/.test(p.price) &&
        Number(p.price) > 0 &&
        p.currency === 'EUR' &&
        bool(p.in_stock) &&
        bool(p.consumable) &&
        new Date(p.launched_at).toISOString() === p.launched_at;
      if (!ok) bad.push(JSON.stringify(p));
    });
    users.forEach((u, i) => {
      const ok =
        u.user_id === `u${i}` &&
        ['F', 'M', 'X'].includes(u.gender) &&
        ['none', 'silver', 'gold', 'platinum'].includes(u.loyalty_tier) &&
        bool(u.marketing_opt_in) &&
        Number(u.birth_year) > 1940 &&
        /^[a-z.]+$/.test(u.email_domain) &&
        new Date(u.signup_at).toISOString() === u.signup_at;
      if (!ok) bad.push(JSON.stringify(u));
    });
    expect(bad.slice(0, 5)).toEqual([]);
    expect(new Set(users.map((u) => u.region)).size).toBe(8);
    // A description with a comma, and one with doubled quotes, survived the round trip.
    expect(products.some((p) => p.description.includes(','))).toBe(true);
    expect(products.some((p) => p.description.includes('"'))).toBe(true);
  });

  it('orders sessions by started_at and events by session then seq, all inside the window and after signup and launch', () => {
    // Checked in plain code and reported at once: an expect() per event would take minutes.
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok && problems.length < 20) problems.push(what);
    };
    const signup = new Map(users.map((u) => [u.user_id, Date.parse(u.signup_at)]));
    const launch = new Map(products.map((p) => [p.product_id, Date.parse(p.launched_at)]));
    const sess = new Map(sessions.map((s) => [s.session_id, s]));
    let prevStart = -Infinity;
    sessions.forEach((s, i) => {
      const st = Date.parse(s.started_at);
      const en = Date.parse(s.ended_at);
      check(s.session_id === `s${i}`, `session id ${s.session_id} at row ${i}`);
      check(st >= prevStart, `${s.session_id} starts before the previous session`);
      check(
        st >= start && en <= end && en >= st,
        `${s.session_id} outside the window or ends before it starts`,
      );
      check(st >= signup.get(s.user_id)!, `${s.session_id} before its user's signup`);
      check(['mobile', 'desktop', 'tablet'].includes(s.device), `${s.session_id} device ${s.device}`);
      check(
        ['direct', 'search', 'social', 'email', 'ads'].includes(s.channel),
        `${s.session_id} channel ${s.channel}`,
      );
      prevStart = st;
    });
    let sessionIndex = -1;
    let expectedSeq = 0;
    let prevTs = -Infinity;
    let current = '';
    events.forEach((e, i) => {
      check(e.event_id === `e${i}`, `event id ${e.event_id} at row ${i}`);
      if (e.session_id !== current) {
        sessionIndex++;
        current = e.session_id;
        check(
          e.session_id === `s${sessionIndex}`,
          `${e.event_id}: sessions not grouped in sessions.csv order`,
        );
        expectedSeq = 0;
        prevTs = -Infinity;
      }
      const s = sess.get(e.session_id)!;
      const ts = Date.parse(e.ts);
      check(e.user_id === s.user_id, `${e.event_id}: user differs from its session's`);
      check(Number(e.seq) === expectedSeq++, `${e.event_id}: seq ${e.seq}`);
      check(ts >= prevTs, `${e.event_id}: ts goes back in time`);
      check(
        ts >= Date.parse(s.started_at) && ts <= Date.parse(s.ended_at),
        `${e.event_id}: outside its session`,
      );
      check(ts >= launch.get(e.product_id)!, `${e.event_id}: before ${e.product_id} launched`);
      check(ts >= signup.get(e.user_id)!, `${e.event_id}: before ${e.user_id} signed up`);
      check(new Date(ts).toISOString() === e.ts, `${e.event_id}: ts ${e.ts}`);
      if (e.event_type === 'view')
        check(e.quantity === '' && e.price === '', `${e.event_id}: view with quantity or price`);
      else {
        check(['cart', 'purchase'].includes(e.event_type), `${e.event_id}: type ${e.event_type}`);
        check(Number(e.quantity) >= 1 && /^\d+\.\d{2}$/.test(e.price), `${e.event_id}: quantity or price`);
      }
      prevTs = ts;
    });
    expect(problems).toEqual([]);
    expect(sessionIndex).toBe(sessions.length - 1);
  });

  it('has a realistic funnel: ~100 views : 8-10 carts : 2-3 purchases, purchases follow carts', () => {
    const { view, cart, purchase } = manifest.counts.eventsByType;
    expect((100 * cart) / view).toBeGreaterThan(7.5);
    expect((100 * cart) / view).toBeLessThan(10.5);
    expect((100 * purchase) / view).toBeGreaterThan(1.8);
    expect((100 * purchase) / view).toBeLessThan(3.2);
    const carted = new Set<string>();
    for (const e of events) {
      if (e.event_type === 'cart') carted.add(`${e.session_id}/${e.product_id}`);
      if (e.event_type === 'purchase') expect(carted.has(`${e.session_id}/${e.product_id}`)).toBe(true);
    }
  });

  it('gives most users events, and has cold users and cold products in the last 4 weeks', () => {
    const first = new Map<string, number>();
    for (const e of events) if (!first.has(e.user_id)) first.set(e.user_id, Date.parse(e.ts));
    expect(first.size / users.length).toBeGreaterThan(0.7);
    const coldUsers = users.filter((u) => Date.parse(u.signup_at) >= testStart && first.has(u.user_id));
    expect(coldUsers.length).toBeGreaterThan(20);
    const firstInTest = [...first.values()].filter((t) => t >= testStart).length;
    expect(firstInTest).toBeGreaterThan(coldUsers.length); // older accounts returning for the first time too
    const launch = new Map(products.map((p) => [p.product_id, Date.parse(p.launched_at)]));
    const coldProducts = new Set(
      events.filter((e) => launch.get(e.product_id)! >= testStart).map((e) => e.product_id),
    );
    expect(coldProducts.size).toBeGreaterThan(10);
  });

  it('plants seasons: December sells more gifts, Black Friday and evenings are busy', () => {
    const cat = new Map(categories.map((c) => [c.category_id, c]));
    const season = new Map(products.map((p) => [p.product_id, cat.get(p.category_id)!.season]));
    const gifts = new Array(12).fill(0);
    const all = new Array(12).fill(0);
    const perDay = new Map<string, number>();
    const hours = new Array(24).fill(0);
    for (const e of events) {
      const m = new Date(e.ts).getUTCMonth();
      all[m]++;
      if (season.get(e.product_id) === 'december_gifts') gifts[m]++;
    }
    for (const s of sessions) {
      const d = s.started_at.slice(0, 10);
      perDay.set(d, (perDay.get(d) ?? 0) + 1);
      hours[new Date(s.started_at).getUTCHours()]++;
    }
    const share = (m: number) => gifts[m] / all[m];
    const ordinary = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(share).reduce((a, b) => a + b, 0) / 9;
    expect(share(11)).toBeGreaterThan(1.4 * ordinary);
    const meanDay = sessions.length / perDay.size;
    expect(perDay.get('2025-11-28')!).toBeGreaterThan(1.8 * meanDay);
    expect(hours[20]).toBeGreaterThan(4 * hours[4]);
    const summerSeason = (m: number) => {
      let s = 0;
      for (const e of events)
        if (new Date(e.ts).getUTCMonth() === m && season.get(e.product_id) === 'summer') s++;
      return s / all[m];
    };
    expect(summerSeason(6)).toBeGreaterThan(1.5 * summerSeason(0));
  });

  it('makes demographics predict a new user, and metadata place a new product', () => {
    const cat = new Map(categories.map((c) => [c.category_id, c]));
    const topOf = (id: string) => {
      let c = cat.get(id)!;
      while (c.parent_id) c = cat.get(c.parent_id)!;
      return c.category_id;
    };
    const productTop = new Map(products.map((p) => [p.product_id, topOf(p.category_id)]));
    const user = new Map(users.map((u) => [u.user_id, u]));
    const group = (id: string) => {
      const u = user.get(id)!;
      return `${Math.min(5, Math.floor((2026 - Number(u.birth_year) - 15) / 10))}|${u.gender}`;
    };
    const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    const top3 = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k]) => k);
    const global = new Map<string, number>();
    const byGroup = new Map<string, Map<string, number>>();
    const seenBefore = new Set<string>();
    for (const e of events) {
      if (Date.parse(e.ts) >= testStart) continue;
      seenBefore.add(e.user_id);
      const t = productTop.get(e.product_id)!;
      inc(global, t);
      const g = group(e.user_id);
      if (!byGroup.has(g)) byGroup.set(g, new Map());
      inc(byGroup.get(g)!, t);
    }
    // New users (no event before the test window): top-category hit@3 of the demographic guess vs the global one.
    const g3 = top3(global);
    let hitDemo = 0;
    let hitGlobal = 0;
    let n = 0;
    for (const e of events) {
      if (Date.parse(e.ts) < testStart || seenBefore.has(e.user_id)) continue;
      const t = productTop.get(e.product_id)!;
      n++;
      if (g3.includes(t)) hitGlobal++;
      if (top3(byGroup.get(group(e.user_id)) ?? global).includes(t)) hitDemo++;
    }
    expect(n).toBeGreaterThan(200);
    expect(hitDemo / n).toBeGreaterThan(hitGlobal / n + 0.05);

    // New products (launched in the last 8 weeks): the users who view them already shopped their top category
    // far more often than that category's share of traffic would predict.
    const launch = new Map(products.map((p) => [p.product_id, Date.parse(p.launched_at)]));
    const cutoff = end + 1 - 56 * DAY;
    const history = new Map<string, Set<string>>();
    const total = [...global.values()].reduce((a, b) => a + b, 0);
    let hit = 0;
    let expected = 0;
    let m = 0;
    for (const e of events) {
      const ts = Date.parse(e.ts);
      const t = productTop.get(e.product_id)!;
      if (ts < cutoff) {
        if (!history.has(e.user_id)) history.set(e.user_id, new Set());
        history.get(e.user_id)!.add(t);
      } else if (launch.get(e.product_id)! >= cutoff && history.has(e.user_id)) {
        const h = history.get(e.user_id)!;
        m++;
        if (h.has(t)) hit++;
        for (const [top, c] of global) if (h.has(top)) expected += c / total;
      }
    }
    expect(m).toBeGreaterThan(100);
    expect(hit / m).toBeGreaterThan(1.2 * (expected / m));
  });

  it('has consumables bought again in later sessions', () => {
    const consumable = new Set(products.filter((p) => p.consumable === 'true').map((p) => p.product_id));
    const bought = new Map<string, Set<string>>();
    let repeats = 0;
    for (const e of events) {
      if (e.event_type !== 'purchase' || !consumable.has(e.product_id)) continue;
      const k = `${e.user_id}/${e.product_id}`;
      if (!bought.has(k)) bought.set(k, new Set());
      const s = bought.get(k)!;
      if (s.size > 0 && !s.has(e.session_id)) repeats++;
      s.add(e.session_id);
    }
    expect(repeats).toBeGreaterThan(5);
  });

  it('is deterministic: the same seed gives byte-identical files, another seed different ones', async () => {
    const small = { users: 300, products: 200, interactions: 4000, months: 3, seed: 5, end: '2026-01-31' };
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    const c = path.join(root, 'c');
    await generateShop({ out: a, ...small }, { logger, progressBar: false });
    await generateShop({ out: b, ...small }, { logger, progressBar: false });
    await generateShop({ out: c, ...small, seed: 6 }, { logger, progressBar: false });
    for (const f of [...FILE_NAMES, 'manifest.json']) {
      expect(readFileSync(path.join(b, f)).equals(readFileSync(path.join(a, f)))).toBe(true);
    }
    expect(readFileSync(path.join(c, 'events.csv')).equals(readFileSync(path.join(a, 'events.csv')))).toBe(
      false,
    );
    expect(read(a, 'events.csv').rows).toHaveLength(4000);
  }, 60_000);

  it('refuses an --out that is a file', async () => {
    await expect(
      generateShop({ out: path.join(dir, 'users.csv'), ...params }, { logger, progressBar: false }),
    ).rejects.toMatchObject({ kind: 'VALIDATION', where: { field: '--out' } });
  });
});
