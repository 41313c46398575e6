// The export's named Cypher. Each returns plain columns, one row per node or event, in no particular order:
// the reader orders rows itself (by id, session start, seq) because an ORDER BY over millions of events would
// make Neo4j materialise them all before the first row arrives.
//
// Parameters (all queries): $prefix :: String, the namespace: '' is the synthetic shop's un-prefixed ids
// (`u12`, `p7`; ids holding a ':' belong to other data sets, e.g. `gowalla:u12`, or are the API's anonymous
// `anon:<session>` users), otherwise `<name>:` keeps only ids that start with it.
// Indexes: none needed; every query is one label scan (plus, for events, each user's relationships).
import type { NamedQuery } from '../../graph';

/** True when node `v`'s id is in the namespace $prefix. A fixed template over a fixed variable name. */
const inNamespace = (v: string) =>
  `(($prefix = '' AND NOT ${v}.id CONTAINS ':') OR ($prefix <> '' AND ${v}.id STARTS WITH $prefix))`;

/** Columns: id, parentId (null for a root). */
export const EXPORT_CATEGORIES: NamedQuery = {
  name: 'training.export.categories',
  cypher: `MATCH (c:Category) WHERE ${inNamespace('c')}
RETURN c.id AS id, [(c)-[:CHILD_OF]->(p:Category) | p.id][0] AS parentId`,
};

/** Columns: id, tier. */
export const EXPORT_BRANDS: NamedQuery = {
  name: 'training.export.brands',
  cypher: `MATCH (b:Brand) WHERE ${inNamespace('b')} RETURN b.id AS id, b.tier AS tier`,
};

/** Columns: id, categoryId, brandId, price (Float), launchedAt (ms). */
export const EXPORT_PRODUCTS: NamedQuery = {
  name: 'training.export.products',
  cypher: `MATCH (p:Product) WHERE ${inNamespace('p')}
RETURN p.id AS id, [(p)-[:IN_CATEGORY]->(c:Category) | c.id][0] AS categoryId,
       [(p)-[:MADE_BY]->(b:Brand) | b.id][0] AS brandId, p.price AS price, p.launchedAt AS launchedAt`,
};

/** Columns: id, birthYear, region, loyaltyTier. */
export const EXPORT_USERS: NamedQuery = {
  name: 'training.export.users',
  cypher: `MATCH (u:User) WHERE ${inNamespace('u')}
RETURN u.id AS id, u.birthYear AS birthYear, u.region AS region, u.loyaltyTier AS loyaltyTier`,
};

/** Columns: id, startedAt (ms). */
export const EXPORT_SESSIONS: NamedQuery = {
  name: 'training.export.sessions',
  cypher: `MATCH (s:Session) WHERE ${inNamespace('s')} RETURN s.id AS id, s.startedAt AS startedAt`,
};

/** Columns: userId, productId, type (relationship type), ts (ms), sessionId, seq. */
export const EXPORT_EVENTS: NamedQuery = {
  name: 'training.export.events',
  cypher: `MATCH (u:User)-[e:VIEWED|ADDED_TO_CART|PURCHASED]->(p:Product)
WHERE ${inNamespace('u')} AND ${inNamespace('p')}
RETURN u.id AS userId, p.id AS productId, type(e) AS type, e.ts AS ts, e.sessionId AS sessionId, e.seq AS seq`,
};

/** Columns: n, the event relationships of every namespace (from the count store: instant), for progress. */
export const COUNT_EVENTS: NamedQuery = {
  name: 'training.export.countEvents',
  cypher: `CALL () {
  MATCH ()-[e:VIEWED]->() RETURN count(e) AS c
  UNION ALL MATCH ()-[e:ADDED_TO_CART]->() RETURN count(e) AS c
  UNION ALL MATCH ()-[e:PURCHASED]->() RETURN count(e) AS c
}
RETURN sum(c) AS n`,
};
