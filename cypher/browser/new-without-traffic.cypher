// Which new products have no traffic? Products launched in the 30 days before the latest event in the graph
// with no view, cart or purchase yet: candidates for placement (the model gives them embeddings from their
// category, brand and price band, but a shopper has not seen them yet).
:param days => 30;
CALL () { MATCH ()-[e:VIEWED]->() RETURN max(e.ts) AS anchor }
MATCH (p:Product)-[:IN_CATEGORY]->(c:Category)
WHERE p.launchedAt >= anchor - $days * 86400000 AND NOT EXISTS { (p)<-[:VIEWED|ADDED_TO_CART|PURCHASED]-() }
MATCH (p)-[:MADE_BY]->(b:Brand)
RETURN p.id AS id, p.name AS product, c.name AS category, b.name AS brand, p.price AS price,
       date(datetime({epochMillis: toInteger(p.launchedAt)})) AS launched
ORDER BY launched DESC;
