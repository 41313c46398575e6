// @title RFM user segments
// @description Buyers scored 1-5 on recency (whole days from their last purchase to the latest purchase in the
//   graph) and frequency (sessions with a purchase); monetary value (sum of price x quantity) is reported per
//   segment. A score is 1 + floor(5 * w / buyers), where w is the number of buyers with a strictly worse value
//   (more days; fewer sessions), so equal values share a score. Segments, first match wins: champions (R>=4 and
//   F>=4), loyal (F>=4), new (R>=4 and F<=2), at_risk (R<=2 and F>=3), hibernating (R<=2), regular (the rest).
// @columns segment, users, avgRecencyDays, avgFrequency, avgMonetary, revenue
// @indexes purchased_ts
CALL () { MATCH ()-[e:PURCHASED]->() RETURN max(e.ts) AS anchor }
MATCH (u:User)-[e:PURCHASED]->(:Product)
WITH anchor, u.id AS u, max(e.ts) AS last, count(DISTINCT e.sessionId) AS f,
     sum(coalesce(e.price, 0.0) * coalesce(e.quantity, 1)) AS m
WITH collect({u: u, r: toInteger((anchor - last) / 86400000), f: f, m: m}) AS buyers
WITH buyers, size(buyers) AS n
// Recency: group by days, most days (worst) first; a group's score counts the buyers before it.
CALL (buyers) {
  UNWIND buyers AS b
  WITH b.r AS r, count(*) AS c ORDER BY r DESC
  WITH collect({r: r, c: c}) AS g
  RETURN [i IN range(0, size(g) - 1) | {r: g[i].r, worse: reduce(s = 0, x IN g[0..i] | s + x.c)}] AS rWorse
}
CALL (buyers) {
  UNWIND buyers AS b
  WITH b.f AS f, count(*) AS c ORDER BY f
  WITH collect({f: f, c: c}) AS g
  RETURN [i IN range(0, size(g) - 1) | {f: g[i].f, worse: reduce(s = 0, x IN g[0..i] | s + x.c)}] AS fWorse
}
UNWIND buyers AS b
WITH b, 1 + (5 * [x IN rWorse WHERE x.r = b.r][0].worse) / n AS rs,
     1 + (5 * [x IN fWorse WHERE x.f = b.f][0].worse) / n AS fs
WITH b, CASE
    WHEN rs >= 4 AND fs >= 4 THEN 'champions'
    WHEN fs >= 4 THEN 'loyal'
    WHEN rs >= 4 AND fs <= 2 THEN 'new'
    WHEN rs <= 2 AND fs >= 3 THEN 'at_risk'
    WHEN rs <= 2 THEN 'hibernating'
    ELSE 'regular'
  END AS segment
RETURN segment, count(*) AS users, round(avg(b.r), 1) AS avgRecencyDays, round(avg(b.f), 2) AS avgFrequency,
       round(avg(b.m), 2) AS avgMonetary, round(sum(b.m), 2) AS revenue
ORDER BY revenue DESC
