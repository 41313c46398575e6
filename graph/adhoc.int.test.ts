// Abuse of `graphrec cypher`: every hostile class is refused with its exact message before anything runs, and
// ordinary reads (and the schema-describing commands) still answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isGraphrecError } from '../core';
import { deleteLabel, runCli, testGraph, uniqueNamespace } from '../test/support';
import { runReadOnlyCypher } from './adhoc';
import { ALLOWED_PROCEDURES } from './adhocScreen';

const LEAD = 'only read-only graph queries may run here, but this query';
const NOT_ALLOWED = `which is not one of ${ALLOWED_PROCEDURES.join(', ')}`;

describe('graphrec cypher refuses what a read transaction lets through', () => {
  const label = uniqueNamespace('AdhocAbuse');
  const graph = testGraph();
  let server: http.Server;
  let url: string;
  let hits = 0;

  beforeAll(async () => {
    await graph.write({ name: 'test.seed', cypher: `UNWIND range(1, 3) AS i CREATE (:\`${label}\` {i: i})` });
    server = http.createServer((_req, res) => {
      hits += 1;
      res.end('a,b\n1,2\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x.csv`;
  });
  afterAll(async () => {
    await deleteLabel(graph, label);
    await graph.close();
    await new Promise((resolve) => server.close(resolve));
  });

  async function refusal(cypher: string): Promise<string> {
    try {
      await runReadOnlyCypher(graph, cypher, {});
    } catch (err) {
      if (isGraphrecError(err) && err.kind === 'VALIDATION' && err.where.field === 'query')
        return err.message;
      throw err;
    }
    throw new Error(`ran: ${cypher}`);
  }

  it.each([
    ["LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", `${LEAD} reads a file or URL with LOAD CSV`],
    [
      'WITH 1 AS x LOAD CSV WITH HEADERS FROM $u AS row RETURN row',
      `${LEAD} reads a file or URL with LOAD CSV`,
    ],
    [
      'CALL dbms.listConfig() YIELD name, value RETURN name, value',
      `${LEAD} calls the procedure dbms.listConfig, ${NOT_ALLOWED}`,
    ],
    [
      "CALL dbms.killConnections(['bolt-1'])",
      `${LEAD} calls the procedure dbms.killConnections, ${NOT_ALLOWED}`,
    ],
    ['CALL `dbms`.`listConnections`()', `${LEAD} calls the procedure dbms.listConnections, ${NOT_ALLOWED}`],
    [
      "TERMINATE TRANSACTION 'neo4j-transaction-1'",
      `${LEAD} is the administration command TERMINATE TRANSACTIONS`,
    ],
    ['SHOW SETTINGS', `${LEAD} is the administration command SHOW SETTINGS`],
    ['SHOW USERS', `${LEAD} is the administration command SHOW USERS`],
    ["CREATE USER mallory SET PASSWORD 'abcdefgh12'", `${LEAD} is the administration command CREATE USER`],
    ['STOP DATABASE neo4j', `${LEAD} is the administration command STOP DATABASE`],
    [
      'CALL { MATCH (n) RETURN n } IN TRANSACTIONS RETURN 1 AS one',
      `${LEAD} runs CALL { ... } IN TRANSACTIONS`,
    ],
  ])('%s', async (cypher, message) => {
    expect(await refusal(cypher.replace('$u', `'${url}'`))).toBe(message);
  });

  it('never fetches a local URL through LOAD CSV', async () => {
    expect(await refusal(`LOAD CSV FROM '${url}' AS line RETURN line`)).toBe(
      `${LEAD} reads a file or URL with LOAD CSV`,
    );
    expect(hits).toBe(0);
  });

  it('finds a write hidden behind a comment or after a string that mentions a read', async () => {
    const hidden = `MATCH (n:\`${label}\`) // RETURN n
SET n.i = -1 /* 'RETURN' */ RETURN 'MATCH (x) RETURN x' AS s`;
    expect(await refusal(hidden)).toBe(
      "only read-only queries may run here, but this query is of type 'read-write'",
    );
    const rows = await graph.read<{ n: number }>({
      name: 'test.count',
      cypher: `MATCH (n:\`${label}\`) WHERE n.i < 0 RETURN count(n) AS n`,
    });
    expect(rows[0].n).toBe(0);
  });

  it('still runs reads whose strings and comments mention the refused words', async () => {
    const res = await runReadOnlyCypher(
      graph,
      `// LOAD CSV and TERMINATE TRANSACTIONS are only words here
MATCH (n:\`${label}\`) RETURN 'CALL dbms.listConfig() LOAD CSV' AS s, count(n) AS n`,
      {},
    );
    expect(res.rows).toEqual([{ s: 'CALL dbms.listConfig() LOAD CSV', n: 3 }]);
  });

  it('runs the allowed procedures and schema commands', async () => {
    const labels = await runReadOnlyCypher(graph, 'CALL db.labels() YIELD label RETURN label', {});
    expect(labels.rows).toContainEqual({ label });
    const indexes = await runReadOnlyCypher(graph, 'SHOW INDEXES YIELD name RETURN count(*) AS n', {});
    expect(indexes.columns).toEqual(['n']);
    // The runbook's slow-query check (docs/operations.md).
    const txs = await runReadOnlyCypher(
      graph,
      'SHOW TRANSACTIONS YIELD transactionId RETURN count(*) AS n',
      {},
    );
    expect(txs.columns).toEqual(['n']);
  });

  it('gives the CLI caller the refusal as a typed error and exit code 65', () => {
    const res = runCli(['cypher', "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", '--json']);
    expect(res.status).toBe(65);
    expect(res.json()).toEqual({
      error: { kind: 'VALIDATION', field: 'query', message: `${LEAD} reads a file or URL with LOAD CSV` },
    });
  });
});
