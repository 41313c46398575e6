// The upgrade of a single Redis from the untagged key names to the hash-tagged ones (docs/operations.md,
// "Upgrading: legacy Redis keys"). It runs when the worker starts, before its consumer reads, and as
// `graphrec redis migrate-keys`. On a Redis Cluster it does nothing: a cluster deployment starts with the new
// names (config refuses untagged ones there), and the old and new names would sit in different slots.
//
// Every step can be killed and re-run to the same end state:
// - the old event stream: the entries its consumer group has not acknowledged (pending, or after the group's
//   last-delivered id) are appended to the new stream chunk by chunk by one script that also records the last
//   scanned id in a progress key, so a chunk is copied whole with its progress or not at all; its dead letters
//   are copied whole the same way; the old streams and progress keys go in one DEL once nothing is left behind
//   the progress (an old API still appending there holds the delete back to the next run);
// - key families (recent lists, generations, sequences, idempotency markers, experiments): RENAMENX, which
//   keeps the TTL; where the new name already exists (written since the upgrade) the two are merged into it
//   (MOVE_KEY says how) and the old key deleted. A moved key leaves the old pattern, so a re-run's SCAN finds
//   only what is left;
// - the old result cache is deleted (a cache: each entry is recomputed on the next miss);
// - BullMQ's old queue keys are counted and left (see LegacyMigration.oldQueueKeys).
import type Redis from 'ioredis';
import type { Logger } from '../core';
import { isRedisCluster } from '../stack';
import { CONSUMER_GROUP, deadLetterStream } from './keys';
import { redisScript, runScript } from './redisScript';

/** The defaults before the keys carried hash tags. */
export const LEGACY = {
  stream: 'graphrec:events',
  jobsPrefix: 'graphrec:bull',
  experimentsPrefix: 'graphrec:ab',
  /** events/keys.ts's families, old prefix -> new prefix. */
  families: ['evk', 'recent', 'gen', 'seq'] as const,
  eventKeyPrefix: 'graphrec:',
  newEventKeyPrefix: '{graphrec}:',
  resultCache: 'graphrec:rc:',
} as const;

export interface LegacyTargets {
  /** The configured (new) names: EVENTS_STREAM, EXPERIMENTS_PREFIX, JOBS_PREFIX. */
  stream: string;
  experimentsPrefix: string;
  jobsPrefix: string;
}

export interface LegacyMigration {
  /** False on a Redis Cluster (nothing to migrate there). */
  ran: boolean;
  /** Old stream entries the group had not acknowledged, appended to the new stream. */
  eventsCopied: number;
  /** Old stream entries the group had acknowledged, left behind (already in the graph). */
  eventsSkipped: number;
  deadLettersCopied: number;
  /** Whether the old stream and dead letters are gone (false: an old writer appended meanwhile; re-run). */
  oldStreamsDeleted: boolean;
  /** Keys renamed to their new name, per family; and old keys merged into a new key written since the upgrade. */
  keysRenamed: Record<string, number>;
  keysMerged: number;
  resultCacheDeleted: number;
  /** BullMQ keys under the old prefix, left in place: the schedules are re-created under the new prefix at
   * worker start, and an old worker may still be running a job there during a rolling upgrade. */
  oldQueueKeys: number;
}

export interface MigrateOptions {
  logger?: Logger;
  /** Stream entries per script call. */
  chunk?: number;
  /** Stop after this many chunks of the event stream (a test's stand-in for a crash mid-copy). */
  stopAfterChunks?: number;
}

const PAGE = 500;
export const progressKey = (oldStream: string) => `${oldStream}:migrated-to`;

// KEYS: old stream, new stream, progress. ARGV: the progress this chunk starts from ('' for none), the last id
// scanned in the chunk, then the chunk's entries to copy as JSON [[field, value, ...], ...]. A progress other
// than the expected one means another run copied this chunk already: nothing is appended.
const COPY_CHUNK = redisScript(`
local progress = redis.call('GET', KEYS[3]) or ''
if progress ~= ARGV[1] then return -1 end
local entries = cjson.decode(ARGV[3])
for _, fields in ipairs(entries) do
  redis.call('XADD', KEYS[2], '*', unpack(fields))
end
redis.call('SET', KEYS[3], ARGV[2])
return #entries
`);

