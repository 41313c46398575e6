// A user's history for one request: from the model's snapshot (history.bin, what Neo4j held when the model's
// export began) when it is recent enough that every event since is still in the user's recent list in Redis;
// else from Neo4j. recommend() merges the recent list in either way, so the snapshot plus Redis is the history
// Neo4j would give, without a Neo4j round trip per cache miss (and while Neo4j is down).
import { EVENT_RELS, type EventRel } from '../../core';
import type { LoadedModel } from '../model/activeModel';

export interface HistoryRow {
  productId: string;
  type: EventRel;
  ts: number;
}

const REL = EVENT_RELS;

/**
 * Events reach Redis's recent list when they are accepted and the graph a little later (the worker's batches):
 * a snapshot is trusted while it is younger than the recent lists' TTL less this lag allowance.
 */
export const SNAPSHOT_LAG_ALLOWANCE_MS = 3_600_000;

/** The snapshot's age limit for recent lists kept `recentTtlSeconds`. */
export const snapshotMaxAgeMs = (recentTtlSeconds: number) =>
  Math.max(0, recentTtlSeconds * 1000 - SNAPSHOT_LAG_ALLOWANCE_MS);

/**
 * The user's snapshot history, newest first, or undefined when Neo4j must be asked: the version has no snapshot,
 * the snapshot is too old, or the user is not in it (new since the export).
 */
export function snapshotHistory(
  model: LoadedModel | undefined,
  userId: string,
  now: number,
  maxAgeMs: number,
): HistoryRow[] | undefined {
  const h = model?.history;
  if (!h || now - h.snapshotAt > maxAgeMs) return undefined;
  const row = model.userRow.get(userId);
  if (row === undefined || row >= h.nUsers) return undefined;
  const out: HistoryRow[] = [];
  for (let k = h.ptr[row]; k < h.ptr[row + 1]; k++)
    out.push({ productId: model.itemIds[h.item[k]], type: REL[h.type[k]], ts: h.ts[k] });
  return out;
}
