// Writing a batch of events into the graph. MERGE on the relationship's `eventId` makes a replay of the same
// batch (after a crash between the commit and the stream ack) a no-op: that is what makes ingestion exactly
// once. Relationship types cannot be parameters, so there is one named query per event type (a whitelist).
// Only anonymous visitors (anon:<session>) get a User here: an account comes from the shop's users file through
// the ETL, so an event for an unknown account is not written (trackEvents refuses those while the graph answers;
// one accepted while it did not is dead-lettered here), as for an unknown product. A view stores no quantity or
// price, as the ETL loads it (core/eventRules.ts).
import type { GraphClient, NamedQuery } from '../graph';
import { EVENT_TYPES, REL_FOR, type EventType, type TrackedEvent } from './types';

const writeQuery = (type: EventType): NamedQuery => ({
  name: `events.write.${type}`,
  cypher: `
UNWIND $events AS e
MATCH (p:Product {id: e.productId})
CALL (e) {
  WITH e WHERE e.anonymous
  MERGE (u:User {id: e.userId})
    ON CREATE SET u.anonymous = true, u.signupAt = null
  RETURN u
  UNION
  WITH e WHERE NOT e.anonymous
  MATCH (u:User {id: e.userId})
  RETURN u
}
MERGE (u)-[r:${REL_FOR[type]} {eventId: e.eventId}]->(p)
  ON CREATE SET r.ts = e.ts, r.sessionId = e.sessionId, r.seq = e.seq,${type === 'view' ? '' : ' r.quantity = e.quantity, r.price = coalesce(e.price, p.price),'}
                r.recId = e.recId,
                r.experiment = e.experiment, r.variant = e.variant
WITH u, e
CALL (u, e) {
  WITH u, e WHERE e.sessionId IS NOT NULL
  MERGE (s:Session {id: e.sessionId})
    ON CREATE SET s.userId = e.userId, s.startedAt = e.ts, s.endedAt = e.ts, s.eventCount = 0
  SET s.startedAt = CASE WHEN e.ts < s.startedAt THEN e.ts ELSE s.startedAt END,
      s.endedAt = CASE WHEN e.ts > s.endedAt THEN e.ts ELSE s.endedAt END
  MERGE (u)-[:HAD_SESSION]->(s)
}
RETURN e.eventId AS eventId`,
});

const QUERIES = Object.fromEntries(EVENT_TYPES.map((t) => [t, writeQuery(t)])) as Record<
  EventType,
  NamedQuery
>;

export interface StreamedEvent extends TrackedEvent {
  seq: number;
}

/** Write the events in one transaction; returns the ids written (one whose product or account is unknown is not). */
export async function writeEvents(graph: GraphClient, events: StreamedEvent[]): Promise<Set<string>> {
  const written = new Set<string>();
  await graph.writeTx('events.writeBatch', async (tx) => {
    written.clear(); // a retried transaction starts again
    for (const type of EVENT_TYPES) {
      const batch = events.filter((e) => e.type === type);
      if (batch.length === 0) continue;
      const res = await tx.run(QUERIES[type].cypher, { events: batch });
      for (const r of res.records) written.add(r.get('eventId') as string);
    }
  });
  return written;
}
