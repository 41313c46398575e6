// The loader against a private Neo4j: counts against the manifest, idempotency, every kind of bad input
// (issue 3's list) and Neo4j going away in the middle of a load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, isGraphrecError } from '../../core';
import { runCli, scratchEnv, startScratchNeo4j, ScratchNeo4j } from '../../test/support';
import { loadSource, LoadOptions, LoadSummary } from './index';
import { appendLines, copyFixture, graphCounts, readQuarantine, wipeGraph } from './testing';

const EXPECTED = {
  ADDED_TO_CART: 97,
  AgeBand: 6,
  Brand: 20,
  Category: 603,
  CHILD_OF: 583,
  HAD_SESSION: 638,
  HAS_TIER: 80,
  IN_AGE_BAND: 80,
  IN_CATEGORY: 40,
  IN_PRICE_BAND: 40,
  IN_REGION: 80,
  LoyaltyTier: 4,
  MADE_BY: 40,
  PriceBand: 5,
  Product: 40,
  PURCHASED: 7,
  Region: 8,
  Session: 638,
  User: 80,
  VIEWED: 1396,
};
const sorted = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe('etl load --format synthetic', () => {
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

  const load = (source: string, extra: Partial<LoadOptions> = {}, deps = {}): Promise<LoadSummary> =>
    loadSource(
      { source, format: 'synthetic', batchSize: 500, ...extra },
      { graph: neo.graph, logger, dataDir, progressBar: false, retryForMs: 2000, ...deps },
    );

  it('loads the fixture shop so that Cypher counts match the manifest, and a second load changes nothing', async () => {
    const dir = copyFixture('synthetic-small');
    const first = await load(dir);
    expect(first.rejected).toBe(0);
    expect(first.quarantine).toBeNull();
    expect(first.files['events.csv']).toMatchObject({ read: 1500, loaded: 1500, rejected: 0, written: 1500 });
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
    const sessions = await neo.graph.read<{ n: number }>({
      name: 't',
      cypher: 'MATCH (s:Session) RETURN sum(s.eventCount) AS n',
    });
    expect(Number(sessions[0].n)).toBe(1500);

    const second = await load(dir);
    expect(second.files['events.csv']).toMatchObject({
      read: 1500,
      loaded: 1500,
      written: 0,
      alreadyCommitted: 1500,
    });
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('is idempotent without its checkpoints too (a copy under another path merges into the same graph)', async () => {
    await load(copyFixture('synthetic-small'));
    const again = await load(copyFixture('synthetic-small'));
    expect(again.files['events.csv']).toMatchObject({ loaded: 1500, written: 1500, rejected: 0 });
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  /** Load a broken copy of the fixture; return the summary and the quarantine entries. */
  async function loadBroken(breakIt: (dir: string) => void) {
    const dir = copyFixture('synthetic-small');
    breakIt(dir);
    const summary = await load(dir);
    return { summary, rejected: readQuarantine(summary.quarantine) };
  }
  const event = (id: string, over: Partial<Record<string, string>> = {}) => {
    const e = {
      id,
      s: 's0',
      u: 'u54',
      p: 'p7',
      type: 'view',
      ts: '2025-11-01T07:29:01.000Z',
      seq: '99',
      q: '',
      pr: '',
      ...over,
    };
    return [e.id, e.s, e.u, e.p, e.type, e.ts, e.seq, e.q, e.pr].join(',');
  };
  let s0: { user: string; started: string };
  beforeAll(() => {
    const line = fs
      .readFileSync(path.join(copyFixture('synthetic-small'), 'sessions.csv'), 'utf8')
      .split('\n')[1]
      .split(',');
    s0 = { user: line[1], started: line[2] };
  });
  const goodEvent = (id: string, over: Partial<Record<string, string>> = {}) =>
    event(id, { u: s0.user, ts: s0.started, ...over });

  it('quarantines a malformed CSV line and loads the rest', async () => {
    const { summary, rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'events.csv'), [
        'e9000,s0,"u1"x,p1,view,2026-01-01T00:00:00.000Z,0,,',
        'e9001,s0,u1',
      ]);
    });
    expect(rejected).toEqual([
      {
        file: 'events.csv',
        line: 1502,
        reason: 'malformed CSV: unexpected character after the closing quote of field 3',
        raw: 'e9000,s0,"u1"x,p1,view,2026-01-01T00:00:00.000Z,0,,',
      },
      {
        file: 'events.csv',
        line: 1503,
        reason: 'malformed CSV: expected 9 fields as in the header, but got 3',
        raw: 'e9001,s0,u1',
      },
    ]);
    expect(summary.files['events.csv']).toMatchObject({ read: 1502, loaded: 1500, rejected: 2 });
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('quarantines wrong types with the field and the rule', async () => {
    const { rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'events.csv'), [
        goodEvent('e9000', { seq: 'abc' }),
        goodEvent('e9001', { type: 'click' }),
      ]);
      appendLines(path.join(dir, 'brands.csv'), ['b900,Acme,luxury']);
    });
    expect(rejected.map(({ file, line, field, reason }) => ({ file, line, field, reason }))).toEqual([
      {
        file: 'brands.csv',
        line: 22,
        field: 'tier',
        reason: 'tier must be one of budget, mid, premium, but got: "luxury"',
      },
      {
        file: 'events.csv',
        line: 1502,
        field: 'seq',
        reason: 'seq must be an integer in [0, 1000000], but got: "abc"',
      },
      {
        file: 'events.csv',
        line: 1503,
        field: 'event_type',
        reason: 'event_type must be one of view, cart, purchase, but got: "click"',
      },
    ]);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('quarantines rows naming unknown users, products and sessions', async () => {
    const { rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'events.csv'), [
        goodEvent('e9000', { u: 'u99999' }),
        goodEvent('e9001', { p: 'p99999' }),
        goodEvent('e9002', { s: 's99999' }),
      ]);
    });
    expect(rejected.map((r) => [r.line, r.field, r.reason])).toEqual([
      [
        1502,
        'user_id',
        'user_id must name a user loaded before (a valid row or in the graph), but got: "u99999"',
      ],
      [
        1503,
        'product_id',
        'product_id must name a product loaded before (a valid row or in the graph), but got: "p99999"',
      ],
      [
        1504,
        'session_id',
        'session_id must name a session loaded before (a valid row or in the graph), but got: "s99999"',
      ],
    ]);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('quarantines duplicate events and keeps the first', async () => {
    let dup = '';
    const { rejected } = await loadBroken((dir) => {
      dup = fs.readFileSync(path.join(dir, 'events.csv'), 'utf8').split('\n')[10];
      appendLines(path.join(dir, 'events.csv'), [dup]);
    });
    expect(rejected).toEqual([
      {
        file: 'events.csv',
        line: 1502,
        field: 'event_id',
        reason: `event_id "${dup.split(',')[0]}" is a duplicate of an earlier row`,
        raw: dup,
      },
    ]);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('quarantines timestamps outside the data window or their session', async () => {
    const { rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'events.csv'), [
        goodEvent('e9000', { ts: '2030-01-01T00:00:00.000Z' }),
        goodEvent('e9001', { ts: '2026-10-31T23:59:59.999Z' }),
      ]);
    });
    expect(rejected.map((r) => [r.line, r.field, r.reason])).toEqual([
      [
        1502,
        'ts',
        'ts must be inside the data window 2025-11-01T00:00:00.000Z .. 2026-10-31T23:59:59.999Z, but got: 2030-01-01T00:00:00.000Z',
      ],
      [
        1503,
        'ts',
        expect.stringMatching(/^ts must be inside its session .* but got: 2026-10-31T23:59:59.999Z$/),
      ],
    ]);
  });

  it('quarantines implausible events by the rules trackEvents applies too (core/eventRules.ts)', async () => {
    const { rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'events.csv'), [
        goodEvent('e9000', { type: 'purchase', q: '5000', pr: '10.00' }),
        goodEvent('e9001', { type: 'purchase', q: '1', pr: '2000000' }),
        goodEvent('e9002', { type: 'view', q: '2' }),
        goodEvent('e9003', { ts: '2026-02-30T10:00:00.000Z' }),
      ]);
    });
    expect(rejected.map((r) => [r.line, r.field, r.reason])).toEqual([
      [1502, 'quantity', 'quantity must be an integer in [1, 1000], but got: "5000"'],
      [1503, 'price', 'price must be a number in (0, 1000000], but got: "2000000"'],
      [1504, 'quantity', 'quantity must be empty for a view, but got: "2"'],
      [1505, 'ts', 'ts must be a real calendar date and time, but got: "2026-02-30T10:00:00.000Z"'],
    ]);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('quarantines oversized fields and keeps the raw row (cut) in quarantine', async () => {
    const big = `p900,Big,c140,b0,10.00,EUR,"${'x'.repeat(10_000)}",2024-01-01T00:00:00.000Z,true,false`;
    const { rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'products.csv'), [big]);
    });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      file: 'products.csv',
      line: 42,
      field: 'description',
      reason: 'description must be at most 4096 characters, but got 10000',
    });
    expect(rejected[0].raw).toBe(`${big.slice(0, 8192)}...[${big.length} characters]`);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('quarantines a line with invalid UTF-8', async () => {
    const { rejected } = await loadBroken((dir) => {
      appendLines(path.join(dir, 'users.csv'), [
        Buffer.concat([
          Buffer.from('u900,2024-01-01T00:00:00.000Z,1990,F,france,gold,'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('.fr,true'),
        ]),
      ]);
    });
    expect(rejected.map((r) => [r.file, r.line, r.reason])).toEqual([
      ['users.csv', 82, 'invalid UTF-8 byte sequence'],
    ]);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
  });

  it('reports an empty file in quarantine and loads the other files', async () => {
    const { summary, rejected } = await loadBroken((dir) =>
      fs.writeFileSync(path.join(dir, 'events.csv'), ''),
    );
    expect(rejected).toEqual([
      { file: 'events.csv', line: 1, reason: 'the file is empty: expected a header row', raw: '' },
    ]);
    expect(summary.files['events.csv']).toMatchObject({ read: 0, loaded: 0 });
    const counts = await graphCounts(neo.graph);
    expect(counts.User).toBe(80);
    expect(counts.VIEWED).toBeUndefined();
  });

  it('stops before writing anything when a file is missing, with a non-zero exit code', async () => {
    const dir = copyFixture('synthetic-small');
    fs.rmSync(path.join(dir, 'brands.csv'));
    await expect(load(dir)).rejects.toMatchObject({ kind: 'NOT_FOUND', where: { file: 'brands.csv' } });
    expect(await graphCounts(neo.graph)).toEqual({});

    const cli = runCli(['etl', 'load', '--source', dir, '--format', 'synthetic', '--json'], scratchEnv(neo));
    expect(cli.status).toBe(66);
    expect(cli.json()).toEqual({
      error: {
        kind: 'NOT_FOUND',
        message: `brands.csv is missing: ${path.join(dir, 'brands.csv')}`,
        file: 'brands.csv',
      },
    });
    expect(await graphCounts(neo.graph)).toEqual({});
  });

  it('stops before writing anything when a header lacks a column', async () => {
    const dir = copyFixture('synthetic-small');
    const file = path.join(dir, 'users.csv');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('loyalty_tier,', 'tier,'));
    await expect(load(dir)).rejects.toMatchObject({
      kind: 'VALIDATION',
      where: { file: 'users.csv', line: 1, field: 'loyalty_tier' },
    });
    expect(await graphCounts(neo.graph)).toEqual({});
  });

  it('survives Neo4j going away mid-load: the load stops with UNAVAILABLE, and a re-run ends in the clean graph', async () => {
    const dir = copyFixture('synthetic-small');
    let killed = false;
    const err = await load(
      dir,
      { batchSize: 100 },
      {
        onRow: (file: string, line: number) => {
          if (file === 'events.csv' && line === 900 && !killed) {
            killed = true;
            process.kill(neo.pid()!, 'SIGKILL');
          }
        },
      },
    ).catch((e: unknown) => e);
    expect(killed).toBe(true);
    expect(isGraphrecError(err) && err.kind).toBe('UNAVAILABLE');
    await neo.restart();
    const partial = await graphCounts(neo.graph);
    expect(partial.User).toBe(80);
    expect(partial.VIEWED ?? 0).toBeLessThan(1396);

    const resumed = await load(dir, { batchSize: 100 });
    expect(resumed.files['events.csv'].alreadyCommitted).toBeGreaterThan(0);
    expect(resumed.files['events.csv'].alreadyCommitted + resumed.files['events.csv'].written).toBe(1500);
    expect(await graphCounts(neo.graph)).toEqual(sorted(EXPECTED));
    const ids = await neo.graph.read<{ n: number; d: number; c: number }>({
      name: 't',
      cypher: `MATCH ()-[e:VIEWED|ADDED_TO_CART|PURCHASED]->() WITH count(*) AS n, count(DISTINCT e.eventId) AS d
               MATCH (s:Session) RETURN n, d, sum(s.eventCount) AS c`,
    });
    expect(ids[0]).toEqual({ n: 1500, d: 1500, c: 1500 });
  }, 300_000);
});
