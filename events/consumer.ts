// The durable event consumer: drains the Redis stream into Neo4j in batches, through a consumer group.
// Order of operations per batch: read (pending first, then idle entries of dead consumers, then new ones),
// write to Neo4j, dead-letter what can never be written, and only then XACK. A crash before the ack leaves the
// entries pending; the next run reads them again and the MERGE on eventId turns the replay into a no-op.
// While Neo4j is unreachable the batch is retried with backoff and nothing is acknowledged, so events wait in
// Redis and drain later. A batch the graph refuses is split until the events at fault are alone
// (events/isolate.ts): those are dead-lettered with their reason, the others written, so one poisoned event
// never holds the stream. Acknowledged entries are trimmed from the stream (events/trim.ts).
import os from 'node:os';
import type { Config, Logger } from '../core';
import { createGraphClient, type GraphClient } from '../graph';
import { connectRedis } from '../stack';
import { malformedReason } from './classify';
import { GraphDownError, writeIsolating, type DeadEvent } from './isolate';
import { CONSUMER_GROUP, deadLetterStream } from './keys';
import { trimAcknowledged } from './trim';
import { writeEvents, type StreamedEvent } from './write';

export interface ConsumerStats {
  batches: number;
  written: number;
  deadLettered: number;
  retries: number;
  /** Stream entries removed because every consumer group had acknowledged them. */
  trimmed: number;
}

/** Whether the consumer is making progress: /readyz and graphrec_events_consumer_stuck read this. */
export interface ConsumerHealth {
  stuck: boolean;
  /** Why it is stuck: how long it has had work without acknowledging any, and the last error. */
  reason?: string;
}

export interface EventConsumer {
  stop(): Promise<void>;
  stats(): ConsumerStats;
  health(): ConsumerHealth;
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
  /** Trim acknowledged entries at most this often (default 1 s). */
  trimEveryMs?: number;
}

type StreamEntries = Array<[string, string[]]>;

