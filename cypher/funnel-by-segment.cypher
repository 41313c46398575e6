// @title Conversion funnel by user segment
// @description Views, add-to-carts and purchases per user segment (loyalty tier, region, gender or age band),
//   with the step rates. Anonymous storefront sessions have no demographics and form the segment "(none)".
// @param segment enum(loyaltyTier|region|gender|ageBand) = "loyaltyTier" -- the user attribute to group by
// @columns segment, users, views, carts, purchases, cartRate, purchaseRate, conversion
// @indexes user_id
MATCH (u:User)-[e:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product)
WITH u, type(e) AS t, count(*) AS n
WITH u, sum(CASE t WHEN 'VIEWED' THEN n ELSE 0 END) AS v,
     sum(CASE t WHEN 'ADDED_TO_CART' THEN n ELSE 0 END) AS c,
     sum(CASE t WHEN 'PURCHASED' THEN n ELSE 0 END) AS p
WITH coalesce(CASE $segment
       WHEN 'loyaltyTier' THEN u.loyaltyTier
       WHEN 'region' THEN u.region
       WHEN 'gender' THEN u.gender
       WHEN 'ageBand' THEN COLLECT { MATCH (u)-[:IN_AGE_BAND]->(a:AgeBand) RETURN a.id }[0]
     END, '(none)') AS segment, v, c, p
WITH segment, count(*) AS users, sum(v) AS views, sum(c) AS carts, sum(p) AS purchases
RETURN segment, users, views, carts, purchases,
       CASE WHEN views = 0 THEN null ELSE round(toFloat(carts) / views, 4) END AS cartRate,
       CASE WHEN carts = 0 THEN null ELSE round(toFloat(purchases) / carts, 4) END AS purchaseRate,
       CASE WHEN views = 0 THEN null ELSE round(toFloat(purchases) / views, 4) END AS conversion
ORDER BY segment
