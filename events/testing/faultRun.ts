// The ingestion fault rig, shared by events/faults.int.test.ts (asserts) and `graphrec bench faults` (prints):
// events stream through the append path trackEvents uses (appendEvents, with a storefront's retry of the same
// keys after an error) and the consumer process into a private scratch Neo4j, through a private redis-server on
// a free port running the stack's own redis.conf (AOF, maxmemory, noeviction), while the consumer process,
// Neo4j and Redis are each killed -9 and, separately, frozen (SIGSTOP, then SIGCONT) mid-stream. Every process
// it starts is its own; the shared stack is never touched. One rig per process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { EVENT_TYPES, loadConfig, type Config } from '../../core';
import { renderRedisConf } from '../../stack';
import { freePort, repoRoot, scratchEnv, startScratchNeo4j, type ScratchNeo4j } from '../../test/support';
import { loadFixture, type Fixture } from '../../api/testing/fixture';
import { appendEvents, defaultAppendOptions, deadLetterStream, type TrackedEvent } from '../index';
import { SAMPLE_EVENT_TS, sampleEvent } from './sampleEvent';

const STREAM = 'graphrec:faults:events';
const BATCH = 10;
/** How long a frozen process stays frozen. */
const FREEZE_MS = 3000;

let neo: ScratchNeo4j;
let fx: Fixture;
let dir: string;
let config: Config;
let redisProc: ChildProcess | null = null;
let consumer: ChildProcess | null = null;
let consumers = 0;
let producer: Redis;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startRedis(): Promise<void> {
  redisProc = spawn('/usr/bin/redis-server', [path.join(dir, 'redis.conf')], { cwd: dir, stdio: 'ignore' });
  const probe = new Redis(config.redis.url, { maxRetriesPerRequest: null });
  probe.on('error', () => undefined);
  try {
    for (let i = 0; (await probe.ping().catch(() => null)) !== 'PONG'; i++) {
      if (i > 300) throw new Error('the scratch redis-server did not start in 30 s');
      await sleep(100);
    }
  } finally {
    probe.disconnect();
  }
}

function startConsumer(): void {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...scratchEnv(neo),
    REDIS_URL: config.redis.url,
    LOG_LEVEL: 'error',
    EVENTS_STREAM: STREAM,
    EVENTS_BATCH_SIZE: '50',
    EVENTS_CONSUMER_NAME: `faults-${++consumers}`,
    EVENTS_CLAIM_IDLE_MS: '500',
  };
  delete env.NEO4J_URI;
  consumer = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'events', 'consumerMain.ts')], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function kill9(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

async function freeze(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  await sleep(FREEZE_MS);
  process.kill(pid, 'SIGCONT');
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const FAULTS: Record<string, () => Promise<void>> = {
  'worker kill -9': async () => {
    await kill9(consumer!);
    startConsumer(); // another consumer takes over the dead one's pending entries
  },
  'worker freeze': () => freeze(consumer!.pid!),
  'neo4j kill -9': async () => {
    const pid = neo.pid()!;
    process.kill(pid, 'SIGKILL');
    while (pidAlive(pid)) await sleep(100);
    await neo.restart();
  },
  'neo4j freeze': () => freeze(neo.pid()!),
  'redis kill -9': async () => {
    await kill9(redisProc!);
    await startRedis(); // from its AOF
  },
  'redis freeze': () => freeze(redisProc!.pid!),
};

/** Start the scratch Neo4j (minutes on a loaded 2-vCPU machine), the Redis and the consumer process. */
export async function startFaultRig(): Promise<void> {
  neo = await startScratchNeo4j();
  fx = await loadFixture(neo.graph, 'Faults');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-events-faults-'));
  config = loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dir,
    REDIS_URL: undefined,
    REDIS_PORT: String(await freePort()),
  });
  fs.writeFileSync(path.join(dir, 'redis.conf'), renderRedisConf(config, dir));
  await startRedis();
  // The API's event connection (api/redis.ts): no offline queue, a bounded wait, so a dead or frozen Redis is
  // an error the storefront retries, never a hang.
  producer = new Redis(config.redis.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 2000,
    retryStrategy: () => 200,
  });
  producer.on('error', () => undefined);
  startConsumer();
}