// KEYS: old streams followed by their progress keys (same order). Deleted together, and only when each old
// stream's newest entry is the one its progress names (or the stream is gone): nothing appended since.
const DROP_COPIED = redisScript(`
local n = #KEYS / 2
for i = 1, n do
  local last = redis.call('XREVRANGE', KEYS[i], '+', '-', 'COUNT', 1)
  if #last > 0 and last[1][1] ~= (redis.call('GET', KEYS[n + i]) or '') then return 0 end
end
redis.call('DEL', unpack(KEYS))
return 1
`);

const idLess = (a: string, b: string): boolean => {
  const [ams, aseq] = a.split('-').map(BigInt);
  const [bms, bseq] = b.split('-').map(BigInt);
  return ams < bms || (ams === bms && aseq < bseq);
};

/** The group's unacknowledged view of a stream: its last-delivered id and its pending ids. */
async function unacknowledged(
  redis: Redis,
  stream: string,
  group: string | null,
): Promise<{ lastDelivered: string; pending: Set<string> }> {
  const none = { lastDelivered: '0-0', pending: new Set<string>() };
  if (group === null) return none;
  const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
  const info = groups
    .map((g) => {
      const m = new Map<string, unknown>();
      for (let i = 0; i + 1 < g.length; i += 2) m.set(String(g[i]), g[i + 1]);
      return m;
    })
    .find((m) => m.get('name') === group);
  if (!info) return none;
  const pending = new Set<string>();
  let start = '-';
  for (;;) {
    const page = (await redis.xpending(stream, group, start, '+', PAGE)) as Array<[string, ...unknown[]]>;
    for (const [id] of page) pending.add(id);
    if (page.length < PAGE) break;
    start = `(${page[page.length - 1][0]}`;
  }
  return { lastDelivered: String(info.get('last-delivered-id')), pending };
}

/** Copy what `group` has not acknowledged (everything when null) from `from` to `to`; resumes at the progress. */
async function copyStream(
  redis: Redis,
  from: string,
  to: string,
  group: string | null,
  chunk: number,
  maxChunks: number,
): Promise<{ copied: number; skipped: number; complete: boolean }> {
  let copied = 0;
  let skipped = 0;
  if ((await redis.exists(from)) === 0) return { copied, skipped, complete: true };
  const { lastDelivered, pending } = await unacknowledged(redis, from, group);
  const progress = progressKey(from);
  for (let chunks = 0; ; chunks++) {
    if (chunks >= maxChunks) return { copied, skipped, complete: false };
    const after = (await redis.get(progress)) ?? '';
    const page = await redis.xrange(from, after === '' ? '-' : `(${after}`, '+', 'COUNT', chunk);
    if (page.length === 0) return { copied, skipped, complete: true };
    const wanted = page.filter(([id]) => idLess(lastDelivered, id) || pending.has(id));
    const n = (await runScript(
      redis,
      COPY_CHUNK,
      [from, to, progress],
      [after, page[page.length - 1][0], JSON.stringify(wanted.map(([, fields]) => fields))],
    )) as number;
    if (n < 0) continue; // another run moved the progress: read on from there
    copied += n;
    skipped += page.length - wanted.length;
  }
}

