// Ids already in the graph, for referential integrity in incremental loads (events of users loaded last month).
// Streamed into an IdTable, so the strings are not all held at once. Read through the client's read
// transactions, so a cluster serves them from a follower.
import type { GraphClient, NamedQuery } from '../../graph';
import { IdTable } from './idTable';

const LABELS = ['User', 'Product', 'Category', 'Brand', 'Session'] as const;
export type KeyLabel = (typeof LABELS)[number];

/** Columns by position: `id`, then for categories their `level` (the one column an incremental load checks). */
const QUERIES: Record<KeyLabel, NamedQuery> = {
  User: { name: 'etl.load.knownIds.User', cypher: 'MATCH (n:User) RETURN n.id AS id' },
  Product: { name: 'etl.load.knownIds.Product', cypher: 'MATCH (n:Product) RETURN n.id AS id' },
  Category: {
    name: 'etl.load.knownIds.Category',
    cypher: 'MATCH (n:Category) RETURN n.id AS id, n.level AS level',
  },
  Brand: { name: 'etl.load.knownIds.Brand', cypher: 'MATCH (n:Brand) RETURN n.id AS id' },
  Session: { name: 'etl.load.knownIds.Session', cypher: 'MATCH (n:Session) RETURN n.id AS id' },
};

export async function knownIds(graph: GraphClient, label: KeyLabel, columns = 0): Promise<IdTable> {
  if (!LABELS.includes(label)) throw new Error(`not a key label: ${label}`);
  const withLevel = columns > 0 && label === 'Category';
  let table = new IdTable(columns);
  await graph.stream(
    QUERIES[label],
    {},
    {
      // A retried transaction replays its rows from the start: begin a fresh table.
      start: () => {
        table = new IdTable(columns);
      },
      row: (r) => {
        const id = r.get(0);
        if (typeof id !== 'string') return;
        const ord = table.add(id);
        if (ord >= 0 && withLevel) table.set(ord, 0, Number(r.get(1)));
      },
    },
  );
  return table;
}