export async function stopFaultRig(): Promise<void> {
  producer?.disconnect();
  if (consumer) await kill9(consumer);
  if (redisProc) await kill9(redisProc);
  await neo?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

const event = (prefix: string, i: number): TrackedEvent =>
  sampleEvent({
    eventId: `${prefix}-${i}`,
    type: EVENT_TYPES[i % 3],
    userId: fx.id(`u${i % 10}`),
    sessionId: fx.id(`s-${prefix}-${i % 7}`),
    productId: fx.id(`p${i % 20}`),
    ts: SAMPLE_EVENT_TS + i,
  });

/** Append a batch as trackEvents does, retrying with the same keys until Redis acknowledges every one. */
async function appendUntilAcknowledged(events: TrackedEvent[], acknowledged: Set<string>): Promise<void> {
  for (;;) {
    try {
      const res = await appendEvents(producer, events, defaultAppendOptions(STREAM));
      for (const id of [...res.accepted, ...res.duplicates]) acknowledged.add(id);
      return;
    } catch {
      await sleep(200);
    }
  }
}

async function storedIds(prefix: string): Promise<string[]> {
  const rows = await neo.graph.read<{ id: string }>(
    {
      name: 'test.faultEvents',
      cypher: `MATCH (:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product) WHERE r.eventId STARTS WITH $prefix
               RETURN r.eventId AS id`,
    },
    { prefix: `${prefix}-` },
  );
  return rows.map((r) => r.id);
}

export interface FaultCounts {
  fault: string;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  deadLettered: number;
}

async function runFault(fault: string, n: number, eventsPerFault: number): Promise<FaultCounts> {
  const prefix = `f${n}`;
  const acknowledged = new Set<string>();
  let injected: Promise<void> | null = null;
  for (let i = 0; i < eventsPerFault; i += BATCH) {
    if (i === eventsPerFault / 2) injected = FAULTS[fault]();
    const batch = Array.from({ length: BATCH }, (_, j) => event(prefix, i + j));
    await appendUntilAcknowledged(batch, acknowledged);
  }
  await injected;
  // Converged: every acknowledged event stored (or the deadline says it never will be).
  const deadline = Date.now() + 120_000;
  let ids = await storedIds(prefix).catch(() => [] as string[]);
  while (new Set(ids).size < acknowledged.size && Date.now() < deadline) {
    await sleep(500);
    ids = await storedIds(prefix).catch(() => ids);
  }
  await sleep(1500); // a replay arriving late would show up as a duplicate
  ids = await storedIds(prefix);
  const stored = new Set(ids);
  const dead = await producer.xrange(deadLetterStream(STREAM), '-', '+');
  return {
    fault,
    acknowledged: acknowledged.size,
    stored: stored.size,
    lost: [...acknowledged].filter((id) => !stored.has(id)).length,
    duplicated: ids.length - stored.size,
    deadLettered: dead.filter(([, f]) => f.join(' ').includes(`"${prefix}-`)).length,
  };
}

export const FAULT_NAMES = Object.keys(FAULTS);

/**
 * Each fault in turn on its own events (`eventsPerFault`, hit after half of them were appended), each run
 * until every acknowledged event is stored or two minutes pass; then counted.
 */
export async function runFaults(eventsPerFault: number): Promise<FaultCounts[]> {
  const results: FaultCounts[] = [];
  for (const [n, fault] of FAULT_NAMES.entries()) results.push(await runFault(fault, n, eventsPerFault));
  return results;
}

/** Entries left in the stream once the consumer has caught up (it trims what it acknowledged). */
export async function streamLengthWhenDrained(): Promise<number> {
  const deadline = Date.now() + 10_000;
  while ((await producer.xlen(STREAM)) > 0 && Date.now() < deadline) await sleep(200);
  return producer.xlen(STREAM);
}