async function* scan(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', PAGE);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}

// KEYS: the old key, its new name. ARGV[1]: '1' when the key is a hash of counters. Returns 0 (gone), 1 (renamed,
// TTL kept) or 2 (merged into a new key written since the upgrade, whose TTL stays): sets are united, counter
// hashes summed, other hashes keep the new key's fields, lists (recent events, newest first) get the old entries
// after the new ones within the longer one's length, integer strings (generations, sequences) take the larger,
// anything else keeps the new value. One script per key: a kill leaves the old key whole or gone.
const MOVE_KEY = redisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('RENAMENX', KEYS[1], KEYS[2]) == 1 then return 1 end
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'set' then
  for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('SADD', KEYS[2], m) end
elseif t == 'hash' then
  local h = redis.call('HGETALL', KEYS[1])
  for i = 1, #h, 2 do
    if ARGV[1] == '1' then redis.call('HINCRBYFLOAT', KEYS[2], h[i], h[i + 1])
    else redis.call('HSETNX', KEYS[2], h[i], h[i + 1]) end
  end
elseif t == 'list' then
  local keep = math.max(redis.call('LLEN', KEYS[1]), redis.call('LLEN', KEYS[2]))
  for _, v in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do redis.call('RPUSH', KEYS[2], v) end
  redis.call('LTRIM', KEYS[2], 0, keep - 1)
elseif t == 'string' then
  local a = tonumber(redis.call('GET', KEYS[1]))
  local b = tonumber(redis.call('GET', KEYS[2]))
  if a and b and a > b and a == math.floor(a) then redis.call('SET', KEYS[2], tostring(a), 'KEEPTTL') end
end
redis.call('DEL', KEYS[1])
return 2
`);

/** experiments/keys.ts's counter hashes (exposures, latency buckets, revenue): merged by adding. */
const COUNTER_HASH = /:x:[^:]+:[^:]+:(n|lat|rev)$/;

/** Move every key under `from` to the same suffix under `to`; returns [renamed, merged]. */
async function renameFamily(redis: Redis, from: string, to: string): Promise<[number, number]> {
  let renamed = 0;
  let merged = 0;
  for await (const keys of scan(redis, `${from}*`)) {
    const results = await Promise.all(
      keys.map((k) =>
        runScript(redis, MOVE_KEY, [k, to + k.slice(from.length)], [COUNTER_HASH.test(k) ? '1' : '0']),
      ),
    );
    for (const r of results) {
      if (r === 1) renamed++;
      if (r === 2) merged++;
    }
  }
  return [renamed, merged];
}

export async function migrateLegacyKeys(
  redis: Redis,
  targets: LegacyTargets,
  opts: MigrateOptions = {},
): Promise<LegacyMigration> {
  const out: LegacyMigration = {
    ran: false,
    eventsCopied: 0,
    eventsSkipped: 0,
    deadLettersCopied: 0,
    oldStreamsDeleted: false,
    keysRenamed: {},
    keysMerged: 0,
    resultCacheDeleted: 0,
    oldQueueKeys: 0,
  };
  if (isRedisCluster(redis)) return out;
  out.ran = true;
  const chunk = opts.chunk ?? PAGE;
  const maxChunks = opts.stopAfterChunks ?? Infinity;

  if (targets.stream !== LEGACY.stream) {
    const oldDead = deadLetterStream(LEGACY.stream);
    const events = await copyStream(redis, LEGACY.stream, targets.stream, CONSUMER_GROUP, chunk, maxChunks);
    out.eventsCopied = events.copied;
    out.eventsSkipped = events.skipped;
    if (!events.complete) return out;
    const dead = await copyStream(redis, oldDead, deadLetterStream(targets.stream), null, chunk, Infinity);
    out.deadLettersCopied = dead.copied;
    const keys = [LEGACY.stream, oldDead, progressKey(LEGACY.stream), progressKey(oldDead)];
    out.oldStreamsDeleted = (await runScript(redis, DROP_COPIED, keys, [])) === 1;
  } else out.oldStreamsDeleted = true;

  for (const family of LEGACY.families) {
    const [renamed, merged] = await renameFamily(
      redis,
      `${LEGACY.eventKeyPrefix}${family}:`,
      `${LEGACY.newEventKeyPrefix}${family}:`,
    );
    out.keysRenamed[family] = renamed;
    out.keysMerged += merged;
  }
  if (targets.experimentsPrefix !== LEGACY.experimentsPrefix) {
    const [renamed, merged] = await renameFamily(
      redis,
      `${LEGACY.experimentsPrefix}:`,
      `${targets.experimentsPrefix}:`,
    );
    out.keysRenamed.experiments = renamed;
    out.keysMerged += merged;
  }
  for await (const keys of scan(redis, `${LEGACY.resultCache}*`))
    out.resultCacheDeleted += await redis.unlink(...keys);
  if (targets.jobsPrefix !== LEGACY.jobsPrefix)
    for await (const keys of scan(redis, `${LEGACY.jobsPrefix}:*`)) out.oldQueueKeys += keys.length;

  const moved =
    out.eventsCopied +
    out.deadLettersCopied +
    out.keysMerged +
    out.resultCacheDeleted +
    Object.values(out.keysRenamed).reduce((a, b) => a + b, 0);
  if (moved > 0 || out.oldQueueKeys > 0 || !out.oldStreamsDeleted)
    opts.logger?.info({ ...out }, 'redis: legacy (untagged) keys migrated to the hash-tagged names');
  return out;
}
