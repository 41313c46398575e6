// @title Conversion funnel by category
// @description Views, add-to-carts and purchases per top-level category, with the step rates (cart per view,
//   purchase per cart, purchase per view). Counts are events; a window can be set with from/to.
// @param from string = "" -- ISO date or timestamp, inclusive ("" = from the first event)
// @param to string = "" -- ISO date or timestamp, exclusive ("" = up to the last event)
// @columns category, views, carts, purchases, cartRate, purchaseRate, conversion
// @indexes viewed_ts, added_to_cart_ts, purchased_ts
WITH CASE WHEN $from = '' THEN -9223372036854775808 ELSE datetime($from).epochMillis END AS lo,
     CASE WHEN $to = '' THEN 9223372036854775807 ELSE datetime($to).epochMillis END AS hi
MATCH (top:Category {level: 1})<-[:CHILD_OF*2]-(:Category)<-[:IN_CATEGORY]-(p:Product)
MATCH (p)<-[e:VIEWED|ADDED_TO_CART|PURCHASED]-(:User)
WHERE e.ts >= lo AND e.ts < hi
WITH top.name AS category,
     sum(CASE type(e) WHEN 'VIEWED' THEN 1 ELSE 0 END) AS views,
     sum(CASE type(e) WHEN 'ADDED_TO_CART' THEN 1 ELSE 0 END) AS carts,
     sum(CASE type(e) WHEN 'PURCHASED' THEN 1 ELSE 0 END) AS purchases
RETURN category, views, carts, purchases,
       CASE WHEN views = 0 THEN null ELSE round(toFloat(carts) / views, 4) END AS cartRate,
       CASE WHEN carts = 0 THEN null ELSE round(toFloat(purchases) / carts, 4) END AS purchaseRate,
       CASE WHEN views = 0 THEN null ELSE round(toFloat(purchases) / views, 4) END AS conversion
ORDER BY views DESC, category
