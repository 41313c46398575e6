// @title Products in the same co-purchase community
// @description The products in the same co-purchase community as a product, highest co-purchase rank first.
//   Communities are groups of products bought by the same shoppers (Louvain); the rank is a weighted
//   PageRank over the co-purchase graph (higher = bought with more products, by more shoppers). Both are
//   written by `graphrec analytics communities --write` (docs/browser.md); empty until it has run. With
//   productId "" the product with the highest rank is used.
// @param productId string = "" -- a product id; "" = the highest-ranked product
// @param limit int = 20 -- rows returned
// @columns productId, community, position, memberId, member, category, coPurchaseRank
// @indexes product_id
MATCH (x:Product)
WHERE x.coPurchaseCommunity IS NOT NULL AND ($productId = '' OR x.id = $productId)
WITH x ORDER BY x.coPurchaseRank DESC, x.id LIMIT 1
MATCH (p:Product) WHERE p.coPurchaseCommunity = x.coPurchaseCommunity
WITH x, p ORDER BY p.coPurchaseRank DESC, p.id
WITH x, collect(p) AS members
UNWIND range(0, size(members) - 1) AS i
WITH x, members[i] AS p, i + 1 AS position
ORDER BY position
LIMIT $limit
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
RETURN x.id AS productId, x.coPurchaseCommunity AS community, position, p.id AS memberId, p.name AS member,
       c.name AS category, p.coPurchaseRank AS coPurchaseRank
ORDER BY position
