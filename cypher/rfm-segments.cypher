// @title RFM user segments
// @description Buyers scored 1-5 on recency (days from their last purchase to the latest purchase in the graph)
//   and frequency (sessions with a purchase); monetary value (sum of price x quantity) is reported per segment.
//   A score is the quintile of the buyer's rank: 1 + floor(5 * rank / buyers), rank 0-based in ascending order of the value (recency: the
//   oldest last purchase first), ties by user id. Segments, first match wins: champions (R>=4 and F>=4), loyal
//   (F>=4), new (R>=4 and F<=2), at_risk (R<=2 and F>=3), hibernating (R<=2), regular (the rest).
// @columns segment, users, avgRecencyDays, avgFrequency, avgMonetary, revenue
// @indexes purchased_ts
CALL () { MATCH ()-[e:PURCHASED]->() RETURN max(e.ts) AS anchor }
MATCH (u:User)-[e:PURCHASED]->(:Product)
WITH anchor, u.id AS u, max(e.ts) AS last, count(DISTINCT e.sessionId) AS f,
     sum(coalesce(e.price, 0.0) * coalesce(e.quantity, 1)) AS m
WITH {u: u, last: last, r: (anchor - last) / 86400000.0, f: f, m: m} AS b
ORDER BY b.last, b.u
WITH collect(b) AS s
UNWIND range(0, size(s) - 1) AS i
WITH s[i] AS b, 1 + (5 * i) / size(s) AS rs
ORDER BY b.f, b.u
WITH collect({b: b, rs: rs}) AS s
UNWIND range(0, size(s) - 1) AS i
WITH s[i].b AS b, s[i].rs AS rs, 1 + (5 * i) / size(s) AS fs
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
