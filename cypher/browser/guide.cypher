// graphrec for merchandisers: a short tour. Run each block in Neo4j Browser (http://127.0.0.1:7474/browser/).
// Load the style sheet first: drag cypher/browser/graphrec.grass onto the Browser window.

// 1. The model: what is connected to what.
CALL db.schema.visualization();

// 2. One product and everything around it: category path, brand, price band.
MATCH (p:Product {id: 'p7'})-[:IN_CATEGORY]->(leaf)-[:CHILD_OF*]->(top)
MATCH (p)-[:MADE_BY]->(b), (p)-[:IN_PRICE_BAND]->(band)
RETURN p, leaf, top, b, band;

// 3. What is bought with it: cypher/browser/bought-with.cypher.
// 4. Why it was recommended to a user: cypher/browser/why-recommended.cypher.
// 5. New products nobody has seen yet: cypher/browser/new-without-traffic.cypher.
// 6. The group a product is bought in (after `graphrec analytics communities --write`):
//    cypher/browser/co-purchase-community.cypher.

// 7. One shopper's last session, in order.
MATCH (u:User {id: 'u1'})-[:HAD_SESSION]->(s:Session)
WITH u, s ORDER BY s.startedAt DESC LIMIT 1
MATCH (u)-[e:VIEWED|ADDED_TO_CART|PURCHASED]->(p:Product) WHERE e.sessionId = s.id
RETURN e.seq AS seq, type(e) AS event, p.name AS product, datetime({epochMillis: toInteger(e.ts)}) AS at ORDER BY seq;

// 8. The analyst reports (seasonality, funnels, basket pairs, RFM, ...) run from the shell:
//    npx graphrec report --list
