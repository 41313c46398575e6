// Ids already in the graph, for referential integrity in incremental loads (events of users loaded last month).
// Streamed into an IdTable, so the strings are not all held at once. Labels come from a fixed whitelist.
import neo4j from 'neo4j-driver';
import type { GraphClient } from '../../graph';
import { translateNeo4jError } from '../../graph';
import { IdTable } from './idTable';

const LABELS = ['User', 'Product', 'Category', 'Brand', 'Session'] as const;
export type KeyLabel = (typeof LABELS)[number];

export async function knownIds(graph: GraphClient, label: KeyLabel, columns = 0): Promise<IdTable> {
  if (!LABELS.includes(label)) throw new Error(`not a key label: ${label}`);
  const table = new IdTable(columns);
  const session = graph.driver.session({ database: graph.database, defaultAccessMode: neo4j.session.READ });
  try {
    const extra = label === 'Category' ? ', n.level AS level' : '';
    const res = session.run(`MATCH (n:${label}) RETURN n.id AS id${extra}`);
    for await (const rec of res) {
      const id: unknown = rec.get('id');
      if (typeof id !== 'string') continue;
      const ord = table.add(id);
      if (ord >= 0 && columns > 0 && label === 'Category') table.set(ord, 0, Number(rec.get('level')));
    }
  } catch (err) {
    throw translateNeo4jError(err, `etl.load.knownIds.${label}`);
  } finally {
    await session.close();
  }
  return table;
}
