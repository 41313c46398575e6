// Drift from the live graph: a small generated shop loaded by the real loader into a private Neo4j must give
// exactly the drift its files give (every feature's PSI, both windows' event counts), and events the API wrote
// afterwards for an anonymous shopper must count in the latest window.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, type Config } from '../core';
import { generateShop, GENERATE_DEFAULTS, loadSource } from '../etl';
import { startScratchNeo4j, type ScratchNeo4j } from '../test/support';
import { runDriftJob } from './job';

const logger = createLogger('silent');
let neo: ScratchNeo4j;
let dir: string;
let shopDir: string;
let config: Config;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-drift-graph-'));
  shopDir = path.join(dir, 'shop');
  await generateShop(
    { ...GENERATE_DEFAULTS, out: shopDir, users: 400, products: 120, interactions: 6000 },
    { logger, progressBar: false },
  );
  neo = await startScratchNeo4j();
  await loadSource(
    { source: shopDir, format: 'synthetic', batchSize: 5000 },
    { graph: neo.graph, logger, dataDir: dir, progressBar: false },
  );
  config = { ...neo.config, dataDir: dir, progress: false };
}, 600_000); // a scratch Neo4j takes minutes to start on a loaded 2-vCPU machine

afterAll(async () => {
  await neo?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('drift from the graph', () => {
  it('equals the drift of the files the graph was loaded from', async () => {
    const fromFiles = await runDriftJob(config, logger, null, {
      shop: shopDir,
      out: path.join(dir, 'files'),
    });
    const fromGraph = await runDriftJob(config, logger, null, { out: path.join(dir, 'graph') });
    expect(Object.keys(fromGraph.psi).sort()).toEqual([
      'category',
      'event_type',
      'price',
      'season',
      'user_activity',
    ]);
    for (const [feature, v] of Object.entries(fromFiles.psi))
      expect([feature, fromGraph.psi[feature]]).toEqual([feature, expect.closeTo(v, 12)]);
    expect(fromGraph.alerts).toEqual(fromFiles.alerts);
    const report = fs.readFileSync(fromGraph.markdown, 'utf8');
    expect(report).toContain(`events read from the graph at ${config.neo4j.uri}`);
  });

  it("counts the API's events for anonymous shoppers in the latest window", async () => {
    const before = await latestWindow('before');
    const at = Date.parse(before.end) - 60_000;
    // What events/ writes for a shopper with no account: an `anon:<session>` user with VIEWED edges.
    await neo.graph.write(
      {
        name: 'test.anonEvents',
        cypher: `MERGE (u:User {id: 'anon:s1'}) WITH u MATCH (p:Product {id: 'p1'})
CREATE (u)-[:VIEWED {ts: $at, eventId: 'anon-1'}]->(p), (u)-[:VIEWED {ts: $at, eventId: 'anon-2'}]->(p)`,
      },
      { at },
    );
    expect((await latestWindow('after')).events).toBe(before.events + 2);
  });
});

/** The latest window of a drift run from the graph, as its drift.json reports it. */
async function latestWindow(name: string): Promise<{ events: number; end: string }> {
  const s = await runDriftJob(config, logger, null, { out: path.join(dir, name) });
  const json = JSON.parse(fs.readFileSync(path.join(path.dirname(s.markdown), 'drift.json'), 'utf8')) as {
    data: { latest: { events: number; end: string } };
  };
  return json.data.latest;
}
