// trackEvents' user check against the real Neo4j: known users pass, anonymous sessions are never looked up,
// an unknown id is refused naming its event, and an unanswering graph lets the batch through.
import { isGraphrecError } from '../core';
import { deleteLabel, testGraph, uniqueNamespace } from '../test/support';
import { createBreaker, type Breaker } from './guard';
import { refuseUnknownUsers } from './knownUsers';

describe('trackEvents refuses user ids the graph does not hold', () => {
  const label = uniqueNamespace('KnownUsers');
  const graph = testGraph();
  const known = `${label}-u1`;
  const passThrough = createBreaker('test.knownUsers');

  beforeAll(async () => {
    await graph.write({ name: 'test.seed', cypher: `CREATE (:User:\`${label}\` {id: $id})` }, { id: known });
  });
  afterAll(async () => {
    await deleteLabel(graph, label);
    await graph.close();
  });

  it('lets known users and anonymous sessions through', async () => {
    await expect(
      refuseUnknownUsers(graph, passThrough, [
        { userId: known, anonymous: false },
        { userId: `anon:${label}-s1`, anonymous: true },
      ]),
    ).resolves.toBeUndefined();
  });

  it('refuses an unknown user id with NOT_FOUND, naming the event', async () => {
    const unknown = `${label}-nobody`;
    const err = await refuseUnknownUsers(graph, passThrough, [
      { userId: known, anonymous: false },
      { userId: unknown, anonymous: false },
    ]).catch((e: unknown) => e);
    expect(isGraphrecError(err) && err.kind).toBe('NOT_FOUND');
    expect(isGraphrecError(err) && err.describe()).toBe(
      `events[1].userId: no user with id "${unknown}"; a shopper the shop has not exported yet is tracked by sessionId alone`,
    );
    const created = await graph.read<{ n: number }>(
      { name: 'test.count', cypher: 'MATCH (u:User {id: $id}) RETURN count(u) AS n' },
      { id: unknown },
    );
    expect(created[0].n).toBe(0);
  });

  it('skips the check when the graph cannot answer, so an outage loses no events', async () => {
    const down: Breaker = { ...passThrough, run: () => Promise.reject(new Error('Neo4j is down')) };
    await expect(
      refuseUnknownUsers(graph, down, [{ userId: `${label}-nobody`, anonymous: false }]),
    ).resolves.toBeUndefined();
  });
});
