import { startScratchNeo4j, ScratchNeo4j } from './scratchNeo4j';
import { testGraph } from '.';

describe('a scratch Neo4j', () => {
  let scratch: ScratchNeo4j;
  beforeAll(async () => {
    scratch = await startScratchNeo4j();
  }, 180_000);
  afterAll(async () => scratch?.stop());

  it('is a separate, empty database that survives a kill and restart', async () => {
    expect(scratch.config.neo4j.boltPort).not.toBe(7687);
    expect(await scratch.graph.read({ name: 't.count', cypher: 'MATCH (n) RETURN count(n) AS n' })).toEqual([
      { n: 0 },
    ]);
    await scratch.graph.write({ name: 't.create', cypher: 'CREATE (:ScratchOnly {v: 1})' });
    const shared = testGraph();
    expect(
      await shared.read({ name: 't.shared', cypher: 'MATCH (n:ScratchOnly) RETURN count(n) AS n' }),
    ).toEqual([{ n: 0 }]);
    await shared.close();
    process.kill(scratch.pid()!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    await scratch.restart();
    expect(
      await scratch.graph.read({ name: 't.after', cypher: 'MATCH (n:ScratchOnly) RETURN n.v AS v' }),
    ).toEqual([{ v: 1 }]);
  }, 180_000);
});
