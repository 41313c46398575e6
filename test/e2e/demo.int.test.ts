// The demo storefront end to end: the real API (graphrec serve's server) on the fixture shop in a scratch Neo4j
// and a scratch Redis of its own, and the page driven in headless Debian Chromium. It picks a user, clicks a
// product (a real trackEvents), sees the next recommendations change, and takes a screenshot: into a scratch
// directory, so a passing run changes no tracked file; with UPDATE_DOCS_IMAGES=1 into
// docs/img/demo-storefront.png, the README's picture.
// Private stores, because the page shows whole-graph answers: trending is anchored at the graph's latest event
// (capped at now), so a shopper's now-dated events in the dev stack's graph would move the window past the
// fixture's dates, and the dev shop's products would fill the lists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createLogger, loadConfig } from '../../core';
import { startApiServer, type ApiServer } from '../../api';
import { BASE_TS, loadFixture, publishFixtureModel, type Fixture } from '../../api/testing/fixture';
import { gql } from '../../api/testing/client';
import {
  privateStackEnv,
  repoRoot,
  startScratchNeo4j,
  SCRATCH_GRAPH_DEADLINE_MS,
  startScratchRedis,
  warmApi,
  type ScratchNeo4j,
  type ScratchRedis,
} from '../support';

const PUB = 'demo-public-key-0123456789';
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT =
  process.env.UPDATE_DOCS_IMAGES === '1'
    ? path.join(repoRoot, 'docs', 'img', 'demo-storefront.png')
    : path.join(os.tmpdir(), `graphrec-demo-storefront-${process.pid}.png`);

let neo: ScratchNeo4j;
let redisServer: ScratchRedis;
let fx: Fixture;
let server: ApiServer;
let browser: Browser;
let dataDir: string;
let stream: string;

beforeAll(async () => {
  [neo, redisServer] = await Promise.all([startScratchNeo4j(), startScratchRedis()]);
  fx = await loadFixture(neo.graph, 'Demo');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-demo-test-'));
  publishFixtureModel(dataDir, fx, 1);
  stream = `graphrec:test:${fx.ns}:events`;
  const config = loadConfig({
    ...process.env,
    ...privateStackEnv(neo, redisServer),
    GRAPHREC_DATA_DIR: dataDir,
    API_PUBLIC_KEYS: PUB,
    EVENTS_STREAM: stream,
  });
  server = await startApiServer({
    config,
    logger: createLogger('silent'),
    port: 0,
    graphDeadlineMs: SCRATCH_GRAPH_DEADLINE_MS,
  });
  await warmApi({
    url: server.url,
    key: PUB,
    productId: fx.id('p0'),
    categoryId: fx.id('c0'),
    userIds: [fx.id('u4'), fx.id('u9')],
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 600_000); // a scratch Neo4j takes minutes to start on a loaded 2-vCPU machine

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await redisServer?.stop();
  await neo?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

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

    // The graph holds the fixture only: every card is a fixture product.
    expect(before.every((id) => id.startsWith(`${fx.ns}_p`))).toBe(true);
    // Click a mug (the user so far looked at lamps), else the last card: the next recommendations follow it.
    const target = before.find((id) => Number(id.slice(fx.ns.length + 2)) >= 10) ?? before[before.length - 1];
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
    const redis = redisServer.client();
    const entries = await redis.xrange(stream, '-', '+');
    await redis.quit();
    const flat = entries.map(([, fields]) => fields.join(' '));
    expect(flat.some((f) => f.includes(target) && f.includes(user))).toBe(true);

    // Similar products and trending in the product's category are on the page too.
    await page.locator('[data-testid=trending] li').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#trending-where').textContent()).toBe('in Fixture Home');
    // Trending's window ends at the graph's latest view (the fixture's, an hour before BASE_TS), not at the wall
    // clock: the click went to the events stream, which no consumer drains into this graph.
    const trending = await gql<{ trending: { anchor: string } }>(
      server.url,
      '{ trending(window: MONTH) { anchor } }',
      {},
      PUB,
    );
    expect(trending.data?.trending.anchor).toBe(new Date(BASE_TS - 3_600_000 + 1).toISOString());

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
