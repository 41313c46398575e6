// Bulk mode against a private Neo4j (startScratchNeo4j; the load stops and restarts that server, never the
// shared one): the fixture shop, with bad rows and a product whose description holds a quote, a comma and a
// line break, loaded transactionally and then, into the emptied database, by `--mode auto` (which takes bulk).
// Same counts, same properties and types, same quarantine; a later run sees a completed load and writes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, isGraphrecError } from '../../core';
import { startScratchNeo4j, ScratchNeo4j } from '../../test/support';
import { loadSource, LoadOptions, LoadSummary } from './index';
import { appendLines, copyFixture, graphChecksum, graphCounts, readQuarantine, wipeGraph } from './testing';

describe('etl load --mode bulk', () => {
  let neo: ScratchNeo4j;
  let dataDir: string;
  const logger = createLogger('silent');

  beforeAll(async () => {
    neo = await startScratchNeo4j();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-etl-bulk-'));
  }, 180_000);
  afterAll(async () => {
    await neo?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const load = (source: string, mode: LoadOptions['mode']): Promise<LoadSummary> =>
    loadSource(
      { source, format: 'synthetic', batchSize: 500, mode },
      { graph: neo.graph, logger, dataDir, progressBar: false, retryForMs: 2000, config: neo.config },
    );
  const rejections = (s: LoadSummary) =>
    readQuarantine(s.quarantine).map(({ file, line, field, reason }) => ({ file, line, field, reason }));
  const perFile = (s: LoadSummary) =>
    Object.fromEntries(Object.entries(s.files).map(([f, x]) => [f, [x.read, x.loaded, x.rejected]]));

  it('makes the same graph and quarantine as the transactional path, and a re-run writes nothing', async () => {
    const dir = copyFixture('synthetic-small');
    const product = fs.readFileSync(path.join(dir, 'products.csv'), 'utf8').split('\n')[1].split(',');
    appendLines(path.join(dir, 'products.csv'), [
      `p900,${product[1]},${product[2]},${product[3]},12.5,EUR,"Says ""hi"", then
breaks the line",2024-01-02T03:04:05.000Z,false,true`,
      `p901,${product[1]},${product[2]},b99999,12.5,EUR,x,2024-01-02T03:04:05.000Z,false,true`,
      // Ties p900 on price in the same category: the import files' price bands must break it by id, as Cypher does.
      `p8999,${product[1]},${product[2]},${product[3]},12.5,EUR,tie,2024-01-02T03:04:05.000Z,false,true`,
    ]);
    appendLines(path.join(dir, 'users.csv'), ['u900,2021-11-26T19:18:47.110Z,2030,F,benelux,silver,,false']);
    appendLines(path.join(dir, 'events.csv'), ['e9000,s0,u50,p99999,view,2025-11-01T00:35:23.442Z,0,,']);

    const tx = await load(dir, 'transactional');
    expect(tx.mode).toBe('transactional');
    const txCounts = await graphCounts(neo.graph);
    const txSum = await graphChecksum(neo.graph);
    expect(rejections(tx).map((r) => [r.file, r.field])).toEqual([
      ['products.csv', 'brand_id'],
      ['users.csv', 'birth_year'],
      ['events.csv', 'product_id'],
    ]);

    await wipeGraph(neo.graph);
    const bulk = await load(dir, 'auto');
    expect(bulk.mode).toBe('bulk');
    expect(bulk.extra.priceBandLinksChanged).toBe(tx.extra.priceBandLinksChanged);
    expect(perFile(bulk)).toEqual(perFile(tx));
    expect(rejections(bulk)).toEqual(rejections(tx));
    expect(await graphCounts(neo.graph)).toEqual(txCounts);
    expect(await graphChecksum(neo.graph)).toBe(txSum);

    const again = await load(dir, 'auto');
    expect(again.mode).toBe('transactional');
    expect(again.modeReason).toMatch(/needs an empty one, but it holds \d+ nodes/);
    for (const f of Object.values(again.files)) expect(f.written).toBe(0);
    expect(again.extra.priceBandLinksChanged).toBe(0);
    expect(await graphChecksum(neo.graph)).toBe(txSum);

    const refused = await load(dir, 'bulk').catch((e: unknown) => e);
    expect(isGraphrecError(refused) && refused.kind).toBe('CONFLICT');

    // The digest sees value types: one eventCount as FLOAT instead of INTEGER is another graph.
    await neo.graph.write({
      name: 'test.retype',
      cypher: 'MATCH (s:Session {id: "s0"}) SET s.eventCount = toFloat(s.eventCount)',
    });
    expect(await graphChecksum(neo.graph)).not.toBe(txSum);
  }, 240_000);
});
