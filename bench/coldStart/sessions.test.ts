import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import { generateShop } from '../../etl';
import { readShop, sessionCases, type ShopData } from '../../training';
import { sessionSegmentOf } from './sessions';

let dir: string;
let shop: ShopData;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-sessions-'));
  await generateShop(
    { out: dir, users: 3000, products: 600, interactions: 60000, months: 4, seed: 11, end: '2026-06-30' },
    { logger: createLogger('silent'), progressBar: false },
  );
  shop = await readShop(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('session cases', () => {
  it("are prefixes of the window's new users' sessions, each predicting the next step (no repeat of the last)", () => {
    const b = shop.bounds;
    const cases = sessionCases(shop, { from: b.testStart, to: b.end + 1, newUsersOnly: true, maxCases: 500 });
    expect(cases.length).toBeGreaterThan(50);
    for (const c of cases) {
      expect(c.target).not.toBe(c.prefix[c.prefix.length - 1]);
      expect(c.at).toBeGreaterThanOrEqual(b.testStart);
    }
    // New users' sessions are a part of the window's sessions.
    const all = sessionCases(shop, { from: b.testStart, to: b.end + 1, newUsersOnly: false, maxCases: 1e9 });
    expect(all.length).toBeGreaterThan(cases.length);
  });
});

describe('the sessions segment', () => {
  it('reports popularity, V-SKNN, the session model and the oracle on the same cases, with the gap closed', () => {
    const r = sessionSegmentOf(shop, { shopDir: dir, logger: createLogger('silent'), maxCases: 400 }, true);
    expect(r.cases).toBe(400);
    const by = (role: string) => r.methods.find((m) => m.role === role)!.metrics;
    const names = r.methods.map((m) => m.name);
    expect(names[0]).toBe('popularity');
    expect(names.some((n) => n.startsWith('v-sknn'))).toBe(true);
    // The generator's own next step beats popularity: there is a gap to close, and the share is reported.
    expect(by('oracle')['hr@20']).toBeGreaterThan(by('popularity')['hr@20']);
    expect(r.gapClosed['session model (served)']['mrr@20']).toBeDefined();
    for (const m of r.methods)
      for (const k of ['hr@20', 'mrr@20', 'ndcg@20']) expect(m.metrics[k]).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
