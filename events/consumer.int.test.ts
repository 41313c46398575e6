// The consumer against the real Neo4j and Redis: exactly-once delivery when the consumer process is killed
// (kill -9) mid-batch and another takes over, duplicates appended once, unknown products dead-lettered, the
// experiment and variant of attributed events carried onto the relationship.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLogger, loadConfig } from '../core';
import { deleteLabel, repoRoot, testGraph, testRedis, uniqueNamespace } from '../test/support';
import type { GraphClient } from '../graph';
import { loadFixture, type Fixture } from '../api/testing/fixture';
import {
  appendEvents,
  defaultAppendOptions,
  deadLetterStream,
  startEventConsumer,
  writeEvents,
  type TrackedEvent,
} from './index';

let graph: GraphClient;
let fx: Fixture;
const redis = testRedis();
const streams: string[] = [];

beforeAll(async () => {
  graph = testGraph();
  fx = await loadFixture(graph, uniqueNamespace('Ev'));
});

afterAll(async () => {
  for (const s of streams) await redis.del(s, deadLetterStream(s));
  await redis.quit();
  // Sessions the consumer created carry the fixture's id prefix, not its label.
  await graph.write(
    { name: 'test.deleteSessions', cypher: 'MATCH (s:Session) WHERE s.id STARTS WITH $p DETACH DELETE s' },
    { p: `${fx.ns}_` },
  );
  await deleteLabel(graph, fx.ns);
  await graph.close();
});

const event = (prefix: string, i: number, over: Partial<TrackedEvent> = {}): TrackedEvent => ({
  eventId: `${prefix}-${i}`,
  type: (['view', 'cart', 'purchase'] as const)[i % 3],
  userId: fx.id(`u${i % 10}`),
  anonymous: false,
  sessionId: fx.id(`s-${prefix}-${i % 7}`),
  productId: fx.id(`p${i % 20}`),
  ts: Date.parse('2026-11-01T00:00:00Z') + i,
  quantity: 1,
  price: null,
  recId: null,
  experiment: null,
  variant: null,
  ...over,
});

