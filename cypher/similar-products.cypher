// @title Similar products from the vector index
// @description The k nearest products to a product by its LightGCN embedding, from the vector index
//   `product_embedding` (cosine; Neo4j reports (1 + cosine) / 2) that `graphrec models publish` creates. With
//   product "" the first product (by id) that has an embedding is used. Empty until a model is published.
// @param product string = "" -- a product id; "" = the first product with an embedding
// @param k int = 10 -- neighbours returned
// @columns productId, product, similarId, similar, category, score
// @indexes product_embedding (vector), product_id
MATCH (p:Product)
WHERE p.embedding IS NOT NULL AND ($product = '' OR p.id = $product)
WITH p ORDER BY p.id LIMIT 1
CALL db.index.vector.queryNodes('product_embedding', $k + 1, p.embedding) YIELD node, score
WITH p, node, score WHERE node <> p
OPTIONAL MATCH (node)-[:IN_CATEGORY]->(c:Category)
RETURN p.id AS productId, p.name AS product, node.id AS similarId, node.name AS similar, c.name AS category,
       round(score, 6) AS score
ORDER BY score DESC, similarId
LIMIT $k
