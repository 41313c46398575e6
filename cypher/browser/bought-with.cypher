// What is bought with X? Products bought by the customers who bought X (the API's "bought together"
// candidates come from the same co-purchase path). Change $product, or set it first with
// :param product => 'p7'
:param product => 'p7';
MATCH (x:Product {id: $product})<-[:PURCHASED]-(u:User)-[:PURCHASED]->(other:Product)
WHERE other <> x
WITH x, other, count(DISTINCT u) AS customers
ORDER BY customers DESC, other.id
LIMIT 10
MATCH (other)-[:IN_CATEGORY]->(c:Category)
RETURN x, other, c, customers;
