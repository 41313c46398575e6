// Constraints and indexes, created before any row is written (IF NOT EXISTS: a no-op on a loaded graph).
// Names are stable so that docs/graph-model.md and `SHOW CONSTRAINTS` agree.
import { EVENT_KEY, EVENT_RELS, NODE_KEY } from '../../core';
import type { GraphClient } from '../../graph';

const NODE_KEYS: [name: string, label: string][] = [
  ['user_id', 'User'],
  ['product_id', 'Product'],
  ['category_id', 'Category'],
  ['brand_id', 'Brand'],
  ['session_id', 'Session'],
  ['price_band_id', 'PriceBand'],
  ['age_band_id', 'AgeBand'],
  ['region_id', 'Region'],
  ['loyalty_tier_id', 'LoyaltyTier'],
  ['etl_checkpoint_id', 'EtlCheckpoint'],
];

/** One event-key constraint per interaction relationship type: viewed_event_id, added_to_cart_event_id, ... */
const REL_EVENT_KEYS = EVENT_RELS.map((type) => [`${type.toLowerCase()}_event_id`, type] as const);

/** Every schema statement, in order. Labels and types come from the fixed lists above, never from input. */
export const SCHEMA_STATEMENTS: string[] = [
  ...NODE_KEYS.map(
    ([name, label]) =>
      `CREATE CONSTRAINT ${name} IF NOT EXISTS FOR (n:${label}) REQUIRE n.${NODE_KEY} IS UNIQUE`,
  ),
  // A relationship uniqueness constraint (Community has them since 5.7) is both the eventId index the contract
  // asks for and the idempotency guard: a CREATE of an event already in the graph fails instead of doubling it.
  ...REL_EVENT_KEYS.map(
    ([name, type]) =>
      `CREATE CONSTRAINT ${name} IF NOT EXISTS FOR ()-[r:${type}]-() REQUIRE r.${EVENT_KEY} IS UNIQUE`,
  ),
  'CREATE RANGE INDEX product_launched_at IF NOT EXISTS FOR (n:Product) ON (n.launchedAt)',
  'CREATE RANGE INDEX session_started_at IF NOT EXISTS FOR (n:Session) ON (n.startedAt)',
  'CREATE RANGE INDEX category_level IF NOT EXISTS FOR (n:Category) ON (n.level)',
  'CREATE RANGE INDEX viewed_ts IF NOT EXISTS FOR ()-[r:VIEWED]-() ON (r.ts)',
  'CREATE RANGE INDEX added_to_cart_ts IF NOT EXISTS FOR ()-[r:ADDED_TO_CART]-() ON (r.ts)',
  'CREATE RANGE INDEX purchased_ts IF NOT EXISTS FOR ()-[r:PURCHASED]-() ON (r.ts)',
];

/** The names of the constraints and indexes above (a database holding others is not the loader's alone). */
export const SCHEMA_NAMES: string[] = SCHEMA_STATEMENTS.map(
  (s) => /^CREATE \w+(?: INDEX)? (\w+) /.exec(s)![1],
);

export async function ensureSchema(graph: GraphClient): Promise<void> {
  for (const cypher of SCHEMA_STATEMENTS) await graph.write({ name: 'etl.load.schema', cypher });
  await graph.write({ name: 'etl.load.awaitIndexes', cypher: 'CALL db.awaitIndexes(300)' });
}
