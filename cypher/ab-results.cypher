// @title A/B results per variant
// @description The graph-side view of attributed outcomes: per experiment and variant, the events that quoted
//   the recId of a response served under the experiment (trackEvents writes the exposure's experiment and
//   variant onto the event relationship). users = distinct users with an attributed event; clicks = attributed
//   views; carts, purchases, buyers; revenue = sum of price x quantity of the purchases; conversion = buyers /
//   users; revenuePerUser = revenue / users; firstEvent, lastEvent = the time span (UTC). Outcomes count for the
//   event's user, whereas `graphrec ab report` counts them for the exposed unit. Exposures (the denominators
//   of CTR and of the per-unit rates) and the significance tests are in `graphrec ab report`, which reads Redis.
// @param experiment string = "" -- an experiment id; "" for all
// @columns experiment, variant, users, clicks, carts, purchases, buyers, revenue, conversion, revenuePerUser,
//   firstEvent, lastEvent
MATCH (u:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product)
WHERE r.variant IS NOT NULL AND ($experiment = '' OR r.experiment = $experiment)
WITH r.experiment AS experiment, r.variant AS variant, u, r, type(r) = 'PURCHASED' AS bought
WITH experiment, variant, count(DISTINCT u) AS users,
     sum(CASE type(r) WHEN 'VIEWED' THEN 1 ELSE 0 END) AS clicks,
     sum(CASE type(r) WHEN 'ADDED_TO_CART' THEN 1 ELSE 0 END) AS carts,
     sum(CASE WHEN bought THEN 1 ELSE 0 END) AS purchases,
     count(DISTINCT CASE WHEN bought THEN u END) AS buyers,
     sum(CASE WHEN bought THEN coalesce(r.price, 0.0) * coalesce(r.quantity, 1) ELSE 0.0 END) AS revenue,
     min(r.ts) AS first, max(r.ts) AS last
RETURN experiment, variant, users, clicks, carts, purchases, buyers, round(revenue, 2) AS revenue,
       round(toFloat(buyers) / users, 4) AS conversion, round(revenue / users, 2) AS revenuePerUser,
       toString(datetime({epochMillis: toInteger(first)})) AS firstEvent,
       toString(datetime({epochMillis: toInteger(last)})) AS lastEvent
ORDER BY experiment, variant
