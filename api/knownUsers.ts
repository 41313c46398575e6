// trackEvents never creates a user (docs/data-format.md, "Plausible events"): the graph's users are the shop's,
// loaded by the ETL, and a browser must not add one by naming any id. A user id the graph does not hold is
// refused like an unknown product, while the graph can tell; a shopper the shop has not exported yet is tracked
// by sessionId alone, as an anonymous session. When Neo4j cannot answer the check is skipped, as for products,
// so that an outage loses no events.
import { notFound } from '../core';
import type { GraphClient, NamedQuery } from '../graph';
import type { Breaker } from './guard';

export const MISSING_USERS: NamedQuery = {
  name: 'api.trackEvents.missingUsers',
  cypher: `UNWIND $ids AS id
OPTIONAL MATCH (u:User {id: id})
WITH id, u WHERE u IS NULL
RETURN collect(id) AS missing`,
};

export interface EventSubject {
  userId: string;
  anonymous: boolean;
}

/** Throws NOT_FOUND naming the first event whose (non-anonymous) user the graph does not hold. */
export async function refuseUnknownUsers(
  graph: GraphClient,
  breaker: Breaker,
  events: readonly EventSubject[],
): Promise<void> {
  const ids = [...new Set(events.filter((e) => !e.anonymous).map((e) => e.userId))];
  if (ids.length === 0) return;
  let missing: Set<string>;
  try {
    const rows = await breaker.run(() => graph.read<{ missing: string[] }>(MISSING_USERS, { ids }));
    missing = new Set(rows[0]?.missing ?? []);
  } catch {
    return;
  }
  const i = events.findIndex((e) => !e.anonymous && missing.has(e.userId));
  if (i >= 0)
    throw notFound(
      `no user with id ${JSON.stringify(events[i].userId)}; a shopper the shop has not exported yet is tracked by sessionId alone`,
      { field: `events[${i}].userId` },
    );
}