async function countWritten(prefix: string): Promise<{ rels: number; distinct: number }> {
  const [row] = await graph.read<{ rels: number; distinct: number }>(
    {
      name: 'test.countEvents',
      cypher: `MATCH (:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product) WHERE r.eventId STARTS WITH $prefix
               RETURN count(r) AS rels, count(DISTINCT r.eventId) AS distinct`,
    },
    { prefix: `${prefix}-` },
  );
  return row;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

function startConsumerProcess(stream: string, name: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'events', 'consumerMain.ts')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      EVENTS_STREAM: stream,
      EVENTS_BATCH_SIZE: '50',
      EVENTS_CONSUMER_NAME: name,
      EVENTS_CLAIM_IDLE_MS: '500',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

describe('events consumer', () => {
  it('writes every accepted event exactly once when the consumer is killed -9 mid-batch and another takes over', async () => {
    const stream = `graphrec:test:${fx.ns}:kill`;
    streams.push(stream);
    const prefix = `${fx.ns}-kill`;
    const n = 1500;
    const opts = defaultAppendOptions(stream);
    let accepted = 0;
    for (let i = 0; i < n; i += 100) {
      const res = await appendEvents(
        redis,
        Array.from({ length: 100 }, (_, j) => event(prefix, i + j)),
        opts,
      );
      accepted += res.accepted.length;
    }
    expect(accepted).toBe(n);
    const first = startConsumerProcess(stream, 'ingest-a');
    const started = await waitFor(async () => (await countWritten(prefix)).rels > 0, 60_000);
    expect(started).toBe(true);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const partial = (await countWritten(prefix)).rels;
    expect(partial).toBeLessThan(n); // it really died mid-stream
    const second = startConsumerProcess(stream, 'ingest-b');
    try {
      const done = await waitFor(async () => (await countWritten(prefix)).rels >= n, 90_000);
      expect(done).toBe(true);
      await new Promise((r) => setTimeout(r, 1500)); // anything replayed late would show up as a duplicate
      expect(await countWritten(prefix)).toEqual({ rels: n, distinct: n });
      const pending = (await redis.xpending(stream, 'graphrec-ingest')) as [number, ...unknown[]];
      expect(pending[0]).toBe(0);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
  });

  it('counts a duplicate idempotency key once and dead-letters events of unknown products', async () => {
    const stream = `graphrec:test:${fx.ns}:dup`;
    streams.push(stream);
    const prefix = `${fx.ns}-dup`;
    const opts = defaultAppendOptions(stream);
    const a = await appendEvents(redis, [event(prefix, 1), event(prefix, 1), event(prefix, 2)], opts);
    const b = await appendEvents(
      redis,
      [event(prefix, 2), event(prefix, 3, { productId: 'nope_p404' })],
      opts,
    );
    expect([a.accepted.length, a.duplicates.length, b.accepted.length, b.duplicates.length]).toEqual([
      2, 1, 1, 1,
    ]);
    const config = loadConfig({ ...process.env, EVENTS_STREAM: stream });
    const consumer = startEventConsumer({
      config,
      logger: createLogger('silent'),
      graph,
      consumerName: 'dup-test',
      blockMs: 200,
    });
    try {
      expect(
        await waitFor(async () => consumer.stats().written + consumer.stats().deadLettered >= 3, 20_000),
      ).toBe(true);
    } finally {
      await consumer.stop();
    }
    expect(await countWritten(prefix)).toEqual({ rels: 2, distinct: 2 });
    expect(await redis.xlen(deadLetterStream(stream))).toBe(1);
  });
  it('writes the experiment and variant an event was attributed to, null for entries appended without them', async () => {
    const stream = `graphrec:test:${fx.ns}:ab`;
    streams.push(stream);
    const prefix = `${fx.ns}-ab`;
    const tagged = event(prefix, 1, { recId: 'rec-ab-1', experiment: 'exp-a', variant: 'b' });
    await appendEvents(redis, [tagged], defaultAppendOptions(stream));
    // An entry as the API appended it before events carried their experiment: neither field is there.
    const old: Partial<TrackedEvent> = event(prefix, 2, { recId: 'rec-ab-2' });
    delete old.experiment;
    delete old.variant;
    await redis.xadd(stream, '*', 'e', JSON.stringify(old), 'seq', '1');
    const config = loadConfig({ ...process.env, EVENTS_STREAM: stream });
    const consumer = startEventConsumer({
      config,
      logger: createLogger('silent'),
      graph,
      consumerName: 'ab-test',
      blockMs: 200,
    });
    try {
      expect(await waitFor(async () => consumer.stats().written >= 2, 20_000)).toBe(true);
      expect(consumer.stats().deadLettered).toBe(0);
    } finally {
      await consumer.stop();
    }
    const written = () =>
      graph.read<{ eventId: string; recId: string; experiment: string | null; variant: string | null }>(
        {
          name: 'test.readAttribution',
          cypher: `MATCH (:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product) WHERE r.eventId STARTS WITH $prefix
                   RETURN r.eventId AS eventId, r.recId AS recId, r.experiment AS experiment, r.variant AS variant
                   ORDER BY eventId`,
        },
        { prefix: `${prefix}-` },
      );
    const expected = [
      { eventId: `${prefix}-1`, recId: 'rec-ab-1', experiment: 'exp-a', variant: 'b' },
      { eventId: `${prefix}-2`, recId: 'rec-ab-2', experiment: null, variant: null },
    ];
    expect(await written()).toEqual(expected);
    // A re-delivery (a replay after a crash before the ack) changes nothing, whatever it carries.
    await writeEvents(graph, [{ ...tagged, experiment: 'exp-z', variant: 'control', seq: 1 }]);
    expect(await written()).toEqual(expected);
  });
});
