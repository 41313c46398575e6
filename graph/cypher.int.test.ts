import { deleteLabel, runCli, testGraph, uniqueNamespace } from '../test/support';

describe('graphrec cypher', () => {
  const label = uniqueNamespace('CypherCli');
  const graph = testGraph();

  beforeAll(async () => {
    await graph.write({
      name: 'test.seed',
      cypher: `UNWIND range(1, 3) AS i CREATE (:\`${label}\` {i: i, name: 'n' + i})`,
    });
  });
  afterAll(async () => {
    await deleteLabel(graph, label);
    await graph.close();
  });

  it('prints one JSON object, the columns and the rows, with typed parameters', () => {
    const res = runCli([
      'cypher',
      `MATCH (n:\`${label}\`) WHERE n.i >= $min RETURN n.i AS i, n.name AS name ORDER BY i`,
      '--param',
      'min=2',
      '--json',
    ]);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.json()).toEqual({
      columns: ['i', 'name'],
      rows: [
        { i: 2, name: 'n2' },
        { i: 3, name: 'n3' },
      ],
    });
  });

  it('returns the columns and no rows when nothing matches', () => {
    const res = runCli(['cypher', `MATCH (n:\`${label}\`) WHERE n.i > 100 RETURN n`, '--json']);
    expect(res.json()).toEqual({ columns: ['n'], rows: [] });
  });

  it('refuses a write query, changes nothing, and exits 65', async () => {
    const res = runCli(['cypher', `MATCH (n:\`${label}\`) DETACH DELETE n`, '--json']);
    expect(res.status).toBe(65);
    expect(res.json()).toEqual({
      error: {
        kind: 'VALIDATION',
        field: 'query',
        message: "only read-only queries may run here, but this query is of type 'write'",
      },
    });
    const rows = await graph.read<{ n: number }>({
      name: 'test.count',
      cypher: `MATCH (n:\`${label}\`) RETURN count(n) AS n`,
    });
    expect(rows[0].n).toBe(3);
  });

  it('refuses a schema change through the server-enforced read transaction', () => {
    const res = runCli([
      'cypher',
      `CREATE INDEX ${label.toLowerCase()}_probe IF NOT EXISTS FOR (n:\`${label}\`) ON (n.i)`,
      '--json',
    ]);
    expect(res.status).toBe(65);
    expect(res.json()).toEqual({
      error: {
        kind: 'VALIDATION',
        field: 'query',
        message: 'only read-only queries may run here, but Neo4j refused this one in a read transaction',
      },
    });
  });

  it('runs read-only procedure calls', () => {
    const res = runCli([
      'cypher',
      'CALL dbms.components() YIELD name, versions RETURN name, versions[0] AS version',
      '--json',
    ]);
    expect(res.status).toBe(0);
    expect(res.json()).toEqual({
      columns: ['name', 'version'],
      rows: [{ name: 'Neo4j Kernel', version: expect.stringMatching(/^5\.26\./) }],
    });
  });

  it('reports a syntax error as bad input, not a crash', () => {
    const res = runCli(['cypher', 'MATCH (n RETRN n', '--json']);
    expect(res.status).toBe(65);
    expect((res.json() as { error: { kind: string } }).error.kind).toBe('VALIDATION');
    expect(res.stderr).toMatch(/^graphrec: cli\.cypher: /);
  });

  it('rejects a malformed --param', () => {
    const res = runCli(['cypher', 'RETURN 1', '--param', 'oops']);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('--param must look like key=value, but got: "oops"');
  });
});
