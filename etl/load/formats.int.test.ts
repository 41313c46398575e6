// `--format lightgcn` and `--format events-csv` (RetailRocket mapping) against a private Neo4j.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import { runCli, scratchEnv, startScratchNeo4j, ScratchNeo4j } from '../../test/support';
import { loadSource, LoadOptions } from './index';
import { datasetPrefix } from './lightgcn';
import { appendLines, copyFixture, graphCounts, readQuarantine, wipeGraph } from './testing';

const RETAILROCKET = path.join(__dirname, '..', 'mappings', 'retailrocket.json');

describe('etl load, other formats', () => {
  let neo: ScratchNeo4j;
  let dataDir: string;
  const logger = createLogger('silent');

  beforeAll(async () => {
    neo = await startScratchNeo4j();
  }, 180_000);
  afterAll(async () => {
    await neo?.stop();
  });
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-etl-data-'));
    await wipeGraph(neo.graph);
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const load = (opts: Omit<LoadOptions, 'batchSize'>) =>
    loadSource(
      { batchSize: 500, ...opts },
      { graph: neo.graph, logger, dataDir, progressBar: false, retryForMs: 2000 },
    );

  it('loads LightGCN text files with dataset-prefixed ids and the test split kept apart, idempotently', async () => {
    const dir = copyFixture('lightgcn-small');
    const words = (f: string) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .trim()
        .split('\n')
        .reduce((s, l) => s + l.trim().split(/\s+/).length - 1, 0);
    const train = words('train.txt');
    const test = words('test.txt');
    const first = await load({ source: dir, format: 'lightgcn' });
    expect(first.extra.interactions).toBe(train + test);
    const split = async () =>
      neo.graph.read<{ split: string; n: number }>(
        {
          name: 't',
          cypher: `MATCH (u:User)-[e:VIEWED]->(p:Product) WHERE u.id STARTS WITH $ds AND p.id STARTS WITH $ds
                   RETURN e.split AS split, count(*) AS n ORDER BY split`,
        },
        { ds: `${datasetPrefix(dir)}:` },
      );
    expect(await split()).toEqual([
      { split: 'test', n: test },
      { split: 'train', n: train },
    ]);
    const counts = await graphCounts(neo.graph);
    expect(counts.User).toBe(40);
    await load({ source: dir, format: 'lightgcn' });
    expect(await graphCounts(neo.graph)).toEqual(counts);
  });

  it('quarantines malformed LightGCN lines', async () => {
    const dir = copyFixture('lightgcn-small');
    appendLines(path.join(dir, 'train.txt'), ['900 1 x 3', '901 5 5', 'abc 1']);
    const s = await load({ source: dir, format: 'lightgcn' });
    expect(readQuarantine(s.quarantine).map((r) => [r.file, r.line, r.field, r.reason])).toEqual([
      ['train.txt', 41, 'items', 'item 2 must be a non-negative integer, but got: "x"'],
      ['train.txt', 42, 'items', 'item 5 appears twice for user 901'],
      ['train.txt', 43, 'user', 'user must be a non-negative integer, but got: "abc"'],
    ]);
  });

  it('loads a RetailRocket-shaped log: sessions by a 30-minute gap, category tree, latest item category', async () => {
    const dir = copyFixture('retailrocket-small');
    const s = await load({ source: dir, format: 'events-csv', mapping: RETAILROCKET });
    expect(s.rejected).toBe(0);
    expect(s.extra).toEqual({ sessions: 10, duplicates: 0 });
    const counts = await graphCounts(neo.graph);
    expect(counts).toMatchObject({
      User: 5,
      Session: 10,
      Category: 9,
      CHILD_OF: 5,
      Product: 10,
      IN_CATEGORY: 10,
      VIEWED: 42,
      ADDED_TO_CART: 10,
      PURCHASED: 4,
      HAD_SESSION: 10,
    });
    const rows = await neo.graph.read<{ c: string; level: number; total: number }>({
      name: 't',
      cypher: `MATCH (p:Product {id: 'retailrocket:p355908'})-[:IN_CATEGORY]->(c)
               MATCH (s:Session) RETURN c.id AS c, c.level AS level, sum(s.eventCount) AS total`,
    });
    expect(rows).toEqual([{ c: 'retailrocket:c1016', level: 2, total: 56 }]);
    await load({ source: dir, format: 'events-csv', mapping: RETAILROCKET });
    expect(await graphCounts(neo.graph)).toEqual(counts);
  });

  it('quarantines bad RetailRocket rows: unknown event type, timestamps out of the window, duplicates', async () => {
    const dir = copyFixture('retailrocket-small');
    const first = fs.readFileSync(path.join(dir, 'events.csv'), 'utf8').split('\n')[1];
    appendLines(path.join(dir, 'events.csv'), [
      '1433226594425,1,click,5,',
      '1600000000000,1,view,5,',
      'notatime,1,view,5,',
      first,
    ]);
    const s = await load({ source: dir, format: 'events-csv', mapping: RETAILROCKET });
    expect(readQuarantine(s.quarantine).map((r) => [r.line, r.field, r.reason])).toEqual([
      [58, 'event', 'event must be one of view, addtocart, transaction, but got: "click"'],
      [
        59,
        'timestamp',
        'timestamp must be inside the mapping window 2015-05-01T00:00:00.000Z .. 2015-09-30T23:59:59.999Z, but got: 2020-09-13T12:26:40.000Z',
      ],
      [60, 'timestamp', 'timestamp must be epoch milliseconds, but got: "notatime"'],
      [61, 'visitorid', 'a duplicate of line 2 (same user, item, event type and timestamp)'],
    ]);
    expect((await graphCounts(neo.graph)).VIEWED).toBe(42);
  });

  it('stops before writing when the mapping names a column the file lacks, or is not a valid mapping', async () => {
    const dir = copyFixture('retailrocket-small');
    const bad = path.join(dir, 'mapping.json');
    const m = JSON.parse(fs.readFileSync(RETAILROCKET, 'utf8'));
    m.events.columns.user = 'visitor_id';
    fs.writeFileSync(bad, JSON.stringify(m));
    await expect(load({ source: dir, format: 'events-csv', mapping: bad })).rejects.toMatchObject({
      kind: 'VALIDATION',
      message:
        'the header must name the columns visitor_id,itemid,event,timestamp, but visitor_id is missing (got timestamp,visitorid,event,itemid,transactionid)',
      where: { file: 'events.csv', line: 1, field: 'visitor_id' },
    });
    expect(await graphCounts(neo.graph)).toEqual({});

    m.events.columns.user = 'visitorid';
    m.events.timestamp = 'days';
    fs.writeFileSync(bad, JSON.stringify(m));
    const cli = runCli(
      ['etl', 'load', '--source', dir, '--format', 'events-csv', '--mapping', bad, '--json'],
      scratchEnv(neo),
    );
    expect(cli.status).toBe(65);
    expect(cli.json()).toMatchObject({ error: { kind: 'VALIDATION', file: bad, field: 'events.timestamp' } });
    expect(await graphCounts(neo.graph)).toEqual({});
  });

  it('stops before reading a file the mapping places outside --source', async () => {
    const dir = copyFixture('retailrocket-small');
    const bad = path.join(dir, 'mapping.json');
    const m = JSON.parse(fs.readFileSync(RETAILROCKET, 'utf8'));
    m.categories.file = '../../../../../../etc/passwd';
    fs.writeFileSync(bad, JSON.stringify(m));
    await expect(load({ source: dir, format: 'events-csv', mapping: bad })).rejects.toMatchObject({
      kind: 'VALIDATION',
      message: `categories.file must name a file inside --source ${dir}, but got: "../../../../../../etc/passwd"`,
      where: { file: bad, field: 'categories.file' },
    });
    expect(await graphCounts(neo.graph)).toEqual({});
  });
});
