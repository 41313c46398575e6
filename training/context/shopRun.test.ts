// Bad input and failure paths of the shop trainer, on a hand-written six-user shop in a temp directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import {
  decodeItemGraph,
  encodeItemGraph,
  readContextFiles,
  readMetaFiles,
  NEW_ARRIVAL_SLOTS,
  type NewArrivals,
} from '../../model';
import { readShop } from '../data/shop';
import { evaluateShopVersion, runShop } from './shopRun';
import { newArrivalMask, placementRecall, segmentsOf, shopSplit } from './shopTrain';
import { buildPlacementTable } from './placementTuning';
import { defaultPlacementWeights, placementOf } from '../../model';

const logger = createLogger('silent');
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');
const END = Date.parse('2026-06-30T23:59:59.999Z');
const TEST = END + 1 - 28 * DAY;
const VALID = TEST - 28 * DAY;

type Ev = [user: number, product: number, type: 'view' | 'cart' | 'purchase', ts: number];

/** `launches`: launch times of products other than the default (p7 a day into the test window, else before START). */
function writeShop(events: Ev[], launches: Record<number, number> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 't2-shop-'));
  const w = (name: string, lines: string[]) =>
    fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  w('categories.csv', [
    'category_id,parent_id,name,level,season',
    'c0,,A,1,none',
    'c1,c0,B,2,none',
    'c2,c1,C,3,none',
    'c3,c1,D,3,none',
  ]);
  w('brands.csv', ['brand_id,name,tier', 'b0,X,budget', 'b1,Y,premium']);
  const products = [
    'product_id,name,category_id,brand_id,price,currency,description,launched_at,in_stock,consumable',
  ];
  for (let p = 0; p < 8; p++)
    products.push(
      `p${p},N${p},c${2 + (p % 2)},b${p % 2},${(5 + p * 3).toFixed(2)},EUR,"d, e",${new Date(launches[p] ?? (p === 7 ? TEST + DAY : START - DAY)).toISOString()},true,false`,
    );
  w('products.csv', products);
  const users = ['user_id,signup_at,birth_year,gender,region,loyalty_tier,email_domain,marketing_opt_in'];
  for (let u = 0; u < 6; u++)
    users.push(`u${u},2025-01-01T00:00:00.000Z,${1960 + 5 * u},F,dach,gold,x.com,true`);
  w('users.csv', users);
  const ev = ['event_id,session_id,user_id,product_id,event_type,ts,seq,quantity,price'];
  events.forEach(([u, p, t, ts], i) =>
    ev.push(
      `e${i},s${i},u${u},p${p},${t},${new Date(ts).toISOString()},0,${t === 'view' ? '' : 1},${t === 'view' ? '' : '9.99'}`,
    ),
  );
  w('events.csv', ev);
  w('manifest.json', [
    JSON.stringify({
      counts: { users: 6, products: 8, events: events.length },
      window: { start: new Date(START).toISOString(), end: new Date(END).toISOString() },
    }),
  ]);
  return dir;
}

/** Users 0-3 active in train; 0-2 also in validation and test; user 5 only in test (cold); p7 launched in test. */
function normalEvents(): Ev[] {
  const out: Ev[] = [];
  for (let u = 0; u < 4; u++)
    for (let k = 0; k < 6; k++)
      out.push([u, (u + k) % 7, k % 3 === 0 ? 'cart' : 'view', START + (u * 7 + k) * DAY]);
  for (let u = 0; u < 3; u++) out.push([u, (u + 3) % 7, 'view', VALID + DAY + u]);
  for (let u = 0; u < 3; u++) out.push([u, (u + 4) % 7, 'purchase', TEST + 2 * DAY + u]);
  out.push([5, 1, 'view', TEST + 3 * DAY], [5, 7, 'view', TEST + 4 * DAY], [0, 7, 'view', TEST + 5 * DAY]);
  return out;
}

const quick = { epochs: 3, dims: 8, batchSize: 4, evalEverySteps: 0, patience: 2 };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = (d: string) => (dirs.push(d), d);

