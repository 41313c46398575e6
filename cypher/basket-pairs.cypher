// @title Market-basket pairs (support, confidence, lift)
// @description Products bought in the same basket. A basket is the set of distinct products purchased in one
//   session. support = baskets with both / all baskets; confidence(A->B) = baskets with both / baskets with A;
//   lift = support / (support(A) * support(B)): above 1 means bought together more than chance.
// @param minBaskets int = 2 -- leave out pairs seen in fewer baskets than this
// @param limit int = 20 -- rows returned, highest lift first
// @columns productA, nameA, productB, nameB, baskets, support, confidenceAB, confidenceBA, lift
// @indexes purchased_event_id
MATCH (:User)-[e:PURCHASED]->(p:Product)
WHERE e.sessionId IS NOT NULL
WITH e.sessionId AS basket, collect(DISTINCT p) AS items
WITH collect(items) AS baskets
WITH baskets, toFloat(size(baskets)) AS n
UNWIND baskets AS items
UNWIND items AS a
UNWIND items AS b
WITH n, a, b WHERE a.id < b.id
WITH n, a, b, count(*) AS together WHERE together >= $minBaskets
CALL (a) { MATCH ()-[x:PURCHASED]->(a) WHERE x.sessionId IS NOT NULL RETURN count(DISTINCT x.sessionId) AS ca }
CALL (b) { MATCH ()-[y:PURCHASED]->(b) WHERE y.sessionId IS NOT NULL RETURN count(DISTINCT y.sessionId) AS cb }
RETURN a.id AS productA, a.name AS nameA, b.id AS productB, b.name AS nameB, together AS baskets,
       round(together / n, 6) AS support,
       round(toFloat(together) / ca, 4) AS confidenceAB,
       round(toFloat(together) / cb, 4) AS confidenceBA,
       round(together * n / (toFloat(ca) * cb), 4) AS lift
ORDER BY lift DESC, baskets DESC, productA, productB
LIMIT $limit
