// The demo storefront end to end: the real API (graphrec serve's server) on a namespaced fixture shop in the
// shared Neo4j, a unique events stream in the shared Redis, and the page driven in headless Debian Chromium.
// It picks a user, clicks a product (a real trackEvents), sees the next recommendations change, and takes a
// screenshot: into a scratch directory, so a passing run changes no tracked file; with UPDATE_DOCS_IMAGES=1 into
// docs/img/demo-storefront.png, the README's picture.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createLogger, loadConfig } from '../../core';
import type { GraphClient } from '../../graph';
import { startApiServer, type ApiServer } from '../../api';
import { loadFixture, publishFixtureModel, type Fixture } from '../../api/testing/fixture';
import { deleteLabel, repoRoot, testGraph, testRedis, uniqueNamespace } from '../support';

const PUB = 'demo-public-key-0123456789';
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT =
  process.env.UPDATE_DOCS_IMAGES === '1'
    ? path.join(repoRoot, 'docs', 'img', 'demo-storefront.png')
    : path.join(os.tmpdir(), `graphrec-demo-storefront-${process.pid}.png`);

let graph: GraphClient;
let fx: Fixture;
let server: ApiServer;
let browser: Browser;
let dataDir: string;
let stream: string;

beforeAll(async () => {
  graph = testGraph();
  fx = await loadFixture(graph, uniqueNamespace('Demo'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-demo-test-'));
  publishFixtureModel(dataDir, fx, 1);
  stream = `graphrec:test:${fx.ns}:events`;
  const config = loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dataDir,
    API_PUBLIC_KEYS: PUB,
    EVENTS_STREAM: stream,
  });
  server = await startApiServer({ config, logger: createLogger('silent'), port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  const redis = testRedis();
  if (stream) await redis.del(stream);
  await redis.quit();
  if (fx) await deleteLabel(graph, fx.ns);
  await graph?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the demo storefront', () => {
  it('shows recommendations with explanations, tracks a click, and the next recommendations change', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const user = fx.id('u3');
    await page.goto(`${server.url}/demo/?key=${PUB}&user=${user}`);

    const cards = page.locator('[data-testid=recs] li.card');
    const productIds = async () => {
      const ids: string[] = [];
      for (const c of await cards.all()) ids.push((await c.getAttribute('data-product-id')) ?? '');
      return ids;
    };
    await cards.first().waitFor({ timeout: 30_000 });
    const before = await productIds();
    const recIdBefore = await page.locator('[data-testid=recs]').getAttribute('data-rec-id');
    expect(before.length).toBeGreaterThan(0);
    expect(await page.locator('#status').textContent()).toContain(`Shopping as ${user}`);
    // Explanations are shown for the items (explain: true).
    expect(await page.locator('[data-testid=recs] .why li').count()).toBeGreaterThan(0);

    // Click a mug (the user so far looked at lamps): the next recommendations follow it.
    // The shared graph may also hold the default shop: prefer a fixture mug, then any fixture product.
    const ours = before.filter((id) => id.startsWith(`${fx.ns}_p`));
    const target =
      ours.find((id) => Number(id.slice(fx.ns.length + 2)) >= 10) ?? ours[0] ?? before[before.length - 1];
    await page.locator(`[data-testid=recs] li.card[data-product-id="${target}"]`).click();
    await page.locator('[data-testid=events] li').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=events] li').first().textContent()).toBe(
      `view ${target} · accepted`,
    );
    await page.waitForFunction(
      `document.querySelector('[data-testid=recs]').getAttribute('data-rec-id') !== ${JSON.stringify(recIdBefore)}`,
      undefined,
      { timeout: 30_000 },
    );
    expect(await page.locator('[data-testid=product]').getAttribute('data-product-id')).toBe(target);
    const after = await productIds();
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toEqual(before);

    // The click was a real trackEvents: it is in the events stream, attributed to the recommendation shown.
    const redis = testRedis();
    const entries = await redis.xrange(stream, '-', '+');
    await redis.quit();
    const flat = entries.map(([, fields]) => fields.join(' '));
    expect(flat.some((f) => f.includes(target) && f.includes(user))).toBe(true);

    // Similar products and trending in the product's category are on the page too.
    await page.locator('[data-testid=trending] li').first().waitFor({ timeout: 30_000 });
    const where = await page.locator('#trending-where').textContent();
    if (target.startsWith(fx.ns)) expect(where).toBe('in Fixture Home');
    else expect(where).toMatch(/^in \S/);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
