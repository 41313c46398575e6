// @title Recommendation coverage and popularity bias by category
// @description Per top-level category: products, the share of products with any interaction (catalogue
//   coverage), the share that received an event from a recommendation (recId set by the API), the share of
//   purchases that go to the top 10% of products, and the Gini coefficient of purchases over products (0 =
//   even, 1 = one product takes all). Caveat: served recommendations (impressions) are not in the graph, so
//   recommendation coverage counts products a recommendation led to an event on, not products shown.
// @columns category, products, interacted, catalogCoverage, recommended, recCoverage, top10Share, gini
// @indexes category_level
MATCH (top:Category {level: 1})<-[:CHILD_OF*2]-(:Category)<-[:IN_CATEGORY]-(p:Product)
CALL (p) {
  OPTIONAL MATCH (p)<-[e:VIEWED|ADDED_TO_CART|PURCHASED]-(:User)
  RETURN count(e) AS events, count(e.recId) AS fromRecs,
         sum(CASE type(e) WHEN 'PURCHASED' THEN 1 ELSE 0 END) AS purchases
}
WITH top, p, events, fromRecs, purchases ORDER BY purchases
WITH top, count(p) AS products, sum(CASE WHEN events > 0 THEN 1 ELSE 0 END) AS interacted,
     sum(CASE WHEN fromRecs > 0 THEN 1 ELSE 0 END) AS recommended, collect(purchases) AS asc
WITH top, products, interacted, recommended, asc, reduce(s = 0, x IN asc | s + x) AS total,
     toInteger(ceil(products / 10.0)) AS topN
RETURN top.name AS category, products, interacted,
       round(toFloat(interacted) / products, 4) AS catalogCoverage, recommended,
       round(toFloat(recommended) / products, 4) AS recCoverage,
       CASE WHEN total = 0 THEN null
         ELSE round(toFloat(reduce(s = 0, x IN asc[products - topN..] | s + x)) / total, 4) END AS top10Share,
       CASE WHEN total = 0 THEN null
         ELSE round(2.0 * reduce(s = 0.0, i IN range(0, products - 1) | s + (i + 1) * asc[i]) / (products * total)
              - (products + 1.0) / products, 4) END AS gini
ORDER BY category
