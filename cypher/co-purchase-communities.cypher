// @title Co-purchase communities by revenue
// @description The co-purchase communities (groups of products bought by the same shoppers, written by
//   `graphrec analytics communities --write`; empty until it has run), by the revenue of their products'
//   purchases: sum of quantity x price paid (the list price where an event has no price). Each row names the
//   community's highest-ranked product and its dominant leaf categories with their number of products.
// @param categories int = 3 -- dominant categories listed per community
// @param limit int = 20 -- rows returned, highest revenue first
// @columns community, products, revenue, purchases, topProductId, topProduct, dominantCategories
// @indexes product_id
MATCH (p:Product)
WHERE p.coPurchaseCommunity IS NOT NULL
CALL (p) {
  OPTIONAL MATCH (:User)-[e:PURCHASED]->(p)
  RETURN sum(coalesce(e.quantity, 1) * coalesce(e.price, p.price, 0.0)) AS revenue, count(e) AS purchases
}
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
WITH p, revenue, purchases, c ORDER BY p.coPurchaseRank DESC, p.id
WITH p.coPurchaseCommunity AS community, count(p) AS products, sum(revenue) AS revenue,
     sum(purchases) AS purchases, collect(p)[0] AS top, collect(c.name) AS names
CALL (names) {
  UNWIND names AS name
  WITH name, count(*) AS n ORDER BY n DESC, name LIMIT $categories
  RETURN collect(name + ' (' + toString(n) + ')') AS dominantCategories
}
RETURN community, products, round(revenue, 2) AS revenue, purchases, top.id AS topProductId,
       top.name AS topProduct, dominantCategories
ORDER BY revenue DESC, community
LIMIT $limit
