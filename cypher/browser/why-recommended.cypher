// Why was X recommended to this user? The paths the API's explanations follow (api/recs/queries.ts): from a
// product the user touched, to X by co-purchase (other customers bought both), co-view (viewed in one session)
// or the same leaf category; and the user's segment (age band and region) buying X.
:param user => 'u1';
:param product => 'p7';
MATCH (u:User {id: $user}), (x:Product {id: $product})
CALL (u, x) {
  MATCH path = (u)-[:VIEWED|ADDED_TO_CART|PURCHASED]->(seed:Product)<-[:PURCHASED]-(:User)-[:PURCHASED]->(x)
  WHERE seed <> x
  RETURN path, 'copurchase' AS why LIMIT 3
  UNION
  MATCH path = (u)-[:VIEWED|ADDED_TO_CART|PURCHASED]->(seed:Product)<-[v:VIEWED]-(:User)-[v2:VIEWED]->(x)
  WHERE seed <> x AND v.sessionId = v2.sessionId
  RETURN path, 'coview' AS why LIMIT 3
  UNION
  MATCH path = (u)-[:VIEWED|ADDED_TO_CART|PURCHASED]->(seed:Product)-[:IN_CATEGORY]->(:Category)<-[:IN_CATEGORY]-(x)
  WHERE seed <> x
  RETURN path, 'category' AS why LIMIT 3
  UNION
  MATCH path = (u)-[:IN_AGE_BAND]->(:AgeBand)<-[:IN_AGE_BAND]-(o:User)-[:PURCHASED]->(x)
  WHERE (o)-[:IN_REGION]->(:Region)<-[:IN_REGION]-(u)
  RETURN path, 'segment' AS why LIMIT 3
}
RETURN why, path;
