// The durable event consumer: drains the Redis stream into Neo4j in batches, through a consumer group.
// Order of operations per batch: read (pending first, then idle entries of dead consumers, then new ones),
// write to Neo4j in one transaction, and only then XACK. A crash before the ack leaves the entries pending;
// the next run reads them again and the MERGE on eventId turns the replay into a no-op. While Neo4j is down
// the batch is retried with backoff and nothing is acknowledged, so events wait in Redis and drain later.
import os from 'node:os';
import Redis from 'ioredis';
import type { Config, Logger } from '../core';
import { createGraphClient, type GraphClient } from '../graph';
import { CONSUMER_GROUP, deadLetterStream } from './keys';
import { writeEvents, type StreamedEvent } from './write';

export interface ConsumerStats {
  batches: number;
  written: number;
  deadLettered: number;
  retries: number;
}

export interface EventConsumer {
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

export interface ConsumerOptions {
  config: Config;
  logger: Logger;
  /** Reuse a graph client (the worker's); otherwise one is created and closed on stop. */
  graph?: GraphClient;
  /** Entries pending longer than this in a consumer that is gone are taken over. */
  claimIdleMs?: number;
  consumerName?: string;
  blockMs?: number;
}

type StreamEntries = Array<[string, string[]]>;

export function parseEntry(id: string, fields: string[]): StreamedEvent | undefined {
  let payload: string | undefined;
  let seq = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'e') payload = fields[i + 1];
    if (fields[i] === 'seq') seq = Number(fields[i + 1]);
  }
  if (payload === undefined) return undefined;
  let event: StreamedEvent;
  try {
    event = JSON.parse(payload) as StreamedEvent;
  } catch {
    return undefined;
  }
  // Entries appended before events carried their experiment have neither field.
  return { ...event, experiment: event.experiment ?? null, variant: event.variant ?? null, seq };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startEventConsumer(opts: ConsumerOptions): EventConsumer {
  const { config, logger } = opts;
  const stream = config.events.stream;
  const batchSize = config.events.batchSize;
  const consumer = opts.consumerName ?? `ingest-${os.hostname()}`;
  const claimIdleMs = opts.claimIdleMs ?? 30_000;
  const blockMs = opts.blockMs ?? 1000;
  const ownsGraph = opts.graph === undefined;
  const graph =
    opts.graph ?? createGraphClient(config.neo4j, { app: 'graphrec-ingest', maxRetryTimeMs: 5000 });
  // A dedicated connection: XREADGROUP BLOCK holds it.
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'events consumer redis error'));
  const stats: ConsumerStats = { batches: 0, written: 0, deadLettered: 0, retries: 0 };
  let stopped = false;

  async function ensureGroup(): Promise<void> {
    try {
      await redis.xgroup('CREATE', stream, CONSUMER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  async function nextBatch(): Promise<StreamEntries> {
    // 1. our own pending entries (left by a previous run of this consumer that died before acking)
    const own = (await redis.xreadgroup(
      'GROUP',
      CONSUMER_GROUP,
      consumer,
      'COUNT',
      batchSize,
      'STREAMS',
      stream,
      '0',
    )) as Array<[string, StreamEntries]> | null;
    const ownEntries = (own?.[0]?.[1] ?? []).filter(([, f]) => f !== null && f.length > 0);
    if (ownEntries.length > 0) return ownEntries;
    // 2. entries another consumer took and never acknowledged (it crashed)
    const claimed = (await redis.xautoclaim(
      stream,
      CONSUMER_GROUP,
      consumer,
      claimIdleMs,
      '0-0',
      'COUNT',
      batchSize,
    )) as [string, StreamEntries, string[]?];
    const claimedEntries = (claimed?.[1] ?? []).filter((e) => e && e[1]);
    if (claimedEntries.length > 0) return claimedEntries;
    // 3. new entries
    const fresh = (await redis.xreadgroup(
      'GROUP',
      CONSUMER_GROUP,
      consumer,
      'COUNT',
      batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      stream,
      '>',
    )) as Array<[string, StreamEntries]> | null;
    return fresh?.[0]?.[1] ?? [];
  }

  async function handle(entries: StreamEntries): Promise<void> {
    const events: StreamedEvent[] = [];
    const bad: string[] = [];
    for (const [id, fields] of entries) {
      const e = parseEntry(id, fields);
      if (e) events.push(e);
      else bad.push(id);
    }
    let delay = 200;
    let written: Set<string> | undefined;
    while (!written) {
      try {
        written = events.length > 0 ? await writeEvents(graph, events) : new Set();
      } catch (err) {
        if (stopped) return; // not acknowledged: the entries stay pending for the next run
        stats.retries++;
        logger.warn(
          { err: (err as Error).message, retryInMs: delay },
          'events: graph write failed; retrying',
        );
        await sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
    // Events the graph refused (unknown product) go to a dead-letter stream, so nothing vanishes silently.
    const dead = events.filter((e) => !written.has(e.eventId));
    if (dead.length > 0 || bad.length > 0) {
      const pipe = redis.pipeline();
      for (const e of dead)
        pipe.xadd(deadLetterStream(stream), '*', 'e', JSON.stringify(e), 'reason', 'unknown product');
      for (const id of bad) pipe.xadd(deadLetterStream(stream), '*', 'id', id, 'reason', 'unparseable entry');
      await pipe.exec();
    }
    await redis.xack(stream, CONSUMER_GROUP, ...entries.map(([id]) => id));
    stats.batches++;
    stats.written += written.size;
    stats.deadLettered += dead.length + bad.length;
    logger.debug({ n: entries.length, written: written.size }, 'events: batch committed');
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await ensureGroup();
        break;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'events: cannot create the consumer group; retrying');
        await sleep(1000);
      }
    }
    while (!stopped) {
      try {
        const entries = await nextBatch();
        if (entries.length > 0) await handle(entries);
      } catch (err) {
        if (stopped) break;
        logger.warn({ err: (err as Error).message }, 'events: redis read failed; retrying');
        await sleep(500);
      }
    }
  })();

  return {
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      // Wake a blocked XREADGROUP: disconnecting aborts it; the loop then exits.
      redis.disconnect();
      await loop;
      if (ownsGraph) await graph.close();
    },
  };
}
