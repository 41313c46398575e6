// @title Session paths: the most common next product after X
// @description For every event on product X in a session, the product of the session's next event (seq + 1),
//   when it is a different product. Counts those transitions per next product, with their share. With
//   product "" the most interacted-with product is used.
// @param product string = "" -- a product id; "" = the product with the most events
// @param limit int = 10 -- rows returned
// @columns fromProduct, nextProduct, name, transitions, share
// @indexes product_id
MATCH (x:Product)<-[:VIEWED|ADDED_TO_CART|PURCHASED]-(:User)
WHERE $product = '' OR x.id = $product
WITH x, count(*) AS events
ORDER BY events DESC, x.id
LIMIT 1
MATCH (u:User)-[a:VIEWED|ADDED_TO_CART|PURCHASED]->(x)
MATCH (u)-[b:VIEWED|ADDED_TO_CART|PURCHASED]->(next:Product)
WHERE b.sessionId = a.sessionId AND b.seq = a.seq + 1 AND next <> x
WITH x, next, count(*) AS transitions
WITH x, collect({next: next, transitions: transitions}) AS rows, sum(transitions) AS total
UNWIND rows AS r
RETURN x.id AS fromProduct, r.next.id AS nextProduct, r.next.name AS name, r.transitions AS transitions,
       round(toFloat(r.transitions) / total, 4) AS share
ORDER BY transitions DESC, nextProduct
LIMIT $limit
