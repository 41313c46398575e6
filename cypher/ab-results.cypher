// @title A/B results per variant
// @description Per experiment variant: users assigned, users who viewed, carted and bought after their
//   assignment, conversion (buyers / assigned), revenue per assigned user, and events attributed to a served
//   recommendation (recId). ASSUMPTION (docs/experiments.md had not landed when this was written): assignments
//   are stored as (:User)-[:ASSIGNED_TO {at: ms}]->(:Variant {id, experiment, name}); see docs/reports.md.
//   Without such nodes the report has no rows.
// @param experiment string = "" -- an experiment name; "" for all
// @columns experiment, variant, users, viewers, carters, buyers, conversion, revenuePerUser, attributedEvents
MATCH (u:User)-[a:ASSIGNED_TO]->(v:Variant)
WHERE $experiment = '' OR v.experiment = $experiment
CALL (u, a) {
  OPTIONAL MATCH (u)-[e:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product)
  WHERE e.ts >= coalesce(a.at, 0)
  RETURN sum(CASE type(e) WHEN 'VIEWED' THEN 1 ELSE 0 END) AS views,
         sum(CASE type(e) WHEN 'ADDED_TO_CART' THEN 1 ELSE 0 END) AS carts,
         sum(CASE type(e) WHEN 'PURCHASED' THEN 1 ELSE 0 END) AS purchases,
         sum(CASE type(e) WHEN 'PURCHASED' THEN coalesce(e.price, 0.0) * coalesce(e.quantity, 1) ELSE 0.0 END)
           AS revenue,
         count(e.recId) AS attributed
}
WITH v, count(u) AS users, sum(CASE WHEN views > 0 THEN 1 ELSE 0 END) AS viewers,
     sum(CASE WHEN carts > 0 THEN 1 ELSE 0 END) AS carters, sum(CASE WHEN purchases > 0 THEN 1 ELSE 0 END) AS buyers,
     sum(revenue) AS revenue, sum(attributed) AS attributedEvents
RETURN v.experiment AS experiment, v.name AS variant, users, viewers, carters, buyers,
       round(toFloat(buyers) / users, 4) AS conversion, round(revenue / users, 2) AS revenuePerUser,
       attributedEvents
ORDER BY experiment, variant
