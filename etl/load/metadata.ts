// The metadata nodes used for cold start (docs/graph-model.md): fixed vocabularies, and the derived price bands.
import { AGE_BAND_EDGES, AGE_BANDS, LOYALTY_TIER_NAMES, MIN_AGE, REGION_NAMES } from '../../core';
import type { GraphClient } from '../../graph';

export const PRICE_BANDS = [
  { id: 'pb0', name: 'Cheapest 20% of its top category', rank: 0 },
  { id: 'pb1', name: 'Lower-middle 20% of its top category', rank: 1 },
  { id: 'pb2', name: 'Middle 20% of its top category', rank: 2 },
  { id: 'pb3', name: 'Upper-middle 20% of its top category', rank: 3 },
  { id: 'pb4', name: 'Dearest 20% of its top category', rank: 4 },
];

/** Age band at `atYear` (the year of the window's end) of someone born in `birthYear`; ages below 18 have none. */
export function ageBand(birthYear: number, atYear: number): string | undefined {
  const age = atYear - birthYear;
  if (age < MIN_AGE) return undefined;
  return AGE_BANDS[AGE_BAND_EDGES.filter((edge) => age >= edge).length];
}

const MERGE_META = `
UNWIND $ageBands AS a MERGE (n:AgeBand {id: a}) SET n.name = a
WITH count(*) AS _
UNWIND $regions AS r MERGE (n:Region {id: r.id}) SET n.name = r.name
WITH count(*) AS _
UNWIND $tiers AS t MERGE (n:LoyaltyTier {id: t.id}) SET n.name = t.name
WITH count(*) AS _
UNWIND $priceBands AS b MERGE (n:PriceBand {id: b.id}) SET n.name = b.name, n.rank = b.rank`;

export async function mergeMetadataNodes(graph: GraphClient): Promise<void> {
  await graph.write(
    { name: 'etl.load.metadata', cypher: MERGE_META },
    {
      ageBands: [...AGE_BANDS],
      regions: Object.entries(REGION_NAMES).map(([id, name]) => ({ id, name })),
      tiers: Object.entries(LOYALTY_TIER_NAMES).map(([id, name]) => ({ id, name })),
      priceBands: PRICE_BANDS,
    },
  );
}

const TOP_CATEGORIES = `MATCH (t:Category {level: 1}) RETURN t.id AS id ORDER BY id`;

// Quintiles of price within one top-level category, from the graph (so incremental loads re-band everything):
// products ranked by (price, id), band = floor(5 * rank / n). Only changed band links are rewritten.
const BAND_TOP = `
MATCH (t:Category {id: $top})<-[:CHILD_OF*0..2]-(:Category)<-[:IN_CATEGORY]-(p:Product)
WHERE p.price IS NOT NULL
WITH DISTINCT p ORDER BY p.price, p.id
WITH collect(p) AS ps
WITH ps, size(ps) AS n
UNWIND range(0, n - 1) AS i
WITH ps[i] AS p, 'pb' + toString(toInteger(5 * i / n)) AS band
OPTIONAL MATCH (p)-[old:IN_PRICE_BAND]->(b0:PriceBand)
WITH p, band, collect(old) AS olds, collect(b0.id) AS oldIds
WHERE NOT band IN oldIds OR size(olds) > 1
FOREACH (o IN olds | DELETE o)
WITH p, band
MATCH (b:PriceBand {id: band})
CREATE (p)-[:IN_PRICE_BAND]->(b)
RETURN count(*) AS changed`;

export async function assignPriceBands(graph: GraphClient): Promise<number> {
  const tops = await graph.read<{ id: string }>({ name: 'etl.load.topCategories', cypher: TOP_CATEGORIES });
  let changed = 0;
  for (const { id } of tops) {
    const rows = await graph.write<{ changed: number }>(
      { name: 'etl.load.priceBands', cypher: BAND_TOP },
      { top: id },
    );
    changed += Number(rows[0]?.changed ?? 0);
  }
  return changed;
}

// A session's eventCount from the graph: its user's interactions carrying its id (a user has few; cheap). Run in
// the same transaction as each events batch, so it sees the batch and is never behind a committed checkpoint.
export const SESSION_COUNTS = `
UNWIND $rows AS sid
MATCH (s:Session {id: sid})
OPTIONAL MATCH (u:User)-[:HAD_SESSION]->(s)
OPTIONAL MATCH (u)-[e:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product)
WHERE e.sessionId = sid
WITH s, count(e) AS n
SET s.eventCount = n`;
