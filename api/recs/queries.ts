// The named, parameterised Cypher the recommender runs. Each query bounds its fan-out (LIMIT inside the
// subqueries) so that a best-seller with thousands of buyers costs the same as a niche product.
import type { NamedQuery } from '../../graph';

/** $userId: the user's latest events, newest first (history seeds and the purchased set). */
export const USER_HISTORY: NamedQuery = {
  name: 'api.recs.userHistory',
  cypher: `
MATCH (u:User {id: $userId})-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(p:Product)
WITH p, r ORDER BY r.ts DESC LIMIT toInteger($limit)
RETURN p.id AS productId, type(r) AS type, r.ts AS ts`,
};

// Bought together: the products the seed's buyers (at most 40 of them) bought too.
const COPURCHASE = `
  MATCH (p)<-[:PURCHASED]-(u:User)
  WITH DISTINCT u LIMIT 40
  MATCH (u)-[:PURCHASED]->(q:Product) WHERE q <> p
  WITH q, count(*) AS w ORDER BY w DESC LIMIT 25
  RETURN q, 'copurchase' AS source, w`;

/**
 * $seeds: product ids the shopper touched. Returns (seed, productId, source, w) rows: bought together
 * (co-purchase by the same users), viewed in the same session (co-view), and the same leaf category.
 */
export const SEED_NEIGHBOURS: NamedQuery = {
  name: 'api.recs.seedNeighbours',
  cypher: `
UNWIND $seeds AS seed
MATCH (p:Product {id: seed})
CALL (p) {
${COPURCHASE}
  UNION ALL
  MATCH (p)<-[v:VIEWED]-(u:User)
  WITH u, v LIMIT 40
  MATCH (u)-[v2:VIEWED]->(q:Product) WHERE v2.sessionId = v.sessionId AND q <> p
  WITH q, count(*) AS w ORDER BY w DESC LIMIT 25
  RETURN q, 'coview' AS source, w
  UNION ALL
  MATCH (p)-[:IN_CATEGORY]->(:Category)<-[:IN_CATEGORY]-(q:Product) WHERE q <> p
  WITH q LIMIT 25
  RETURN q, 'category' AS source, 1 AS w
}
RETURN seed, q.id AS productId, source, w`,
};

/**
 * $seeds: the co-purchase part of SEED_NEIGHBOURS alone, for seeds whose co-view and category neighbours come
 * from the serving model's tables (tableNeighbours.ts). The same rows as SEED_NEIGHBOURS.
 */
export const SEED_COPURCHASE: NamedQuery = {
  name: 'api.recs.seedCopurchase',
  cypher: `
UNWIND $seeds AS seed
MATCH (p:Product {id: seed})
CALL (p) {${COPURCHASE}
}
RETURN seed, q.id AS productId, source, w`,
};

/** $userId: what users of the same age band and region buy (the demographic cold start). */
export const SEGMENT_OF: NamedQuery = {
  name: 'api.recs.segmentOf',
  cypher: `
MATCH (u:User {id: $userId})
OPTIONAL MATCH (u)-[:IN_AGE_BAND]->(a:AgeBand)
OPTIONAL MATCH (u)-[:IN_REGION]->(r:Region)
RETURN a.id AS ageBand, r.id AS region`,
};

export const SEGMENT_POPULAR: NamedQuery = {
  name: 'api.recs.segmentPopular',
  cypher: `
MATCH (:AgeBand {id: $ageBand})<-[:IN_AGE_BAND]-(o:User)-[:IN_REGION]->(:Region {id: $region})
WITH o LIMIT 400
MATCH (o)-[:PURCHASED]->(p:Product)
RETURN p.id AS productId, count(*) AS w ORDER BY w DESC LIMIT 60`,
};

/** Event counts per product in [$from, $to), weighted by intent (purchase 3, cart 2, view 1). */
export const POPULAR_IN_WINDOW: NamedQuery = {
  name: 'api.recs.popularInWindow',
  cypher: `
CALL () {
  MATCH (:User)-[r:PURCHASED]->(p:Product) WHERE r.ts >= $from AND r.ts < $to RETURN p, 3 AS w
  UNION ALL
  MATCH (:User)-[r:ADDED_TO_CART]->(p:Product) WHERE r.ts >= $from AND r.ts < $to RETURN p, 2 AS w
  UNION ALL
  MATCH (:User)-[r:VIEWED]->(p:Product) WHERE r.ts >= $from AND r.ts < $to RETURN p, 1 AS w
}
RETURN p.id AS productId, sum(w) AS w ORDER BY w DESC LIMIT toInteger($limit)`,
};

/** The time of the latest event in the graph: trending windows end there when the data is older than now. */
export const LATEST_EVENT: NamedQuery = {
  name: 'api.recs.latestEvent',
  cypher: `
MATCH ()-[r:VIEWED]->() WHERE r.ts IS NOT NULL
RETURN r.ts AS ts ORDER BY r.ts DESC LIMIT 1`,
};
