// The Cypher of the synthetic loader (synthetic.ts), per file: `create` for the fast path into new ids, `merge` for
// the idempotent one (a re-load or an incremental load).
import type { EventRel } from '../../core';
import { eventBatchStatements } from './eventBatches';

export const SYNTHETIC_CYPHER = {
  categoriesCreate: `UNWIND $rows AS r
CREATE (c:Category {id: r.id}) SET c.name = r.name, c.level = r.level, c.season = r.season
WITH c, r WHERE r.parent IS NOT NULL
MATCH (p:Category {id: r.parent}) CREATE (c)-[:CHILD_OF]->(p)`,
  categoriesMerge: `UNWIND $rows AS r
MERGE (c:Category {id: r.id}) SET c.name = r.name, c.level = r.level, c.season = r.season
WITH c, r WHERE r.parent IS NOT NULL
MATCH (p:Category {id: r.parent}) MERGE (c)-[:CHILD_OF]->(p)`,
  brandsCreate: `UNWIND $rows AS r CREATE (b:Brand {id: r.id}) SET b.name = r.name, b.tier = r.tier`,
  brandsMerge: `UNWIND $rows AS r MERGE (b:Brand {id: r.id}) SET b.name = r.name, b.tier = r.tier`,
  productsCreate: `UNWIND $rows AS r
MATCH (c:Category {id: r.category}) MATCH (b:Brand {id: r.brand})
CREATE (p:Product {id: r.id}) SET p.name = r.props.name, p.price = r.props.price, p.currency = r.props.currency, p.description = r.props.description, p.launchedAt = r.props.launchedAt, p.inStock = r.props.inStock, p.consumable = r.props.consumable
CREATE (p)-[:IN_CATEGORY]->(c) CREATE (p)-[:MADE_BY]->(b)`,
  // Properties are set one by one (a map SET makes the planner add an Eager step) and others' properties (f_*,
  // embedding) are kept; a moved product loses its old links.
  productsMerge: `UNWIND $rows AS r
MATCH (c:Category {id: r.category}) MATCH (b:Brand {id: r.brand})
MERGE (p:Product {id: r.id}) SET p.name = r.props.name, p.price = r.props.price, p.currency = r.props.currency, p.description = r.props.description, p.launchedAt = r.props.launchedAt, p.inStock = r.props.inStock, p.consumable = r.props.consumable
WITH p, r, c, b
OPTIONAL MATCH (p)-[oc:IN_CATEGORY]->(c0) WHERE c0 <> c DELETE oc
WITH DISTINCT p, r, c, b
OPTIONAL MATCH (p)-[ob:MADE_BY]->(b0) WHERE b0 <> b DELETE ob
WITH DISTINCT p, c, b
MERGE (p)-[:IN_CATEGORY]->(c) MERGE (p)-[:MADE_BY]->(b)`,
  usersCreate: `UNWIND $rows AS r
MATCH (a:AgeBand {id: r.ageBand}) MATCH (g:Region {id: r.region}) MATCH (t:LoyaltyTier {id: r.tier})
CREATE (u:User {id: r.id}) SET u.signupAt = r.props.signupAt, u.birthYear = r.props.birthYear, u.gender = r.props.gender, u.region = r.props.region, u.loyaltyTier = r.props.loyaltyTier, u.emailDomain = r.props.emailDomain, u.marketingOptIn = r.props.marketingOptIn
CREATE (u)-[:IN_AGE_BAND]->(a) CREATE (u)-[:IN_REGION]->(g) CREATE (u)-[:HAS_TIER]->(t)`,
  usersMerge: `UNWIND $rows AS r
MATCH (a:AgeBand {id: r.ageBand}) MATCH (g:Region {id: r.region}) MATCH (t:LoyaltyTier {id: r.tier})
MERGE (u:User {id: r.id}) SET u.signupAt = r.props.signupAt, u.birthYear = r.props.birthYear, u.gender = r.props.gender, u.region = r.props.region, u.loyaltyTier = r.props.loyaltyTier, u.emailDomain = r.props.emailDomain, u.marketingOptIn = r.props.marketingOptIn
WITH u, a, g, t
OPTIONAL MATCH (u)-[o:IN_AGE_BAND|IN_REGION|HAS_TIER]->(m) WHERE NOT m IN [a, g, t] DELETE o
WITH DISTINCT u, a, g, t
MERGE (u)-[:IN_AGE_BAND]->(a) MERGE (u)-[:IN_REGION]->(g) MERGE (u)-[:HAS_TIER]->(t)`,
  sessionsCreate: `UNWIND $rows AS r
MATCH (u:User {id: r.props.userId})
CREATE (s:Session {id: r.id}) SET s.userId = r.props.userId, s.startedAt = r.props.startedAt, s.endedAt = r.props.endedAt, s.device = r.props.device, s.channel = r.props.channel, s.eventCount = 0
CREATE (u)-[:HAD_SESSION]->(s)`,
  sessionsMerge: `UNWIND $rows AS r
MATCH (u:User {id: r.props.userId})
MERGE (s:Session {id: r.id}) ON CREATE SET s.eventCount = 0
SET s.userId = r.props.userId, s.startedAt = r.props.startedAt, s.endedAt = r.props.endedAt, s.device = r.props.device, s.channel = r.props.channel
MERGE (u)-[:HAD_SESSION]->(s)`,
};

function eventCypher(rel: EventRel, merge: boolean): string {
  // rel comes from REL_FOR, the vocabulary's closed map.
  return merge
    ? `UNWIND $rows AS r MATCH (u:User {id: r.u}) MATCH (p:Product {id: r.p})
MERGE (u)-[e:${rel} {eventId: r.props.eventId}]->(p)
SET e.ts = r.props.ts, e.sessionId = r.props.sessionId, e.seq = r.props.seq, e.quantity = r.props.quantity, e.price = r.props.price`
    : `UNWIND $rows AS r MATCH (u:User {id: r.u}) MATCH (p:Product {id: r.p})
CREATE (u)-[:${rel} {eventId: r.props.eventId, ts: r.props.ts, sessionId: r.props.sessionId, seq: r.props.seq, quantity: r.props.quantity, price: r.props.price}]->(p)`;
}

/** The events file's statements: one per event type, then the sessions' counts (eventBatches.ts). */
export const syntheticEventStatements = (merge: boolean) =>
  eventBatchStatements((rel) => eventCypher(rel, merge));
