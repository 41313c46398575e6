// Which products are bought together with X, as a group? X's co-purchase community (written by
// `graphrec analytics communities --write`): its ten highest-ranked products with their categories.
// Change $product, or set it first with
// :param product => 'p7'
:param product => 'p7';
MATCH (x:Product {id: $product})
MATCH (p:Product) WHERE p.coPurchaseCommunity = x.coPurchaseCommunity
WITH x, p ORDER BY p.coPurchaseRank DESC, p.id LIMIT 10
WITH x, collect(p) AS top
UNWIND top AS p
OPTIONAL MATCH (p)-[:IN_CATEGORY]->(c:Category)
RETURN x, p, c, p.coPurchaseRank AS rank;
