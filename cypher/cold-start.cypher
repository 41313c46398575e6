// @title Cold-start coverage: new products
// @description Products launched in the last `days` days before the latest event in the graph, with their
//   views, carts and purchases, and how many of those events came from a recommendation (events that carry the
//   recId of a served result, written by the API's event ingestion). Caveat: the recommendations served
//   (impressions) are not stored in the graph, so "recommended" here means "a recommendation led to an event";
//   how often a new product was shown is in the API's metrics, not here.
// @param days int = 30 -- what counts as new
// @param limit int = 50 -- rows returned, newest first
// @columns productId, product, category, launched, daysOld, views, carts, purchases, fromRecommendations
// @indexes product_launched_at, viewed_ts
CALL () { MATCH ()-[e:VIEWED]->() RETURN max(e.ts) AS anchor }
MATCH (p:Product)
WHERE p.launchedAt >= anchor - $days * 86400000 AND p.launchedAt <= anchor
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(leaf:Category)
OPTIONAL MATCH (p)<-[e:VIEWED|ADDED_TO_CART|PURCHASED]-(:User)
WITH anchor, p, leaf,
     sum(CASE type(e) WHEN 'VIEWED' THEN 1 ELSE 0 END) AS views,
     sum(CASE type(e) WHEN 'ADDED_TO_CART' THEN 1 ELSE 0 END) AS carts,
     sum(CASE type(e) WHEN 'PURCHASED' THEN 1 ELSE 0 END) AS purchases,
     count(e.recId) AS fromRecommendations
RETURN p.id AS productId, p.name AS product, leaf.name AS category,
       substring(toString(datetime({epochMillis: toInteger(p.launchedAt)})), 0, 10) AS launched,
       toInteger((anchor - p.launchedAt) / 86400000) AS daysOld, views, carts, purchases, fromRecommendations
ORDER BY p.launchedAt DESC, productId
LIMIT $limit
