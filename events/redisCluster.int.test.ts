// The event path on a Redis Cluster (a private one: three masters with a replica each, stack/testing): the
// append script, the consumer's XREADGROUP, dead letters and trimming, then a master failing over mid-stream and
// the stream's slot moving to another master mid-stream (MOVED and ASK redirections, TRYAGAIN while its keys
// are split), each ending with every event in the graph exactly once. The graph is the shared Neo4j, under a
// unique fixture.
import { createLogger } from '../core';
import type { GraphClient } from '../graph';
import { loadFixture, type Fixture } from '../api/testing/fixture';
import { deleteLabel, testGraph, uniqueNamespace } from '../test/support';
import { connectRedis, parseClusterNodes } from '../stack';
import { startScratchCluster, type ScratchCluster } from '../stack/testing/scratchCluster';
import type Redis from 'ioredis';
import {
  appendEvents,
  deadLetterStream,
  defaultAppendOptions,
  startEventConsumer,
  type EventConsumer,
  type TrackedEvent,
} from './index';
import { SAMPLE_EVENT_TS, sampleEvent } from './testing/sampleEvent';

const ns = uniqueNamespace('Rc');
const stream = `{graphrec}:events:${ns}`;
let cluster: ScratchCluster;
let graph: GraphClient;
let fx: Fixture;
let producer: Redis;
let consumer: EventConsumer;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

beforeAll(async () => {
  cluster = await startScratchCluster({ replicas: 1, env: { EVENTS_STREAM: stream } });
  graph = testGraph();
  fx = await loadFixture(graph, ns);
  // The API's event connection (api/redis.ts): no offline queue, so an error reaches the storefront, which
  // retries the batch with the same event ids.
  producer = connectRedis(cluster.config.redis, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 2000,
    retryStrategy: () => 200,
  });
  producer.on('error', () => undefined);
  consumer = startEventConsumer({
    config: cluster.config,
    logger: createLogger('silent'),
    graph,
    consumerName: 'cluster-test',
    blockMs: 200,
    claimIdleMs: 1000,
    trimEveryMs: 200,
  });
}, 120_000);

afterAll(async () => {
  await consumer?.stop();
  producer?.disconnect();
  await cluster?.stop();
  if (graph) {
    await graph.write(
      { name: 'test.deleteSessions', cypher: 'MATCH (s:Session) WHERE s.id STARTS WITH $p DETACH DELETE s' },
      { p: `${fx.ns}_` },
    );
    await deleteLabel(graph, ns);
    await graph.close();
  }
});

const event = (prefix: string, i: number, over: Partial<TrackedEvent> = {}): TrackedEvent =>
  sampleEvent({
    eventId: `${ns}-${prefix}-${i}`,
    type: (['view', 'cart', 'purchase'] as const)[i % 3],
    userId: fx.id(`u${i % 10}`),
    sessionId: fx.id(`s-${prefix}-${i % 7}`),
    productId: fx.id(`p${i % 20}`),
    ts: SAMPLE_EVENT_TS + i,
    ...over,
  });

/** The storefront: batches of `batch`, each retried with the same ids until stored; `during` runs between. */
async function produce(
  prefix: string,
  n: number,
  batch: number,
  during: (sent: number) => Promise<void> = async () => undefined,
): Promise<{ accepted: number; duplicates: number; retries: number }> {
  const out = { accepted: 0, duplicates: 0, retries: 0 };
  for (let i = 0; i < n; i += batch) {
    await during(i);
    const events = Array.from({ length: Math.min(batch, n - i) }, (_, j) => event(prefix, i + j));
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await appendEvents(producer, events, defaultAppendOptions(stream));
        out.accepted += r.accepted.length;
        out.duplicates += r.duplicates.length;
        break;
      } catch (err) {
        if (attempt > 300) throw err;
        out.retries++;
        await sleep(100);
      }
    }
  }
  return out;
}

async function written(prefix: string): Promise<{ rels: number; distinct: number }> {
  const [row] = await graph.read<{ rels: number; distinct: number }>(
    {
      name: 'test.countEvents',
      cypher: `MATCH (:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product) WHERE r.eventId STARTS WITH $prefix
               RETURN count(r) AS rels, count(DISTINCT r.eventId) AS distinct`,
    },
    { prefix: `${ns}-${prefix}-` },
  );
  return row;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return check();
}

