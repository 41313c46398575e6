// The consumer against the real Neo4j and Redis: exactly-once delivery when the consumer process is killed
// (kill -9) mid-batch and another takes over, duplicates appended once, unknown products dead-lettered, the
// experiment and variant of attributed events carried onto the relationship, a poisoned event (a reused
// eventId the graph refuses, a malformed payload) dead-lettered with its reason without holding the events
// around it, and the stream trimmed once consumed.
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
import { SAMPLE_EVENT_TS, sampleEvent } from './testing/sampleEvent';

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

const event = (prefix: string, i: number, over: Partial<TrackedEvent> = {}): TrackedEvent =>
  sampleEvent({
    eventId: `${prefix}-${i}`,
    type: (['view', 'cart', 'purchase'] as const)[i % 3],
    userId: fx.id(`u${i % 10}`),
    sessionId: fx.id(`s-${prefix}-${i % 7}`),
    productId: fx.id(`p${i % 20}`),
    ts: SAMPLE_EVENT_TS + i,
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

  it('counts a duplicate idempotency key once and dead-letters events of unknown products and accounts', async () => {
    const stream = `graphrec:test:${fx.ns}:dup`;
    streams.push(stream);
    const prefix = `${fx.ns}-dup`;
    const opts = defaultAppendOptions(stream);
    const a = await appendEvents(redis, [event(prefix, 1), event(prefix, 1), event(prefix, 2)], opts);
    const b = await appendEvents(
      redis,
      [
        event(prefix, 2),
        event(prefix, 3, { productId: 'nope_p404' }),
        // An account the graph does not have (trackEvents refuses it while Neo4j answers): never created here.
        event(prefix, 4, { userId: `${prefix}-u404` }),
      ],
      opts,
    );
    expect([a.accepted.length, a.duplicates.length, b.accepted.length, b.duplicates.length]).toEqual([
      2, 1, 2, 1,
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
        await waitFor(async () => consumer.stats().written + consumer.stats().deadLettered >= 4, 20_000),
      ).toBe(true);
    } finally {
      await consumer.stop();
    }
    expect(await countWritten(prefix)).toEqual({ rels: 2, distinct: 2 });
    expect(await redis.xlen(deadLetterStream(stream))).toBe(2);
    const [users] = await graph.read<{ n: number }>(
      { name: 'test.unknownAccount', cypher: 'MATCH (u:User {id: $id}) RETURN count(u) AS n' },
      { id: `${prefix}-u404` },
    );
    expect(users.n).toBe(0);
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

  it('dead-letters a poisoned event with its reason within seconds and writes every event around it', async () => {
    const stream = `graphrec:test:${fx.ns}:poison`;
    streams.push(stream);
    const prefix = `${fx.ns}-poison`;
    // The ETL's idempotency guard (etl/load/schema.ts): the same statement, so a no-op where it exists.
    await graph.write({
      name: 'test.viewedEventIdConstraint',
      cypher:
        'CREATE CONSTRAINT viewed_event_id IF NOT EXISTS FOR ()-[r:VIEWED]-() REQUIRE r.eventId IS UNIQUE',
    });
    // An event the ETL already stored, for another user: the storefront reuses its id as an idempotency key.
    const reused = `${prefix}-etl`;
    await graph.write(
      {
        name: 'test.storeEtlEvent',
        cypher: `MATCH (u:User {id: $u}), (p:Product {id: $p}) CREATE (u)-[:VIEWED {eventId: $id, ts: 0}]->(p)`,
      },
      { u: fx.id('u9'), p: fx.id('p9'), id: reused },
    );
    const opts = defaultAppendOptions(stream);
    const before = Array.from({ length: 20 }, (_, i) => event(prefix, i));
    const poisoned = event(prefix, 0, {
      eventId: reused,
      type: 'view',
      userId: fx.id('u1'),
      productId: fx.id('p1'),
    });
    const after = Array.from({ length: 20 }, (_, i) => event(prefix, 100 + i));
    await appendEvents(redis, [...before, poisoned], opts);
    // An entry no API wrote: its timestamp is text.
    await redis.xadd(stream, '*', 'e', JSON.stringify({ ...event(prefix, 50), ts: 'yesterday' }), 'seq', '1');
    await appendEvents(redis, after, opts);

    const config = loadConfig({ ...process.env, EVENTS_STREAM: stream });
    const consumer = startEventConsumer({
      config,
      logger: createLogger('silent'),
      graph,
      consumerName: 'poison-test',
      blockMs: 200,
      trimEveryMs: 0,
    });
    try {
      // Within seconds, not after a retry budget: nothing about the poisoned write can succeed later.
      const settled = await waitFor(
        async () => consumer.stats().deadLettered >= 2 && consumer.stats().written >= 40,
        20_000,
      );
      expect(settled).toBe(true);
      expect(consumer.health()).toEqual({ stuck: false });
      // Consumed and acknowledged: trimmed away (the next read after the ack trims).
      expect(await waitFor(async () => (await redis.xlen(stream)) === 0, 10_000)).toBe(true);
    } finally {
      await consumer.stop();
    }
    expect(await countWritten(prefix)).toEqual({ rels: 41, distinct: 41 }); // 40 events + the ETL's own
    const deadEntries = (await redis.xrange(deadLetterStream(stream), '-', '+')).map(([, f]) => {
      const o: Record<string, string> = {};
      for (let i = 0; i + 1 < f.length; i += 2) o[f[i]] = f[i + 1];
      return o;
    });
    expect(deadEntries.map((d) => d.reason)).toEqual([
      expect.stringMatching(/^conflict: the eventId is already stored for another user or product/),
      'malformed payload: ts is not a number',
    ]);
    expect(JSON.parse(deadEntries[0].e)).toMatchObject({ eventId: reused, userId: fx.id('u1') });
    const pending = (await redis.xpending(stream, 'graphrec-ingest')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });
});
