// Ad-hoc read-only Cypher for analysts and scripts (`graphrec cypher`). The text comes from the person at the
// keyboard, not from a request; it still runs with parameters, and it must be read-only in fact: no writes, no
// files or URLs, no DBMS procedures or administration commands. It runs in a READ transaction, which Neo4j
// itself enforces for writes and schema changes (Statement.AccessMode). Before that, the server's plan (EXPLAIN)
// is screened (adhocScreen.ts): a write is named by its query type, and LOAD CSV, procedure calls outside the
// allow-list, SHOW/TERMINATE commands and CALL { } IN TRANSACTIONS by their operators, since several of those
// plan as read queries. A textual screen of the query's code runs second. Procedure calls such as
// dbms.components() plan as type 's' like CREATE INDEX does, so schema changes are left to the server's check.
import { validationError } from '../core';
import { describeRefusal, leadingWords, screenPlan, screenText, type PlanNode } from './adhocScreen';
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
    const refusal =
      (plan.summary.plan ? screenPlan(plan.summary.plan as PlanNode, cypher) : undefined) ??
      screenText(cypher);
    if (refusal) throw validationError(describeRefusal(refusal), { field: 'query' });
    return await session.executeRead(async (tx) => {
      const result = tx.run(cypher, params);
      // The result's keys, not the first record's: a query that matches nothing still has its columns.
      const columns = (await result.keys()).map(String);
      const { records } = await result;
      return { columns, rows: records.map((r) => toPlain(r.toObject()) as Record<string, unknown>) };
    }, txConfig);
  } catch (err) {
    // Community refuses to plan some system commands (STOP DATABASE) at all: still a refused command.
    if (
      err instanceof Neo4jError &&
      err.code === 'Neo.ClientError.Statement.UnsupportedAdministrationCommand'
    ) {
      const refusal = screenText(cypher) ?? { reason: 'command' as const, name: leadingWords(cypher) };
      throw validationError(describeRefusal(refusal), { field: 'query' });
    }
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
