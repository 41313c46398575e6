// The named queries of the co-purchase analysis. Product ids and parameters only ever travel as $parameters.
import type { NamedQuery } from '../graph';

/**
 * Co-purchase pairs: products a and b (a < b by id) and the number of distinct shoppers who bought both at or
 * after $since (epoch ms; null = all history), dropping pairs with fewer than $minWeight shoppers. Shoppers
 * with more than $maxItemsPerShopper distinct products are left out: each adds the square of their basket in
 * pairs, and such accounts (resellers, test users) say little about what belongs together.
 * Columns: a, b, shoppers. Indexes: purchased_ts (with $since).
 */
export const CO_PURCHASE_PAIRS: NamedQuery = {
  name: 'analytics.coPurchasePairs',
  cypher: `
MATCH (u:User)-[e:PURCHASED]->(p:Product)
WHERE $since IS NULL OR e.ts >= $since
WITH u, collect(DISTINCT p.id) AS items
WHERE size(items) >= 2 AND size(items) <= $maxItemsPerShopper
UNWIND items AS a
UNWIND items AS b
WITH a, b WHERE a < b
WITH a, b, count(*) AS shoppers WHERE shoppers >= $minWeight
RETURN a, b, shoppers`,
};

/** Name and leaf category of the products in $ids. Columns: id, name, category. Indexes: product_id. */
export const PRODUCT_FACTS: NamedQuery = {
  name: 'analytics.productFacts',
  cypher: `
UNWIND $ids AS id
MATCH (p:Product {id: id})
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
RETURN p.id AS id, p.name AS name, c.name AS category`,
};

/** Products that carry a community from an earlier run. Columns: id. */
export const MARKED_PRODUCTS: NamedQuery = {
  name: 'analytics.markedProducts',
  cypher: `MATCH (p:Product) WHERE p.coPurchaseCommunity IS NOT NULL RETURN p.id AS id`,
};

/**
 * $rows: [{id, community, rank}]. SET, so writing the same rows twice leaves the same graph. The driver sends JS
 * numbers as floats, hence toInteger for the community id.
 */
export const WRITE_PRODUCTS: NamedQuery = {
  name: 'analytics.writeCoPurchase',
  cypher: `
UNWIND $rows AS row
MATCH (p:Product {id: row.id})
SET p.coPurchaseCommunity = toInteger(row.community), p.coPurchaseRank = row.rank`,
};

/** Products of an earlier run that this run leaves out (their pairs fell below the minimum weight). */
export const CLEAR_PRODUCTS: NamedQuery = {
  name: 'analytics.clearCoPurchase',
  cypher: `
UNWIND $ids AS id
MATCH (p:Product {id: id})
REMOVE p.coPurchaseCommunity, p.coPurchaseRank`,
};

/** The one run record: when the properties were written (ranAt, epoch ms) and with which parameters. */
export const WRITE_RUN: NamedQuery = {
  name: 'analytics.writeCoPurchaseRun',
  cypher: `
MERGE (r:CoPurchaseAnalysis {id: 'communities'})
SET r.ranAt = toInteger($ranAt), r.products = toInteger($products), r.edges = toInteger($edges),
    r.communities = toInteger($communities), r.modularity = $modularity, r.minWeight = toInteger($minWeight),
    r.since = toInteger($since), r.maxItemsPerShopper = toInteger($maxItemsPerShopper),
    r.seed = toInteger($seed), r.resolution = toFloat($resolution)`,
};