/** The event an entry carries, or why it cannot be written (dead-lettered with that reason). */
export function parseEntry(fields: string[]): StreamedEvent | { reason: string } {
  let payload: string | undefined;
  let seq = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'e') payload = fields[i + 1];
    if (fields[i] === 'seq') seq = Number(fields[i + 1]);
  }
  if (payload === undefined) return { reason: 'unparseable entry: no event field' };
  let event: StreamedEvent;
  try {
    event = JSON.parse(payload) as StreamedEvent;
  } catch {
    return { reason: 'unparseable entry: the event is not JSON' };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    return { reason: 'malformed payload: not an object' };
  const malformed = malformedReason(event);
  if (malformed) return { reason: malformed };
  // Entries appended before events carried their experiment have neither field.
  return {
    ...event,
    experiment: event.experiment ?? null,
    variant: event.variant ?? null,
    seq: Number.isFinite(seq) ? seq : 0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Thrown out of a wait when the consumer is stopping: the batch stays unacknowledged (pending). */
class Stopping extends Error {}

export function startEventConsumer(opts: ConsumerOptions): EventConsumer {
  const { config, logger } = opts;
  const stream = config.events.stream;
  const dead = deadLetterStream(stream);
  const batchSize = config.events.batchSize;
  const consumer = opts.consumerName ?? `ingest-${os.hostname()}`;
  const claimIdleMs = opts.claimIdleMs ?? 30_000;
  const blockMs = opts.blockMs ?? 1000;
  const trimEveryMs = opts.trimEveryMs ?? 1000;
  const stuckAfterMs = config.events.stuckAfterSeconds * 1000;
  const ownsGraph = opts.graph === undefined;
  const graph =
    opts.graph ?? createGraphClient(config.neo4j, { app: 'graphrec-ingest', maxRetryTimeMs: 5000 });
  // A dedicated connection: XREADGROUP BLOCK holds it.
  const redis = connectRedis(config.redis, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'events consumer redis error'));
  const stats: ConsumerStats = { batches: 0, written: 0, deadLettered: 0, retries: 0, trimmed: 0 };
  // Transient failures per eventId, across batches (a replayed batch keeps its count until restart).
  const attempts = new Map<string, number>();
  let stopped = false;
  /** Since when the consumer has had work it has not acknowledged (null: idle or just acknowledged). */
  let busySince: number | null = null;
  let lastError: string | null = null;
  let lastTrim = 0;

  async function wait(ms: number): Promise<void> {
    if (stopped) throw new Stopping();
    await sleep(ms);
    if (stopped) throw new Stopping();
  }

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
    const ownAll = own?.[0]?.[1] ?? [];
    // A pending entry deleted from the stream (XDEL) comes back without fields: nothing to write, and left
    // pending it would hold the trim point forever.
    const gone = ownAll.filter(([, f]) => !f || f.length === 0).map(([id]) => id);
    if (gone.length > 0) await redis.xack(stream, CONSUMER_GROUP, ...gone);
    const ownEntries = ownAll.filter(([, f]) => f && f.length > 0);
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

  /** Write the batch, waiting out an unreachable graph for as long as it takes. */
  async function writeBatch(events: StreamedEvent[]) {
    let delay = 200;
    for (;;) {
      try {
        return await writeIsolating((batch) => writeEvents(graph, batch), events, {
          maxAttempts: config.events.maxAttempts,
          attempts,
          backoff: (attempt) => wait(Math.min(200 * 2 ** (attempt - 1), 5000)),
          onTransient: (err, e, attempt) => {
            stats.retries++;
            lastError = (err as Error).message;
            logger.warn(
              { err: lastError, eventId: e.eventId, attempt, of: config.events.maxAttempts },
              'events: transient graph error on one event; retrying it',
            );
          },
        });
      } catch (err) {
        if (!(err instanceof GraphDownError)) throw err;
        stats.retries++;
        lastError = err.message;
        logger.warn({ err: err.message, retryInMs: delay }, 'events: the graph is unreachable; retrying');
        await wait(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  async function handle(entries: StreamEntries): Promise<void> {
    const events: StreamedEvent[] = [];
    const bad: Array<{ id: string; reason: string }> = [];
    for (const [id, fields] of entries) {
      const e = parseEntry(fields);
      if ('reason' in e) bad.push({ id, reason: e.reason });
      else events.push(e);
    }
    const { written, dead: refused } = await writeBatch(events);
    const settled = new Set([...written, ...refused.map((d) => d.event.eventId)]);
    // Events the graph returned no row for: their product is unknown.
    const deadEvents: DeadEvent[] = [
      ...refused,
      ...events
        .filter((e) => !settled.has(e.eventId))
        .map((event) => ({ event, reason: 'unknown product or account' })),
    ];
    if (deadEvents.length > 0 || bad.length > 0) {
      const maxLen = config.events.deadLetterMaxLen;
      const pipe = redis.pipeline();
      for (const d of deadEvents)
        pipe.xadd(dead, 'MAXLEN', '~', maxLen, '*', 'e', JSON.stringify(d.event), 'reason', d.reason);
      for (const b of bad) pipe.xadd(dead, 'MAXLEN', '~', maxLen, '*', 'id', b.id, 'reason', b.reason);
      const results = (await pipe.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0]; // not acknowledged: they are dead-lettered again on the replay
      for (const d of deadEvents)
        logger.warn({ eventId: d.event.eventId, reason: d.reason }, 'events: dead-lettered');
      for (const b of bad) logger.warn({ entry: b.id, reason: b.reason }, 'events: dead-lettered');
    }
    await redis.xack(stream, CONSUMER_GROUP, ...entries.map(([id]) => id));
    busySince = null;
    lastError = null;
    stats.batches++;
    stats.written += written.size;
    stats.deadLettered += deadEvents.length + bad.length;
    logger.debug({ n: entries.length, written: written.size }, 'events: batch committed');
  }

  async function maybeTrim(): Promise<void> {
    if (Date.now() - lastTrim < trimEveryMs) return;
    lastTrim = Date.now();
    try {
      stats.trimmed += await trimAcknowledged(redis, stream);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'events: trimming the stream failed');
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        await ensureGroup();
        break;
      } catch (err) {
        lastError = (err as Error).message;
        busySince ??= Date.now();
        logger.warn({ err: lastError }, 'events: cannot create the consumer group; retrying');
        await sleep(1000);
      }
    }
    while (!stopped) {
      try {
        const entries = await nextBatch();
        if (entries.length > 0) {
          busySince ??= Date.now();
          await handle(entries);
        } else {
          busySince = null;
        }
        await maybeTrim();
      } catch (err) {
        if (stopped || err instanceof Stopping) break;
        lastError = (err as Error).message;
        busySince ??= Date.now();
        logger.warn({ err: lastError }, 'events: redis read failed; retrying');
        await sleep(500);
      }
    }
  })();

  return {
    stats: () => ({ ...stats }),
    health() {
      if (busySince === null) return { stuck: false };
      const ms = Date.now() - busySince;
      if (ms < stuckAfterMs) return { stuck: false };
      return {
        stuck: true,
        reason: `no event acknowledged for ${Math.round(ms / 1000)} s while events wait${lastError ? ` (last error: ${lastError})` : ''}`,
      };
    },
    async stop() {
      stopped = true;
      // Wake a blocked XREADGROUP: disconnecting aborts it; the loop then exits.
      redis.disconnect();
      await loop;
      if (ownsGraph) await graph.close();
    },
  };
}