describe('shop trainer', () => {
  it('refuses an empty shop and a split without test users, naming the problem', async () => {
    const empty = await readShop(tmp(writeShop([])));
    expect(() => shopSplit(empty)).toThrow(/no test users/);
    const trainOnly = await readShop(tmp(writeShop([[0, 1, 'view', START + DAY]])));
    expect(() => shopSplit(trainOnly)).toThrow(/no test users/);
  });

  it('names the file and line of a bad event', async () => {
    const dir = tmp(writeShop(normalEvents()));
    const f = path.join(dir, 'events.csv');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(',view,', ',like,'));
    await expect(readShop(dir)).rejects.toThrow(
      /event_type must be one of view, cart, purchase, but got: "like"/,
    );
  });

  it('puts users without train items in the cold segment and still ranks for them', async () => {
    const shop = await readShop(tmp(writeShop(normalEvents())));
    const split = shopSplit(shop);
    const seg = segmentsOf(shop, split);
    expect(seg.coldUsers[5]).toBe(1);
    expect(seg.warmUsers[0]).toBe(1);
    const dataDir = tmp(fs.mkdtempSync(path.join(os.tmpdir(), 't2-data-')));
    const [r] = await runShop(
      { dir: shop.dir, models: ['ranker'], options: quick, dataDir, codeVersion: 'test' },
      { logger },
    );
    expect(r.summary.segments.coldUsers.users).toBe(1);
    expect(r.summary.metrics['coldItemRecall@20']).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(r.summary.metrics['ndcg@20'])).toBe(true);
    // The model dir holds meta and context tables, readable again; eval reproduces the test figures.
    expect(readMetaFiles(r.dir!, 8)?.layout.types.map((t) => t.type)).toContain('brand');
    expect(readContextFiles(r.dir!)?.transitions.nRows).toBe(8);
    const again = await evaluateShopVersion(
      { version: r.summary.version, dir: shop.dir, dataDir },
      { logger },
    );
    expect(again.metrics['ndcg@20']).toBeCloseTo(r.summary.metrics['ndcg@20'], 4);
  });

  it('tunes a new-arrivals quota, stores it in ranker.json, and evaluates a version without one as off', async () => {
    const shop = await readShop(tmp(writeShop(normalEvents())));
    const split = shopSplit(shop);
    // p7 launched a day into the test window: new when the test window is judged, not in validation's.
    expect(Array.from(newArrivalMask(shop, split.test.freshAt, 28))).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(newArrivalMask(shop, split.validation.freshAt, 28))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const dataDir = tmp(fs.mkdtempSync(path.join(os.tmpdir(), 't2-data-')));
    const [r] = await runShop(
      { dir: shop.dir, models: ['ranker'], options: quick, dataDir, codeVersion: 'test' },
      { logger },
    );
    const stored = (readContextFiles(r.dir!)?.ranker as { newArrivals: NewArrivals }).newArrivals;
    expect(stored.days).toBe(28);
    expect(NEW_ARRIVAL_SLOTS).toContain(stored.slots);
    expect(r.newArrivals).toEqual(stored);
    // Which new arrivals fill the quota: the placement tuned on validation, stored beside it.
    expect(placementOf(readContextFiles(r.dir!)?.ranker)?.weights).toEqual(r.placement);
    // A version trained before the quota existed: ranker.json without newArrivals loads and evaluates.
    const file = path.join(r.dir!, 'ranker.json');
    const old = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    delete old.newArrivals;
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, JSON.stringify(old));
    const again = await evaluateShopVersion(
      { version: r.summary.version, dir: shop.dir, dataDir },
      { logger },
    );
    expect(Number.isFinite(again.metrics['ndcg@20'])).toBe(true);
  });

  it("tunes the placement on validation's own new arrivals, over every validation user who took one", async () => {
    // p6 (leaf c2, like the even products) launches a day into validation; user 0, whose train products
    // include c2's, views it there. Test's p7 is invisible to validation.
    const events = normalEvents();
    events.push([0, 6, 'view', VALID + 3 * DAY]);
    const shop = await readShop(tmp(writeShop(events, { 6: VALID + DAY })));
    const split = shopSplit(shop, { maxEvalUsers: 5000, maxValidUsers: 1, seed: 7 });
    const phase = split.validation;
    const r = placementRecall(shop, phase, buildPlacementTable(shop, phase.tables.popularity));
    // Not limited to the evaluation's sample of one validation user.
    expect(r.users).toBe(1);
    expect(r.newArrivals).toBe(1);
    expect(r.objective(defaultPlacementWeights)).toBe(1);
  });

  it('stops on NaN during training, reports the step, and writes no version', async () => {
    const dir = tmp(writeShop(normalEvents()));
    const dataDir = tmp(fs.mkdtempSync(path.join(os.tmpdir(), 't2-data-')));
    await expect(
      runShop(
        { dir, models: ['lightgcn-meta'], options: { ...quick, lr: Infinity }, dataDir, codeVersion: 'test' },
        { logger },
      ),
    ).rejects.toThrow(/NaN or Inf at epoch \d+, step \d+/);
    const models = path.join(dataDir, 'models');
    const versions = fs.existsSync(models) ? fs.readdirSync(models).filter((n) => !n.startsWith('.')) : [];
    expect(versions).toEqual([]);
  });

  it('refuses a truncated item-graph artifact as corrupt', () => {
    const g = {
      nRows: 2,
      nCols: 2,
      ptr: Int32Array.from([0, 1, 2]),
      idx: Int32Array.from([1, 0]),
      val: Float32Array.from([1, 0.5]),
    };
    const buf = encodeItemGraph(g);
    expect(Array.from(decodeItemGraph(buf, 'x').val)).toEqual([1, 0.5]);
    expect(() => decodeItemGraph(buf.subarray(0, buf.length - 3), 'transitions.bin')).toThrow(/needs/);
    expect(() => decodeItemGraph(Buffer.from('garbage-garbage-garbage'), 'transitions.bin')).toThrow(
      /wrong magic/,
    );
  });
});
