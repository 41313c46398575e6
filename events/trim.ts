// Keeping the event stream bounded without losing an event: entries are trimmed only below the oldest one any
// consumer group still needs, which is its oldest pending (delivered, not acknowledged) entry or, when nothing
// is pending, the entry after the last one it was given. A stream no group reads is never trimmed: its entries
// wait for a consumer. MAXLEN trimming is not used on the stream for that reason: during a long graph outage it
// would drop events nobody has written yet.
import type Redis from 'ioredis';

interface GroupInfo {
  name: string;
  pending: number;
  lastDelivered: string;
}

function groupsOf(raw: unknown[][]): GroupInfo[] {
  return raw.map((flat) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
    return {
      name: String(o.name),
      pending: Number(o.pending),
      lastDelivered: String(o['last-delivered-id']),
    };
  });
}

const parseId = (id: string): [bigint, bigint] => {
  const [ms, seq] = id.split('-');
  return [BigInt(ms), BigInt(seq ?? '0')];
};

function compareIds(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/** The id right after `id`: MINID keeps entries at or above it, so this keeps nothing up to `id`. */
const nextId = (id: string) => {
  const [ms, seq] = parseId(id);
  return `${ms}-${seq + 1n}`;
};

/**
 * The lowest id some consumer group may still need, or null when the stream has no group (then nothing may
 * be trimmed). Conservative under concurrency: deliveries after the read only add entries above it, and
 * acknowledgements only remove needs.
 */
export async function oldestNeededId(redis: Redis, stream: string): Promise<string | null> {
  if ((await redis.exists(stream)) === 0) return null;
  const groups = groupsOf((await redis.xinfo('GROUPS', stream)) as unknown[][]);
  if (groups.length === 0) return null;
  let min: string | null = null;
  for (const g of groups) {
    let need = nextId(g.lastDelivered);
    if (g.pending > 0) {
      const summary = (await redis.xpending(stream, g.name)) as [number, string | null, ...unknown[]];
      if (summary[1]) need = summary[1];
    }
    if (min === null || compareIds(need, min) < 0) min = need;
  }
  return min;
}

/** Remove the entries every group has acknowledged; returns how many went. */
export async function trimAcknowledged(redis: Redis, stream: string): Promise<number> {
  const minId = await oldestNeededId(redis, stream);
  if (minId === null) return 0;
  return Number(await redis.xtrim(stream, 'MINID', minId));
}