/** Who serves the stream's slot now, and (for a failover) that master's replica. */
async function streamOwner(): Promise<{ slot: number; master: number; replica?: number; others: number[] }> {
  const any = cluster.node(cluster.config.redis.cluster!.basePort);
  const slot = Number(await any.call('CLUSTER', 'KEYSLOT', stream));
  const lines = String(await any.call('CLUSTER', 'NODES'))
    .split('\n')
    .filter((l) => l.trim());
  const parsed = parseClusterNodes(lines.join('\n'));
  const ids = lines.map((l) => l.split(' '));
  const owner = ids.find((f) => f[2].includes('master') && f.slice(8).some((r) => covers(r, slot)))!;
  const replica = ids.find((f) => f[3] === owner[0] && !f[2].includes('fail'));
  const portOf = (f: string[]) => Number(/:(\d+)@/.exec(f[1])![1]);
  const others = parsed.filter((n) => n.role === 'master' && n.slots > 0 && n.port !== portOf(owner));
  return {
    slot,
    master: portOf(owner),
    ...(replica ? { replica: portOf(replica) } : {}),
    others: others.map((n) => n.port),
  };
}

const covers = (range: string, slot: number) => {
  if (range.startsWith('[')) return false;
  const [a, b] = range.split('-').map(Number);
  return slot >= a && slot <= (b ?? a);
};

const nodeId = async (port: number) => String(await cluster.node(port).call('CLUSTER', 'MYID'));

it('appends, consumes into the graph, dead-letters the unknown and trims, across the cluster', async () => {
  const r = await produce('basic', 30, 10);
  expect(r).toMatchObject({ accepted: 30, duplicates: 0 });
  // A retried batch is refused whole: the idempotency keys live beside the stream.
  expect(await appendEvents(producer, [event('basic', 0)], defaultAppendOptions(stream))).toEqual({
    accepted: [],
    duplicates: [`${ns}-basic-0`],
  });
  await appendEvents(producer, [event('basic', 99, { productId: fx.id('no-such-product') })], {
    ...defaultAppendOptions(stream),
  });
  expect(await waitFor(async () => (await written('basic')).rels === 30, 30_000)).toBe(true);
  expect(await waitFor(async () => (await producer.xlen(deadLetterStream(stream))) === 1, 10_000)).toBe(true);
  expect(await waitFor(async () => (await producer.xlen(stream)) === 0, 10_000)).toBe(true);
  expect(await written('basic')).toEqual({ rels: 30, distinct: 30 });
}, 60_000);

it('loses and duplicates no event when the stream master fails over mid-stream', async () => {
  const before = await streamOwner();
  expect(before.replica).toBeDefined();
  const replica = cluster.node(before.replica!);
  const n = 300;
  const r = await produce('failover', n, 10, async (sent) => {
    // A manual failover: the replica catches up with its master, then takes its slots (no write is lost,
    // unlike a kill -9 under asynchronous replication: docs/deployment.md).
    if (sent === 100) await replica.call('CLUSTER', 'FAILOVER');
    await sleep(10);
  });
  expect(r.accepted + r.duplicates).toBe(n);
  const after = await streamOwner();
  expect(after.master).toBe(before.replica);
  expect(await waitFor(async () => (await written('failover')).rels >= n, 60_000)).toBe(true);
  await sleep(1000); // a duplicate would land after the last original
  expect(await written('failover')).toEqual({ rels: n, distinct: n });
}, 120_000);

it('loses and duplicates no event when the stream slot moves to another master mid-stream', async () => {
  const { slot, master, others } = await streamOwner();
  const target = others[0];
  const [srcId, dstId] = [await nodeId(master), await nodeId(target)];
  const src = cluster.node(master);
  const dst = cluster.node(target);
  const n = 200;
  const moved = produce('reshard', n, 10, async () => sleep(10));
  await sleep(300);
  // What `redis-cli --cluster reshard` does for one slot: mark it, move its keys a few at a time (requests in
  // between meet ASK, or TRYAGAIN for a script whose keys are split), then hand it over.
  await dst.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', srcId);
  await src.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', dstId);
  for (;;) {
    const keys = (await src.call('CLUSTER', 'GETKEYSINSLOT', slot, 5)) as string[];
    if (keys.length === 0) break;
    await src.call('MIGRATE', '127.0.0.1', target, '', 0, 5000, 'KEYS', ...keys);
    await sleep(20);
  }
  for (const port of [target, master, ...others.slice(1)])
    await cluster.node(port).call('CLUSTER', 'SETSLOT', slot, 'NODE', dstId);
  const r = await moved;
  expect(r.accepted + r.duplicates).toBe(n);
  expect((await streamOwner()).master).toBe(target);
  expect(await waitFor(async () => (await written('reshard')).rels >= n, 60_000)).toBe(true);
  await sleep(1000);
  expect(await written('reshard')).toEqual({ rels: n, distinct: n });
}, 120_000);
