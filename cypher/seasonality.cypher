// @title Top products by category and month (seasonality)
// @description The best-selling products of each top-level category in each calendar month (UTC), by number of
//   purchase events. Shows which categories peak when (back to school, December gifts, summer).
// @param category string = "" -- a top-level category id or name; "" for every top-level category
// @param top int = 3 -- products per category and month
// @columns category, month, rank, productId, product, purchases, units
// @indexes category_level, product_id
MATCH (top:Category {level: 1})
WHERE $category = '' OR top.id = $category OR top.name = $category
MATCH (top)<-[:CHILD_OF*2]-(:Category)<-[:IN_CATEGORY]-(p:Product)<-[e:PURCHASED]-(:User)
WITH top, p, substring(toString(datetime({epochMillis: toInteger(e.ts)})), 0, 7) AS month,
     count(*) AS purchases, sum(coalesce(e.quantity, 1)) AS units
ORDER BY purchases DESC, p.id
WITH top, month, collect({id: p.id, name: p.name, purchases: purchases, units: units})[0..$top] AS best
UNWIND range(0, size(best) - 1) AS i
RETURN top.name AS category, month, i + 1 AS rank, best[i].id AS productId, best[i].name AS product,
       best[i].purchases AS purchases, best[i].units AS units
ORDER BY category, month, rank
