import { runCli, testConfig, testGraph } from '../test/support';
import { stackStatus, stackUp, managedNeo4jPid } from '.';
import { createLogger } from '../core';

describe('the local stack', () => {
  const config = testConfig();

  it('reports Neo4j 5.26 Community and Redis 7 up, through the CLI', () => {
    const res = runCli(['stack', 'status', '--json']);
    expect(res.status).toBe(0);
    const status = res.json() as {
      neo4j: { up: boolean; version: string; bolt: string; edition: string };
      redis: { up: boolean; version: string };
    };
    expect(status.neo4j.up).toBe(true);
    expect(status.neo4j.version).toMatch(/^5\.26\.\d+$/);
    expect(status.neo4j.edition).toBe('community');
    expect(status.neo4j.bolt).toBe(config.neo4j.uri);
    expect(status.redis.up).toBe(true);
    expect(status.redis.version).toMatch(/^7\.\d+\.\d+$/);
  });

  it('serves Neo4j Browser on the HTTP port', async () => {
    if (config.neo4j.external) return;
    const res = await fetch(`http://127.0.0.1:${config.neo4j.httpPort}/browser/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Neo4j Browser</title>');
  });

  it('keeps the data when the Neo4j process is killed and the stack brought up again', async () => {
    const pid = managedNeo4jPid(config);
    if (pid === undefined) return; // an external Neo4j is not ours to kill
    const graph = testGraph(config);
    const marker = `kill-${Date.now()}`;
    await graph.write(
      { name: 'test.persist', cypher: 'CREATE (:StackPersistenceProbe {marker: $marker})' },
      { marker },
    );
    await graph.close();
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    const up = await stackUp(config, createLogger('warn'));
    expect(up.started).toContain('neo4j');
    const again = testGraph(config);
    const rows = await again.read<{ n: number }>(
      {
        name: 'test.persist.read',
        cypher: 'MATCH (p:StackPersistenceProbe {marker: $marker}) RETURN count(p) AS n',
      },
      { marker },
    );
    expect(rows).toEqual([{ n: 1 }]);
    await again.write({ name: 'test.persist.clean', cypher: 'MATCH (p:StackPersistenceProbe) DELETE p' });
    await again.close();
    expect((await stackStatus(config)).neo4j.up).toBe(true);
  }, 180_000);
});
