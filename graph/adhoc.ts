// Ad-hoc read-only Cypher for analysts and scripts (`graphrec cypher`). The text comes from the person at the
// keyboard, not from a request; it still runs with parameters, and it must be read-only. It runs in a READ
// transaction, which Neo4j itself enforces (writes and schema changes fail with Statement.AccessMode). Planning
// with EXPLAIN first turns the common case, a write, into a clear message before anything runs; procedure calls
// such as dbms.components() plan as type 's' like CREATE INDEX does, so those are left to the server's check.
import { validationError } from '../core';
import type { GraphClient, Params } from './client';
import { translateNeo4jError } from './errors';
import { toPlain } from './values';
import neo4j, { Neo4jError } from 'neo4j-driver';

export interface AdhocResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

export async function runReadOnlyCypher(
  client: GraphClient,
  cypher: string,
  params: Params,
): Promise<AdhocResult> {
  if (cypher.trim().length === 0) throw validationError('the query is empty', { field: 'query' });
  const session = client.driver.session({ database: client.database, defaultAccessMode: neo4j.session.READ });
  const txConfig = { metadata: { app: 'graphrec', query: 'cli.cypher' } };
  try {
    const plan = await session.executeRead((tx) => tx.run(`EXPLAIN ${cypher}`, params), txConfig);
    const type = plan.summary.queryType;
    if (type === 'w' || type === 'rw') {
      throw validationError(
        `only read-only queries may run here, but this query is of type '${describe(type)}'`,
        { field: 'query' },
      );
    }
    return await session.executeRead(async (tx) => {
      const result = tx.run(cypher, params);
      // The result's keys, not the first record's: a query that matches nothing still has its columns.
      const columns = (await result.keys()).map(String);
      const { records } = await result;
      return { columns, rows: records.map((r) => toPlain(r.toObject()) as Record<string, unknown>) };
    }, txConfig);
  } catch (err) {
    if (err instanceof Neo4jError && err.code === 'Neo.ClientError.Statement.AccessMode') {
      throw validationError(
        'only read-only queries may run here, but Neo4j refused this one in a read transaction',
        { field: 'query' },
      );
    }
    throw translateNeo4jError(err, 'cli.cypher');
  } finally {
    await session.close();
  }
}

function describe(type: string): string {
  return ({ w: 'write', rw: 'read-write', s: 'schema' } as Record<string, string>)[type] ?? type;
}
